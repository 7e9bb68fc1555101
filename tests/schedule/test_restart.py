"""Real processes: `citycheck scheduler` killed with SIGKILL while sending 200 reminders to the
sandbox (`python -m bot.sandbox`), then started again: every reminder arrives, none twice."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.sandbox.core import DEFAULT_BOT_TOKEN
from bot.sandbox.remote import RemoteSandbox
from storage.engine import make_engine
from storage.enums import NotificationStatus
from storage.models import NotificationLedger
from storage.session import unit_of_work
from tests.schedule.conftest import make_world
from tests.schedule.world import add_plan
from tests.slack.processes import clean_env, sandbox_process

pytestmark = pytest.mark.slow

OWNERS = 200
NINE_ON_THE_DUE_DATE = "2027-03-17T13:00:00Z"  # 9:00 in New York
AFTER_THE_CLAIM_TIMEOUT = "2027-03-17T13:11:00Z"


@pytest.fixture
def shared_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def scheduler(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "scheduler", *args], env=env, stdout=out, stderr=out
        )


def delivered(remote: RemoteSandbox) -> Counter[str]:
    return Counter(
        c["args"]["channel"] for c in remote.calls(method="chat.postMessage") if c.get("ok")
    )


def test_a_killed_scheduler_restarts_and_every_reminder_arrives_once(
    tmp_path: Path, db_url: str, shared_engine: Engine
) -> None:
    with sandbox_process(tmp_path) as url:
        remote = RemoteSandbox(url)
        people = {"cora": ["coordinator"]} | {f"l{i:03d}": ["leader"] for i in range(OWNERS)}
        world = make_world(remote, shared_engine, people=people, digest=False)  # type: ignore[arg-type]
        leaders = [name for name in people if name != "cora"]
        with unit_of_work(shared_engine) as session:
            add_plan(
                session,
                rubric=world.rubric,
                assessment_id=world.assessment_id,
                owner_ids=[world.pid(n) for n in leaders],  # one milestone each
                due=[date(2027, 3, 17)],
                criteria=([c.id for c in world.rubric.criteria()] * 5)[:OWNERS],
                now=world.clock.now,
            )
        env = clean_env(
            SLACK_BOT_TOKEN=DEFAULT_BOT_TOKEN,
            SLACK_API_URL=remote.api_url,
            DATABASE_URL=db_url,
        )
        log = tmp_path / "scheduler.log"

        first = scheduler(["--now", NINE_ON_THE_DUE_DATE, "--channel-interval", "0"], env, log)
        try:
            deadline = time.monotonic() + 120
            while sum(delivered(remote).values()) < OWNERS // 4:
                assert first.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the scheduler sent nothing"
                time.sleep(0.01)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        sent_before = sum(delivered(remote).values())
        assert sent_before < OWNERS, "the sweep finished before it could be killed"

        # Started again ten minutes later than the claims: the one it was sending is taken over
        # (and found in Slack if it got there); the rest are sent; SIGTERM stops it cleanly.
        second = scheduler(
            ["--now", AFTER_THE_CLAIM_TIMEOUT, "--interval", "0.5", "--channel-interval", "0"],
            env,
            log,
        )
        try:
            deadline = time.monotonic() + 120
            while sum(delivered(remote).values()) < OWNERS:
                assert second.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.05)
            time.sleep(1.5)  # a few more sweeps: nothing more may arrive
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
        assert second.returncode == 0, log.read_text()
        received = delivered(remote)
        assert received == Counter({world.user(n): 1 for n in leaders})
        assert remote.violations() == []
    with unit_of_work(shared_engine, read_only=True) as session:
        rows = list(session.exec(select(NotificationLedger)))
    assert len(rows) == OWNERS
    assert {row.status for row in rows} == {NotificationStatus.SENT}
