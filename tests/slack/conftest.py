"""Fixtures for the app's tests: the real Bolt app over HTTP against a strict sandbox Slack.

- `sandbox`: a started `LocalSandbox`; the test fails at teardown if the app broke the Web API
  contract (unknown method or argument, invalid blocks, missing text fallback, wrong token).
- `bot`: the app built by `build_app(Deps(...))`, served on 127.0.0.1 by a threaded WSGI server.
- `workspace`: the driver (people who type, click and submit), bound to both.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.sandbox.driver import Workspace
from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot, strict_sandbox


@pytest.fixture
def sandbox() -> Iterator[LocalSandbox]:
    """A started sandbox Slack that fails the test on any contract violation."""
    with strict_sandbox() as running:
        yield running


@pytest.fixture
def bot(sandbox: LocalSandbox) -> Iterator[BotUnderTest]:
    """The real app served over HTTP against the sandbox."""
    with running_bot(sandbox) as served:
        yield served


@pytest.fixture
def workspace(bot: BotUnderTest) -> Workspace:
    """The workspace driver for the bot under test."""
    return bot.workspace
