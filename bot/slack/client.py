"""The Web API client: built once per process, pointed at Slack, GovSlack or the sandbox.

Retries, and why they are safe:
- HTTP 429 (`ratelimited`): Slack did not run the call, so every method is retried after the
  `Retry-After` seconds it asks for (slack_sdk's RateLimitErrorRetryHandler sleeps in the calling
  thread), up to three times.
- HTTP 500/503 and connection errors after the request may have been sent (reset, timeout, remote
  disconnect) are ambiguous: Slack may have done the work. They are retried only for methods that
  read or that set a whole state (`chat.update`, `views.publish`, ...), where doing it twice gives
  the same result. `chat.postMessage`, `chat.postEphemeral`, `views.open`/`views.push` and file
  completion are not retried blindly: a second attempt could post twice. The error reaches the
  caller, whose outbox or ledger decides.
- A connection that was refused or a host name that did not resolve never reached Slack, so
  those are retried for every method.
"""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING, Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import HttpRequest as RetryRequest
from slack_sdk.http_retry import HttpResponse as RetryResponse
from slack_sdk.http_retry import RetryHandler, RetryState
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

from bot.slack.connections import reuse_connections

if TYPE_CHECKING:
    from bot.settings import Settings

logger = logging.getLogger("citycheck.slack")

DEFAULT_API_URL = "https://slack.com/api/"
WEB_API_LOGGER = "slack_sdk.web.base_client"
"""The logger slack_sdk's WebClient uses by default (and ours, with its level set)."""
CLIENT_TIMEOUT_SECONDS = 15

IDEMPOTENT_METHODS = frozenset(
    {
        "auth.test",
        "chat.delete",
        "chat.getPermalink",
        "chat.update",
        "conversations.history",
        "conversations.info",
        "conversations.members",
        "conversations.open",
        "conversations.replies",
        "files.getUploadURLExternal",
        "files.info",
        "team.info",
        "users.info",
        "users.list",
        "users.lookupByEmail",
        "views.publish",
        "views.update",
    }
)
"""Methods where a repeated call after an ambiguous failure does no harm."""


def api_method_of(url: str) -> str:
    """The Web API method named by a request URL (`.../api/chat.update?x=1` -> `chat.update`)."""
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _never_sent(error: BaseException) -> bool:
    reason = error.reason if isinstance(error, URLError) else error
    return isinstance(reason, ConnectionRefusedError | socket.gaierror)


class _Shared:
    """A stateless policy: Bolt deep-copies each request's client for lazy listeners; share it."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Shared:
        return self


class RateLimitRetryHandler(_Shared, RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (sleeps Retry-After), shared rather than copied."""


class SafeConnectionErrorRetryHandler(_Shared, RetryHandler):
    """Retries connection errors: always when nothing was sent, else only idempotent methods."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: RetryRequest,
        response: RetryResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if error is None or response is not None:
            return False
        if not isinstance(error, OSError):  # URLError, resets, timeouts, remote disconnects
            return False
        return _never_sent(error) or api_method_of(request.url) in IDEMPOTENT_METHODS


class SafeServerErrorRetryHandler(_Shared, RetryHandler):
    """Retries HTTP 500 and 503, only for idempotent methods."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: RetryRequest,
        response: RetryResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return (
            response is not None
            and response.status_code in (500, 503)
            and api_method_of(request.url) in IDEMPOTENT_METHODS
        )


def build_retry_handlers() -> list[RetryHandler]:
    """The retry policy described in this module's docstring."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)
    return [
        RateLimitRetryHandler(max_retry_count=3),
        SafeConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        SafeServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
    ]


def build_client(settings: Settings, *, token: str | None = None) -> WebClient:
    """The Web API client at SLACK_API_URL (or Slack's own address), with the retry policy.

    Its token is `token` when given; else SLACK_BOT_TOKEN in single-workspace mode, and none in
    OAuth mode, where each request's client gets its workspace's token (Bolt's authorize) and
    sends outside requests ask `Deps.client_for(team_id)`.
    """
    if token is None and not settings.oauth_enabled:
        bot_token = settings.slack_bot_token or settings.require_slack()[0]
        token = bot_token.get_secret_value()
    base_url = settings.slack_api_url or DEFAULT_API_URL
    reuse_connections(base_url)
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=CLIENT_TIMEOUT_SECONDS,
        retry_handlers=build_retry_handlers(),
        logger=web_api_logger(),
    )


def web_api_logger() -> logging.Logger:
    """slack_sdk's Web API logger, its level set from the process's logging if it has none.

    slack_sdk formats every call's whole request and response into a debug line whenever its
    logger's own level is at most DEBUG, and an unset level (NOTSET, the default) counts as
    that: the lines were built on every call and then dropped by the handlers. With the level
    set to the one in effect (INFO for `citycheck run`), they are built only when debug logs
    are asked for.
    """
    web = logging.getLogger(WEB_API_LOGGER)
    if web.level == logging.NOTSET:
        web.setLevel(web.getEffectiveLevel())
    return web


class TokenRefused(Exception):
    """Slack answered auth.test with an error: the bot token cannot be used."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def verify_token(client: WebClient) -> dict[str, Any] | None:
    """The bot's identity (auth.test); None if Slack is unreachable; TokenRefused if refused."""
    try:
        answer = client.auth_test()
    except SlackApiError as exc:
        raise TokenRefused(str(exc.response.get("error", "unknown error"))) from None
    except OSError as exc:
        logger.warning("could not reach Slack to check the bot token yet: %s", exc)
        return None
    return dict(answer.data) if isinstance(answer.data, dict) else None
