"""Posting an assessment's result to the city's digest channel (after the commit, in `defer`).

announcement = announce_if_complete(session, deps=deps, assessment_id=..., now=now)
...commit...
if announcement is not None:
    defer(context, body, post_result, client=client, announcement=announcement, deps=deps)
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.i18n import translator
from bot.services.results import ResultAnnouncement
from bot.slack.builders.result import build_result_message
from bot.slack.files import share_result_chart
from storage.repo import ledger
from storage.session import unit_of_work

logger = logging.getLogger(__name__)

CHANNEL_UNREACHABLE = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}
)
"""chat.postMessage errors that mean the channel cannot take the message (coordinators can fix)."""


def post_result(
    client: WebClient, announcement: ResultAnnouncement, *, deps: Deps | None = None
) -> bool:
    """Post the result to the city's channel, or to each coordinator when that fails.

    Returns True when the channel got it. With `deps`, the claim of the result in the
    notification ledger is marked sent (or failed, with Slack's error).
    """
    message = build_result_message(translator(announcement.language), announcement)
    error = "no digest channel"
    if announcement.channel_id:
        try:
            client.chat_postMessage(channel=announcement.channel_id, **message.as_kwargs())
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            if error not in CHANNEL_UNREACHABLE:
                raise
            logger.warning(
                "result of assessment %s not posted in %s: %s",
                announcement.assessment_id,
                announcement.channel_id,
                error,
            )
        else:
            _record(deps, announcement, error=None)
            share_result_chart(
                client,
                deps,
                assessment_id=announcement.assessment_id,
                channel_id=announcement.channel_id,
            )
            return True
    fallback = build_result_message(
        translator(announcement.language), announcement, missed_channel=announcement.channel_id
    )
    for coordinator in announcement.coordinators:
        client.chat_postMessage(channel=coordinator, **fallback.as_kwargs())
    _record(deps, announcement, error=error if not announcement.coordinators else None)
    return False


def _record(deps: Deps | None, announcement: ResultAnnouncement, *, error: str | None) -> None:
    if deps is None or deps.engine is None or announcement.ledger_id is None:
        return
    with unit_of_work(deps.engine) as session:
        if error is None:
            ledger.mark_sent(session, ledger_id=announcement.ledger_id, now=deps.clock())
        else:
            ledger.mark_failed(
                session, ledger_id=announcement.ledger_id, error=error, now=deps.clock(),
                permanent=True,
            )  # fmt: skip
