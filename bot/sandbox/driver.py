"""The workspace driver: people who type, click and submit, sending what Slack would send.

Every request to the bot is signed with the signing secret as Slack signs it (or deliberately
not, for tests of the signature check). Slash commands go form-encoded, events as JSON,
interactions as a `payload=` form field. The bot's HTTP answers are applied as Slack applies
them: a command's ack body is shown to the person, a view_submission's response_action closes,
updates or keeps the modal open.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from bot.sandbox import browser, payloads
from bot.sandbox.browser import Page
from bot.sandbox.ops import Sandbox
from bot.sandbox.remote import RemoteSandbox
from bot.sandbox.store import TEAM_DOMAIN
from bot.sandbox.surfaces import (
    Control,
    controls,
    find_button,
    find_options,
    is_empty,
    state_value,
    state_values,
)

Json = dict[str, Any]
T = TypeVar("T")
COMMAND = "/citycheck"
REQUIRED = "This field is required."


@dataclass(frozen=True)
class Response:
    """The bot's HTTP answer to one request."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass(frozen=True)
class Submission:
    """What happened to a submitted modal: closed, or kept open with errors or a new view."""

    closed: bool
    errors: dict[str, str]
    response: Response | None
    view: Json | None = None


class Workspace:
    """People in a sandbox workspace, talking to the bot at `bot_url` (its /slack/events URL).

    `team_id` picks the workspace of a sandbox that has several (the first one by default).
    """

    def __init__(
        self,
        sandbox: Sandbox | RemoteSandbox,
        bot_url: str,
        signing_secret: str,
        *,
        clock: Callable[[], float] = time.time,
        timeout: float = 10.0,
        team_id: str | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.bot_url = bot_url
        self.signing_secret = signing_secret
        self.clock = clock
        self.timeout = timeout
        self.identity: Json = sandbox.identity(team_id=team_id)
        self.team: Json = {
            "id": self.identity["team_id"],
            "domain": self.identity.get("team_domain") or TEAM_DOMAIN,
        }
        self._message_state: dict[tuple[str, str], dict[str, dict[str, Json]]] = {}

    # people and places --------------------------------------------------------------------------
    def add_user(
        self, name: str, *, locale: str = "en-US", tz: str = "UTC", real_name: str = ""
    ) -> str:
        """Add a person; returns their user id."""
        user = self.sandbox.add_user(
            name=name, locale=locale, tz=tz, real_name=real_name, team_id=self.team["id"]
        )
        return str(user["id"])

    def add_channel(self, name: str, members: list[str], *, bot_member: bool = True) -> str:
        """Add a channel; returns its id."""
        channel = self.sandbox.add_channel(
            name=name, members=members, bot_member=bot_member, team_id=self.team["id"]
        )
        return str(channel["id"])

    def dm(self, user_id: str) -> str:
        """The id of the bot's DM channel with a person."""
        return str(self.sandbox.dm_channel(user_id=user_id)["id"])

    # sending ------------------------------------------------------------------------------------
    def sign(self, body: bytes, timestamp: int) -> str:
        """The X-Slack-Signature for a body sent at `timestamp`."""
        base = b"v0:" + str(timestamp).encode() + b":" + body
        return "v0=" + hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()

    def send(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """POST a body to the bot, signed now unless a timestamp or signature is forced."""
        ts = int(self.clock()) if timestamp is None else timestamp
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature or self.sign(body, ts),
            **(headers or {}),
        }
        parts = urlsplit(self.bot_url)
        connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=self.timeout
        )
        try:
            connection.request("POST", parts.path or "/", body=body, headers=all_headers)
            answer = connection.getresponse()
            return Response(
                answer.status, answer.read().decode("utf-8", "replace"), dict(answer.getheaders())
            )
        finally:
            connection.close()

    def send_form(self, fields: dict[str, str], **kwargs: Any) -> Response:
        """Send form fields (slash commands)."""
        return self.send(urlencode(fields).encode(), "application/x-www-form-urlencoded", **kwargs)

    def send_payload(self, payload: Json, **kwargs: Any) -> Response:
        """Send an interaction as Slack does: a `payload` form field holding JSON."""
        return self.send_form({"payload": json.dumps(payload)}, **kwargs)

    def send_event(
        self, event: Json, *, event_id: str | None = None, retry_num: int | None = None
    ) -> Response:
        """Deliver an event; with `retry_num`, as Slack's retry of the same event_id."""
        body = payloads.event_callback(
            event=event,
            app_id=self.identity["app_id"],
            bot_user_id=self.identity["bot_user_id"],
            event_id=event_id or payloads.new_event_id(),
            now=self.clock(),
            team=self.team,
        )
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.send(json.dumps(body).encode(), "application/json", headers=headers)

    # installing ---------------------------------------------------------------------------------
    def install(self, user_id: str, *, approve: bool = True) -> Page:
        """Install the bot here through OAuth, as `user_id` in a browser (`browser.install`)."""
        return browser.install(self, user_id, approve=approve)

    def uninstall(self) -> list[Response]:
        """Remove the app from this workspace: its tokens stop working and Slack tells the bot
        (`tokens_revoked`, then `app_uninstalled`); the bot's answers to the two events."""
        self.sandbox.uninstall(team_id=self.team["id"])
        revoked = {"type": "tokens_revoked", "tokens": {"bot": [self.identity["bot_user_id"]]}}
        return [self.send_event(revoked), self.send_event({"type": "app_uninstalled"})]

    # what people do -----------------------------------------------------------------------------
    def command(
        self, user_id: str, text: str = "", *, command: str = COMMAND, channel_id: str | None = None
    ) -> Response:
        """Run a slash command (in the DM with the bot unless a channel is given)."""
        user = self.sandbox.user(user_id=user_id)
        channel = (
            self.sandbox.dm_channel(user_id=user_id) if channel_id is None else {"id": channel_id}
        )
        fields = payloads.slash_command(
            user=user,
            channel=channel,
            command=command,
            text=text,
            app_id=self.identity["app_id"],
            response_url=self.sandbox.issue_response_url(user_id=user_id, channel_id=channel["id"]),
            trigger_id=self.sandbox.issue_trigger(user_id=user_id),
            team=self.team,
        )
        response = self.send_form(fields)
        self.sandbox.apply_command_ack(
            user_id=user_id, channel_id=channel["id"], status=response.status, body=response.body
        )
        return response

    def type(self, user_id: str, text: str) -> Response:
        """Type a message to the bot in its Messages tab (a message.im event)."""
        dm = self.dm(user_id)
        message = self.sandbox.post_as_user(channel_id=dm, user_id=user_id, text=text)
        event = {
            "type": "message",
            "channel": dm,
            "user": user_id,
            "text": text,
            "ts": message["ts"],
            "event_ts": message["ts"],
            "channel_type": "im",
            "client_msg_id": message["client_msg_id"],
            "team": self.team["id"],
        }
        return self.send_event(event)

    def open_home(self, user_id: str) -> Response:
        """Open the bot's Home tab (an app_home_opened event)."""
        event: Json = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self.dm(user_id),
            "tab": "home",
            "event_ts": f"{self.clock():.6f}",
        }
        view = self.sandbox.home_view(user_id=user_id)
        if view:
            event["view"] = view
        return self.send_event(event)

    def click(self, user_id: str, label: str, *, wait: float = 5.0) -> Response:
        """Click the button labelled `label`: in the open modal, the newest message, or Home."""
        where = self.wait_for(
            lambda: self._locate(user_id, lambda b: find_button(b, label)),
            wait,
            f"a button {label!r}",
        )
        surface, control = where
        action = payloads.action_of(control, self.clock())
        return self._dispatch(user_id, surface, control, action)

    def click_in(self, user_id: str, message: Json, label: str) -> Response:
        """Click the button labelled `label` in a given message (an older one, as it is now)."""
        current = self._current(user_id, message)
        control = find_button(current.get("blocks") or [], label)
        if control is None:
            raise LookupError(f"message {message['ts']} has no button {label!r}")
        action = payloads.action_of(control, self.clock())
        return self._dispatch(user_id, {"message": current}, control, action)

    def click_in_channel(
        self,
        user_id: str,
        channel_id: str,
        label: str,
        *,
        block_id: str | None = None,
        wait: float = 5.0,
    ) -> Response:
        """Click the button labelled `label` (in the block `block_id`, when given) in the newest
        message of a channel (or group DM) that has one, as a member of it would."""

        def locate() -> tuple[Json, Control] | None:
            for message in reversed(self.sandbox.history(channel_id=channel_id)):
                found = find_button(_in_block(message.get("blocks") or [], block_id), label)
                if found is not None:
                    return {"message": {**message, "channel": channel_id}}, found
            return None

        members = self.sandbox.channel_members(channel_id=channel_id)
        if user_id not in members:
            raise LookupError(f"{user_id} is not in {channel_id}, so cannot click in it")
        surface, control = self.wait_for(locate, wait, f"a button {label!r} in {channel_id}")
        return self._dispatch(user_id, surface, control, payloads.action_of(control, self.clock()))

    def click_home(
        self, user_id: str, label: str, *, block_id: str | None = None, wait: float = 5.0
    ) -> Response:
        """Click the button labelled `label` on the person's Home tab (not in a message); in
        the block `block_id` when given (the same label may be in several blocks)."""

        def locate() -> tuple[Json, Control] | None:
            home = self.sandbox.home_view(user_id=user_id)
            found = find_button(_in_block(home["blocks"], block_id), label) if home else None
            return ({"view": home}, found) if home and found else None

        surface, control = self.wait_for(locate, wait, f"a button {label!r} on the Home tab")
        return self._dispatch(user_id, surface, control, payloads.action_of(control, self.clock()))

    def click_forged(
        self, user_id: str, action_id: str, value: str, *, label: str = "Save"
    ) -> Response:
        """Send a click on a button the bot never showed this person (a forged or replayed one):
        the payload is signed and well formed, its message holds just that button."""
        element = {
            "type": "button",
            "action_id": action_id,
            "text": {"type": "plain_text", "text": label},
            "value": value,
        }
        block = {"type": "actions", "block_id": "forged", "elements": [element]}
        dm = self.dm(user_id)
        message = {"type": "message", "ts": f"{self.clock():.6f}", "channel": dm, "text": label,
                   "user": self.identity["bot_user_id"], "blocks": [block]}  # fmt: skip
        control = Control(block, element)
        return self._dispatch(user_id, {"message": message}, control, payloads.action_of(
            control, self.clock()))  # fmt: skip

    def tick(
        self,
        user_id: str,
        labels: list[str],
        *,
        wait: float = 5.0,
        in_message: Json | None = None,
    ) -> Response | None:
        """Tick exactly these options of a checkbox group (in `in_message` when given, else the
        newest surface that has them); the bot's answer if it was dispatched."""

        def locate() -> tuple[Json, tuple[Control, list[Json]]] | None:
            if in_message is not None:
                current = self._current(user_id, in_message)
                found = find_options(current.get("blocks") or [], labels)
                return ({"message": current}, found) if found else None
            return self._locate(user_id, lambda b: find_options(b, labels))

        surface, (control, options) = self.wait_for(locate, wait, f"checkboxes {labels!r}")
        value = {"type": "checkboxes", "selected_options": options}
        self._remember(surface, control, value)
        if control.in_input and not control.block.get("dispatch_action"):
            return None
        action = payloads.action_of(control, self.clock(), selected_options=options)
        return self._dispatch(user_id, surface, control, action)

    def submit_modal(
        self,
        user_id: str,
        values: dict[str, Any] | None = None,
        *,
        private_metadata: str | None = None,
    ) -> Submission:
        """Fill inputs by label, then submit the open modal (required inputs are checked first).

        `private_metadata` replaces the view's own in the payload, as a forged request would.
        """
        view = self.sandbox.open_modal(user_id=user_id)
        if view is None:
            raise LookupError(f"{user_id} has no modal open")
        changed = self._fill(view, values or {})
        state = state_values(view["blocks"], changed)
        missing = {
            c.block_id: REQUIRED
            for c in controls(view["blocks"])
            if c.in_input
            and not c.block.get("optional")
            and is_empty(state.get(c.block_id, {}).get(c.action_id))
        }
        if missing:
            return Submission(closed=False, errors=missing, response=None)
        payload = payloads.view_submission(
            user=self.sandbox.user(user_id=user_id),
            app_id=self.identity["app_id"],
            trigger_id=self.sandbox.issue_trigger(user_id=user_id),
            view=view
            if private_metadata is None
            else {**view, "private_metadata": private_metadata},
            state=state,
            team=self.team,
        )
        response = self.send_payload(payload)
        applied = self.sandbox.apply_submission_ack(
            user_id=user_id, view_id=view["id"], status=response.status, body=response.body
        )
        return Submission(
            applied["closed"], applied.get("errors") or {}, response, applied.get("view")
        )

    def close_modal(self, user_id: str) -> Response | None:
        """Close the open modal with its close button (view_closed is sent if the view asks)."""
        view = self.sandbox.open_modal(user_id=user_id)
        if view is None:
            raise LookupError(f"{user_id} has no modal open")
        self.sandbox.close_modal(user_id=user_id)
        if not view.get("notify_on_close"):
            return None
        payload = payloads.view_closed(
            user=self.sandbox.user(user_id=user_id),
            app_id=self.identity["app_id"],
            view=view,
            team=self.team,
        )
        return self.send_payload(payload)

    # reading ------------------------------------------------------------------------------------
    def messages(self, user_id: str) -> list[Json]:
        """What the bot showed a person in their DM (ephemerals included), oldest first."""
        return list(self.sandbox.messages_for(user_id=user_id))

    def latest(self, user_id: str) -> Json | None:
        """The newest message a person sees from the bot."""
        found = self.messages(user_id)
        return found[-1] if found else None

    def home(self, user_id: str) -> Json | None:
        """The person's Home tab, if published."""
        return self.sandbox.home_view(user_id=user_id)

    def modal(self, user_id: str) -> Json | None:
        """The modal open for a person, if any."""
        return self.sandbox.open_modal(user_id=user_id)

    def wait_for(
        self, probe: Callable[[], T | None], timeout: float = 5.0, what: str = "a condition"
    ) -> T:
        """Poll `probe` until it returns something truthy; LookupError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = probe()
            if found:
                return found
            if time.monotonic() >= deadline:
                raise LookupError(f"gave up waiting for {what} after {timeout:g}s")
            time.sleep(0.01)

    def wait_for_message(self, user_id: str, contains: str, timeout: float = 5.0) -> Json:
        """The newest message to a person whose text contains `contains`, waiting for it."""

        def probe() -> Json | None:
            return next(
                (m for m in reversed(self.messages(user_id)) if contains in m.get("text", "")), None
            )

        return self.wait_for(probe, timeout, f"a message to {user_id} containing {contains!r}")

    # internals ----------------------------------------------------------------------------------
    def _locate(
        self, user_id: str, find: Callable[[list[Json]], T | None]
    ) -> tuple[Json, T] | None:
        modal = self.sandbox.open_modal(user_id=user_id)
        if modal is not None:
            found = find(modal["blocks"])
            return ({"view": modal}, found) if found else None
        for message in reversed(self.messages(user_id)):
            found = find(message.get("blocks") or [])
            if found:
                return {"message": message}, found
        home = self.sandbox.home_view(user_id=user_id)
        if home is not None:
            found = find(home["blocks"])
            if found:
                return {"view": home}, found
        return None

    def _current(self, user_id: str, message: Json) -> Json:
        """A message of the person's DM as it is now (the bot may have updated it)."""
        for found in self.messages(user_id):
            if found["ts"] == message["ts"]:
                return found
        raise LookupError(f"{user_id} has no message {message['ts']} from the bot")

    def _surface_key(self, surface: Json) -> tuple[str, str]:
        if "view" in surface:
            return "view", surface["view"]["id"]
        return surface["message"]["channel"], surface["message"]["ts"]

    def _remember(self, surface: Json, control: Control, value: Json) -> None:
        change = {control.block_id: {control.action_id: value}}
        if "view" in surface:
            surface["view"] = self.sandbox.set_view_values(
                view_id=surface["view"]["id"], values=change
            )
        else:
            state = self._message_state.setdefault(self._surface_key(surface), {})
            state.setdefault(control.block_id, {}).update(change[control.block_id])

    def _dispatch(self, user_id: str, surface: Json, control: Control, action: Json) -> Response:
        user = self.sandbox.user(user_id=user_id)
        trigger_id = self.sandbox.issue_trigger(user_id=user_id)
        if "view" in surface:
            view = surface["view"]
            state = state_values(view["blocks"], view["state"]["values"])
            payload = payloads.block_actions(
                user=user,
                app_id=self.identity["app_id"],
                trigger_id=trigger_id,
                action=action,
                state=state,
                view=view,
                team=self.team,
            )
        else:
            message = surface["message"]
            channel = {"id": message["channel"]}
            source = (
                {"ephemeral_ts": message["ts"]}
                if "ephemeral_to" in message
                else {"channel": channel["id"], "ts": message["ts"]}
            )
            state = state_values(
                message.get("blocks") or [], self._message_state.get(self._surface_key(surface))
            )
            payload = payloads.block_actions(
                user=user,
                app_id=self.identity["app_id"],
                trigger_id=trigger_id,
                action=action,
                state=state,
                message=message,
                channel=channel,
                response_url=self.sandbox.issue_response_url(
                    user_id=user_id, channel_id=channel["id"], source=source
                ),
                team=self.team,
            )
        return self.send_payload(payload)

    def _fill(self, view: Json, values: dict[str, Any]) -> dict[str, dict[str, Json]]:
        inputs = {c.label: c for c in controls(view["blocks"]) if c.in_input}
        unknown = [label for label in values if label not in inputs]
        if unknown:
            raise LookupError(f"no input labelled {unknown[0]!r}; the modal has {sorted(inputs)}")
        changed = {k: dict(v) for k, v in view["state"]["values"].items()}
        for label, value in values.items():
            control = inputs[label]
            changed.setdefault(control.block_id, {})[control.action_id] = state_value(
                control, value
            )
        return changed


def _in_block(blocks: list[Json], block_id: str | None) -> list[Json]:
    """The blocks with this block id (every block when None)."""
    return blocks if block_id is None else [b for b in blocks if b.get("block_id") == block_id]
