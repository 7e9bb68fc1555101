"""Workspaces installed through OAuth: slack_sdk's SQLAlchemy stores on citycheck's database.

`SQLAlchemyInstallationStore` keeps every install (and the bot token in use for each workspace),
`SQLAlchemyOAuthStateStore` the one-time `state` of installs in progress; both run on the
project's own engine, on the tables the migrations build (`storage.slack_tables`), so that every
process sharing the database sees the same workspaces.

`InstalledClients` is `Deps.client_for` in OAuth mode: a Web API client per workspace with the
bot token of its newest installation, cached per team in this process. The cache is dropped for
a workspace when it uninstalls (the event reaches one process) and whenever Slack refuses the
cached token (every other process finds out on its next send: see `bot.slack.outbox`), so a
re-install's new token is picked up without a restart.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import select

from bot.deps import WorkspaceNotInstalledError
from bot.slack.client import build_client

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.settings import Settings

logger = logging.getLogger("citycheck.slack.installations")

STATE_EXPIRATION_SECONDS = 600
"""How long an install may take between /slack/install and the way back from Slack."""

TOKEN_REFUSED = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}
)
"""Slack errors saying the token itself is no good (uninstalled, revoked or replaced)."""


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    """slack_sdk's installation store for this app (SLACK_CLIENT_ID) on citycheck's database."""
    if settings.slack_client_id is None:
        raise ValueError("the installation store needs SLACK_CLIENT_ID")
    return SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id, engine=engine, logger=logger
    )


def state_store(engine: Engine) -> SQLAlchemyOAuthStateStore:
    """slack_sdk's store of OAuth `state` values, on citycheck's database."""
    return SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine, logger=logger
    )


class InstalledClients:
    """Each installed workspace's Web API client (a `bot.deps.TeamClients`)."""

    def __init__(self, settings: Settings, store: SQLAlchemyInstallationStore) -> None:
        self.settings = settings
        self.store = store
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()

    @classmethod
    def on_database(cls, settings: Settings, engine: Engine) -> InstalledClients:
        """The clients of the workspaces installed in this database."""
        return cls(settings, installation_store(settings, engine))

    def client_for(self, team_id: str | None) -> WebClient:
        """The client with the workspace's bot token; WorkspaceNotInstalledError without one."""
        if not team_id:
            raise WorkspaceNotInstalledError(team_id)
        with self._lock:
            cached = self._clients.get(team_id)
        if cached is not None:
            return cached
        bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:  # a workspace of an Enterprise Grid org is stored with its org's id
            enterprise_id = self._enterprise_of(team_id)
            if enterprise_id is not None:
                bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise WorkspaceNotInstalledError(team_id)
        client = build_client(self.settings, token=bot.bot_token)
        with self._lock:
            return self._clients.setdefault(team_id, client)

    def _enterprise_of(self, team_id: str) -> str | None:
        bots = self.store.bots
        query = (
            select(bots.c.enterprise_id)
            .where(bots.c.client_id == self.store.client_id, bots.c.team_id == team_id)
            .order_by(bots.c.installed_at.desc())
            .limit(1)
        )
        with self.store.engine.connect() as connection:
            return connection.execute(query).scalar()

    def forget(self, team_id: str | None) -> None:
        """Drop the workspace's cached client; the next `client_for` reads the store again."""
        if team_id:
            with self._lock:
                self._clients.pop(team_id, None)

    def remove(self, *, team_id: str, enterprise_id: str | None = None) -> None:
        """Delete every token of the workspace (it uninstalled the app) and forget its client."""
        self.store.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        self.forget(team_id)

    def remove_bot(self, *, team_id: str, enterprise_id: str | None = None) -> None:
        """Delete the workspace's bot tokens (Slack revoked them) and forget its client."""
        self.store.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        self.forget(team_id)

    def remove_user_tokens(
        self, *, team_id: str, user_ids: list[str], enterprise_id: str | None = None
    ) -> None:
        """Delete the installations these users made with their own tokens (revoked)."""
        for user_id in user_ids:
            self.store.delete_installation(
                enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
            )
