"""The weekly coordinator digest: progress, who is behind, levels and their change, errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.sandbox.server import LocalSandbox
from storage.models import DigestSnapshot
from storage.repo import plans
from storage.session import unit_of_work
from tests.schedule.conftest import World, make_world
from tests.schedule.world import MET, TO_GOLD, add_plan, answer_all, title_of

CREATED = datetime(2027, 3, 1, 18, tzinfo=UTC)  # Monday afternoon in New York
FIRST_DIGEST = datetime(2027, 3, 8, 14, tzinfo=UTC)  # Monday 8 March, 9:00 EST
SECOND_DIGEST = datetime(2027, 3, 15, 13, tzinfo=UTC)  # Monday 15 March, 9:00 EDT


def city(sandbox: LocalSandbox, engine: Engine) -> tuple[World, list[int]]:
    world = make_world(
        sandbox,
        engine,
        people={"cora": ["coordinator"], "rita": ["respondent"], "leo": ["leader"]},
        areas={"PA": ["rita"]},
        now=CREATED,
    )
    with unit_of_work(engine) as session:
        answer_all(
            session,
            rubric=world.rubric,
            assessment_id=world.assessment_id,
            person_id=world.pid("cora"),
            criteria=MET,
            now=CREATED,
        )
        ids = add_plan(
            session,
            rubric=world.rubric,
            assessment_id=world.assessment_id,
            owner_ids=[world.pid("leo")],
            due=[date(2027, 3, 5), date(2027, 3, 17), date(2027, 9, 1)],
            criteria=TO_GOLD,
            now=CREATED,
        )
    return world, ids


def test_the_digest_reports_progress_and_what_changed_since_the_last_one(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world, ids = city(sandbox, engine)
    world.clock.now = FIRST_DIGEST - timedelta(minutes=1)
    world.sweeper().sweep()
    assert world.channel_texts() == []

    world.clock.now = FIRST_DIGEST
    world.sweeper().sweep()
    [first] = world.channel_texts()
    assert first.splitlines()[:3] == [
        "Weekly digest: Springfield",
        "Level with the milestones done: *no level* · when all are done: *Gold*",
        "0 of 9 milestones done",
    ]
    assert "• Performance &amp; Analytics: 0 of 5 answered, 0 of 3 milestones done" in first
    assert "*Behind*\n• Rita: 5 unanswered, last active not started" in first
    overdue = [title_of(world.rubric, c) for c in TO_GOLD[0::3]]  # due 5 March
    assert all(f"*{t}*: Leo, overdue by 3 days (Mar 5, 2027)" in first for t in overdue)
    soon = [title_of(world.rubric, c) for c in TO_GOLD[1::3]]  # due 17 March
    assert all(f"*{t}*: Leo, due in 9 days (Mar 17, 2027)" in first for t in soon)

    # During the week: PA1 is done, and a reminder cannot reach its owner any more.
    with unit_of_work(engine) as session:
        plans.complete_milestone(session, milestone_id=ids[0], now=FIRST_DIGEST)
    sandbox.slack_error("chat.postMessage", "user_not_found")
    world.clock.now = datetime(2027, 3, 12, 14, tzinfo=UTC)  # Friday 9:00 EST: 3 days before
    report = world.sweeper().sweep()
    assert report.permanent == 1

    world.clock.now = SECOND_DIGEST
    world.sweeper().sweep()
    second = world.channel_texts()[1]
    assert second.splitlines()[1:3] == [
        "Level with the milestones done: *Silver* · when all are done: *Gold* · "
        "was no level on Mar 8, 2027",
        "1 of 9 milestones done (1 more since then)",
    ]
    errors = second.split("*Messages that could not be delivered*\n")[1].splitlines()
    titles = [title_of(world.rubric, c) for c in TO_GOLD]
    [bullet] = [line for line in errors if line.startswith("•")]
    assert bullet in {
        f"• Milestone reminder (Leo, {t}): `user_not_found`, Mar 12, 2027" for t in titles
    }
    with unit_of_work(engine, read_only=True) as session:
        snapshots = session.exec(select(DigestSnapshot).order_by(col(DigestSnapshot.id))).all()
        assert [
            (s.period_key, s.level_now, s.level_all_done, s.milestones_done) for s in snapshots
        ] == [
            ("2027-W10", None, "gold", 0),
            ("2027-W11", "silver", "gold", 1),
        ]

    world.clock.now = SECOND_DIGEST + timedelta(days=3)  # later that week: nothing new
    world.sweeper().sweep()
    assert len(world.channel_texts()) == 2


def test_a_digest_missed_while_down_goes_out_later_that_week_once(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world, _ = city(sandbox, engine)
    world.clock.now = FIRST_DIGEST + timedelta(days=4, hours=5)  # back on Friday afternoon
    world.sweeper().sweep()
    world.clock.now += timedelta(minutes=1)
    world.sweeper().sweep()
    assert len(world.channel_texts()) == 1
    world.clock.now = SECOND_DIGEST + timedelta(days=6, hours=23)  # down all the next week
    world.sweeper().sweep()
    assert len(world.channel_texts()) == 2  # that week's, once; the older one is not resent
