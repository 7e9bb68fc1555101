"""`/citycheck plan [city]`: the plan and its progress, or the offer to create one; ephemeral."""

from __future__ import annotations

from typing import Any

from bot.services.access import AccessDenied, find_actor
from bot.services.plan_command import NO_PLAN_YET, NO_ROUND_YET, Notice, PlanOffer, plan_for_command
from bot.slack.builders.milestones import build_notice
from bot.slack.builders.plan import build_plan_message, build_plan_offer
from bot.slack.listeners.commands.router import N_, CommandRequest, Router
from storage.session import unit_of_work


def show_plan(request: CommandRequest) -> None:
    """Answer with the city's plan, an offer to create it, or what stands in the way."""
    deps = request.deps
    if deps.engine is None or deps.rubric is None:
        raise RuntimeError("`/citycheck plan` needs the database and the rubric")
    with unit_of_work(deps.engine, read_only=True) as session:
        actor = find_actor(session, team_id=request.team_id, user_id=request.user_id)
        try:
            found: Any = plan_for_command(
                session, rubric=deps.rubric, actor=actor, city_name=request.args, now=deps.clock()
            )
        except AccessDenied as denied:
            found = Notice(denied.reason, {})
    tr = request.tr
    if isinstance(found, Notice):
        message = build_notice(tr, found.message, **found.params)
    elif isinstance(found, PlanOffer):
        if found.can_create and found.assessment_id is not None and found.round_number:
            message = build_plan_offer(tr, found.city_name, found.assessment_id, found.round_number)
        elif found.assessment_id is None:
            message = build_notice(tr, NO_ROUND_YET, city=found.city_name)
        else:
            message = build_notice(tr, NO_PLAN_YET, city=found.city_name)
    else:
        message = build_plan_message(found, tr)
    request.respond(response_type="ephemeral", **message.as_kwargs())


def register(router: Router) -> None:
    """Add `plan` to the router."""
    router.add("plan", N_("See the improvement plan and its progress, or create it"), "[city]")(
        show_plan
    )
