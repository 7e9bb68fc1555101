"""GET /healthz: 200 with the database's state, 503 when the database does not answer."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_healthz_answers_without_a_database(bot: BotUnderTest) -> None:
    assert _get(bot.url + "/healthz") == (200, {"status": "ok", "database": "not configured"})


def test_healthz_checks_the_database(sandbox: LocalSandbox) -> None:
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    with running_bot(sandbox, engine=engine) as served:
        assert _get(served.url + "/healthz") == (200, {"status": "ok", "database": "ok"})


@pytest.fixture
def bot_with_lost_database(sandbox: LocalSandbox, tmp_path: Path) -> Iterator[BotUnderTest]:
    engine = create_engine(
        f"sqlite:///{tmp_path / 'gone' / 'citycheck.db'}"
    )  # the folder does not exist
    with running_bot(sandbox, engine=engine) as served:
        yield served


def test_healthz_is_503_when_the_database_does_not_answer(
    bot_with_lost_database: BotUnderTest,
) -> None:
    assert _get(bot_with_lost_database.url + "/healthz") == (
        503,
        {"status": "degraded", "database": "unavailable"},
    )


def test_other_paths_are_404(bot: BotUnderTest) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(bot.url + "/", timeout=5)
    assert caught.value.code == 404
