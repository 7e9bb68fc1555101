"""Driver operations on the sandbox workspaces: people, channels, what they see, and acks.

These are the `@control` operations a driver uses to act as Slack's client would: add people,
read what the bot showed them, record what a person typed, and apply the bot's HTTP answers
(a slash command's ack, a view_submission's `response_action`). An operation about a person,
channel or view acts in the workspace that holds it (ids are unique across workspaces); one
that creates something takes `team_id` (the first workspace when omitted). The operations of
several workspaces and installs are in `bot.sandbox.team_ops`.
"""

from __future__ import annotations

import json
from typing import Any

from bot.sandbox import checks
from bot.sandbox.core import control
from bot.sandbox.store import Json
from bot.sandbox.team_ops import TeamOps


class Sandbox(TeamOps):
    """The sandbox's behaviour with its workspace operations (see `bot.sandbox.server`)."""

    @control
    def add_user(
        self,
        name: str,
        *,
        real_name: str = "",
        locale: str = "en-US",
        tz: str = "UTC",
        team_id: str | None = None,
    ) -> Json:
        """Add a person (with Slack locale and time zone); returns their user record."""
        store = self.workspaces.get(team_id)
        return store.add_user(name, real_name=real_name, locale=locale, tz=tz)

    @control
    def add_channel(
        self,
        name: str,
        members: list[str],
        *,
        bot_member: bool = True,
        private: bool = False,
        team_id: str | None = None,
    ) -> Json:
        """Add a channel; the bot is a member unless `bot_member` is False."""
        store = self.workspaces.get(team_id)
        return store.add_channel(name, members, bot_member=bot_member, private=private)

    @control
    def set_status(
        self, user_id: str, *, text: str = "", emoji: str = "", expiration: int = 0
    ) -> Json:
        """Set a person's Slack status (what users.profile.get answers)."""
        store = self.workspaces.of_user(user_id)
        with store.lock:
            profile = store.user(user_id)["profile"]
            profile.update(status_text=text, status_emoji=emoji, status_expiration=expiration)
            return dict(profile)

    @control
    def set_dnd(
        self,
        user_id: str,
        *,
        snooze_until: float | None = None,
        quiet_from: float | None = None,
        quiet_until: float | None = None,
    ) -> None:
        """Set a person's do-not-disturb: a snooze until a Unix time, or quiet hours from/until
        (what dnd.info answers); no arguments turn it off."""
        store = self.workspaces.of_user(user_id)
        store.user(user_id)
        with store.lock:
            store.dnd[user_id] = {
                "snooze_endtime": snooze_until or 0,
                "next_dnd_start_ts": quiet_from or 0,
                "next_dnd_end_ts": quiet_until or 0,
            }

    @control
    def remove_scope(self, scope: str, *, team_id: str | None = None) -> None:
        """Act as if the app was installed without `scope` in a workspace (calls that need it
        answer missing_scope)."""
        self.workspaces.get(team_id).missing_scopes.add(scope)

    @control
    def user(self, user_id: str) -> Json:
        """A person's user record."""
        return self.workspaces.of_user(user_id).user(user_id)

    @control
    def dm_channel(self, user_id: str) -> Json:
        """The bot's DM channel with a person."""
        return self.workspaces.of_user(user_id).dm_channel(user_id)

    @control
    def channel_members(self, channel_id: str) -> list[str]:
        """The members of a channel (the bot included when it is in it)."""
        store = self.workspaces.of_channel(channel_id)
        with store.lock:
            return list(store.channels[channel_id]["members"])

    @control
    def group_dms(self, user_id: str) -> list[Json]:
        """The multi-person DMs the bot opened that have this person in them."""
        store = self.workspaces.of_user(user_id)
        with store.lock:
            return [
                dict(c)
                for c in store.channels.values()
                if c.get("is_mpim") and user_id in c["members"]
            ]

    @control
    def issue_trigger(self, user_id: str) -> str:
        """A fresh trigger_id (3 seconds, single use) for an interaction by `user_id`."""
        return self.workspaces.of_user(user_id).issue_trigger(user_id)

    @control
    def issue_response_url(self, user_id: str, channel_id: str, source: Json | None = None) -> str:
        """A response_url; `source` ({channel, ts} or {ephemeral_ts}) is what it may replace."""
        store = self.workspaces.of_user(user_id)
        return store.issue_response_url(self.base_url, user_id, channel_id, source)

    @control
    def history(self, channel_id: str) -> list[Json]:
        """A channel's live messages, oldest first."""
        store = self.workspaces.of_channel(channel_id)
        with store.lock:
            return [dict(m) for m in store.messages.get(channel_id, []) if not m.get("deleted")]

    @control
    def messages_for(self, user_id: str, limit: int = 50) -> list[Json]:
        """What the bot showed a person in their DM, ephemerals included, oldest first."""
        store = self.workspaces.of_user(user_id)
        dm = store.dm_channel(user_id)["id"]
        with store.lock:
            found = [
                dict(m, channel=dm)
                for m in store.messages.get(dm, [])
                if not m.get("deleted") and m.get("bot_id") == store.bot_id
            ]
            found += [
                dict(m)
                for m in store.ephemerals
                if m["ephemeral_to"] == user_id and not m.get("deleted")
            ]
        found.sort(key=lambda m: float(m["ts"]))
        return found[-limit:]

    @control
    def view(self, view_id: str) -> Json:
        """A view as stored (with its state)."""
        return dict(self.workspaces.of_view(view_id).find_view(view_id, None))

    @control
    def home_view(self, user_id: str) -> Json | None:
        """The Home tab published for a person, if any."""
        store = self.workspaces.of_user(user_id)
        view_id = store.home_views.get(user_id)
        return dict(store.views[view_id]) if view_id else None

    @control
    def open_modal(self, user_id: str) -> Json | None:
        """The modal on top of a person's stack, if any."""
        found = self.workspaces.of_user(user_id).open_modal(user_id)
        return dict(found) if found else None

    @control
    def close_modal(self, user_id: str, *, clear: bool = False) -> None:
        """Close a person's top modal (every modal with `clear`)."""
        self.workspaces.of_user(user_id).close_modal(user_id, clear=clear)

    @control
    def set_view_values(self, view_id: str, values: dict[str, dict[str, Any]]) -> Json:
        """Merge `{block_id: {action_id: value}}` into a view's state, as typing in it would."""
        store = self.workspaces.of_view(view_id)
        with store.lock:
            view = store.find_view(view_id, None)
            for block_id, actions in values.items():
                view["state"]["values"].setdefault(block_id, {}).update(actions)
            return dict(view)

    @control
    def post_as_user(
        self, channel_id: str, user_id: str, text: str, thread_ts: str | None = None
    ) -> Json:
        """Record a message a person typed (the driver then sends the matching event)."""
        store = self.workspaces.of_user(user_id)
        message = {
            "user": user_id,
            "text": text,
            "blocks": [],
            "client_msg_id": store.new_id("M"),
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
        return store.add_message(channel_id, message)

    @control
    def apply_command_ack(
        self, user_id: str, channel_id: str, status: int, body: str
    ) -> Json | None:
        """Show a slash command's HTTP answer as Slack does; returns the message shown, if any."""
        if status != 200 or not body.strip():
            return None
        try:
            parsed: Any = json.loads(body)
        except ValueError:
            parsed = {"text": body}
        call = self._log_call(
            "ack:slash_command", parsed if isinstance(parsed, dict) else {"body": body}
        )
        problems = checks.check_response_body(parsed)
        if problems:
            self._violation(call, "invalid_blocks", problems)
            return None
        store = self.workspaces.of_user(user_id)
        self._show_response(user_id, channel_id, parsed, None, "ack", store)
        shown = self.messages_for(user_id, limit=1)
        return shown[-1] if shown else None

    @control
    def apply_submission_ack(self, user_id: str, view_id: str, status: int, body: str) -> Json:
        """Apply a view_submission's answer: close, show errors, update, push or clear."""
        if status != 200:
            return {"closed": False, "errors": {}, "status": status}
        parsed: Any = json.loads(body) if body.strip() else {}
        action = parsed.get("response_action") if isinstance(parsed, dict) else None
        call = self._log_call(
            "ack:view_submission", parsed if isinstance(parsed, dict) else {"body": body}
        )
        if action in ("update", "push"):
            problems = checks.check_view(parsed.get("view"), "modal")
            if problems:
                self._violation(call, "invalid_arguments", problems)
                return {"closed": False, "errors": {}, "status": status}
        store = self.workspaces.of_user(user_id)
        with store.lock:
            stack = store.modal_stacks.setdefault(user_id, [])
            if action == "errors":
                return {"closed": False, "errors": parsed.get("errors") or {}, "status": status}
            if action == "update":
                stored = store.store_view(user_id, parsed["view"], view_id=view_id)
                return {"closed": False, "errors": {}, "view": stored, "status": status}
            if action == "push":
                stored = store.store_view(user_id, parsed["view"], root=stack[0], previous=view_id)
                stack.append(stored["id"])
                return {"closed": False, "errors": {}, "view": stored, "status": status}
            store.close_modal(user_id, clear=action == "clear")
        return {"closed": True, "errors": {}, "status": status}
