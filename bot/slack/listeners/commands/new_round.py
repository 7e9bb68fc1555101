"""`/citycheck new-round [version] [city]`: coordinators start the city's next assessment round."""

from __future__ import annotations

from bot.services.rounds import new_round, parse_new_round_args
from bot.slack.listeners.commands.router import N_, CommandRequest, Router
from bot.slack.listeners.coordinator.common import engine_of
from bot.slack.listeners.rounds import rubrics_of, tell
from storage.session import unit_of_work


def start_new_round(request: CommandRequest) -> None:
    """Start the next round (same team, last answers to confirm) and tell everyone; or say
    privately why not: not a coordinator, an unknown version, or a round still open."""
    version, city_name = parse_new_round_args(request.args)
    with unit_of_work(engine_of(request.deps)) as session:
        outcome = new_round(
            session,
            team_id=request.team_id,
            user_id=request.user_id,
            city_name=city_name,
            version=version,
            rubrics=rubrics_of(request.deps),
            now=request.deps.clock(),
        )
    tell(client=request.client, tr=request.tr, outcome=outcome, respond=request.respond,
         deps=request.deps, team_id=request.team_id)  # fmt: skip


def register(router: Router) -> None:
    """Add `new-round` to the router."""
    router.add(
        "new-round",
        N_("Coordinators: start the next assessment round, on the current or a newer rubric"),
        "[version] [city]",
    )(start_new_round)
