"""Events: the Home tab opening and direct messages to the bot."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.deferred import defer
from bot.slack.listeners.events.direct_message import answer_direct_message
from bot.slack.listeners.events.home import publish_home
from bot.slack.listeners.registry import on_event


def handle_home_opened(
    ack: Ack, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Ack, then publish the Home tab."""
    ack()
    defer(context, body, publish_home, event=event, client=client)


def handle_direct_message(
    ack: Ack, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Ack, then answer what the person typed."""
    ack()
    defer(context, body, answer_direct_message, event=event, client=client)


def register(app: App) -> None:
    """Listen to the Home tab and to direct messages."""
    on_event(app, ids.EVENT_APP_HOME_OPENED, handle_home_opened)
    on_event(app, ids.EVENT_MESSAGE_IM, handle_direct_message)
