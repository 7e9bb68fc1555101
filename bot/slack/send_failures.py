"""A message Slack refuses for good, while answering someone: logged, recorded, never raised.

`post_or_record` posts a message; when Slack answers with an error that retrying cannot fix
(`bot.slack.outbox.PERMANENT_ERRORS`: the person was deactivated, the channel archived, the bot
is not in it, the token was revoked) it logs one line with the ids, records the failure for the
coordinators of the cities concerned (`bot.services.send_failures`) and returns False. The one
error handler does the same for such an error raised by any other Slack call after an ack.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.services.send_failures import record_send_failure
from bot.slack.builders.blocks import Message
from bot.slack.outbox import is_permanent
from storage.session import unit_of_work

logger = logging.getLogger("citycheck.slack")


def permanent_error(error: BaseException) -> str | None:
    """Slack's error code when `error` is a refusal that retrying cannot fix, else None."""
    if not isinstance(error, SlackApiError):
        return None
    code = str(error.response.get("error") or "")
    return code if is_permanent(code) else None


def refused_channel(error: SlackApiError) -> str | None:
    """The channel (or user id) of the refused call, read from its arguments."""
    args: Any = getattr(error.response, "req_args", None) or {}
    for part in ("json", "data", "params"):
        found = (args.get(part) or {}) if isinstance(args, dict) else {}
        channel = found.get("channel") or found.get("user") or found.get("user_id")
        if isinstance(channel, str) and channel:
            return channel
    return None


def record_refusal(
    deps: Deps | None,
    *,
    team_id: str | None,
    channel: str | None,
    error: str,
    user_id: str | None = None,
    log: bool = True,
) -> None:
    """Log a permanent refusal with its ids, and record it for the coordinators (never raises)."""
    if log:
        logger.warning(
            "Slack refused a message for good: error=%s team=%s channel=%s user=%s",
            error,
            team_id,
            channel,
            user_id,
        )
    if deps is None or deps.engine is None or not (channel or user_id):
        return
    try:
        with unit_of_work(deps.engine) as session:
            record_send_failure(
                session,
                team_id=team_id,
                channel=channel or user_id or "",
                error=error,
                now=deps.clock(),
                user_id=user_id,
            )
    except Exception:
        logger.exception("could not record the refused message to %s", channel)


def post_or_record(
    client: WebClient,
    deps: Deps | None,
    *,
    team_id: str | None,
    channel: str,
    message: Message,
) -> bool:
    """Post a message; a permanent refusal is recorded and False returned, other errors raise."""
    try:
        client.chat_postMessage(channel=channel, **message.as_kwargs())
    except SlackApiError as exc:
        code = permanent_error(exc)
        if code is None:
            raise
        record_refusal(deps, team_id=team_id, channel=channel, error=code)
        return False
    return True
