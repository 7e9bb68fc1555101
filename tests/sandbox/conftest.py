"""Fixtures for the sandbox's own tests: a strict sandbox and a Web API client pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import strict_sandbox


class FakeClock:
    """A clock the test moves by hand (seconds since the epoch)."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    """A hand-moved clock for the sandbox (trigger expiry, timestamps)."""
    return FakeClock()


@pytest.fixture
def sandbox(clock: FakeClock) -> Iterator[LocalSandbox]:
    """A started sandbox; the test fails at teardown if any contract violation was recorded."""
    with strict_sandbox(clock=clock) as running:
        yield running


@pytest.fixture
def client(sandbox: LocalSandbox) -> WebClient:
    """A bot-token WebClient at the sandbox, without retries (faults show as they are)."""
    return WebClient(token=sandbox.bot_token, base_url=sandbox.api_url, retry_handlers=[])
