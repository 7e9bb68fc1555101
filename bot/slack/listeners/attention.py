"""Away, I'm back and Reminder times: the App Home's buttons and modals, and what
`/citycheck away` and `back` share with them (telling the deputy, once).

Each listener reads or stores in one unit of work, acks, then defers its Slack calls; the person
comes from the database on every request (the modals carry no ids).
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.i18n import Translator, translator
from bot.schedule.attention import rules_from
from bot.schedule.calendar import local_date
from bot.services import attention as attention_service
from bot.services import away as away_service
from bot.services.access import Actor, find_actor
from bot.services.away import AwayOutcome
from bot.slack import ids
from bot.slack.builders.attention import (
    build_away_modal,
    build_away_reply,
    build_back_reply,
    build_deputy_notice,
    build_nudge_times_modal,
)
from bot.slack.deferred import defer
from bot.slack.listeners.plan import refresh_home, translator_for
from bot.slack.outbox import send_once
from storage.session import unit_of_work

DEPUTY_NOTICE = "away_deputy"
"""The ledger kind of the notice telling a deputy (once per away period)."""


def tell_deputy(deps: Deps, client: WebClient, outcome: AwayOutcome) -> None:
    """Tell the deputy of a new away period whose reminders they get (claimed once)."""
    deputy, person, city = outcome.deputy, outcome.person, outcome.city
    if deputy is None or person is None or city is None or outcome.back_on is None:
        return
    assert deps.engine is not None
    tr = translator(deputy.language or deputy.locale)
    send_once(
        deps.engine,
        client,
        kind=DEPUTY_NOTICE,
        target=f"city:{city.id}/away:{outcome.away_id}/person:{deputy.id}",
        period_key="start",
        channel=deputy.slack_user_id,
        message=build_deputy_notice(tr, person.display_name, outcome.back_on, city.name),
        now=deps.clock(),
    )


def _tr(actor: Actor, client: WebClient, user_id: str) -> Translator:
    return translator_for(actor, client, user_id)


def handle_away_click(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Open the Away modal (the day you are back, an optional deputy)."""
    assert deps.engine is not None
    with unit_of_work(deps.engine, read_only=True) as session:
        actor = find_actor(session, team_id=context.team_id, user_id=body["user"]["id"])
    ack()
    defer(context, body, _open_away, body=body, client=client, deps=deps, actor=actor)


def _open_away(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    tz = actor.person.timezone if actor.person else None
    modal = build_away_modal(_tr(actor, client, body["user"]["id"]), local_date(deps.clock(), tz))
    client.views_open(trigger_id=body["trigger_id"], view=modal)


def handle_away_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
    context: BoltContext, deps: Deps,
) -> None:  # fmt: skip
    """Store the away period, or show what to fix in the modal; then tell both."""
    assert deps.engine is not None
    values = view["state"]["values"]
    picked = (values.get(ids.BLOCK_AWAY_DATE, {}).get(ids.ACTION_AWAY_DATE) or {}).get(
        "selected_date"
    )
    deputy = (values.get(ids.BLOCK_AWAY_DEPUTY, {}).get(ids.ACTION_AWAY_DEPUTY) or {}).get(
        "selected_user"
    )
    with unit_of_work(deps.engine) as session:
        actor = find_actor(session, team_id=context.team_id, user_id=body["user"]["id"])
        outcome = away_service.set_away(
            session, actor=actor, back_on=_date(picked), typed=str(picked or ""),
            deputy_user_id=deputy or None, now=deps.clock(),
        )  # fmt: skip
    if outcome.problem is not None:
        tr = translator(_lang(actor))
        text = tr.gettext(outcome.problem.message).format(**outcome.problem.params)
        about_deputy = outcome.problem.message in away_service.DEPUTY_PROBLEMS
        field = ids.BLOCK_AWAY_DEPUTY if about_deputy else ids.BLOCK_AWAY_DATE
        ack(response_action="errors", errors={field: text[:150]})
        return
    ack()
    defer(context, body, _after_away, body=body, client=client, deps=deps, actor=actor,
          outcome=outcome)  # fmt: skip


def _after_away(
    body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor, outcome: AwayOutcome
) -> None:
    tr = _tr(actor, client, body["user"]["id"])
    client.chat_postMessage(channel=body["user"]["id"], **build_away_reply(tr, outcome).as_kwargs())
    tell_deputy(deps, client, outcome)
    _publish_home(client, body, deps)


def handle_back_click(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """I'm back: end the away period now; held reminders follow at the next reminder time."""
    assert deps.engine is not None
    with unit_of_work(deps.engine) as session:
        actor = find_actor(session, team_id=context.team_id, user_id=body["user"]["id"])
        outcome = away_service.end_away(session, actor=actor, now=deps.clock())
    ack()

    def after() -> None:
        tr = _tr(actor, client, body["user"]["id"])
        client.chat_postMessage(
            channel=body["user"]["id"], **build_back_reply(tr, outcome).as_kwargs()
        )
        refresh_home(client, body, deps)

    defer(context, body, after)


def handle_times_click(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Open the Reminder times modal with the person's current days and hour."""
    assert deps.engine is not None
    rules = rules_from(deps.settings)
    with unit_of_work(deps.engine, read_only=True) as session:
        actor = find_actor(session, team_id=context.team_id, user_id=body["user"]["id"])
        person = actor.person
        window = (
            attention_service.person_window(session, person=person, rules=rules)[0]
            if person is not None and person.id is not None
            else None
        )
    ack()

    def open_modal() -> None:
        tr = _tr(actor, client, body["user"]["id"])
        if window is None:
            from bot.services.access import NOT_A_MEMBER

            client.chat_postMessage(channel=body["user"]["id"], text=tr.gettext(NOT_A_MEMBER))
            return
        modal = build_nudge_times_modal(tr, window, attention_service.hour_choices(rules))
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    defer(context, body, open_modal)


def handle_times_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
    context: BoltContext, deps: Deps,
) -> None:  # fmt: skip
    """Store the person's reminder days and hour (or show what to fix), then refresh the Home."""
    assert deps.engine is not None
    values = view["state"]["values"]
    days = (values.get(ids.BLOCK_NUDGE_DAYS, {}).get(ids.ACTION_NUDGE_DAYS) or {}).get(
        "selected_options"
    ) or []
    hour = ((values.get(ids.BLOCK_NUDGE_HOUR, {}).get(ids.ACTION_NUDGE_HOUR) or {}).get(
        "selected_option"
    ) or {}).get("value")  # fmt: skip
    with unit_of_work(deps.engine) as session:
        actor = find_actor(session, team_id=context.team_id, user_id=body["user"]["id"])
        problems = attention_service.save_nudge_times(
            session, actor=actor, days=[_int(o.get("value")) for o in days],
            hour=_hour(hour), rules=rules_from(deps.settings), now=deps.clock(),
        )  # fmt: skip
    if problems:
        tr = translator(_lang(actor))
        blocks = {"days": ids.BLOCK_NUDGE_DAYS, "hour": ids.BLOCK_NUDGE_HOUR}
        ack(
            response_action="errors",
            errors={blocks[f]: tr.gettext(m) for f, m in problems.items() if f in blocks},
        )
        return
    ack()
    defer(context, body, _publish_home, client=client, body=body, deps=deps)


def _publish_home(client: WebClient, body: dict[str, Any], deps: Deps) -> None:
    from bot.slack.listeners.events.home import publish_home

    team_id = (body.get("team") or {}).get("id")
    publish_home({"user": body["user"]["id"], "tab": "home"}, client, deps, team_id)


def _lang(actor: Actor) -> str | None:
    person = actor.person
    return (person.language or person.locale) if person else None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _int(value: Any) -> int:
    text = str(value or "")
    return int(text) if text in ("1", "2", "3", "4", "5", "6", "7") else 0


def _hour(value: Any) -> time | None:
    try:
        return time.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def register(app: App) -> None:
    """Listen to the App Home's Away, I'm back and Reminder times, and their modals."""
    app.action(ids.HOME_AWAY)(handle_away_click)
    app.action(ids.HOME_BACK)(handle_back_click)
    app.action(ids.HOME_NUDGE_TIMES)(handle_times_click)
    app.view(ids.VIEW_AWAY)(handle_away_submit)
    app.view(ids.VIEW_NUDGE_TIMES)(handle_times_submit)
