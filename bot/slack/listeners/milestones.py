"""The milestone buttons: Done (with its modal), Snooze a week, Need help.

Only the owner or a coordinator of the milestone's city may act; that is checked in the
database on every click, before the ack, and the Slack calls follow in `defer`.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.i18n import translator
from bot.services import milestones as milestone_service
from bot.services.access import AccessDenied, Actor, find_actor
from bot.slack import ids
from bot.slack.builders.milestones import (
    build_done_modal,
    build_done_reply,
    build_help_notice,
    build_help_reply,
    build_notice,
    build_snooze_reply,
)
from bot.slack.deferred import defer
from bot.slack.listeners.plan import (
    id_of,
    lang_of,
    metadata_of,
    refresh_home,
    reply,
    translator_for,
)
from bot.slack.send_failures import post_or_record
from storage.session import unit_of_work


def handle_done_click(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Check who clicked, then open the Done modal (evidence link optional)."""
    assert deps.engine is not None
    milestone_id = id_of(body["actions"][0].get("value"))
    with unit_of_work(deps.engine, read_only=True) as session:
        actor = find_actor(session, team_id=context.team_id, user_id=body["user"]["id"])
        try:
            found: Any = milestone_service.authorize(
                session,
                actor=actor,
                milestone_id=milestone_id,
                action="milestone_done",
                now=deps.clock(),
            ).milestone.title
        except AccessDenied as denied:
            found = denied
    ack()
    defer(
        context,
        body,
        _open_done,
        body=body,
        client=client,
        actor=actor,
        found=found,
        milestone_id=milestone_id,
    )


def _open_done(
    body: dict[str, Any], client: WebClient, actor: Actor, found: Any, milestone_id: int
) -> None:
    tr = translator_for(actor, client, body["user"]["id"])
    if isinstance(found, AccessDenied):
        reply(client, body, build_notice(tr, found.reason))
        return
    modal = build_done_modal(tr, milestone_id, str(found))
    source = {"home": (body.get("view") or {}).get("type") == "home"}
    modal["private_metadata"] = json.dumps({**json.loads(modal["private_metadata"]), **source})
    client.views_open(trigger_id=body["trigger_id"], view=modal)


def handle_done_submit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """Mark the milestone done (the link checked first), then reply with the plan's progress."""
    assert deps.engine is not None and deps.rubric is not None
    meta = metadata_of(view)
    field = view["state"]["values"].get(ids.BLOCK_DONE_EVIDENCE, {}).get(ids.ACTION_DONE_EVIDENCE)
    evidence = (field or {}).get("value")
    with unit_of_work(deps.engine) as session:
        actor = find_actor(session, team_id=context.team_id, user_id=body["user"]["id"])
        try:
            result: Any = milestone_service.complete(
                session,
                rubric=deps.rubric,
                actor=actor,
                milestone_id=id_of(meta.get("m")),
                evidence=evidence,
                now=deps.clock(),
            )
        except milestone_service.InvalidEvidence as bad:
            tr = translator(lang_of(actor))
            ack(response_action="errors", errors={ids.BLOCK_DONE_EVIDENCE: tr.gettext(bad.reason)})
            return
        except AccessDenied as denied:
            result = denied
    ack()
    defer(
        context,
        body,
        _after_done,
        body=body,
        client=client,
        deps=deps,
        actor=actor,
        result=result,
        home=bool(meta.get("home")),
    )


def _after_done(
    body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor, result: Any, home: bool
) -> None:
    user_id = body["user"]["id"]
    tr = translator_for(actor, client, user_id)
    message = (
        build_notice(tr, result.reason)
        if isinstance(result, AccessDenied)
        else build_done_reply(result, tr)
    )
    client.chat_postMessage(channel=user_id, **message.as_kwargs())
    if home:
        refresh_home(
            client, {**body, "container": {"type": "view"}, "view": {"type": "home"}}, deps
        )


def handle_snooze(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Snooze the milestone's reminders for a week."""
    assert deps.engine is not None
    with unit_of_work(deps.engine) as session:
        actor = find_actor(session, team_id=context.team_id, user_id=body["user"]["id"])
        try:
            result: Any = milestone_service.snooze(
                session,
                actor=actor,
                milestone_id=id_of(body["actions"][0].get("value")),
                now=deps.clock(),
            )
        except AccessDenied as denied:
            result = denied
    ack()
    defer(
        context,
        body,
        _after_snooze,
        body=body,
        client=client,
        deps=deps,
        actor=actor,
        result=result,
    )


def _after_snooze(
    body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor, result: Any
) -> None:
    tr = translator_for(actor, client, body["user"]["id"])
    if isinstance(result, AccessDenied):
        reply(client, body, build_notice(tr, result.reason))
        return
    reply(client, body, build_snooze_reply(tr, result))
    refresh_home(client, body, deps)


def handle_help(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Tell the city's coordinators who needs help with which milestone."""
    assert deps.engine is not None
    with unit_of_work(deps.engine, read_only=True) as session:
        actor = find_actor(session, team_id=context.team_id, user_id=body["user"]["id"])
        try:
            result: Any = milestone_service.ask_for_help(
                session,
                actor=actor,
                milestone_id=id_of(body["actions"][0].get("value")),
                now=deps.clock(),
            )
        except AccessDenied as denied:
            result = denied
    ack()
    defer(context, body, _after_help, body=body, client=client, actor=actor, result=result,
          deps=deps)  # fmt: skip


def _after_help(
    body: dict[str, Any], client: WebClient, actor: Actor, result: Any, deps: Deps
) -> None:
    tr = translator_for(actor, client, body["user"]["id"])
    if isinstance(result, AccessDenied):
        reply(client, body, build_notice(tr, result.reason))
        return
    for person in result.coordinators:  # a coordinator who left does not stop the others
        notice = build_help_notice(translator(person.language or person.locale), result)
        post_or_record(client, deps, team_id=actor.team_id, channel=person.slack_user_id,
                       message=notice)  # fmt: skip
    reply(client, body, build_help_reply(tr, result))


def register(app: App) -> None:
    """Listen to the milestone buttons and the Done modal."""
    app.action(ids.MILESTONE_DONE)(handle_done_click)
    app.view(ids.VIEW_MILESTONE_DONE)(handle_done_submit)
    app.action(ids.MILESTONE_SNOOZE)(handle_snooze)
    app.action(ids.MILESTONE_HELP)(handle_help)
