"""`message.im`: what a person types to the bot in its Messages tab."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.slack.builders.help import build_help_message
from bot.slack.listeners.commands import build_router
from bot.slack.people import user_translator

IGNORED_SUBTYPES = frozenset(
    {"message_changed", "message_deleted", "bot_message", "channel_join", "message_replied"}
)


def is_from_person(event: dict[str, Any]) -> bool:
    """True for a message a person typed (not an edit, a deletion or a bot's post)."""
    return (
        event.get("subtype") not in IGNORED_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def answer_direct_message(event: dict[str, Any], client: WebClient) -> None:
    """Answer typed text with the commands the person can use."""
    if not is_from_person(event):
        return
    tr = user_translator(client, event["user"])
    message = build_help_message(tr, build_router().help_entries())
    client.chat_postMessage(channel=event["channel"], **message.as_kwargs())
