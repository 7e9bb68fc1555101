"""The `/citycheck` slash command: ack at once, then route the text to a subcommand."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.slack import ids
from bot.slack.builders.help import build_help_message
from bot.slack.deferred import defer
from bot.slack.listeners.commands import (
    assign_cmd,
    away_cmd,
    language_cmd,
    plan_cmd,
    setup_cmd,
    status_cmd,
)
from bot.slack.listeners.commands import cohort as cohort_cmd
from bot.slack.listeners.commands import export as export_cmd
from bot.slack.listeners.commands import help as help_cmd
from bot.slack.listeners.commands import new_round as new_round_cmd
from bot.slack.listeners.commands import resume as resume_cmd
from bot.slack.listeners.commands.router import CommandRequest, Router
from bot.slack.listeners.registry import on_command
from bot.slack.people import person_translator


def build_router() -> Router:
    """Every `/citycheck` subcommand, in the order the help lists them."""
    router = Router()
    help_cmd.register(router)
    resume_cmd.register(router)
    setup_cmd.register(router)
    assign_cmd.register(router)
    status_cmd.register(router)
    plan_cmd.register(router)
    export_cmd.register(router)
    cohort_cmd.register(router)
    new_round_cmd.register(router)
    language_cmd.register(router)
    away_cmd.register(router)
    return router


def run_subcommand(
    router: Router,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    deps: Deps,
    logger: logging.Logger,
) -> None:
    """Answer with the help, or run the subcommand named in the text (after the ack)."""
    resolution = router.resolve(body.get("text") or "")
    tr = person_translator(deps, client, body.get("team_id"), body.get("user_id"))
    if resolution.subcommand is None:
        message = build_help_message(
            tr,
            router.help_entries(),
            unknown=resolution.name or None,
            suggestion=resolution.suggestion,
        )
        respond(response_type="ephemeral", **message.as_kwargs())
        return
    resolution.subcommand.handler(
        CommandRequest(
            deps=deps,
            client=client,
            respond=respond,
            router=router,
            tr=tr,
            logger=logger,
            user_id=body["user_id"],
            channel_id=body.get("channel_id", ""),
            team_id=body.get("team_id"),
            trigger_id=body.get("trigger_id", ""),
            name=resolution.name,
            args=resolution.args,
        )
    )


def make_listener(router: Router) -> Callable[..., None]:
    """The `/citycheck` listener: nothing to store, so ack with an empty body and defer the rest."""

    def handle_citycheck(
        ack: Ack,
        body: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
        deps: Deps,
        logger: logging.Logger,
    ) -> None:
        ack()
        defer(
            context, body, run_subcommand,
            router=router, body=body, client=client, respond=respond, deps=deps, logger=logger,
        )  # fmt: skip

    return handle_citycheck


def register(app: App) -> None:
    """Listen to `/citycheck`."""
    on_command(app, ids.COMMAND, make_listener(build_router()))
