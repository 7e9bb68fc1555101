"""Respondent follow-ups: after 3 idle working days, at 9:00 their time, at most every 3."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bot.sandbox.server import LocalSandbox
from bot.slack import ids
from storage.repo import progress
from storage.session import unit_of_work
from tests.schedule.conftest import World, make_world
from tests.schedule.world import answer_all

SANTIAGO = ZoneInfo("America/Santiago")
MONDAY = datetime(2027, 3, 1, 12, tzinfo=UTC)  # 9:00 in Santiago (summer time, UTC-3)


def at_nine(day: int) -> datetime:
    return datetime(2027, 3, day, 9, tzinfo=SANTIAGO)


def city(sandbox: LocalSandbox, engine: Engine) -> World:
    return make_world(
        sandbox,
        engine,
        timezone="America/Santiago",
        people={"cora": ["coordinator"], "rita": ["respondent"]},
        areas={"DM": ["rita"], "OD": ["rita"]},
        now=MONDAY,
        digest=False,
    )


def sweep_at(world: World, moment: datetime) -> int:
    world.clock.now = moment
    return world.sweeper().sweep().sent


def test_an_idle_respondent_is_nudged_at_nine_every_third_working_day(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world = city(sandbox, engine)
    assert sweep_at(world, at_nine(3)) == 0  # Wednesday: two working days idle
    assert sweep_at(world, at_nine(4) - timedelta(minutes=1)) == 0
    assert sweep_at(world, at_nine(4)) == 1  # Thursday 9:00 in Santiago
    [message] = sandbox.messages_for(user_id=world.user("rita"))
    assert message["text"] == (
        "13 questions of Springfield's assessment are still waiting for you: "
        "Data Management (9), Open Data (4). Your answers so far are saved; "
        "pick up where you left off."
    )
    [resume] = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert (resume["action_id"], resume["value"]) == (
        ids.INTERVIEW_RESUME,
        str(world.assessment_id),
    )

    assert sweep_at(world, at_nine(4) + timedelta(hours=5)) == 0  # once that day
    assert sweep_at(world, at_nine(5)) == 0  # Friday
    assert sweep_at(world, at_nine(8)) == 0  # Monday: two working days since the last
    assert sweep_at(world, at_nine(9)) == 1  # Tuesday: three
    assert len(sandbox.messages_for(user_id=world.user("rita"))) == 2


def test_activity_a_pause_or_completion_holds_follow_ups_back(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world = city(sandbox, engine)
    pid, aid = world.pid("rita"), world.assessment_id
    with unit_of_work(engine) as session:  # active on Tuesday: idle from then on
        progress.save_progress(
            session, person_id=pid, assessment_id=aid, current_criterion_id="DM2", now=at_nine(2)
        )
    assert sweep_at(world, at_nine(4)) == 0
    with unit_of_work(engine) as session:  # "remind me next Tuesday"
        progress.pause_progress(
            session, person_id=pid, assessment_id=aid, until=at_nine(9), now=at_nine(2)
        )
    assert sweep_at(world, at_nine(5)) == 0  # idle enough, but paused
    assert sweep_at(world, at_nine(9)) == 1  # the pause is over
    with unit_of_work(engine) as session:
        progress.complete_progress(session, person_id=pid, assessment_id=aid, now=at_nine(9))
    assert sweep_at(world, at_nine(15)) == 0


def test_no_follow_up_once_every_assigned_criterion_is_answered(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world = city(sandbox, engine)
    done = [c.id for a in world.rubric.areas if a.id in ("DM", "OD") for c in a.criteria]
    with unit_of_work(engine) as session:
        answer_all(
            session,
            rubric=world.rubric,
            assessment_id=world.assessment_id,
            person_id=world.pid("rita"),
            criteria=done,
            now=MONDAY,
        )
    assert sweep_at(world, at_nine(4)) == 0
    assert sandbox.messages_for(user_id=world.user("rita")) == []
