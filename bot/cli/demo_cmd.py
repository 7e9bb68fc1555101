"""`citycheck demo`: the assessment on this machine, at the keyboard or played by a script."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Attach the demo command to the main command line."""
    app.command("demo")(demo_command)


def demo_command(
    script: Annotated[
        Path | None,
        typer.Option(
            "--script",
            exists=True,
            dir_okay=False,
            metavar="FILE",
            help="Play this scripted team instead of waiting for a person "
            "(see examples/demo-script.yaml).",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="With a script: print only the final report.")
    ] = False,
    answers_out: Annotated[
        Path | None,
        typer.Option(
            "--answers-out",
            dir_okay=False,
            metavar="FILE",
            help="Write the final answers here, in the format `citycheck score` reads.",
            show_default=False,
        ),
    ] = None,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            metavar="URL",
            help="An empty database to use (default: a new SQLite file in a temp folder).",
            show_default=False,
        ),
    ] = None,
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the temp folder (database, bot log) afterwards.")
    ] = False,
) -> None:
    """Take the assessment on this machine: the sandbox Slack, the real bot and SQLite.

    At a terminal you answer as a city staff member (and can switch to the coordinator);
    otherwise, or with --script, a scripted team plays it and the final report is printed.
    Needs no network and no Slack account. To score an answers file, use `citycheck score`.
    """
    from bot.demo.run import DemoOptions, play_script, take_assessment
    from bot.demo.stage import OutputClosed, echo_to

    if database is not None:
        _check_database(database)
    options = DemoOptions(script, quiet, answers_out, database, keep)
    say, warn = echo_to(sys.stdout), echo_to(sys.stderr)
    at_terminal = sys.stdin.isatty() and sys.stdout.isatty()
    try:
        if script is None and at_terminal and not quiet:
            code = take_assessment(options, input, say, warn)
        else:
            if script is None and not quiet:
                say(NOT_A_TERMINAL)
            code = play_script(options, say, warn)
    except OutputClosed:
        code = 0
    except KeyboardInterrupt:  # Ctrl-C while starting or playing: everything was stopped
        warn("citycheck demo: stopped")
        code = 130
    raise typer.Exit(code)


NOT_A_TERMINAL = (
    "Not at a terminal (input or output is redirected): playing the bundled script instead.\n"
)


def _check_database(url: str) -> None:
    """Refuse a URL the bot's own process could not open (malformed, or SQLite in memory)."""
    from storage.engine import DatabaseUrlError, is_memory_sqlite, parse_database_url

    try:
        parsed = parse_database_url(url)
    except DatabaseUrlError as exc:
        raise typer.BadParameter(str(exc), param_hint="--database") from None
    if is_memory_sqlite(parsed):
        raise typer.BadParameter(
            "the bot runs in its own process and cannot share an in-memory database: give a "
            "SQLite file (sqlite:///demo.db) or PostgreSQL",
            param_hint="--database",
        )
