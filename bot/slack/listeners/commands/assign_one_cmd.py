"""`/citycheck assign <area or criterion> @person [@person @person] [city]`: no form needed.

An area is stored as the assign form would store it (and the same messages follow); a
criterion gets its own respondents, told by DM, and the coordinator a private confirmation.
"""

from __future__ import annotations

from bot.i18n import translator
from bot.services import assign_one as one_service
from bot.services.assign_one import CriterionAssigned, OneAssignment
from bot.services.coordinator import CityChoice, Refusal
from bot.slack.builders.access import build_city_choice_message, build_refusal_message
from bot.slack.builders.assign_one import (
    build_criterion_assigned_reply,
    build_criterion_assignment_message,
)
from bot.slack.listeners.commands.router import CommandRequest
from bot.slack.listeners.coordinator.assign_view import finish_assign
from bot.slack.listeners.coordinator.common import engine_of, rubric_of, send
from bot.slack.profiles import read_profiles
from storage.session import unit_of_work


def assign_one(request: CommandRequest, one: OneAssignment) -> None:
    """Assign one area or one criterion as the command says, or say privately why not."""
    deps, rubric = request.deps, rubric_of(request.deps)
    if one.target in {area.id for area in rubric.areas}:
        _assign_area(request, one)
        return
    problem = one_service.target_problem(one, rubric)
    if problem is not None:
        _answer(request, problem)
        return
    profiles = read_profiles(request.client, one_service.people_to_read(one))
    with unit_of_work(engine_of(deps)) as session:
        done = one_service.assign_criterion(
            session,
            team_id=request.team_id,
            user_id=request.user_id,
            request=one,
            profiles=profiles,
            rubric=rubric,
            now=deps.clock(),
            rubrics=deps.rubrics,
        )
        announcement = None
        if isinstance(done, CriterionAssigned) and done.removed and done.assessment_id:
            # Taking away the one criterion still unanswered can leave every assigned one done.
            from bot.services.results import announce_if_complete

            announcement = announce_if_complete(
                session, deps=deps, assessment_id=done.assessment_id, now=deps.clock()
            )
    if not isinstance(done, CriterionAssigned):
        _answer(request, done)
        return
    for notice in done.added:
        message = build_criterion_assignment_message(translator(notice.language), notice)
        send(request.client, notice.slack_user_id, message, deps=deps, team_id=request.team_id)
    reply = build_criterion_assigned_reply(request.tr, done)
    request.respond(response_type="ephemeral", **reply.as_kwargs())
    if announcement is not None:
        from bot.slack.results import post_result

        post_result(request.client, announcement, deps=deps)


def _assign_area(request: CommandRequest, one: OneAssignment) -> None:
    if not one.slack_user_ids and not one.clear:
        _answer(request, Refusal(one_service.NOBODY_PICKED, {"target": one.target}))
        return
    with unit_of_work(engine_of(request.deps), read_only=True) as session:
        found = one_service.area_submission(
            session, team_id=request.team_id, user_id=request.user_id, request=one
        )
    if not isinstance(found, Refusal | CityChoice):
        finish_assign(
            client=request.client,
            deps=request.deps,
            team_id=request.team_id or "",
            user_id=request.user_id,
            submission=found,
        )
        return
    _answer(request, found)


def _answer(request: CommandRequest, found: Refusal | CityChoice) -> None:
    if isinstance(found, CityChoice):
        message = build_city_choice_message(request.tr, found)
    else:
        message = build_refusal_message(request.tr, found)
    request.respond(response_type="ephemeral", **message.as_kwargs())
