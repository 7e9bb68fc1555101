"""The requests Slack sends to an app, shaped as Slack shapes them (pure functions of data).

`team` is the workspace a request comes from (`{"id": ..., "domain": ...}`): the sandbox's
first workspace unless given.
"""

from __future__ import annotations

import secrets
from typing import Any

from bot.sandbox.store import TEAM_DOMAIN, TEAM_ID
from bot.sandbox.surfaces import Control

Json = dict[str, Any]
FIRST_TEAM: Json = {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def _user_ref(user: Json) -> Json:
    return {
        "id": user["id"],
        "username": user["name"],
        "name": user["name"],
        "team_id": user.get("team_id", TEAM_ID),
    }


def slash_command(
    *,
    user: Json,
    channel: Json,
    command: str,
    text: str,
    app_id: str,
    response_url: str,
    trigger_id: str,
    team: Json = FIRST_TEAM,
) -> dict[str, str]:
    """The form fields of a slash command invocation."""
    return {
        "token": "sandbox-verification-token",
        "team_id": team["id"],
        "team_domain": team["domain"],
        "channel_id": channel["id"],
        "channel_name": channel.get("name") or "directmessage",
        "user_id": user["id"],
        "user_name": user["name"],
        "command": command,
        "text": text,
        "api_app_id": app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def event_callback(
    *,
    event: Json,
    app_id: str,
    bot_user_id: str,
    event_id: str,
    now: float,
    team: Json = FIRST_TEAM,
) -> Json:
    """An Events API delivery wrapping `event`."""
    return {
        "token": "sandbox-verification-token",
        "team_id": team["id"],
        "api_app_id": app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(now),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team["id"],
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + secrets.token_hex(16),
    }


def new_event_id() -> str:
    """A fresh event id (`Ev...`)."""
    return "Ev" + secrets.token_hex(5).upper()


def action_of(control: Control, now: float, **value: Any) -> Json:
    """The `actions[0]` entry for a touched element."""
    action: Json = {
        "type": control.kind,
        "action_id": control.action_id,
        "block_id": control.block_id,
        "action_ts": f"{now:.6f}",
    }
    if control.kind == "button":
        action["text"] = control.element.get("text")
        if "value" in control.element:
            action["value"] = control.element["value"]
        if "style" in control.element:
            action["style"] = control.element["style"]
    action.update(value)
    return action


def block_actions(
    *,
    user: Json,
    app_id: str,
    trigger_id: str,
    action: Json,
    state: Json,
    message: Json | None = None,
    channel: Json | None = None,
    view: Json | None = None,
    response_url: str | None = None,
    team: Json = FIRST_TEAM,
) -> Json:
    """A block_actions payload from a message (give message and channel) or a view (give view)."""
    payload: Json = {
        "type": "block_actions",
        "user": _user_ref(user),
        "api_app_id": app_id,
        "token": "sandbox-verification-token",
        "trigger_id": trigger_id,
        "team": {"id": team["id"], "domain": team["domain"]},
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [action],
        "state": {"values": state},
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = {**view, "state": {"values": state}}
    elif message is not None and channel is not None:
        ephemeral = "ephemeral_to" in message
        payload["container"] = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel["id"],
            "is_ephemeral": ephemeral,
        }
        payload["channel"] = {"id": channel["id"], "name": channel.get("name") or "directmessage"}
        if not ephemeral:
            payload["message"] = {
                k: v for k, v in message.items() if k not in ("channel", "history")
            }
        payload["response_url"] = response_url
    return payload


def view_submission(
    *, user: Json, app_id: str, trigger_id: str, view: Json, state: Json, team: Json = FIRST_TEAM
) -> Json:
    """A view_submission payload carrying the modal's state."""
    return {
        "type": "view_submission",
        "team": {"id": team["id"], "domain": team["domain"]},
        "user": _user_ref(user),
        "api_app_id": app_id,
        "token": "sandbox-verification-token",
        "trigger_id": trigger_id,
        "view": {**view, "state": {"values": state}},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed(*, user: Json, app_id: str, view: Json, team: Json = FIRST_TEAM) -> Json:
    """A view_closed payload (sent only for views with notify_on_close)."""
    return {
        "type": "view_closed",
        "team": {"id": team["id"], "domain": team["domain"]},
        "user": _user_ref(user),
        "api_app_id": app_id,
        "token": "sandbox-verification-token",
        "view": view,
        "is_cleared": False,
        "is_enterprise_install": False,
        "enterprise": None,
    }
