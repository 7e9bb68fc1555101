"""`citycheck rubric ...` and `citycheck score`: check, show and score a rubric."""

from __future__ import annotations

import typer

rubric_app = typer.Typer(help="Check and show an assessment rubric.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach the rubric commands to the main command line."""
    app.add_typer(rubric_app, name="rubric")
