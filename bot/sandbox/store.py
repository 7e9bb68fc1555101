"""The sandbox workspace's data, in memory: people, channels, messages, views, files, triggers.

Everything is plain JSON-ready dicts so that a driver in another process can read it over the
control endpoint. One lock guards the data; callers hold it only for the mutation itself.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

Json = dict[str, Any]

TEAM_ID = "T0CITYCHK1"
TEAM_DOMAIN = "citycheck-sandbox"
TRIGGER_TTL_SECONDS = 3.0
RESPONSE_URL_USES = 5
RESPONSE_URL_TTL_SECONDS = 30 * 60
MODAL_STACK_LIMIT = 3


class SlackError(Exception):
    """A Slack-style error answer (`{"ok": false, "error": code}`); not a contract violation."""

    def __init__(self, code: str, status: int = 200, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.extra = extra


def with_ids(blocks: list[Json]) -> list[Json]:
    """Blocks with a block_id on each block and an action_id on each element, as Slack adds them."""
    done = []
    for block in blocks:
        block = dict(block)
        block.setdefault("block_id", secrets.token_urlsafe(4))
        for key in ("accessory", "element"):
            if (
                isinstance(block.get(key), dict)
                and "action_id" not in block[key]
                and block[key].get("type") != "image"
            ):
                block[key] = {**block[key], "action_id": secrets.token_urlsafe(4)}
        if block.get("type") == "actions":
            block["elements"] = [
                e if "action_id" in e else {**e, "action_id": secrets.token_urlsafe(4)}
                for e in block["elements"]
            ]
        done.append(block)
    return done


class Store:
    """One workspace with one bot user, in memory.

    Ids come from `ids`, which several workspaces of one sandbox share, so that no id (user,
    channel, view, file) means something in two workspaces, as in Slack. `app_id` is given for
    every workspace but the first: one app is installed in all of them.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        *,
        ids: Iterator[int] | None = None,
        team_id: str = TEAM_ID,
        team_name: str = "citycheck sandbox",
        team_domain: str = TEAM_DOMAIN,
        app_id: str | None = None,
    ) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self._ids = ids if ids is not None else itertools.count(1)
        self._last_ts = 0.0
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.bot_user_id = self.new_id("U")
        self.bot_id = self.new_id("B")
        self.app_id = app_id or self.new_id("A")
        self.users: dict[str, Json] = {}
        self.channels: dict[str, Json] = {}
        self.messages: dict[str, list[Json]] = {}
        self._by_ts: dict[tuple[str, str], Json] = {}
        self.ephemerals: list[Json] = []
        self.views: dict[str, Json] = {}
        self.view_owners: dict[str, str] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.home_views: dict[str, str] = {}
        self.files: dict[str, Json] = {}
        self.triggers: dict[str, Json] = {}
        self.response_urls: dict[str, Json] = {}
        self.dnd: dict[str, Json] = {}
        """Do-not-disturb by user: `snooze_endtime`, `next_dnd_start_ts`, `next_dnd_end_ts`."""
        self.missing_scopes: set[str] = set()
        """Scopes the app was installed without here (its calls needing them get missing_scope)."""
        self.users[self.bot_user_id] = self._user_record(
            self.bot_user_id, "citycheck", "citycheck", "en-US", "UTC", is_bot=True
        )

    # ids and timestamps -------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        """A Slack-looking id such as `U0000000007`."""
        return f"{prefix}{next(self._ids):010d}"

    def next_ts(self) -> str:
        """A message timestamp, strictly increasing across the workspace."""
        with self.lock:
            now = max(self.clock(), self._last_ts + 0.000001)
            self._last_ts = now
            return f"{now:.6f}"

    # people and channels -------------------------------------------------------------------
    def _user_record(
        self, user_id: str, name: str, real_name: str, locale: str, tz: str, *, is_bot: bool = False
    ) -> Json:
        return {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": real_name,
            "deleted": False,
            "is_bot": is_bot,
            "is_admin": False,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": 0,
            "locale": locale,
            "profile": {
                "real_name": real_name,
                "display_name": name,
                "email": f"{name}@example.gov",
                "status_text": "",
                "status_emoji": "",
                "status_expiration": 0,
            },
        }

    def add_user(
        self, name: str, *, real_name: str = "", locale: str = "en-US", tz: str = "UTC"
    ) -> Json:
        """Add a person to the workspace; returns their user record."""
        with self.lock:
            user = self._user_record(self.new_id("U"), name, real_name or name.title(), locale, tz)
            self.users[user["id"]] = user
            return user

    def user(self, user_id: str) -> Json:
        """A user record, or `user_not_found`."""
        found = self.users.get(user_id)
        if found is None:
            raise SlackError("user_not_found")
        return found

    def add_channel(
        self, name: str, members: list[str], *, bot_member: bool = True, private: bool = False
    ) -> Json:
        """Add a channel with these members (the bot too unless `bot_member` is False)."""
        with self.lock:
            channel_id = self.new_id("G" if private else "C")
            channel: Json = {
                "id": channel_id,
                "name": name,
                "is_channel": not private,
                "is_group": private,
                "is_im": False,
                "is_private": private,
                "is_member": bot_member,
                "created": int(self.clock()),
                "members": [*members, *([self.bot_user_id] if bot_member else [])],
            }
            self.channels[channel_id] = channel
            self.messages[channel_id] = []
            return channel

    def dm_channel(self, user_id: str) -> Json:
        """The bot's direct-message channel with a person, opened on first use."""
        self.user(user_id)
        with self.lock:
            for channel in self.channels.values():
                if channel["is_im"] and channel["user"] == user_id:
                    return channel
            channel = {
                "id": self.new_id("D"),
                "is_im": True,
                "is_channel": False,
                "is_group": False,
                "is_private": True,
                "is_member": True,
                "user": user_id,
                "created": int(self.clock()),
                "members": [user_id, self.bot_user_id],
            }
            self.channels[channel["id"]] = channel
            self.messages[channel["id"]] = []
            return channel

    def group_dm(self, user_ids: list[str]) -> Json:
        """The bot's multi-person DM with these people (the same one for the same people)."""
        people = sorted(set(user_ids))
        for user_id in people:
            self.user(user_id)
        members = sorted([*people, self.bot_user_id])
        with self.lock:
            for channel in self.channels.values():
                if channel.get("is_mpim") and sorted(channel["members"]) == members:
                    return channel
            names = [self.users[u]["name"] for u in people]
            channel = {
                "id": self.new_id("G"),
                "name": "mpdm-" + "--".join(names) + "-1",
                "is_im": False,
                "is_mpim": True,
                "is_channel": False,
                "is_group": True,
                "is_private": True,
                "is_member": True,
                "created": int(self.clock()),
                "members": members,
            }
            self.channels[channel["id"]] = channel
            self.messages[channel["id"]] = []
            return channel

    def resolve_channel(self, channel_or_user: str) -> Json:
        """A channel by id; a user id stands for the bot's DM with that person, as in Slack."""
        if channel_or_user in self.users and channel_or_user != self.bot_user_id:
            return self.dm_channel(channel_or_user)
        channel = self.channels.get(channel_or_user)
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    # messages ------------------------------------------------------------------------------
    def add_message(self, channel_id: str, message: Json) -> Json:
        """Append a message (already shaped like Slack's) to a channel's history."""
        with self.lock:
            message.setdefault("ts", self.next_ts())
            message.setdefault("type", "message")
            self.messages.setdefault(channel_id, []).append(message)
            self._by_ts[(channel_id, message["ts"])] = message
            if message.get("thread_ts"):
                parent = self.find_message(channel_id, message["thread_ts"], missing_ok=True)
                if parent is not None and parent is not message:
                    parent["reply_count"] = parent.get("reply_count", 0) + 1
            return message

    def find_message(self, channel_id: str, ts: str, *, missing_ok: bool = False) -> Json | None:
        """The live message at `ts` in a channel, or `message_not_found`."""
        message = self._by_ts.get((channel_id, ts))
        if message is not None and not message.get("deleted"):
            return message
        if missing_ok:
            return None
        raise SlackError("message_not_found")

    def add_ephemeral(self, channel_id: str, user_id: str, body: Json, source: str) -> Json:
        """Record a message only `user_id` sees (postEphemeral, response_url, a command's ack)."""
        with self.lock:
            message = {
                "type": "message",
                "ts": self.next_ts(),
                "channel": channel_id,
                "ephemeral_to": user_id,
                "source": source,
                "user": self.bot_user_id,
                "bot_id": self.bot_id,
                "text": body.get("text", ""),
                "blocks": body.get("blocks") or [],
            }
            self.ephemerals.append(message)
            return message

    # triggers and response URLs ------------------------------------------------------------
    def issue_trigger(self, user_id: str) -> str:
        """A trigger_id for an interaction by `user_id`: usable once, within three seconds."""
        now = self.clock()
        trigger_id = f"{int(now)}.{self.team_id[1:]}.{secrets.token_hex(16)}"
        with self.lock:
            self.triggers[trigger_id] = {"user": user_id, "issued_at": now, "used": False}
        return trigger_id

    def use_trigger(self, trigger_id: str) -> str:
        """Spend a trigger_id; returns the user it was issued for, or the error Slack gives."""
        with self.lock:
            trigger = self.triggers.get(trigger_id)
            if trigger is None:
                raise SlackError("invalid_trigger_id")
            if trigger["used"]:
                raise SlackError("exchanged_trigger_id")
            if self.clock() - trigger["issued_at"] > TRIGGER_TTL_SECONDS:
                raise SlackError("expired_trigger_id")
            trigger["used"] = True
            return str(trigger["user"])

    def issue_response_url(
        self, base_url: str, user_id: str, channel_id: str, source: Json | None = None
    ) -> str:
        """A response_url for an interaction: five uses within thirty minutes."""
        token = secrets.token_urlsafe(12)
        with self.lock:
            self.response_urls[token] = {
                "user": user_id,
                "channel": channel_id,
                "uses": 0,
                "issued_at": self.clock(),
                "source": source,
            }
        return f"{base_url}_response/{token}"

    def use_response_url(self, token: str) -> Json:
        """Spend one use of a response_url; raises `expired_url` when it is gone or used up."""
        with self.lock:
            entry = self.response_urls.get(token)
            if entry is None or self.clock() - entry["issued_at"] > RESPONSE_URL_TTL_SECONDS:
                raise SlackError("expired_url", status=404)
            if entry["uses"] >= RESPONSE_URL_USES:
                raise SlackError("used_url", status=404)
            entry["uses"] += 1
            return entry

    # views ---------------------------------------------------------------------------------
    def store_view(
        self,
        user_id: str,
        view: Json,
        *,
        view_id: str | None = None,
        root: str | None = None,
        previous: str | None = None,
    ) -> Json:
        """Save a view as Slack returns it: ids, team, app, a fresh hash and an empty state."""
        with self.lock:
            old = self.views.get(view_id) if view_id else None
            stored = {
                **view,
                "blocks": with_ids(view.get("blocks") or []),
                "id": view_id or self.new_id("V"),
                "team_id": self.team_id,
                "app_id": self.app_id,
                "bot_id": self.bot_id,
                "hash": f"{int(self.clock())}.{secrets.token_hex(4)}",
                "state": {"values": {}},
                "private_metadata": view.get("private_metadata", ""),
                "callback_id": view.get("callback_id", ""),
                "external_id": view.get("external_id", ""),
                "root_view_id": (old or {}).get("root_view_id") or root,
                "previous_view_id": (old or {}).get("previous_view_id") or previous,
            }
            stored["root_view_id"] = stored["root_view_id"] or stored["id"]
            self.views[stored["id"]] = stored
            self.view_owners[stored["id"]] = user_id
            return stored

    def find_view(self, view_id: str | None, external_id: str | None) -> Json:
        """A view by id or external_id, or `not_found`."""
        if view_id and view_id in self.views:
            return self.views[view_id]
        with self.lock:
            for view in self.views.values():
                if external_id and view.get("external_id") == external_id:
                    return view
        raise SlackError("not_found")

    def open_modal(self, user_id: str) -> Json | None:
        """The modal on top of a person's stack, if one is open."""
        stack = self.modal_stacks.get(user_id) or []
        return self.views[stack[-1]] if stack else None

    def close_modal(self, user_id: str, *, clear: bool = False) -> None:
        """Close the top modal (or every modal with `clear`)."""
        with self.lock:
            stack = self.modal_stacks.get(user_id) or []
            if clear:
                stack.clear()
            elif stack:
                stack.pop()
