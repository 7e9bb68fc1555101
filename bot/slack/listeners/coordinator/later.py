"""The Later button of an assignment message: pause until the next working morning, say when."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.services.coordinator import Refusal
from bot.services.postpone import Postponed, postpone_start
from bot.slack.builders.access import build_refusal_message
from bot.slack.builders.assign import build_later_message
from bot.slack.deferred import defer
from bot.slack.listeners.coordinator.common import engine_of, send, translator_for
from storage.session import unit_of_work


def handle_later(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Store the pause (checked: the person must be assigned there), ack, then answer."""
    user_id = body["user"]["id"]
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    with unit_of_work(engine_of(deps)) as session:
        outcome = postpone_start(
            session,
            team_id=context.team_id or (body.get("team") or {}).get("id"),
            user_id=user_id,
            assessment_ref=value,
            now=deps.clock(),
        )
    ack()
    defer(context, body, answer_later, client=client, user_id=user_id, outcome=outcome)


def answer_later(*, client: WebClient, user_id: str, outcome: Postponed | Refusal) -> None:
    """Say when the reminder comes, or why nothing changed."""
    if isinstance(outcome, Refusal):
        tr = translator_for(client, user_id, None)
        send(client, user_id, build_refusal_message(tr, outcome))
        return
    tr = translator_for(client, user_id, outcome.language)
    send(client, user_id, build_later_message(tr, outcome))
