"""`/citycheck resume`: continue the assessment questions where the person left off."""

from __future__ import annotations

from bot.services.interview import resume_interview
from bot.slack.interview_send import Where, send_outcome
from bot.slack.listeners.commands.router import N_, CommandRequest, Router


def resume(request: CommandRequest) -> None:
    """Post the question the person is on in their DM (a refusal answers privately)."""
    outcome = resume_interview(
        request.deps,
        team_id=request.team_id,
        user_id=request.user_id,
        assessment_id=None,
        now=request.deps.clock(),
    )
    where = Where(request.user_id, respond=request.respond)
    send_outcome(request.client, request.deps, outcome, where)


def register(router: Router) -> None:
    """Add `resume` to the router."""
    router.add("resume", N_("Continue your assessment questions where you left off"))(resume)
