"""`/citycheck away until DATE [deputy @person]` (alone: the Away modal) and `/citycheck back`."""

from __future__ import annotations

from bot.schedule.calendar import local_date
from bot.services import away as away_service
from bot.services.access import find_actor
from bot.slack.builders.attention import build_away_modal, build_away_reply, build_back_reply
from bot.slack.listeners.attention import tell_deputy
from bot.slack.listeners.commands.router import N_, CommandRequest, Router
from bot.slack.listeners.coordinator.common import engine_of
from storage.session import unit_of_work


def away(request: CommandRequest) -> None:
    """Store the away period and answer privately (the deputy is told); with no words, open
    the Away modal."""
    engine, now = engine_of(request.deps), request.deps.clock()
    if not request.args.strip():
        with unit_of_work(engine, read_only=True) as session:
            person = find_actor(session, team_id=request.team_id, user_id=request.user_id).person
        today = local_date(now, person.timezone if person else None)
        request.client.views_open(
            trigger_id=request.trigger_id, view=build_away_modal(request.tr, today)
        )
        return
    typed, deputy, asked = away_service.split_away_args(request.args)
    with unit_of_work(engine) as session:
        actor = find_actor(session, team_id=request.team_id, user_id=request.user_id)
        tz = actor.person.timezone if actor.person else None
        outcome = away_service.set_away(
            session,
            actor=actor,
            back_on=away_service.parse_back_day(typed, local_date(now, tz)),
            typed=typed,
            deputy_user_id=deputy,
            deputy_asked=asked,
            now=now,
        )
    request.respond(response_type="ephemeral", **build_away_reply(request.tr, outcome).as_kwargs())
    tell_deputy(request.deps, request.client, outcome)


def back(request: CommandRequest) -> None:
    """End the away period now; held reminders follow at the next reminder time."""
    with unit_of_work(engine_of(request.deps)) as session:
        actor = find_actor(session, team_id=request.team_id, user_id=request.user_id)
        outcome = away_service.end_away(session, actor=actor, now=request.deps.clock())
    request.respond(response_type="ephemeral", **build_back_reply(request.tr, outcome).as_kwargs())


def register(router: Router) -> None:
    """Add `away` and `back` to the router."""
    router.add(
        "away",
        N_("Pause your reminders until the day you are back, optionally naming a deputy"),
        "until YYYY-MM-DD [deputy @name]",
    )(away)
    router.add("back", N_("Back early: your reminders resume"))(back)
