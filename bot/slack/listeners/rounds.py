"""The new round: telling the team once it has started, and the button that closes an open round.

The button's value is "<assessment id>:<version>"; who clicks, their city and the round are
checked again in the database. Closing and starting is stored before the ack; the messages
(the digest channel's notice, each assignee's direct message, the coordinator's summary)
follow in `defer`.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.i18n import Translator, translator
from bot.services.access import NOT_YOURS, deny, find_actor
from bot.services.coordinator import CityChoice, Refusal
from bot.services.rounds import NewRoundOutcome, NewRoundStarted, OfferToClose, close_and_start
from bot.slack import ids
from bot.slack.builders.access import build_city_choice_message, build_refusal_message
from bot.slack.builders.rounds import (
    build_close_offer,
    build_round_dm,
    build_round_notice,
    build_round_started,
    parse_close_value,
)
from bot.slack.deferred import defer
from bot.slack.listeners.coordinator.common import engine_of, send
from bot.slack.people import user_translator
from rubric.registry import RubricRegistry
from storage.session import unit_of_work


def rubrics_of(deps: Deps) -> RubricRegistry:
    """The loaded rubric versions; a clear error when the process has none."""
    if deps.rubrics is None:
        raise RuntimeError("citycheck runs without a rubric: check CITYCHECK_RUBRIC")
    return deps.rubrics


def tell(
    *,
    client: WebClient,
    tr: Translator,
    outcome: NewRoundOutcome,
    respond: Respond,
    deps: Deps | None = None,
    team_id: str | None = None,
    replace: bool = False,
) -> None:
    """Send what a new-round outcome says: a refusal, a choice or the offer to the coordinator
    only; a started round to the digest channel, each assignee and the coordinator."""
    if isinstance(outcome, Refusal):
        message = build_refusal_message(tr, outcome)
    elif isinstance(outcome, CityChoice):
        message = build_city_choice_message(tr, outcome)
    elif isinstance(outcome, OfferToClose):
        message = build_close_offer(tr, outcome)
    else:
        posted = announce(client, outcome, deps=deps, team_id=team_id)
        tr = translator(outcome.coordinator_language) if outcome.coordinator_language else tr
        message = build_round_started(tr, outcome, posted=posted)
    respond(response_type="ephemeral", replace_original=replace, **message.as_kwargs())


def announce(
    client: WebClient,
    started: NewRoundStarted,
    *,
    deps: Deps | None = None,
    team_id: str | None = None,
) -> bool:
    """Send each assignee their direct message with Start, and post the notice in the digest
    channel; False when it could not be posted there. With `deps`, a person or channel Slack
    refuses for good is recorded for the coordinators."""
    posted = False
    if started.channel_id:
        notice = build_round_notice(translator(started.city_language), started)
        posted = send(client, started.channel_id, notice, deps=deps, team_id=team_id)
    for person in started.notices:
        dm = build_round_dm(translator(person.language), person)
        send(client, person.slack_user_id, dm, deps=deps, team_id=team_id)
    return posted


def handle_close_click(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """Close the open round and start the next (checked and stored before the ack)."""
    user_id = body["user"]["id"]
    team_id = context.team_id or (body.get("team") or {}).get("id")
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    parsed = parse_close_value(value)
    outcome: NewRoundOutcome
    with unit_of_work(engine_of(deps)) as session:
        if parsed is None:
            actor = find_actor(session, team_id=team_id, user_id=user_id)
            outcome = Refusal.of(deny(NOT_YOURS, action="new_round_close", actor=actor,
                                      target=value[:40]))  # fmt: skip
        else:
            outcome = close_and_start(
                session,
                team_id=team_id,
                user_id=user_id,
                assessment_id=parsed[0],
                version=parsed[1],
                rubrics=rubrics_of(deps),
                now=deps.clock(),
            )
    ack()
    defer(context, body, _answer_click, client=client, user_id=user_id, outcome=outcome,
          respond=respond, deps=deps, team_id=team_id)  # fmt: skip


def _answer_click(
    *,
    client: WebClient,
    user_id: str,
    outcome: NewRoundOutcome,
    respond: Respond,
    deps: Deps,
    team_id: str | None,
) -> None:
    tr = user_translator(client, user_id)
    tell(client=client, tr=tr, outcome=outcome, respond=respond, deps=deps, team_id=team_id,
         replace=True)  # fmt: skip


def register(app: App) -> None:
    """Listen to the button that closes an open round and starts the next."""
    app.action(ids.NEW_ROUND_CLOSE)(handle_close_click)
