"""`/citycheck assign [city]`: coordinators pick who answers each practice area."""

from __future__ import annotations

from bot.services import assign
from bot.services.assign import AssignForm
from bot.services.assign_one import parse_one_assignment
from bot.services.coordinator import CityChoice
from bot.slack.builders.access import build_city_choice_message, build_refusal_message
from bot.slack.builders.assign import build_assign_modal
from bot.slack.listeners.commands.assign_one_cmd import assign_one
from bot.slack.listeners.commands.router import N_, CommandRequest, Router
from bot.slack.listeners.coordinator.common import engine_of, rubric_of
from storage.session import unit_of_work


def open_assign(request: CommandRequest) -> None:
    """Open the assign modal for the coordinator's city, or say privately why not; with an
    area or criterion and people named, assign that one without the modal."""
    one = parse_one_assignment(request.args, rubric_of(request.deps))
    if one is not None:
        assign_one(request, one)
        return
    with unit_of_work(engine_of(request.deps), read_only=True) as session:
        start = assign.assign_form(
            session,
            team_id=request.team_id,
            user_id=request.user_id,
            city_name=request.args,
            rubric=rubric_of(request.deps),
            rubrics=request.deps.rubrics,
        )
    if isinstance(start, AssignForm):
        request.client.views_open(
            trigger_id=request.trigger_id, view=build_assign_modal(request.tr, start)
        )
        return
    if isinstance(start, CityChoice):
        message = build_city_choice_message(request.tr, start)
    else:
        message = build_refusal_message(request.tr, start)
    request.respond(response_type="ephemeral", **message.as_kwargs())


def register(router: Router) -> None:
    """Add `assign` to the router."""
    router.add(
        "assign",
        N_("Coordinators: choose who answers each practice area, or one criterion"),
        "[area or criterion @people] [city]",
    )(open_assign)
