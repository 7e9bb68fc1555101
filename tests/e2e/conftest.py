"""Fixtures for whole journeys: the real app over HTTP, a strict sandbox Slack, a real database.

- `db_engine`: an engine on `db_url` (a SQLite file, or PostgreSQL), shared by the bot and the
  test, which reads what the bot stored.
- `bot`: the app with that database, the bundled rubric and a clock fixed at `NOW` (a Monday
  afternoon in UTC, morning in Chicago); the sandbox fails the test on any contract violation.
- `workspace`: the driver, people who type, click and submit.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.sandbox.driver import Workspace
from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot, strict_sandbox
from storage.engine import make_engine
from tests.e2e.journeys import NOW, RUBRIC


@pytest.fixture
def sandbox() -> Iterator[LocalSandbox]:
    """A started sandbox Slack that fails the test on any contract violation."""
    with strict_sandbox() as running:
        yield running


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    """The database the bot under test uses (and the test reads)."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def bot(sandbox: LocalSandbox, db_engine: Engine) -> Iterator[BotUnderTest]:
    """The real app, with a database, the bundled rubric and a fixed clock."""
    with running_bot(sandbox, engine=db_engine, rubric=RUBRIC, clock=lambda: NOW) as served:
        yield served


@pytest.fixture
def workspace(bot: BotUnderTest) -> Workspace:
    """The workspace driver for the bot under test."""
    return bot.workspace
