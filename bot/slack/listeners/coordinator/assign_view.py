"""The assign modal's submission: problems or a refusal in the ack, storing and telling after."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.i18n import translator
from bot.services import assign
from bot.services.assign import AssignSubmission
from bot.services.coordinator import Refusal
from bot.slack import ids
from bot.slack.builders.access import build_notice_modal, build_refusal_message
from bot.slack.builders.assign import (
    area_of_block,
    assign_errors,
    build_assign_saved_message,
    build_assignment_message,
    build_unassigned_message,
)
from bot.slack.deferred import defer
from bot.slack.listeners.coordinator.common import engine_of, rubric_of, send, translator_for
from bot.slack.profiles import read_profiles
from storage.session import unit_of_work


def read_assign_submission(view: dict[str, Any]) -> AssignSubmission:
    """The people picked for each area, by area id (nothing trusted yet)."""
    selections: dict[str, tuple[str, ...]] = {}
    for block_id, actions in (view.get("state", {}).get("values", {}) or {}).items():
        area_id = area_of_block(block_id)
        picked = (actions or {}).get(ids.ACTION_ASSIGN_PEOPLE) or {}
        if area_id is not None and isinstance(picked, dict):
            users = picked.get("selected_users") or []
            selections[area_id] = tuple(u for u in users if isinstance(u, str))
    return AssignSubmission(str(view.get("private_metadata") or ""), selections)


def handle_assign_submission(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Check who submits and what; answer with a refusal or problems, else store it after the
    ack and message the people whose areas changed."""
    submission = read_assign_submission(body["view"])
    user_id, team_id = body["user"]["id"], context.team_id or body["team"]["id"]
    with unit_of_work(engine_of(deps), read_only=True) as session:
        check = assign.check_assignments(
            session,
            team_id=team_id,
            user_id=user_id,
            submission=submission,
            rubric=rubric_of(deps),
            rubrics=deps.rubrics,
        )
    if check.refusal is not None:
        tr = translator_for(client, user_id, check.language)
        ack(response_action="update", view=build_notice_modal(tr, check.refusal))
        return
    if check.problems:
        tr = translator_for(client, user_id, check.language)
        ack(response_action="errors", errors=assign_errors(tr, check.problems))
        return
    ack()
    defer(
        context, body, finish_assign,
        client=client, deps=deps, team_id=team_id, user_id=user_id, submission=submission,
    )  # fmt: skip


def finish_assign(
    *, client: WebClient, deps: Deps, team_id: str, user_id: str, submission: AssignSubmission
) -> None:
    """Store what changed, then message each person added or removed, and the coordinator."""
    engine, now = engine_of(deps), deps.clock()
    with unit_of_work(engine, read_only=True) as session:
        needed = assign.people_to_read(session, team_id=team_id, submission=submission, now=now)
    profiles = read_profiles(client, needed)
    with unit_of_work(engine) as session:
        outcome = assign.save_assignments(
            session,
            team_id=team_id,
            user_id=user_id,
            submission=submission,
            profiles=profiles,
            rubric=rubric_of(deps),
            now=now,
            rubrics=deps.rubrics,
        )
        announcement = None
        if outcome.done is not None and outcome.done.changes and outcome.done.assessment_id:
            # Taking away the areas still unanswered can leave every assigned one answered.
            from bot.services.results import announce_if_complete

            announcement = announce_if_complete(
                session, deps=deps, assessment_id=outcome.done.assessment_id, now=now
            )
    done = outcome.done
    if done is None:
        tr = translator_for(client, user_id, outcome.check.language)
        refusal = outcome.check.refusal or Refusal(
            next(iter(outcome.check.problems.values())).message
        )
        send(client, user_id, build_refusal_message(tr, refusal))
        return
    for added in done.added:
        message = build_assignment_message(translator(added.language), added)
        send(client, added.slack_user_id, message, deps=deps, team_id=team_id)
    for removed in done.removed:
        message = build_unassigned_message(translator(removed.language), removed)
        send(client, removed.slack_user_id, message, deps=deps, team_id=team_id)
    send(client, user_id, build_assign_saved_message(translator(done.coordinator_language), done))
    if announcement is not None:
        from bot.slack.results import post_result

        post_result(client, announcement, deps=deps)
