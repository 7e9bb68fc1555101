"""The Bolt app factory: `build_app(deps)`; nothing is built at import time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.deps import Deps
from bot.slack.errors import handle_error
from bot.slack.event_once import EventsOnce
from bot.slack.listeners import register_listeners

LAZY_WORKERS = 16
"""Threads for the Slack calls after each ack (deferred and lazy); bounded so a burst queues."""

logger = logging.getLogger("citycheck.slack")


class _InjectDeps(Middleware):
    """Puts `deps` in each request's context, where listeners get it by name.

    A class rather than a function middleware: Bolt builds every possible argument of a
    function middleware on each request (say, respond, client, ...), a third of a bare ack's
    cost; `process` is called as it is.
    """

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context["deps"] = self.deps
        return next()


class _Called(Middleware):
    """A `(req, body, context, next)` middleware called directly (see `_InjectDeps`)."""

    def __init__(self, func: Callable[..., BoltResponse | None]) -> None:
        self.func = func

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        return self.func(req=req, body=req.body, context=req.context, next=next)

    @property
    def name(self) -> str:
        """The wrapped middleware's class name, for Bolt's debug log."""
        return type(self.func).__name__


class _TokenFromEnvironmentNote(logging.Filter):
    """Drops Bolt's warning that SLACK_BOT_TOKEN is unused: our client carries that token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def build_app(deps: Deps, *, lazy_workers: int = LAZY_WORKERS) -> App:
    """The Bolt app: signatures checked on every request, acks first, one error handler.

    `process_before_response=True` sends the HTTP response when the ack listener returns (no
    10 ms ack polling); listeners do only what must precede the ack there and `defer` the Slack
    calls to the listener pool (`lazy_workers` threads). The token is checked by `citycheck run`
    at start-up (auth.test), not here, so building the app does no network I/O; Bolt calls
    auth.test once on the first request.

    In OAuth mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) the app also serves the install
    flow, and authorises each request with its workspace's token (see `bot.slack.oauth`).
    """
    deps.settings.check_slack()
    signing_secret = deps.settings.require_signing_secret()
    options: dict[str, Any] = {}
    if deps.settings.oauth_enabled:
        from bot.slack.oauth import app_options

        options = app_options(deps)
    if not any(isinstance(f, _TokenFromEnvironmentNote) for f in logger.filters):
        logger.addFilter(_TokenFromEnvironmentNote())  # Bolt logs through the logger we give it
    app = App(
        client=deps.client,
        signing_secret=signing_secret.get_secret_value(),
        process_before_response=True,
        token_verification_enabled=False,
        request_verification_enabled=True,
        listener_executor=ThreadPoolExecutor(
            max_workers=lazy_workers, thread_name_prefix="citycheck-lazy"
        ),
        logger=logger,
        **options,
    )

    app.use(_InjectDeps(deps))
    app.use(_Called(EventsOnce()))  # Slack's retries of an event take effect once
    app.error(handle_error)
    register_listeners(app)
    return app
