"""The one command line: `citycheck` (also `python -m bot`).

Each command group lives in its own module and registers itself here; heavy imports stay inside
the commands so that `citycheck --help` and start-up stay fast.
"""

from __future__ import annotations

import typer

from bot.cli import (
    bench_cmd,
    city_cmd,
    db_cmd,
    demo_cmd,
    report_cmd,
    rubric_cmd,
    run_cmd,
    scheduler_cmd,
)

app = typer.Typer(
    name="citycheck",
    help="A city's data-practices self-assessment, run as a conversation in Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rubric_cmd.register(app)
demo_cmd.register(app)
db_cmd.register(app)
run_cmd.register(app)
bench_cmd.register(app)
report_cmd.register(app)
scheduler_cmd.register(app)
city_cmd.register(app)


def main() -> None:
    """Entry point of the `citycheck` console script."""
    app()
