"""`/citycheck language [es|pt|en|auto]` and `/citycheck language city <lang> [city]`."""

from __future__ import annotations

from bot.i18n import translator
from bot.services.language import language_command
from bot.slack.builders.language import build_language_message
from bot.slack.listeners.commands.router import N_, CommandRequest, Router
from bot.slack.listeners.coordinator.common import engine_of
from bot.slack.profiles import read_profile
from storage.session import unit_of_work


def change_language(request: CommandRequest) -> None:
    """Show or change the person's language or a city's; the answer is private, in the
    person's language after the change."""
    with unit_of_work(engine_of(request.deps)) as session:
        reply = language_command(
            session,
            team_id=request.team_id,
            user_id=request.user_id,
            args=request.args,
            profile=lambda: read_profile(request.client, request.user_id),
            now=request.deps.clock(),
        )
    tr = translator(reply.lang) if reply.changed == "person" else request.tr
    message = build_language_message(tr, reply)
    request.respond(response_type="ephemeral", **message.as_kwargs())


def register(router: Router) -> None:
    """Add `language` to the router."""
    router.add(
        "language",
        N_("See or change the language I write in: yours, or your city's channel messages"),
        "[es|pt|en|auto] | city <es|pt|en> [city]",
    )(change_language)
