"""`/citycheck status [city]`: progress, answered only to the person who asked."""

from __future__ import annotations

from bot.services.status import status_for
from bot.slack.builders.status import build_status_message
from bot.slack.listeners.commands.router import N_, CommandRequest, Router
from bot.slack.listeners.coordinator.common import engine_of, rubric_of
from storage.session import unit_of_work


def show_status(request: CommandRequest) -> None:
    """The team's progress for a coordinator, one's own areas for a respondent, else how to
    take part; ephemeral."""
    with unit_of_work(engine_of(request.deps), read_only=True) as session:
        view = status_for(
            session,
            team_id=request.team_id,
            user_id=request.user_id,
            city_name=request.args,
            rubric=rubric_of(request.deps),
            now=request.deps.clock(),
            rubrics=request.deps.rubrics,
        )
    message = build_status_message(request.tr, view)
    request.respond(response_type="ephemeral", **message.as_kwargs())


def register(router: Router) -> None:
    """Add `status` to the router."""
    router.add("status", N_("See the assessment's progress: your team's or your own"), "[city]")(
        show_status
    )
