"""Two sweeps at the same moment (threads, on SQLite and PostgreSQL): each reminder goes once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from bot.sandbox.server import LocalSandbox
from bot.schedule.sweep import SweepReport
from storage.engine import make_engine
from storage.session import unit_of_work
from tests.schedule.conftest import make_world
from tests.schedule.world import add_plan

OWNERS = 24
SWEEPS = 3


@pytest.fixture
def shared_engine(db_url: str) -> Iterator[Engine]:
    """An engine with a real pool on a database that other threads can open."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def test_simultaneous_sweeps_send_each_reminder_exactly_once(
    sandbox: LocalSandbox, shared_engine: Engine
) -> None:
    people = {"cora": ["coordinator"]} | {f"l{i:02d}": ["leader"] for i in range(OWNERS)}
    world = make_world(sandbox, shared_engine, people=people, digest=False)
    leaders = [name for name in people if name != "cora"]
    with unit_of_work(shared_engine) as session:
        add_plan(
            session,
            rubric=world.rubric,
            assessment_id=world.assessment_id,
            owner_ids=[world.pid(n) for n in leaders],
            due=[date(2027, 3, 17)],
            criteria=[c.id for c in world.rubric.criteria()][:OWNERS],
            now=world.clock.now,
        )
    world.clock.now = datetime(2027, 3, 17, 13, tzinfo=UTC)  # 9:00 in New York on the due date
    sweepers = [world.sweeper() for _ in range(SWEEPS)]
    barrier = threading.Barrier(SWEEPS)
    reports: list[SweepReport] = []
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            reports.append(sweepers[index].sweep())
        except BaseException as exc:  # re-raised in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(SWEEPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if failures:
        raise failures[0]

    assert sum(r.sent for r in reports) == OWNERS
    received = Counter(c["args"]["channel"] for c in sandbox.calls("chat.postMessage"))
    assert received == Counter({world.user(n): 1 for n in leaders})
