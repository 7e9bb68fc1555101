"""`app_uninstalled` and `tokens_revoked`: forget the tokens a workspace took back.

In OAuth mode the workspace's stored tokens are deleted from the installation store before the
ack (a failure is not acked, so Slack sends the event again) and its cached client is dropped;
its cities, answers and plans stay, so a new install carries on where the city left off. With
one bot token there is nothing stored to delete: the log says the token stopped working.
Bolt runs these two events without authorising them (the tokens are already gone).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.deps import Deps
from bot.slack.installations import InstalledClients

logger = logging.getLogger("citycheck.slack.installations")


def _installed(deps: Deps) -> InstalledClients | None:
    return deps.team_clients if isinstance(deps.team_clients, InstalledClients) else None


def _workspace(body: dict[str, Any], context: BoltContext) -> tuple[str, str | None]:
    team_id = context.team_id or body.get("team_id") or ""
    return team_id, context.enterprise_id or body.get("enterprise_id")


def handle_app_uninstalled(
    ack: Ack, body: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    """Delete every token of the workspace that uninstalled the app, then ack."""
    team_id, enterprise_id = _workspace(body, context)
    installed = _installed(deps)
    if installed is None:
        logger.warning(
            "citycheck was uninstalled from team %s: SLACK_BOT_TOKEN no longer works there; "
            "install the app again and set its new token",
            team_id,
        )
    elif team_id:
        installed.remove(team_id=team_id, enterprise_id=enterprise_id)
        logger.info("uninstalled from team %s: its tokens are deleted, its data kept", team_id)
    ack()


def handle_tokens_revoked(
    ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    """Delete the revoked tokens (the bot's, and any user's) of the workspace, then ack."""
    team_id, enterprise_id = _workspace(body, context)
    tokens = event.get("tokens") or {}
    installed = _installed(deps)
    if installed is None:
        if tokens.get("bot"):
            logger.warning("team %s revoked the bot token: SLACK_BOT_TOKEN is void", team_id)
    elif team_id:
        users = [str(user) for user in tokens.get("oauth") or []]
        if users:
            installed.remove_user_tokens(
                team_id=team_id, user_ids=users, enterprise_id=enterprise_id
            )
        if tokens.get("bot"):
            installed.remove_bot(team_id=team_id, enterprise_id=enterprise_id)
            logger.info("team %s revoked the bot token: it is deleted", team_id)
    ack()
