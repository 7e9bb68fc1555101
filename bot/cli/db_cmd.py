"""`citycheck db ...`: create, upgrade, downgrade and show the database schema at DATABASE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

db_app = typer.Typer(
    help="Create, upgrade and show the database schema at DATABASE_URL.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Attach the database commands to the main command line."""
    app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade_cmd(
    revision: str = typer.Argument("head", help="Revision to reach; the newest by default."),
) -> None:
    """Create the schema on an empty database, or bring it up to date."""
    from storage import migrate

    with _database() as (engine, where):
        before = migrate.current(engine)
        migrate.upgrade(engine, revision)
        after = migrate.current(engine)
    if before == after:
        typer.echo(f"{where}: already at {_label(after)}")
    else:
        typer.echo(f"{where}: upgraded from {_label(before)} to {_label(after)}")


@db_app.command("downgrade")
def downgrade_cmd(
    revision: str = typer.Argument(
        ..., help="Revision to go back to; `base` removes every citycheck table and its data."
    ),
) -> None:
    """Go back to an earlier revision of the schema (data in removed tables is lost)."""
    from storage import migrate

    with _database() as (engine, where):
        before = migrate.current(engine)
        migrate.downgrade(engine, revision)
        after = migrate.current(engine)
    typer.echo(f"{where}: downgraded from {_label(before)} to {_label(after)}")


@db_app.command("current")
def current_cmd() -> None:
    """Print the schema revision the database is at."""
    from storage import migrate

    with _database() as (engine, where):
        revision = migrate.current(engine)
    typer.echo(f"{where}: {_label(revision)}")


def _label(revision: str | None) -> str:
    from storage.migrate import head_revision

    if revision is None:
        return "no schema (empty)"
    return f"{revision} (head)" if revision == head_revision() else revision


@contextmanager
def _database() -> Iterator[tuple[Engine, str]]:
    """The engine for DATABASE_URL; any problem becomes one line on stderr and exit status 1."""
    from sqlalchemy.exc import DBAPIError

    from bot.cli.database import reachable_database
    from storage.engine import describe_url
    from storage.migrate import MigrationError, SchemaOutdatedError

    with reachable_database(_failure) as engine:
        try:
            yield engine, describe_url(engine.url)
        except (MigrationError, SchemaOutdatedError) as exc:
            raise _failure(f"DATABASE_URL: {exc}") from None
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise _failure(
                f"DATABASE_URL: the database refused the change, nothing was applied: {reason}"
            ) from None


def _failure(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)
