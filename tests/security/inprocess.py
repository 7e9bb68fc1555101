"""The real Bolt app driven in this process: signed requests dispatched without an HTTP server.

For tests that send many generated requests (hypothesis): `InProcessApp.send(...)` signs a body
as Slack does and runs it through every middleware and listener; `settle()` waits until the
Slack calls deferred after the acks have run. Every `action failed` the error handler logs is
collected in `failures`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest

from bot.deps import Deps
from bot.sandbox import payloads
from bot.sandbox.testing import SIGNING_SECRET
from bot.settings import load_settings
from bot.slack.app import build_app
from bot.slack.client import build_client
from tests.security.world import NOW, RUBRIC, World


class _Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.found: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.found.append(record)


@dataclass
class InProcessApp:
    """The app of `build_app`, with its deps, fed signed requests directly."""

    app: App
    deps: Deps
    world: World
    errors: _Failures = field(default_factory=_Failures)

    @property
    def failures(self) -> list[str]:
        """Every error logged so far, with its exception."""
        return [
            f"{r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
            for r in self.errors.found
        ]

    def send(
        self, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> BoltResponse:
        """Dispatch a body signed now, as Slack would post it."""
        timestamp = str(int(time.time()))
        base = b"v0:" + timestamp.encode() + b":" + body
        signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
        request = BoltRequest(
            body=body.decode("utf-8"),
            headers={
                "content-type": content_type,
                "x-slack-request-timestamp": timestamp,
                "x-slack-signature": signature,
                **(headers or {}),
            },
        )
        return self.app.dispatch(request)

    def payload(self, payload: dict[str, Any]) -> BoltResponse:
        """Send an interaction payload (a click or a modal submission)."""
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.send(body, "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any], *, event_id: str | None = None) -> BoltResponse:
        """Deliver an Events API event."""
        identity = self.world.sandbox.identity()
        body = payloads.event_callback(
            event=event,
            app_id=identity["app_id"],
            bot_user_id=identity["bot_user_id"],
            event_id=event_id or payloads.new_event_id(),
            now=time.time(),
        )
        return self.send(json.dumps(body).encode(), "application/json")

    def typed(self, user: str, text: str) -> BoltResponse:
        """A person types `text` to the bot in its Messages tab."""
        sandbox = self.world.sandbox
        dm = sandbox.dm_channel(user_id=user)["id"]
        message = sandbox.post_as_user(channel_id=dm, user_id=user, text=text)
        return self.event(
            {
                "type": "message",
                "channel": dm,
                "user": user,
                "text": text,
                "ts": message["ts"],
                "event_ts": message["ts"],
                "channel_type": "im",
                "team": sandbox.identity()["team_id"],
            }
        )

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until every Slack call deferred so far has run."""
        settle(self.app, timeout)


def settle(app: App, timeout: float = 30.0) -> None:
    """Wait until every task queued on the app's listener pool so far has run.

    One task per worker waits at a barrier: all of them can only be running at once when every
    worker has finished what it took from the queue before them.
    """
    executor = app.listener_runner.listener_executor
    workers = executor._max_workers  # type: ignore[attr-defined]
    barrier = threading.Barrier(workers + 1)
    for _ in range(workers):
        executor.submit(barrier.wait, timeout)
    barrier.wait(timeout)


@contextmanager
def in_process_app(world: World, engine: Any, *, clock: Any = None) -> Iterator[InProcessApp]:
    """The app on `engine` against the world's sandbox; stops its thread pool on exit."""
    settings = load_settings(
        SLACK_BOT_TOKEN=world.sandbox.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=world.sandbox.api_url,
        SLACK_APP_TOKEN="",
    )
    deps = Deps(
        settings=settings,
        client=build_client(settings),
        engine=engine,
        rubric=RUBRIC,
        clock=clock or (lambda: NOW),
    )
    app = build_app(deps, lazy_workers=4)
    running = InProcessApp(app, deps, world)
    logger = logging.getLogger()
    logger.addHandler(running.errors)
    try:
        yield running
    finally:
        app.listener_runner.listener_executor.shutdown(wait=True)
        logger.removeHandler(running.errors)
