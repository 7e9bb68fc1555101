"""`message.im`: what a person types to the bot in its Messages tab.

A typed reply to the interview ("1 3", "none", "skip", "status"...) is claimed once with the
event id (Slack retries events it thinks failed) in the same unit of work that stores it, then
acked; the replies follow in `defer`. Someone with no interview open gets the list of commands.
The bot's own messages and every message subtype (edits, deletions, joins, files) are ignored.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.services.interview import typed_reply
from bot.slack.builders.help import build_help_message
from bot.slack.deferred import defer
from bot.slack.interview_send import Where, send_outcome
from bot.slack.listeners.commands import build_router
from bot.slack.people import person_translator, user_translator


def is_from_person(event: dict[str, Any], bot_user_id: str | None = None) -> bool:
    """True for a message a person typed (not an edit, a deletion, a join or a bot's post)."""
    return (
        event.get("subtype") is None
        and not event.get("bot_id")
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
    )


def handle_direct_message(
    ack: Ack,
    body: dict[str, Any],
    event: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """Store a typed interview reply (once per event id), ack, then answer it."""
    if not is_from_person(event, context.bot_user_id):
        ack()
        return
    if deps.engine is None or deps.rubric is None:
        ack()
        defer(context, body, answer_direct_message, event=event, client=client, deps=deps)
        return
    outcome = typed_reply(
        deps,
        team_id=context.team_id or body.get("team_id"),
        user_id=event["user"],
        text=str(event.get("text") or ""),
        event_id=str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"),
        now=deps.clock(),
    )
    ack()
    if outcome is None:  # Slack's retry of an event already handled
        return
    if outcome.no_interview:
        defer(context, body, answer_direct_message, event=event, client=client, deps=deps,
              team_id=context.team_id or body.get("team_id"))  # fmt: skip
        return
    defer(context, body, send_outcome, client=client, deps=deps, outcome=outcome,
          where=Where(event["channel"]))  # fmt: skip


def answer_direct_message(
    event: dict[str, Any], client: WebClient, deps: Deps | None = None, team_id: str | None = None
) -> None:
    """Answer typed text with the commands the person can use, in their language."""
    if not is_from_person(event):
        return
    if deps is None:
        tr = user_translator(client, event["user"])
    else:
        tr = person_translator(deps, client, team_id, event["user"])
    message = build_help_message(tr, build_router().help_entries())
    client.chat_postMessage(channel=event["channel"], **message.as_kwargs())
