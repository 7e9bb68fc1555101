"""A sweep reads only the milestones whose next reminder has come, and misses none for it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from bot.sandbox.server import LocalSandbox
from bot.schedule import keys
from bot.schedule.policies import milestone_reminder_due
from storage.models import Milestone
from storage.repo import orgs, plans, sweeps
from storage.session import unit_of_work
from tests.schedule.conftest import World, make_world
from tests.schedule.world import add_plan

START = datetime(2027, 3, 1, 12, tzinfo=UTC)  # a Monday
PEOPLE = {"cora": ["coordinator"], "leo": ["leader"]}


def planned(sandbox: LocalSandbox, engine: Engine, due: date) -> tuple[World, int]:
    world = make_world(sandbox, engine, people=PEOPLE, digest=False, now=START)
    with unit_of_work(engine) as session:
        [milestone] = add_plan(
            session,
            rubric=world.rubric,
            assessment_id=world.assessment_id,
            owner_ids=[world.pid("leo")],
            due=[due],
            criteria=["PA1"],
            now=START,
        )
    return world, milestone


def sent_periods(world: World) -> list[str]:
    with unit_of_work(world.engine, read_only=True) as session:
        rows = sweeps.ledger_rows(
            session, kinds={keys.MILESTONE_REMINDER, keys.MILESTONE_OVERDUE}, targets=[
                keys.milestone_target(world.city_id, m) for m in range(1, 50)
            ],
        )  # fmt: skip
    return sorted(row.period_key for row in rows if row.kind == keys.MILESTONE_REMINDER)


def read_now(world: World) -> list[int]:
    with unit_of_work(world.engine, read_only=True) as session:
        found = sweeps.reminder_candidates(
            session, due_by=date(2030, 1, 1), looked_at_by=world.clock.now
        )
    return [c.id for c in found]


def test_over_five_weeks_each_reminder_arrives_and_quiet_sweeps_read_nothing(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    due = date(2027, 3, 19)  # a Friday
    world, milestone = planned(sandbox, engine, due)
    sweeper = world.sweeper()
    expected, quiet_reads = set(), []
    for step in range(5 * 7 * 8):  # every three hours
        world.clock.now = START + timedelta(hours=3 * step)
        stage = milestone_reminder_due(
            world.clock.now,
            due_on=due,
            snoozed_until=None,
            tz="America/New_York",
            working_days=(1, 2, 3, 4, 5),
            at=datetime(2027, 1, 1, 9).time(),
        )
        if stage is not None:
            expected.add(stage.period_key(due))
        reading = read_now(world)
        sweeper.sweep()
        if stage is None:
            quiet_reads.append(reading)

    assert sent_periods(world) == sorted(expected)
    assert {p.split("@")[0] for p in expected} >= {"d14", "d3", "d0", "over1", "over2"}
    assert len(world.dm_texts("leo")) == len(expected)
    assert sum(1 for ids in quiet_reads if milestone in ids) <= len(expected)  # never read idly


def test_a_snooze_or_a_new_calendar_is_seen_at_the_next_sweep(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world, milestone = planned(sandbox, engine, date(2027, 3, 12))
    sweeper = world.sweeper()
    sweeper.sweep()  # nothing due before the 9th: the next look is set for then
    assert read_now(world) == []

    with unit_of_work(engine) as session:
        plans.snooze_milestone(
            session, milestone_id=milestone, until=START + timedelta(days=1), now=START
        )
    assert read_now(world) == [milestone]
    world.clock.now = datetime(2027, 3, 2, 14, tzinfo=UTC)  # Tuesday, 9:00 in New York
    sweeper.sweep()
    assert sent_periods(world) == ["snooze:2027-03-02@2027-03-12"]

    with unit_of_work(engine) as session:
        orgs.update_city(session, city_id=world.city_id, timezone="Asia/Tokyo")
        stored = session.get(Milestone, milestone)
        assert stored is not None and stored.next_reminder_at is None
    assert read_now(world) == [milestone]
