"""`/citycheck help`: the list of commands, shown only to the person who asked."""

from __future__ import annotations

from bot.slack.builders.help import build_help_message
from bot.slack.listeners.commands.router import N_, CommandRequest, Router


def show_help(request: CommandRequest) -> None:
    """Answer with the help, ephemeral."""
    message = build_help_message(request.tr, request.router.help_entries())
    request.respond(response_type="ephemeral", **message.as_kwargs())


def register(router: Router) -> None:
    """Add `help` to the router."""
    router.add("help", N_("Show this list of commands"))(show_help)
