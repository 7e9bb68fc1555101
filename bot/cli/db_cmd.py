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

    from bot.settings import SettingsError, load_settings
    from storage.engine import (
        DatabaseUnavailableError,
        DatabaseUrlError,
        check_connection,
        describe_url,
        make_engine,
    )
    from storage.migrate import MigrationError, SchemaOutdatedError

    engine = None
    try:
        settings = load_settings()
        engine = make_engine(settings.database_url.get_secret_value())
        check_connection(engine)
        yield engine, describe_url(engine.url)
    except (SettingsError, DatabaseUrlError, DatabaseUnavailableError) as exc:
        _fail(str(exc))
    except (MigrationError, SchemaOutdatedError) as exc:
        _fail(f"DATABASE_URL: {exc}")
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        _fail(f"DATABASE_URL: the database refused the change, nothing was applied: {reason}")
    finally:
        if engine is not None:
            engine.dispose()


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)
