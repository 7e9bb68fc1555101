"""`/citycheck cohort`: program staff see every city they follow, only to themselves."""

from __future__ import annotations

from bot.services.access import AccessDenied
from bot.services.cohort import cohort_for_staff
from bot.slack.builders.cohort import build_cohort_message
from bot.slack.listeners.commands.router import N_, CommandRequest, Router


def show_cohort(request: CommandRequest) -> None:
    """Answer with the cohort's progress, levels and changes, ephemeral."""
    deps = request.deps
    assert deps.engine is not None and deps.rubric is not None
    try:
        overview = cohort_for_staff(
            deps.engine,
            rubric=deps.rubric,
            team_id=request.team_id,
            user_id=request.user_id,
            rubrics=deps.rubrics,
        )
    except AccessDenied as denied:
        request.respond(response_type="ephemeral", text=request.tr.gettext(denied.reason))
        return
    message = build_cohort_message(overview.cities, overview.tr)
    request.respond(response_type="ephemeral", **message.as_kwargs())


def register(router: Router) -> None:
    """Add `cohort` to the router."""
    router.add("cohort", N_("Program staff: progress and levels of the cities you follow"))(
        show_cohort
    )
