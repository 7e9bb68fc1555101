"""The scheduler's leader lock and election, in one process, on SQLite and PostgreSQL.

The processes themselves (a leader killed with SIGKILL, a follower taking over) are in
tests/deploy; here the same locks and `LeaderService` are driven directly.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from bot.schedule.leader import LeaderService, sqlite_refusal
from storage.engine import make_engine
from storage.leader import AdvisoryLock, FileLock, scheduler_lock
from tests.conftest import BACKENDS

POSTGRES_ONLY = [backend for backend in BACKENDS if backend != "sqlite"]


@dataclass
class Ticker:
    """Stands in for the ticking scheduler: records when it ran."""

    name: str
    log: list[str] = field(default_factory=list)

    def start(self) -> None:
        self.log.append(f"{self.name} start")

    def stop(self) -> None:
        self.log.append(f"{self.name} stop")


def _wait(probe: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def services(db_url: str) -> Iterator[list[LeaderService]]:
    made: list[LeaderService] = []
    yield made
    for service in made:
        service.stop()


def _service(db_url: str, log: list[str], name: str, made: list[LeaderService]) -> LeaderService:
    service = LeaderService(
        scheduler_lock(make_url(db_url)),
        lambda: Ticker(name, log),
        retry=0.05,
        keepalive=0.05,
        announce=lambda line: None,
    )
    made.append(service)
    return service


def test_one_of_two_schedulers_leads_and_the_other_takes_over_when_it_stops(
    db_url: str, services: list[LeaderService]
) -> None:
    log: list[str] = []
    first = _service(db_url, log, "first", services)
    second = _service(db_url, log, "second", services)
    first.start()
    _wait(first.leading.is_set, "the first scheduler to lead")
    second.start()
    time.sleep(0.3)  # many of the follower's attempts
    assert not second.leading.is_set() and log == ["first start"]

    first.stop()
    _wait(second.leading.is_set, "the second scheduler to take over")

    assert log == ["first start", "first stop", "second start"]


@pytest.mark.parametrize("db_backend", POSTGRES_ONLY, indirect=True)
def test_a_leader_whose_session_ends_steps_down_then_one_leads_again(
    db_url: str, services: list[LeaderService]
) -> None:
    log: list[str] = []
    first = _service(db_url, log, "first", services)
    second = _service(db_url, log, "second", services)
    first.start()
    _wait(first.leading.is_set, "the first scheduler to lead")
    second.start()
    holder = first.lock
    assert isinstance(holder, AdvisoryLock) and holder._connection is not None
    pid = holder._connection.execute(text("SELECT pg_backend_pid()")).scalar()
    admin = make_engine(db_url)
    try:
        with admin.begin() as connection:  # the leader's connection dies (server restart, network)
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()

    _wait(lambda: "first stop" in log, "the first scheduler to notice and stop sweeping")
    _wait(lambda: len(log) == 3, "a scheduler to lead again")  # either may win the lock
    time.sleep(0.3)  # many more keepalives and attempts: nothing changes
    # The follower may start before the old leader notices (at most one keepalive later):
    # the ledger, not the lock, keeps sends single in that moment.
    assert log[0] == "first start" and sorted(log[1:]) in (
        ["first start", "first stop"],
        ["first stop", "second start"],
    )
    assert len(log) == 3 and first.leading.is_set() != second.leading.is_set()


@pytest.mark.parametrize("db_backend", POSTGRES_ONLY, indirect=True)
def test_the_advisory_lock_is_one_per_database_schema(db_url: str) -> None:
    mine, theirs = AdvisoryLock(make_url(db_url)), AdvisoryLock(make_url(db_url))
    try:
        assert mine.try_acquire() and mine.still_held()
        assert not theirs.try_acquire()
        assert mine.key == theirs.key and mine.key is not None
        other_schema = AdvisoryLock(make_url(db_url).update_query_dict({"options": ""}))
        try:  # the same name in another schema (the public one) is another lock
            assert other_schema.try_acquire() and other_schema.key != mine.key
        finally:
            other_schema.release()
        mine.release()
        assert not mine.still_held()
        assert theirs.try_acquire()
    finally:
        mine.release()
        theirs.release()


def test_a_second_scheduler_on_a_sqlite_file_is_refused_with_the_holder(tmp_path: Path) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'citycheck.db'}")
    first, second = scheduler_lock(url), scheduler_lock(url)
    assert isinstance(first, FileLock) and isinstance(second, FileLock)
    assert first.path == tmp_path / "citycheck.db.scheduler.lock"
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        message = sqlite_refusal(second)
        assert "another citycheck scheduler is already running on this SQLite database" in message
        assert f"(process {os.getpid()})" in message
        assert "--no-scheduler" in message and "PostgreSQL" in message
        first.release()
        assert second.try_acquire()
    finally:
        first.release()
        second.release()
