"""The database a command line command works on: DATABASE_URL, reachable, at the current schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine


@contextmanager
def reachable_database(failure: Callable[[str], typer.Exit]) -> Iterator[Engine]:
    """The engine for DATABASE_URL once a connection works, disposed after; a bad setting or no
    server ends the command with `failure(message)`."""
    from bot.settings import SettingsError, load_settings
    from storage.engine import (
        DatabaseUnavailableError,
        DatabaseUrlError,
        check_connection,
        make_engine,
    )

    engine = None
    try:
        settings = load_settings()
        engine = make_engine(settings.database_url.get_secret_value())
        check_connection(engine)
        yield engine
    except (SettingsError, DatabaseUrlError, DatabaseUnavailableError) as exc:
        raise failure(str(exc)) from None
    finally:
        if engine is not None:
            engine.dispose()


@contextmanager
def current_database(failure: Callable[[str], typer.Exit]) -> Iterator[Engine]:
    """The engine for DATABASE_URL at the current schema, disposed after; any problem ends the
    command with `failure(message)`: a bad setting, no server, no citycheck data, an old schema."""
    from storage.engine import describe_url
    from storage.migrate import current, head_revision

    with reachable_database(failure) as engine:
        revision = current(engine)
        if revision is None:
            raise failure(f"{describe_url(engine.url)} has no citycheck data: check DATABASE_URL")
        if revision != head_revision():
            raise failure(
                f"{describe_url(engine.url)} needs an upgrade: run `citycheck db upgrade`"
            )
        yield engine
