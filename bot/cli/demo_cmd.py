"""`citycheck demo`: score the bundled example answers and print the reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "answers"


def register(app: typer.Typer) -> None:
    """Attach the demo command to the main command line."""
    app.command("demo")(demo_command)


def demo_command(
    answers: Annotated[
        list[Path] | None,
        typer.Option(
            "--answers",
            exists=True,
            metavar="FILE",
            dir_okay=False,
            help="Score this answers file instead of the examples (repeat for several).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Score example cities' answers against the bundled rubric and print their reports."""
    from bot.cli.rubric_cmd import load_or_exit, score_file_or_exit
    from bot.reports.text import render_score_report, render_summary

    files = answers or sorted(EXAMPLES.glob("*.yaml"))
    if not files:
        typer.echo(f"no example answers in {EXAMPLES}: pass --answers FILE", err=True)
        raise typer.Exit(1)
    rubric = load_or_exit(None)
    scored = [(path, *score_file_or_exit(rubric, path)) for path in files]
    if len(scored) > 1:
        typer.echo(f"{len(scored)} answer files scored against {rubric.id} {rubric.version}\n")
        typer.echo(render_summary([(path.name, score) for path, score, _ in scored]))
    for path, score, gap in scored:
        typer.echo("─" * 88)
        typer.echo(render_score_report(rubric, score, gap, title=path.name))
