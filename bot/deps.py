"""What every listener needs, built once by the command line: settings, Slack, database, rubric."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy.engine import Engine

    from bot.settings import Settings
    from rubric.registry import RubricRegistry
    from rubric.schema import Rubric

Clock = Callable[[], dt.datetime]


class WorkspaceNotInstalledError(LookupError):
    """No bot token is stored for this workspace (never installed, or uninstalled since)."""

    def __init__(self, team_id: str | None) -> None:
        super().__init__(f"citycheck is not installed in workspace {team_id}")
        self.team_id = team_id


class TeamClients(Protocol):
    """Web API clients by workspace, for OAuth mode (see `bot.slack.installations`)."""

    def client_for(self, team_id: str | None) -> WebClient:
        """The client with this workspace's bot token; WorkspaceNotInstalledError without one."""

    def forget(self, team_id: str | None) -> None:
        """Drop the cached client of this workspace (uninstalled, or its token was refused)."""


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
    """The current rubric: new cities and new rounds start on it."""
    clock: Clock = utc_now
    rubrics: RubricRegistry | None = None
    """Every loaded rubric version, the current one included (just it when not given), so
    that a round taken on an older version is read against its own."""
    team_clients: TeamClients | None = None
    """OAuth mode: each workspace's client from its installation; None with one bot token."""

    def __post_init__(self) -> None:
        if self.rubrics is None and self.rubric is not None:
            from rubric.registry import RubricRegistry

            object.__setattr__(self, "rubrics", RubricRegistry(self.rubric))
        elif self.rubrics is not None and self.rubric is None:
            object.__setattr__(self, "rubric", self.rubrics.current)
        elif self.rubrics is not None and self.rubrics.current is not self.rubric:
            raise ValueError("Deps.rubric must be the current rubric of Deps.rubrics")

    def client_for(self, team_id: str | None) -> WebClient:
        """The Web API client for a workspace's sends outside a request (the scheduler).

        Listeners use the `client` Bolt injects, which carries the requesting workspace's token;
        work outside a request asks here. With one bot token every workspace shares `client`;
        in OAuth mode each gets its own (WorkspaceNotInstalledError when it has none).
        """
        if self.team_clients is None:
            return self.client
        return self.team_clients.client_for(team_id)

    def forget_client(self, team_id: str | None) -> None:
        """Forget a workspace's cached client: the next `client_for` reads its token again."""
        if self.team_clients is not None:
            self.team_clients.forget(team_id)

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
    """The process's Deps: one Web API client, the database engine, the rubric versions.

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
    team_clients = None
    if settings.oauth_enabled and engine is not None:
        from bot.slack.installations import InstalledClients

        team_clients = InstalledClients.on_database(settings, engine)
    rubrics = load_configured_registry(settings, loaded=rubric)
    if rubrics is None:
        return Deps(settings=settings, client=client, engine=engine, team_clients=team_clients)
    return Deps(
        settings=settings,
        client=client,
        engine=engine,
        rubric=rubrics.current,
        rubrics=rubrics,
        team_clients=team_clients,
    )


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


def load_configured_registry(
    settings: Settings, *, loaded: Rubric | None = None
) -> RubricRegistry | None:
    """The current rubric (CITYCHECK_RUBRIC, else the bundled one; `loaded` when already read)
    with the bundled versions and those in CITYCHECK_RUBRIC_DIR (None without a loader)."""
    registry = _optional_module("rubric.registry")
    if registry is None:
        return None
    folders = [settings.rubric_dir] if settings.rubric_dir else []
    found: RubricRegistry = registry.load_registry(settings.rubric_path, folders, loaded=loaded)
    return found
