"""Driver operations about workspaces themselves: adding them, installing the app, uninstalling.

`add_workspace` creates a workspace the app is not installed in yet; `register_app` gives the
sandbox the app's OAuth credentials; `authorize` is a person approving the install on Slack's
consent screen (the driver's `install` goes through `GET /oauth/v2/authorize` as a browser);
`uninstall` revokes the workspace's tokens (the driver then sends `app_uninstalled`).
`workspace_texts` reads back everything the bot put in one workspace, for isolation checks.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.core import SandboxCore, control
from bot.sandbox.store import Json, Store


class TeamOps(SandboxCore):
    """The workspace-level operations of the sandbox (see `bot.sandbox.teams`)."""

    @control
    def add_workspace(self, name: str, domain: str | None = None) -> Json:
        """Add a workspace (the app not installed in it yet); returns its identity."""
        return self.workspaces.identity(self.workspaces.add(name, domain), self.base_url)

    @control
    def workspace_ids(self) -> list[str]:
        """The team ids of every workspace, the first one first."""
        return list(self.workspaces.stores)

    @control
    def register_app(self, client_id: str, client_secret: str, redirect_urls: list[str]) -> None:
        """Give the sandbox the app's client id, secret and redirect URLs, as its Slack settings."""
        self.workspaces.register_app(client_id, client_secret, redirect_urls)

    @control
    def authorize(
        self,
        user_id: str,
        client_id: str,
        scope: str,
        state: str = "",
        redirect_uri: str | None = None,
        approve: bool = True,
    ) -> str:
        """A person approves (or cancels) installing the app: where their browser goes next."""
        return self.workspaces.authorize(
            user_id=user_id,
            client_id=client_id,
            scope=scope,
            state=state,
            redirect_uri=redirect_uri,
            approve=approve,
        )

    @control
    def uninstall(self, team_id: str) -> int:
        """Remove the app from a workspace: its tokens stop working; how many were revoked."""
        return self.workspaces.uninstall(team_id)

    @control
    def workspace_texts(self, team_id: str | None = None) -> list[str]:
        """Every text the bot put in a workspace: messages, ephemerals, views and text files."""
        return _texts_of(self.workspaces.get(team_id))


def _texts_of(store: Store) -> list[str]:
    found: list[str] = []
    with store.lock:
        for messages in store.messages.values():
            for message in messages:
                if message.get("bot_id") == store.bot_id:
                    found += _strings(message.get("text")) + _strings(message.get("blocks"))
        for message in store.ephemerals:
            found += _strings(message.get("text")) + _strings(message.get("blocks"))
        for view in store.views.values():
            found += _strings(view.get("title")) + _strings(view.get("blocks"))
        for record in store.files.values():
            found.append(str(record.get("title") or record.get("name") or ""))
            content = record.get("content")
            if isinstance(content, bytes) and record.get("filetype") in ("csv", "json", "html"):
                found.append(content.decode("utf-8", "replace"))
    return [text for text in found if text]


def _strings(value: Any) -> list[str]:
    """Every `text` string inside a value of Block Kit (or the value itself, if a string)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    if isinstance(value, dict):
        return [text for key, item in value.items() if key in _TEXT_KEYS for text in _strings(item)]
    return []


_TEXT_KEYS = frozenset(
    {"text", "title", "fields", "elements", "accessory", "element", "options", "rows", "label"}
)
