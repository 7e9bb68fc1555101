"""Two `citycheck scheduler` processes on PostgreSQL: one leads; killed with SIGKILL midway through
a thousand due reminders, the other takes over, and every reminder reaches Slack exactly once.

The leader dies holding claims it had not yet marked sent (its sends in flight). The ledger
hands such claims over only after `CLAIM_TIMEOUT` (ten minutes), and the new sender first asks
Slack whether each already went out. So that the test need not wait ten minutes, the follower's
clock runs eleven minutes ahead of the leader's (`--now`); every reminder is still due at
either moment (9:00 and 9:11 on its due date).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import col

from bot.sandbox.server import LocalSandbox
from bot.sandbox.store import TEAM_ID
from bot.sandbox.testing import SIGNING_SECRET, strict_sandbox
from storage.engine import make_engine
from storage.enums import NotificationStatus, Role
from storage.models import (
    Assessment,
    City,
    CityRole,
    Milestone,
    NotificationLedger,
    Person,
    Plan,
    Workspace,
)
from storage.repo.ledger import CLAIM_TIMEOUT
from storage.session import unit_of_work
from tests.conftest import BACKENDS
from tests.deploy.processes import Citycheck
from tests.slack.processes import clean_env, free_port

pytestmark = pytest.mark.slow
POSTGRES_ONLY = [backend for backend in BACKENDS if backend != "sqlite"]
REMINDERS = 1000
DUE = date(2027, 3, 17)
NINE_IN_NEW_YORK = datetime(2027, 3, 17, 13, 0, tzinfo=UTC)
CREATED = NINE_IN_NEW_YORK - timedelta(days=60)
FOLLOWER_AHEAD = CLAIM_TIMEOUT + timedelta(minutes=1)
TAKEOVER_BOUND = 60.0
"""Seconds: a dead leader is replaced within a minute (measured, and only bounded loosely)."""


@pytest.fixture
def sandbox() -> Iterator[LocalSandbox]:
    with strict_sandbox() as running:
        yield running


def _leaders(engine: Engine, sandbox: LocalSandbox) -> tuple[list[str], int, list[int]]:
    """A city with REMINDERS leaders and a plan: their Slack ids, the plan, their person ids."""
    users = [sandbox.add_user(name=f"leader{n}")["id"] for n in range(REMINDERS)]
    with unit_of_work(engine) as session:
        workspace = Workspace(slack_team_id=TEAM_ID, name="Sandbox", created_at=CREATED)
        session.add(workspace)
        session.flush()
        assert workspace.id is not None
        city = City(
            workspace_id=workspace.id,
            name="Springfield",
            timezone="America/New_York",
            created_at=CREATED,
        )
        session.add(city)
        session.flush()
        assert city.id is not None
        people = [
            Person(
                workspace_id=workspace.id,
                slack_user_id=user,
                display_name=f"Leader {n}",
                created_at=CREATED,
                updated_at=CREATED,
            )
            for n, user in enumerate(users)
        ]
        session.add_all(people)
        round_ = Assessment(
            city_id=city.id,
            rubric_id="city-data-practices",
            rubric_version="2022.1",
            round_number=1,
            started_at=CREATED,
        )
        session.add(round_)
        session.flush()
        assert round_.id is not None
        plan = Plan(assessment_id=round_.id, created_at=CREATED)
        session.add(plan)
        session.flush()
        assert plan.id is not None
        person_ids = [person.id for person in people if person.id is not None]
        session.add_all(
            CityRole(city_id=city.id, person_id=person_id, role=Role.LEADER, granted_at=CREATED)
            for person_id in person_ids
        )
    return users, plan.id, person_ids


def _milestones_due_today(engine: Engine, plan_id: int, owner_ids: list[int]) -> None:
    """One milestone due today for each owner, all in one commit."""
    with unit_of_work(engine) as session:
        session.add_all(
            Milestone(
                plan_id=plan_id,
                criterion_id="PA1",
                title=f"Milestone {n}",
                owner_id=owner_id,
                due_on=DUE,
                created_at=CREATED,
            )
            for n, owner_id in enumerate(owner_ids)
        )


def _posted(sandbox: LocalSandbox) -> list[str]:
    """The channels of every chat.postMessage Slack accepted."""
    return [c["args"]["channel"] for c in sandbox.calls("chat.postMessage") if c.get("ok")]


def _scheduler(name: str, env: dict[str, str], logs: Path, start: datetime) -> Citycheck:
    clock = start.isoformat().replace("+00:00", "Z")
    args = ["scheduler", "--now", clock, "--interval", "2", "--channel-interval", "0"]
    return Citycheck(name, args, env, logs)


@pytest.mark.parametrize("db_backend", POSTGRES_ONLY, indirect=True)
def test_the_leader_killed_midway_every_reminder_goes_once_and_the_follower_takes_over(
    sandbox: LocalSandbox, db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    try:
        users, plan_id, owners = _leaders(engine, sandbox)
        env = clean_env(
            SLACK_BOT_TOKEN=sandbox.bot_token,
            SLACK_API_URL=sandbox.api_url,
            DATABASE_URL=db_url,
            CITYCHECK_LOG_LEVEL="info",
        )
        leader = _scheduler("leader", env, tmp_path, NINE_IN_NEW_YORK)
        follower = None
        try:
            leader.wait_for_line("scheduler leading")
            follower = _scheduler("follower", env, tmp_path, NINE_IN_NEW_YORK + FOLLOWER_AHEAD)
            follower.wait_for_line("scheduler following")
            _milestones_due_today(engine, plan_id, owners)  # the leader's next sweep sends them
            deadline = time.monotonic() + 120
            while len(_posted(sandbox)) < REMINDERS // 4 and time.monotonic() < deadline:
                time.sleep(0.01)
            leader.kill()
            killed_at = time.monotonic()
            sent_by_leader = len(_posted(sandbox))

            took_over_at = follower.wait_for_line("scheduler leading", timeout=TAKEOVER_BOUND)
            takeover = took_over_at - killed_at
            deadline = time.monotonic() + 120
            while len(_posted(sandbox)) < REMINDERS and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(3)  # a further sweep of the follower's: nothing more goes out
        finally:
            codes = [p.stop() for p in (leader, follower) if p is not None]
        with engine.connect() as connection:
            statuses = dict(
                connection.execute(
                    select(col(NotificationLedger.status), func.count()).group_by(
                        NotificationLedger.status
                    )
                ).all()
            )
    finally:
        engine.dispose()

    print(f"\nleader killed after {sent_by_leader} of {REMINDERS}; takeover {takeover:.1f} s")
    assert 0 < sent_by_leader < REMINDERS  # killed midway
    assert takeover < TAKEOVER_BOUND
    assert Counter(_posted(sandbox)) == Counter(dict.fromkeys(users, 1))
    assert statuses == {NotificationStatus.SENT: REMINDERS}
    assert codes[-1] == 0  # the follower stopped cleanly on SIGTERM
    assert "Traceback" not in follower.stderr() if follower else True


@pytest.mark.parametrize("db_backend", POSTGRES_ONLY, indirect=True)
def test_a_bot_process_with_its_scheduler_takes_part_in_the_election(
    sandbox: LocalSandbox, db_url: str, tmp_path: Path
) -> None:
    env = clean_env(
        SLACK_BOT_TOKEN=sandbox.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=sandbox.api_url,
        DATABASE_URL=db_url,
        CITYCHECK_LOG_LEVEL="info",
    )
    scheduler = _scheduler("scheduler", env, tmp_path, NINE_IN_NEW_YORK)
    port = free_port()
    serving = None
    try:
        scheduler.wait_for_line("scheduler leading")
        serving = Citycheck(
            "bot", ["run", "--http", "--host", "127.0.0.1", "--port", str(port)], env, tmp_path
        )
        serving.wait_healthy(f"http://127.0.0.1:{port}/healthz")
        serving.wait_for_log("scheduler following")
        once = Citycheck("once", ["scheduler", "--once"], env, tmp_path)
        assert once.finish() == 0
        time.sleep(1)  # more than the follower's first attempts
        assert "scheduler leading" not in serving.stderr()

        scheduler.kill()
        serving.wait_for_log("scheduler leading", timeout=TAKEOVER_BOUND)
    finally:
        codes = [p.stop() for p in (scheduler, serving) if p is not None]
    assert [line for _, line in once.lines] == ["sweep: skipped: another scheduler is leading"]
    assert codes[-1] == 0
