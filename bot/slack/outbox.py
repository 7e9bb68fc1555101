"""Scheduled messages out through Slack's Web API, and the scheduler service that sends them.

`SlackSender` posts each message with its ledger id in the message metadata, so that a retried
send can ask Slack whether the first attempt went out (`was_delivered` reads the channel's
recent history). A Slack error that retrying cannot fix (the person or channel is gone, the bot
was removed, the token revoked) is a permanent `SendError`; anything else is retryable. 429s are
waited out by the client's own handler (Retry-After), see `bot.slack.client`.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.deps import Deps, WorkspaceNotInstalledError
from bot.schedule.attend import Attention
from bot.schedule.attention import AttentionRules, rules_from
from bot.schedule.leader import LeaderService
from bot.schedule.sending import CHANNEL_INTERVAL, Outgoing, Pacer, SendError
from bot.schedule.sweep import Sweeper
from bot.schedule.ticker import TICK_SECONDS, SchedulerService
from bot.slack.builders.blocks import Message
from bot.slack.builders.notifications import build_notification
from bot.slack.installations import TOKEN_REFUSED
from storage.leader import scheduler_lock
from storage.repo import ledger
from storage.session import unit_of_work

logger = logging.getLogger("citycheck.schedule")

METADATA_EVENT = "citycheck_notification"
HISTORY_PAGES = 5
HISTORY_PAGE_SIZE = 200

PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "channel_not_found",
        "user_not_found",
        "users_not_found",
        "is_archived",
        "not_in_channel",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "user_disabled",
        "user_is_restricted",
        "restricted_action",
        "team_access_not_granted",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "ekm_access_denied",
    }
)
"""Slack errors that the same call will keep getting: give up and report in the digest."""

NOT_INSTALLED = "not_installed"
"""The error recorded for a send to a workspace that has no bot token stored (OAuth mode)."""


def is_permanent(error: str) -> bool:
    """True for a Slack error that retrying cannot fix."""
    return error in PERMANENT_ERRORS


class SlackSender:
    """Posts scheduled messages with the workspace's client; see the module docstring.

    In OAuth mode a workspace whose token Slack refuses may have installed the app again since
    this process cached its client (the uninstall event reached another process): the cached
    client is dropped and, if the installation store now holds another token, the post is tried
    once more with it (Slack posted nothing with a refused token). A workspace with no token
    any more (uninstalled) is a permanent `not_installed` error.
    """

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def send(self, outgoing: Outgoing) -> None:
        """Post the message; SendError when Slack refuses it."""
        message = build_notification(outgoing.view)
        client = self._client(outgoing.team_id)
        try:
            self._post(client, outgoing, message)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "unknown_error")
            fresh = self._client_again(outgoing.team_id, client) if error in TOKEN_REFUSED else None
            if fresh is None:
                raise SendError(error, permanent=is_permanent(error)) from None
            try:
                self._post(fresh, outgoing, message)
            except SlackApiError as again:
                error = str(again.response.get("error") or "unknown_error")
                raise SendError(error, permanent=is_permanent(error)) from None

    @staticmethod
    def _post(client: WebClient, outgoing: Outgoing, message: Message) -> None:
        client.chat_postMessage(
            channel=outgoing.channel,
            metadata={
                "event_type": METADATA_EVENT,
                "event_payload": {"ledger_id": outgoing.ledger_id},
            },
            **message.as_kwargs(),
        )

    def _client(self, team_id: str) -> WebClient:
        try:
            return self.deps.client_for(team_id)
        except WorkspaceNotInstalledError:
            raise SendError(NOT_INSTALLED, permanent=True) from None

    def _client_again(self, team_id: str, refused: WebClient) -> WebClient | None:
        """A client with a token other than the refused one, if the workspace has one now."""
        if self.deps.team_clients is None:
            return None
        self.deps.forget_client(team_id)
        fresh = self._client(team_id)
        return fresh if fresh.token != refused.token else None

    def was_delivered(self, outgoing: Outgoing) -> bool:
        """True when the channel's newest messages (`HISTORY_PAGES` pages) include this row's."""
        client = self._client(outgoing.team_id)
        try:
            channel = _conversation_of(client, outgoing.channel)
            cursor = None
            for _ in range(HISTORY_PAGES):
                page = client.conversations_history(
                    channel=channel,
                    limit=HISTORY_PAGE_SIZE,
                    include_all_metadata=True,
                    cursor=cursor,
                )
                if any(_carries(m, outgoing.ledger_id) for m in page.get("messages") or []):
                    return True
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return False
        except SlackApiError as exc:
            logger.warning(
                "could not read %s's history to check ledger row %s (%s): sending again",
                outgoing.channel,
                outgoing.ledger_id,
                exc.response.get("error"),
            )
        return False


def _conversation_of(client: WebClient, channel: str) -> str:
    """The conversation id to read: a user id stands for the bot's DM with them."""
    if channel[:1] not in ("U", "W"):
        return channel
    opened = client.conversations_open(users=channel)
    return str((opened.get("channel") or {}).get("id") or channel)


def _carries(message: dict[str, Any], ledger_id: int) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == METADATA_EVENT and payload.get("ledger_id") == ledger_id


def send_once(
    engine: Engine,
    client: WebClient,
    *,
    kind: str,
    target: str,
    period_key: str,
    channel: str,
    message: Message,
    now: datetime,
) -> bool:
    """Post a message claimed in the ledger first (so a retried action never posts it twice)."""
    with unit_of_work(engine) as session:
        row = ledger.claim_notification(
            session, kind=kind, target=target, period_key=period_key, now=now
        )
        if row is None or row.id is None:
            return False
        ledger_id = row.id
    try:
        client.chat_postMessage(channel=channel, **message.as_kwargs())
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown_error")
        with unit_of_work(engine) as session:
            ledger.mark_failed(
                session, ledger_id=ledger_id, error=error, now=now, permanent=is_permanent(error)
            )
        logger.warning("could not send %s %s: %s", kind, target, error)
        return False
    with unit_of_work(engine) as session:
        ledger.mark_sent(session, ledger_id=ledger_id, now=now)
    return True


def build_sweeper(
    deps: Deps,
    *,
    stop: threading.Event | None = None,
    channel_interval: float = CHANNEL_INTERVAL,
    rules: AttentionRules | None = None,
) -> Sweeper:
    """The sweeper of this process: its database, rubric, clock, and Slack as the sender; the
    attention rules of the settings (or `rules`), with Slack's signals."""
    from bot.slack.signals import SlackSignals

    if deps.engine is None:
        raise RuntimeError("the scheduler needs a database: set DATABASE_URL")
    stop = stop or threading.Event()
    return Sweeper(
        deps.engine,
        deps.rubric,
        SlackSender(deps),
        clock=deps.clock,
        pacer=Pacer(channel_interval, stop=stop),
        stop=stop,
        evidence_max_age_months=deps.settings.evidence_max_age_months,
        attention=Attention(rules or rules_from(deps.settings), SlackSignals(deps)),
    )


def scheduler_service(
    deps: Deps, *, interval: float = TICK_SECONDS, channel_interval: float = CHANNEL_INTERVAL
) -> LeaderService:
    """The scheduler as a `BackgroundService` (a `ServiceFactory` of `citycheck run`).

    It takes part in the leader election of every scheduler on the same database
    (`bot.schedule.leader`) and sweeps only while it leads.
    """
    if deps.engine is None:
        raise RuntimeError("the scheduler needs a database: set DATABASE_URL")

    def lead() -> SchedulerService:
        stop = threading.Event()
        sweeper = build_sweeper(deps, stop=stop, channel_interval=channel_interval)
        return SchedulerService(sweeper.sweep_safely, interval=interval, stop=stop)

    return LeaderService(scheduler_lock(deps.engine.url), lead)
