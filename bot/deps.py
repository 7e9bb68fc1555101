"""What every listener needs, built once by the command line: settings, Slack, database, rubric."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy.engine import Engine

    from bot.settings import Settings
    from rubric.schema import Rubric

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current time, timezone-aware in UTC: the production clock."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, eq=False)
class Deps:
    """The shared services handed to listeners (Bolt injects it by the argument name `deps`)."""

    settings: Settings
    client: WebClient
    engine: Engine | None = None
    rubric: Rubric | None = None
    clock: Clock = utc_now

    def client_for(self, team_id: str | None) -> WebClient:
        """The Web API client for a workspace's sends outside a request (the scheduler).

        Listeners use the `client` Bolt injects, which carries the requesting workspace's token;
        work outside a request asks here. With one bot token every workspace shares `client`.
        """
        return self.client

    def __copy__(self) -> Deps:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Deps:
        # Bolt deep-copies the request context for lazy listeners; services are shared, not copied.
        return self


def _optional_module(name: str) -> ModuleType | None:
    """The module, or None when it is not part of this installation (not when it fails inside)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


def build_deps(settings: Settings, *, migrate: bool = True, rubric: Rubric | None = None) -> Deps:
    """The process's Deps: one Web API client, the database engine, the rubric.

    With `migrate` the database schema is brought up to date first; a server with several worker
    processes migrates once in its parent and builds each worker's Deps with `migrate=False`,
    passing the rubric the parent loaded (and so checked) as `rubric`.
    """
    from bot.slack.client import build_client

    client = build_client(settings)
    engine = None
    storage_engine = _optional_module("storage.engine")
    storage_migrate = _optional_module("storage.migrate")
    if storage_engine is not None and storage_migrate is not None:
        engine = storage_engine.make_engine(settings.database_url.get_secret_value())
        if migrate:
            storage_migrate.ensure_schema(engine)
    if rubric is None:
        rubric = load_configured_rubric(settings)
    return Deps(settings=settings, client=client, engine=engine, rubric=rubric)


def migrate_database(settings: Settings) -> None:
    """Bring the database schema up to date once, before serving processes start."""
    storage_engine = _optional_module("storage.engine")
    storage_migrate = _optional_module("storage.migrate")
    if storage_engine is None or storage_migrate is None:
        return
    engine = storage_engine.make_engine(settings.database_url.get_secret_value())
    try:
        storage_migrate.ensure_schema(engine)
    finally:
        engine.dispose()


def load_configured_rubric(settings: Settings) -> Rubric | None:
    """The rubric of CITYCHECK_RUBRIC, else the bundled one (None while no loader is installed)."""
    loader = _optional_module("rubric.loader")
    if loader is None:
        return None
    path = settings.rubric_path
    rubric: Rubric = loader.load_rubric(path) if path else loader.load_bundled_rubric()
    return rubric
