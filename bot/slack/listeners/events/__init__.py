"""Events: the Home tab opening, direct messages to the bot, and the app leaving a workspace."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.slack import ids
from bot.slack.deferred import defer
from bot.slack.listeners.events.direct_message import handle_direct_message
from bot.slack.listeners.events.home import publish_home
from bot.slack.listeners.events.installs import handle_app_uninstalled, handle_tokens_revoked
from bot.slack.listeners.registry import on_event


def handle_home_opened(
    ack: Ack,
    body: dict[str, Any],
    event: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """Ack, then publish the Home tab."""
    ack()
    team_id = context.team_id or body.get("team_id")
    defer(context, body, publish_home, event=event, client=client, deps=deps, team_id=team_id)


def register(app: App) -> None:
    """Listen to the Home tab and to direct messages."""
    on_event(app, ids.EVENT_APP_HOME_OPENED, handle_home_opened)
    on_event(app, ids.EVENT_MESSAGE_IM, handle_direct_message)
    on_event(app, ids.EVENT_APP_UNINSTALLED, handle_app_uninstalled)
    on_event(app, ids.EVENT_TOKENS_REVOKED, handle_tokens_revoked)
