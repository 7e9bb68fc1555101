"""Helpers for tests that run the real app against the sandbox (used by the tests' fixtures).

`strict_sandbox()` yields a started `LocalSandbox` and fails when any contract violation was
recorded; `running_bot(sandbox, ...)` serves the real Bolt app (built by `build_app`) over HTTP on
127.0.0.1 and yields a `BotUnderTest` with its `Deps`, its URL and a `Workspace` driver.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bot.sandbox.driver import Workspace
from bot.sandbox.server import LocalSandbox

SIGNING_SECRET = "sandbox-signing-secret-0123456789abcdef"
CLIENT_ID = "1234567890.2345678901"
CLIENT_SECRET = "sandbox-client-secret-0123456789abcdef"


class SandboxViolations(AssertionError):
    """The code under test broke the Web API contract; the message lists every violation."""

    def __init__(self, violations: list[dict[str, Any]]) -> None:
        lines = [f"- {v['method']}: {v['error']}: {'; '.join(v['problems'])}" for v in violations]
        super().__init__(f"{len(violations)} sandbox violation(s):\n" + "\n".join(lines))


def assert_no_violations(sandbox: Any) -> None:
    """Raise SandboxViolations if the sandbox recorded any."""
    found = sandbox.violations()
    if found:
        raise SandboxViolations(found)


@contextmanager
def strict_sandbox(**kwargs: Any) -> Iterator[LocalSandbox]:
    """A started sandbox on a free port; on exit it stops, then fails on recorded violations."""
    sandbox = LocalSandbox(**kwargs).start()
    try:
        yield sandbox
    finally:
        sandbox.stop()
    assert_no_violations(sandbox)


@dataclass
class BotUnderTest:
    """The real app served on 127.0.0.1, with what a test needs to drive and inspect it."""

    url: str
    events_url: str
    deps: Any
    app: Any
    workspace: Workspace

    def drain(self) -> None:
        """Wait until every queued lazy listener has finished; afterwards none can start."""
        self.app.listener_runner.listener_executor.shutdown(wait=True)

    def workspace_for(self, team_id: str) -> Workspace:
        """The driver for another workspace of the sandbox (the app installed there by OAuth)."""
        return Workspace(self.workspace.sandbox, self.events_url, SIGNING_SECRET, team_id=team_id)


@contextmanager
def running_bot(
    sandbox: LocalSandbox,
    *,
    engine: Any = None,
    rubric: Any = None,
    clock: Callable[[], Any] | None = None,
    customize: Callable[[Any], None] | None = None,
    oauth: bool = False,
    rubrics: Any = None,
) -> Iterator[BotUnderTest]:
    """Serve `build_app(Deps(...))` against `sandbox`; `customize(app)` may add test listeners;
    `rubrics` (a `RubricRegistry` whose current rubric is `rubric`) adds further versions.

    With `oauth` the app runs for several workspaces (it needs `engine`, which holds the
    installations): install it into a workspace with the driver's `install`.
    """
    from bot.deps import Deps, utc_now
    from bot.settings import load_settings
    from bot.slack.app import build_app
    from bot.slack.client import build_client
    from bot.slack.server import InThreadServer, build_wsgi_app

    slack: dict[str, Any] = {"SLACK_BOT_TOKEN": sandbox.bot_token}
    if oauth:
        slack = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET}
    settings = load_settings(
        **slack,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=sandbox.api_url,
        SLACK_APP_TOKEN="",
    )
    team_clients = None
    if oauth:
        from bot.slack.installations import InstalledClients

        team_clients = InstalledClients.on_database(settings, engine)
    deps = Deps(
        settings=settings,
        client=build_client(settings),
        engine=engine,
        rubric=rubric if rubric is not None or rubrics is None else rubrics.current,
        clock=clock or utc_now,
        team_clients=team_clients,
        rubrics=rubrics,
    )
    app = build_app(deps)
    if customize is not None:
        customize(app)
    server = InThreadServer(build_wsgi_app(app, deps))
    if oauth:
        redirect = server.url + "/slack/oauth_redirect"
        sandbox.register_app(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_urls=[redirect]
        )
    try:
        workspace = Workspace(sandbox, server.events_url, SIGNING_SECRET)
        yield BotUnderTest(server.url, server.events_url, deps, app, workspace)
    finally:
        server.stop()
        app.listener_runner.listener_executor.shutdown(wait=True)  # finish queued Slack calls


def response_json(body: str) -> Any:
    """A response body as JSON, or None when it is empty."""
    return json.loads(body) if body.strip() else None
