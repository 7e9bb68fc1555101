"""`/citycheck setup [city]`: open the setup modal at once, or say why not."""

from __future__ import annotations

from bot.services import setup
from bot.services.coordinator import CityChoice
from bot.services.setup import SetupForm
from bot.slack.builders.access import build_city_choice_message, build_refusal_message
from bot.slack.builders.setup import build_setup_modal
from bot.slack.listeners.commands.router import N_, CommandRequest, Router
from bot.slack.listeners.coordinator.common import engine_of
from bot.slack.profiles import read_profile
from storage.session import unit_of_work


def open_setup(request: CommandRequest) -> None:
    """Open the modal (a new city, or the coordinator's city pre-filled) within the trigger's
    three seconds; a refusal or a choice of cities answers privately instead."""
    with unit_of_work(engine_of(request.deps), read_only=True) as session:
        start = setup.setup_form(
            session,
            team_id=request.team_id,
            user_id=request.user_id,
            city_name=request.args,
            channel_id=request.channel_id,
            profile=lambda: read_profile(request.client, request.user_id),
        )
    if isinstance(start, SetupForm):
        request.client.views_open(
            trigger_id=request.trigger_id, view=build_setup_modal(request.tr, start)
        )
        return
    if isinstance(start, CityChoice):
        message = build_city_choice_message(request.tr, start)
    else:
        message = build_refusal_message(request.tr, start)
    request.respond(response_type="ephemeral", **message.as_kwargs())


def register(router: Router) -> None:
    """Add `setup` to the router."""
    router.add("setup", N_("Set up your city's assessment, or change its settings"), "[city]")(
        open_setup
    )
