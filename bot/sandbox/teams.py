"""Several sandbox workspaces, each with its own bot token, and Slack's OAuth exchange.

The first workspace (`TEAM_ID`) answers to the sandbox's bot token, as an app configured for
one workspace expects. More are added with `add`. An app installs into one as it does in Slack:
a person of that workspace approves at `/oauth/v2/authorize` (`authorize`), their browser goes
back to the app's redirect URL with a one-time code, and the app trades the code and its client
id and secret for that workspace's bot token with `oauth.v2.access` (`exchange`). A token works
in its own workspace only: naming another workspace's channel or person with it is a contract
violation (`foreign_ids`). Uninstalling revokes the workspace's tokens (`token_revoked`).

Ids come from one counter shared by every workspace, so an id finds its workspace
(`of_user`, `of_channel`, ...), as a driver acting for a person needs.
"""

from __future__ import annotations

import itertools
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bot.sandbox.store import Json, SlackError, Store

CODE_TTL_SECONDS = 600
"""How long an authorization code may wait before `oauth.v2.access` (Slack: ten minutes)."""

ID_ARGUMENTS = ("channel", "channel_id", "channels", "user", "user_id", "users")
"""Arguments that name a channel or a person of the workspace the token belongs to."""

SCOPE = re.compile(r"[a-z]+(?:[:.][a-z_]+)*")


@dataclass
class OAuthApp:
    """The app's credentials and redirect URLs, as set on its Basic Information page."""

    client_id: str
    client_secret: str
    redirect_urls: list[str] = field(default_factory=list)


class Workspaces:
    """Every workspace of one sandbox, its tokens, and installs in progress."""

    def __init__(self, clock: Callable[[], float], bot_token: str) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.primary = Store(clock, ids=self.ids)
        self.stores: dict[str, Store] = {self.primary.team_id: self.primary}
        self.tokens: dict[str, str] = {bot_token: self.primary.team_id}
        self.revoked: dict[str, str] = {}
        self.apps: dict[str, OAuthApp] = {}
        self.codes: dict[str, Json] = {}

    # workspaces ---------------------------------------------------------------------------------
    def add(self, name: str, domain: str | None = None) -> Store:
        """A new workspace with its own bot user; the app reaches it once installed there."""
        team_id = f"T{next(self.ids):010d}"
        slug = domain or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or team_id.lower()
        store = Store(
            self.clock,
            ids=self.ids,
            team_id=team_id,
            team_name=name,
            team_domain=slug,
            app_id=self.primary.app_id,
        )
        with self.lock:
            self.stores[team_id] = store
        return store

    def get(self, team_id: str | None) -> Store:
        """A workspace by team id (the first one for None), or `team_not_found`."""
        if team_id is None:
            return self.primary
        found = self.stores.get(team_id)
        if found is None:
            raise SlackError("team_not_found")
        return found

    def reset(self) -> None:
        """Empty every workspace; keep the workspaces, their bots and their tokens."""
        with self.lock:
            for team_id, old in list(self.stores.items()):
                new = Store(
                    self.clock,
                    ids=self.ids,
                    team_id=old.team_id,
                    team_name=old.team_name,
                    team_domain=old.team_domain,
                    app_id=old.app_id,
                )
                new.bot_user_id, new.bot_id = old.bot_user_id, old.bot_id
                new.users = {old.bot_user_id: old.users[old.bot_user_id]}
                self.stores[team_id] = new
            self.primary = self.stores[self.primary.team_id]

    # finding the workspace of a token or an id -------------------------------------------------
    def of_token(self, token: str) -> Store | None:
        """The workspace a live token belongs to."""
        team_id = self.tokens.get(token)
        return self.stores.get(team_id) if team_id else None

    def is_revoked(self, token: str) -> bool:
        """True for a token of a workspace that uninstalled the app (or revoked it)."""
        return token in self.revoked

    def _holding(self, found: Callable[[Store], bool], error: str) -> Store:
        for store in list(self.stores.values()):
            if found(store):
                return store
        raise SlackError(error)

    def of_user(self, user_id: str) -> Store:
        """The workspace of a person (or `user_not_found`)."""
        return self._holding(lambda s: user_id in s.users, "user_not_found")

    def of_channel(self, channel_id: str) -> Store:
        """The workspace of a channel (or `channel_not_found`)."""
        return self._holding(lambda s: channel_id in s.channels, "channel_not_found")

    def of_view(self, view_id: str) -> Store:
        """The workspace of a view (or `not_found`)."""
        return self._holding(lambda s: view_id in s.views, "not_found")

    def of_response_url(self, token: str) -> Store:
        """The workspace that issued a response_url (or `expired_url`)."""
        return self._holding(lambda s: token in s.response_urls, "expired_url")

    def of_file(self, file_id: str) -> Store:
        """The workspace a file was announced in (or `file_not_found`)."""
        return self._holding(lambda s: file_id in s.files, "file_not_found")

    def foreign_ids(self, store: Store, args: Json) -> list[str]:
        """Channels and people of other workspaces named in a call made with `store`'s token."""
        problems = []
        for name in ID_ARGUMENTS:
            for value in str(args.get(name) or "").split(","):
                value = value.strip()
                if not value or value in store.users or value in store.channels:
                    continue
                owner = next(
                    (s for s in self.stores.values() if value in s.users or value in s.channels),
                    None,
                )
                if owner is not None:
                    problems.append(
                        f"{name} {value} belongs to workspace {owner.team_id}, but the token "
                        f"sent is workspace {store.team_id}'s"
                    )
        return problems

    # OAuth ---------------------------------------------------------------------------------------
    def register_app(self, client_id: str, client_secret: str, redirect_urls: list[str]) -> None:
        """Set the app's OAuth credentials and redirect URLs (its Slack settings pages)."""
        with self.lock:
            self.apps[client_id] = OAuthApp(client_id, client_secret, list(redirect_urls))

    def authorize(
        self,
        *,
        user_id: str,
        client_id: str,
        scope: str,
        state: str = "",
        redirect_uri: str | None = None,
        approve: bool = True,
    ) -> str:
        """A person approves (or cancels) the install: the URL Slack sends their browser to."""
        app = self.apps.get(client_id)
        if app is None:
            raise SlackError("invalid_client_id")
        if redirect_uri is not None and redirect_uri not in app.redirect_urls:
            raise SlackError("bad_redirect_uri")
        target = redirect_uri or (app.redirect_urls[0] if app.redirect_urls else None)
        if target is None:
            raise SlackError("no_redirect_uri")
        store = self.of_user(user_id)
        separator = "&" if "?" in target else "?"
        if not approve:
            return target + separator + urlencode({"error": "access_denied", "state": state})
        scopes = [s for s in scope.split(",") if s]
        if not scopes or not all(SCOPE.fullmatch(s) for s in scopes):
            raise SlackError("invalid_scope")
        code = f"{store.team_id[1:]}.{secrets.token_hex(12)}"
        with self.lock:
            self.codes[code] = {
                "team_id": store.team_id,
                "user_id": user_id,
                "scope": ",".join(scopes),
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "issued_at": self.clock(),
                "used": False,
            }
        return target + separator + urlencode({"code": code, "state": state})

    def exchange(self, args: Json, credentials: tuple[str, str] | None) -> Json:
        """`oauth.v2.access`: a one-time code and the app's credentials for a bot token."""
        client_id, secret = credentials or (args.get("client_id"), args.get("client_secret"))
        app = self.apps.get(str(client_id or ""))
        if app is None:
            raise SlackError("invalid_client_id")
        if secret != app.client_secret:
            raise SlackError("bad_client_secret")
        with self.lock:
            entry = self.codes.get(str(args.get("code") or ""))
            if entry is None or entry["client_id"] != client_id:
                raise SlackError("invalid_code")
            if entry["used"]:
                raise SlackError("code_already_used")
            if self.clock() - entry["issued_at"] > CODE_TTL_SECONDS:
                raise SlackError("invalid_code")
            given = entry["redirect_uri"]
            if given is not None and args.get("redirect_uri") != given:
                raise SlackError("bad_redirect_uri")
            entry["used"] = True
            store = self.stores[entry["team_id"]]
            token = f"xoxb-{store.team_id[1:]}-{store.bot_user_id[1:]}-{secrets.token_hex(12)}"
            self.tokens[token] = store.team_id
        return {
            "access_token": token,
            "token_type": "bot",
            "scope": entry["scope"],
            "bot_user_id": store.bot_user_id,
            "app_id": store.app_id,
            "team": {"id": store.team_id, "name": store.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": entry["user_id"]},
        }

    def uninstall(self, team_id: str) -> int:
        """Revoke every token of the workspace (it removed the app); how many there were."""
        with self.lock:
            gone = [token for token, team in self.tokens.items() if team == team_id]
            for token in gone:
                self.revoked[token] = self.tokens.pop(token)
        return len(gone)

    def identity(self, store: Store, base_url: str) -> Json:
        """A workspace's ids and the URLs to give the bot."""
        return {
            "team_id": store.team_id,
            "team_name": store.team_name,
            "team_domain": store.team_domain,
            "bot_user_id": store.bot_user_id,
            "bot_id": store.bot_id,
            "app_id": store.app_id,
            "api_url": base_url + "api/",
        }
