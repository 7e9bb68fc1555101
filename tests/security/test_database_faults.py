"""The database's bad days while a person clicks: told "not saved", nothing half-written, and the
bot carries on by itself once the database is back.

Each case clicks "None of these" on the respondent's question through the real app over HTTP:
while the database is locked (SQLite beyond its busy timeout), slow (every pooled connection
busy), failing half-way through the unit of work, or stopped (PostgreSQL); then again after.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.i18n import translator
from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot
from bot.slack.builders.failure import build_not_saved_message
from storage import migrate
from storage.engine import make_engine
from storage.models import Answer, AnswerHistory
from tests.security.world import (
    CRITERION,
    NOW,
    RUBRIC,
    World,
    add_people,
    changed_tables,
    seed,
    snapshot,
)

NOT_SAVED = build_not_saved_message(translator("en")).text


@contextmanager
def bot_on(world: World, engine: Engine) -> Iterator[BotUnderTest]:
    """The real app over HTTP on `engine`."""
    with running_bot(world.sandbox, engine=engine, rubric=RUBRIC, clock=lambda: NOW) as bot:
        yield bot


def open_question(bot: BotUnderTest, world: World) -> dict[str, Any]:
    """Rita asks for her questions again; the question message she is on."""
    rita = world.user("rita")
    bot.workspace.command(rita, "resume")
    return bot.workspace.wait_for_message(rita, f"{CRITERION} ")


def click_none(bot: BotUnderTest, world: World) -> None:
    """Rita clicks "None of these" on her open question."""
    rita = world.user("rita")
    question = bot.workspace.wait_for_message(rita, f"{CRITERION} ")
    bot.workspace.click_in(rita, question, "None of these")


def answers(engine: Engine) -> tuple[int, int]:
    """How many answers and answer changes are stored."""
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Answer)) or 0,
            session.scalar(select(func.count()).select_from(AnswerHistory)) or 0,
        )


def told_not_saved(bot: BotUnderTest, world: World, times: int = 1) -> None:
    """Wait until Rita has been told `times` times that her click was not saved."""
    rita = world.user("rita")
    bot.workspace.wait_for(
        lambda: sum(NOT_SAVED in m["text"] for m in bot.workspace.messages(rita)) >= times,
        timeout=10,
        what="the not-saved notice",
    )


def stored_once(bot: BotUnderTest, engine: Engine) -> None:
    """Wait until the click after recovery is stored: one answer, one change."""
    bot.workspace.wait_for(lambda: answers(engine) == (1, 1), timeout=10, what="the answer")


def test_a_locked_sqlite_database(world: World) -> None:
    engine = make_engine(world.db_url, sqlite_busy_timeout_ms=200)
    before = snapshot(engine)
    locker = sqlite3.connect(world.db_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        with bot_on(world, engine) as bot:
            open_question(bot, world)
            locker.execute("BEGIN IMMEDIATE")  # another writer holds the lock, and keeps it
            click_none(bot, world)
            told_not_saved(bot, world)
            assert changed_tables(before, snapshot(engine)) == []
            locker.execute("ROLLBACK")
            click_none(bot, world)
            stored_once(bot, engine)
    finally:
        locker.close()
        engine.dispose()


def test_a_slow_database_with_every_connection_busy(world: World) -> None:
    engine = make_engine(world.db_url, pool_size=1, max_overflow=0, pool_timeout=0.3)
    before = snapshot(engine)
    try:
        with bot_on(world, engine) as bot:
            open_question(bot, world)
            held = engine.connect()  # a long query elsewhere holds the only connection
            try:
                click_none(bot, world)
                told_not_saved(bot, world)
            finally:
                held.close()
            assert changed_tables(before, snapshot(engine)) == []
            click_none(bot, world)
            stored_once(bot, engine)
    finally:
        engine.dispose()


def test_a_failure_half_way_leaves_nothing_half_written(world: World) -> None:
    engine = make_engine(world.db_url)
    before = snapshot(engine)
    seen: list[str] = []

    def fail_on_progress(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.split()[0].upper())
        writes = statement.lstrip().upper().startswith(("INSERT", "UPDATE"))
        if writes and "interview_progress" in statement:
            raise OperationalError(statement, (), Exception("disk I/O error"))

    try:
        with bot_on(world, engine) as bot:
            open_question(bot, world)
            event.listen(engine, "before_cursor_execute", fail_on_progress)
            try:
                click_none(bot, world)
                told_not_saved(bot, world)
            finally:
                event.remove(engine, "before_cursor_execute", fail_on_progress)
            assert "INSERT" in seen  # the answer and its history were written, then undone
            assert changed_tables(before, snapshot(engine)) == []
            click_none(bot, world)
            stored_once(bot, engine)
    finally:
        engine.dispose()


needs_initdb = pytest.mark.skipif(
    shutil.which("initdb") is None and os.environ.get("CITYCHECK_REQUIRE_POSTGRES") != "1",
    reason="initdb is not installed here",
)


@pytest.mark.slow
@pytest.mark.postgres
@needs_initdb
def test_postgresql_stopped_and_started_again(tmp_path: Path) -> None:
    from storage.pgtemp import temporary_postgres_server

    # Durable settings: the server is stopped as if it crashed, and must keep what it committed.
    with temporary_postgres_server(fast=False) as server, LocalSandbox() as sandbox:
        users, channels = add_people(sandbox)
        migrate.upgrade(server.url)
        engine = make_engine(server.url)
        try:
            world = World(sandbox, users, channels, seed(engine, users, channels), server.url)
            with bot_on(world, engine) as bot:
                open_question(bot, world)  # the pool holds live connections now
                server.stop()
                click_none(bot, world)
                told_not_saved(bot, world)
                assert _health(bot) == 503
                server.start()
                assert answers(engine) == (0, 0)
                click_none(bot, world)
                stored_once(bot, engine)
                assert _health(bot) == 200
        finally:
            engine.dispose()


def _health(bot: BotUnderTest) -> int:
    try:
        with urllib.request.urlopen(bot.url + "/healthz", timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
