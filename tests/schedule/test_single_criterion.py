"""Someone asked a single criterion is followed up, and listed as behind in the digest, for
that criterion alone, not its whole area."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.sandbox.server import LocalSandbox
from storage.repo import respondents
from storage.session import unit_of_work
from tests.schedule.conftest import World, make_world

CREATED = datetime(2027, 3, 1, 18, tzinfo=UTC)  # Monday afternoon in New York
FIRST_DIGEST = datetime(2027, 3, 8, 14, tzinfo=UTC)  # Monday 8 March, 9:00 EST


def city(sandbox: LocalSandbox, engine: Engine) -> World:
    world = make_world(
        sandbox,
        engine,
        people={"cora": ["coordinator"], "rita": ["respondent"], "tom": ["respondent"]},
        areas={"PA": ["rita"]},
        now=CREATED,
    )
    with unit_of_work(engine) as session:
        respondents.assign_criterion(
            session, assessment_id=world.assessment_id, area_id="OD", criterion_id="OD3",
            person_id=world.pid("tom"), now=CREATED,
        )  # fmt: skip
    return world


def test_a_single_criterion_counts_as_one_question_in_follow_ups_and_the_digest(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world = city(sandbox, engine)
    open_data = len(world.rubric.area("OD").criteria)
    assert open_data > 1  # the whole area would be more than the one question

    world.clock.now = FIRST_DIGEST
    world.sweeper().sweep()

    [followup] = world.dm_texts("tom")
    assert "Open Data (1)" in followup
    assert "Performance" not in followup
    [digest] = world.channel_texts()
    assert "• Tom: 1 unanswered, last active not started" in digest
    assert "• Rita: 5 unanswered, last active not started" in digest
