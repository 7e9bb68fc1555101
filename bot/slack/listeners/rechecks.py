"""The re-check's buttons: Still the same, Save, None of these, Not sure.

The click is checked and stored before the ack (`answer_recheck`); then the re-check message
is replaced by its record and, when the answer changed, the city's coordinators are told the
change in score and level: in the digest channel, else each in a direct message, each claimed
once in the ledger (`recheck_change`), so a retried click never tells them twice.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.i18n import translator
from bot.schedule import keys
from bot.services import access
from bot.services.rechecks import Choice, RecheckOutcome, answer_recheck
from bot.services.score_change import ScoreChange
from bot.slack import ids
from bot.slack.builders.rechecks import build_recheck_record, build_score_change
from bot.slack.deferred import defer
from bot.slack.interview_send import Where, send_refusal
from bot.slack.listeners.actions.interview import ticked_items, where_of
from bot.slack.outbox import send_once

CHOICES = {
    ids.RECHECK_SAME: Choice.SAME,
    ids.RECHECK_SAVE: Choice.SAVE,
    ids.RECHECK_NONE: Choice.NONE,
    ids.RECHECK_UNSURE: Choice.UNSURE,
}


def handle_recheck_click(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """Keep or change the re-checked answer (stored before the ack), then show the outcome."""
    action = dict((body.get("actions") or [{}])[0])
    team_id = context.team_id or (body.get("team") or {}).get("id")
    user_id = body["user"]["id"]
    value = str(action.get("value") or "")
    if value.isascii() and value.isdigit() and len(value) <= 18:
        outcome = answer_recheck(
            deps,
            team_id=team_id,
            user_id=user_id,
            recheck_id=int(value),
            choice=CHOICES[action["action_id"]],
            ticked=ticked_items(body),
            now=deps.clock(),
        )
    else:
        actor = access.Actor(team_id, user_id, None, None)
        denied = access.deny(access.NOT_YOURS, action="recheck", actor=actor, target=value[:80])
        outcome = RecheckOutcome(None, refusal=denied.reason)
    ack()
    defer(context, body, send_recheck_outcome, client=client, deps=deps, outcome=outcome,
          where=where_of(body, respond))  # fmt: skip


def send_recheck_outcome(
    client: WebClient, deps: Deps, outcome: RecheckOutcome, where: Where
) -> None:
    """Replace the re-check with its record (or say privately why not); tell the coordinators."""
    tr = translator(outcome.lang)
    if outcome.refusal is not None:
        send_refusal(client, tr, outcome.refusal, where)
        return
    record = build_recheck_record(tr, outcome)
    if where.message_ts:
        client.chat_update(channel=where.channel_id, ts=where.message_ts, **record.as_kwargs())
    else:
        client.chat_postMessage(channel=where.channel_id, **record.as_kwargs())
    if outcome.change is not None:
        tell_coordinators(client, deps, outcome.change)
    if outcome.announcement is not None:
        from bot.slack.results import post_result

        post_result(client, outcome.announcement, deps=deps)


def tell_coordinators(client: WebClient, deps: Deps, change: ScoreChange) -> None:
    """The score change in the city's digest channel, else to each coordinator, once each."""
    assert deps.engine is not None
    target = keys.milestone_target(change.city_id, change.milestone_id)
    if change.channel_id:
        send_once(deps.engine, client, kind=keys.RECHECK_CHANGE, target=target,
                  period_key=keys.RECHECK_PERIOD, channel=change.channel_id,
                  message=build_score_change(translator(change.city_language), change),
                  now=deps.clock())  # fmt: skip
        return
    for person_id, slack_user_id, lang in change.coordinators:
        send_once(deps.engine, client, kind=keys.RECHECK_CHANGE,
                  target=f"{target}/person:{person_id}", period_key=keys.RECHECK_PERIOD,
                  channel=slack_user_id,
                  message=build_score_change(translator(lang or change.city_language), change),
                  now=deps.clock())  # fmt: skip


def register(app: App) -> None:
    """Listen to the re-check's buttons (its checkboxes are the interview's, acked there)."""
    for action_id in CHOICES:
        app.action(action_id)(handle_recheck_click)
