"""Create improvement plan and its review modal; the helpers the milestone listeners share.

Each listener checks and stores in one unit of work, acks, then defers its Slack calls. The
acting person and what they may touch come from the database on every click (button values
and private_metadata carry database ids only).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.i18n import Translator, translator
from bot.schedule import keys
from bot.services.access import N_, AccessDenied, Actor, find_actor
from bot.services.plan import (
    CreatedPlan,
    MilestoneChoice,
    PlanView,
    ReviewProblems,
    create_plan,
    proposal_for,
)
from bot.slack import ids
from bot.slack.builders.blocks import Message
from bot.slack.builders.milestones import (
    build_notice,
    build_owner_message,
)
from bot.slack.builders.plan import build_plan_created, build_plan_message, build_review_modal
from bot.slack.deferred import defer
from bot.slack.outbox import send_once
from bot.slack.people import user_translator
from storage.session import unit_of_work

NOTHING_TO_PLAN = N_("{city} meets every criterion already: there is nothing to plan.")
ALREADY_PLANNED = N_("A plan already exists for this assessment, so nothing new was created.")


def id_of(value: Any) -> int:
    """A database id from a button value or metadata; -1 (no row) when it is not one."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else -1


def metadata_of(view: dict[str, Any]) -> dict[str, Any]:
    """A view's private_metadata as the JSON object the app wrote ({} when it is not one)."""
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def translator_for(actor: Actor | None, client: WebClient, user_id: str) -> Translator:
    person = actor.person if actor else None
    if person is not None and (person.language or person.locale):
        return translator(person.language or person.locale)
    return user_translator(client, user_id)


def reply(client: WebClient, body: dict[str, Any], message: Message) -> None:
    """Answer the person who clicked: ephemeral where they clicked a message, else a DM."""
    user_id = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id")
    container = body.get("container") or {}
    if channel and container.get("type") == "message" and not channel.startswith("D"):
        client.chat_postEphemeral(channel=channel, user=user_id, **message.as_kwargs())
        return
    client.chat_postMessage(channel=user_id, **message.as_kwargs())


def refresh_home(client: WebClient, body: dict[str, Any], deps: Deps) -> None:
    """Republish the Home tab when the click came from it (its buttons reflect the change)."""
    if (body.get("container") or {}).get("type") != "view" or (body.get("view") or {}).get(
        "type"
    ) != "home":
        return
    from bot.slack.listeners.events.home import publish_home

    team_id = (body.get("team") or {}).get("id")
    publish_home({"user": body["user"]["id"], "tab": "home"}, client, deps, team_id)


# Create improvement plan -----------------------------------------------------------------------
def handle_plan_create(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Open the review modal, or show the plan that already exists."""
    assert deps.engine is not None and deps.rubric is not None
    with unit_of_work(deps.engine, read_only=True) as session:
        actor = find_actor(session, team_id=context.team_id, user_id=body["user"]["id"])
        try:
            found: Any = proposal_for(
                session,
                rubric=deps.rubric,
                actor=actor,
                assessment_id=id_of(body["actions"][0].get("value")),
                now=deps.clock(),
                rubrics=deps.rubrics,
            )
        except AccessDenied as denied:
            found = denied
    ack()
    defer(context, body, _show_plan_start, body=body, client=client, actor=actor, found=found)


def _show_plan_start(body: dict[str, Any], client: WebClient, actor: Actor, found: Any) -> None:
    tr = translator_for(actor, client, body["user"]["id"])
    if isinstance(found, AccessDenied):
        reply(client, body, build_notice(tr, found.reason))
    elif isinstance(found, PlanView):
        reply(client, body, build_plan_message(found, tr))
    elif not found.milestones:
        reply(client, body, build_notice(tr, NOTHING_TO_PLAN, city=found.city_name))
    else:
        client.views_open(trigger_id=body["trigger_id"], view=build_review_modal(found))


def handle_plan_review(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """Store the reviewed plan (or show what to fix), then tell each owner their milestones."""
    assert deps.engine is not None and deps.rubric is not None
    meta = metadata_of(view)
    listed = meta.get("c")
    listed = listed if isinstance(listed, list) else []
    choices = _choices(view["state"]["values"], [str(c) for c in listed][:100])
    now = deps.clock()
    with unit_of_work(deps.engine) as session:
        actor = find_actor(session, team_id=context.team_id, user_id=body["user"]["id"])
        try:
            result: Any = create_plan(
                session,
                rubric=deps.rubric,
                actor=actor,
                assessment_id=id_of(meta.get("a")),
                choices=choices,
                now=now,
                rubrics=deps.rubrics,
            )
        except AccessDenied as denied:
            result = denied
    if isinstance(result, ReviewProblems):
        tr = translator(lang_of(actor))
        ack(response_action="errors", errors=_errors(tr, result, choices))
        return
    ack()
    defer(
        context,
        body,
        _after_review,
        body=body,
        client=client,
        deps=deps,
        actor=actor,
        result=result,
    )


def _after_review(
    body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor, result: Any
) -> None:
    user_id = body["user"]["id"]
    tr = translator_for(actor, client, user_id)
    if isinstance(result, AccessDenied):
        client.chat_postMessage(channel=user_id, **build_notice(tr, result.reason).as_kwargs())
        return
    if isinstance(result, PlanView):
        note = build_notice(tr, ALREADY_PLANNED)
        client.chat_postMessage(channel=user_id, **note.as_kwargs())
        client.chat_postMessage(channel=user_id, **build_plan_message(result, tr).as_kwargs())
        return
    assert isinstance(result, CreatedPlan) and deps.engine is not None
    view = result.view
    for owner in result.owners:
        assert owner.id is not None
        send_once(
            deps.engine,
            client,
            kind=keys.PLAN_ASSIGNED,
            target=keys.plan_owner_target(view.city_id, view.plan_id, owner.id),
            period_key="created",
            channel=owner.slack_user_id,
            message=build_owner_message(
                view, owner.id, translator(owner.language or owner.locale or view.lang)
            ),
            now=deps.clock(),
        )
    names = [o.display_name for o in result.owners]
    client.chat_postMessage(channel=user_id, **build_plan_created(view, names, tr).as_kwargs())


def _choices(values: dict[str, Any], criteria: list[str]) -> list[MilestoneChoice]:
    found = []
    for cid in criteria:
        include = values.get(f"{ids.BLOCK_PLAN_INCLUDE_PREFIX}{cid}", {}).get(
            ids.ACTION_PLAN_INCLUDE
        )
        owner = values.get(f"{ids.BLOCK_PLAN_OWNER_PREFIX}{cid}", {}).get(ids.ACTION_PLAN_OWNER)
        due = values.get(f"{ids.BLOCK_PLAN_DUE_PREFIX}{cid}", {}).get(ids.ACTION_PLAN_DUE)
        day = (due or {}).get("selected_date")
        found.append(
            MilestoneChoice(
                criterion_id=cid,
                include=bool((include or {}).get("selected_options")),
                owner_slack_id=(owner or {}).get("selected_user") or None,
                due_on=_date(day),
            )
        )
    return found


def _date(day: Any) -> date | None:
    """A datepicker's date; None (asked for again) when it is not a date."""
    try:
        return date.fromisoformat(day) if isinstance(day, str) and day else None
    except ValueError:
        return None


def _errors(
    tr: Translator, problems: ReviewProblems, choices: list[MilestoneChoice]
) -> dict[str, str]:
    prefixes = {
        "include": ids.BLOCK_PLAN_INCLUDE_PREFIX,
        "owner": ids.BLOCK_PLAN_OWNER_PREFIX,
        "due": ids.BLOCK_PLAN_DUE_PREFIX,
    }
    errors = {}
    for (cid, field), (message, params) in problems.problems.items():
        cid = cid or (choices[0].criterion_id if choices else "")
        errors[f"{prefixes[field]}{cid}"] = tr.gettext(message).format(**params)
    return errors


def lang_of(actor: Actor) -> str | None:
    person = actor.person
    return (person.language or person.locale) if person else None


def register(app: App) -> None:
    """Listen to Create improvement plan and the review modal."""
    app.action(ids.PLAN_CREATE)(handle_plan_create)
    app.view(ids.VIEW_PLAN_REVIEW)(handle_plan_review)
