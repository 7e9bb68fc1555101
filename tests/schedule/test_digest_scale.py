"""Digests of many cities at once: the same statements for 8 cities or 40, the same figures as
the plan's own scoring (`plan_levels`) and a count of the stored answers give."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from bot.bench.synthetic import generate_cohort
from bot.schedule.digest import build_digests
from bot.schedule.due import due_digests
from bot.services.plan import plan_levels
from storage.enums import AnswerStatus, AssessmentStatus, MilestoneStatus
from storage.models import Answer, Assessment, Milestone, Plan
from storage.repo import sweeps
from storage.session import unit_of_work
from tests.schedule.world import rubric

NOW = datetime(2027, 3, 1, 14, tzinfo=UTC)
SATURDAY = NOW + timedelta(days=5)  # every city's digest slot of the week has passed


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def digests_of_all(engine: Engine) -> tuple[dict[int, Any], int]:
    bundled = rubric()
    with unit_of_work(engine, read_only=True) as session:
        due = due_digests(SATURDAY, sweeps.all_cities(session))
        with counting(engine) as sent:
            views = build_digests(session, rubric=bundled, due=due, now=SATURDAY)
    return views, len(sent)


def test_digests_of_many_cities_take_the_same_statements_and_score_as_the_plan_does(
    engine: Engine,
) -> None:
    bundled = rubric()
    generate_cohort(engine, rubric=bundled, now=NOW, cities=8, milestones=80, seed=3)
    _, few = digests_of_all(engine)
    generate_cohort(engine, rubric=bundled, now=NOW, cities=32, milestones=320, seed=4)
    views, many = digests_of_all(engine)

    assert few == many
    assert len(views) == 40
    with Session(engine) as session:
        for view in views.values():
            rounds = session.exec(
                select(Assessment).where(Assessment.city_id == view.city_id)
            ).all()
            [round_] = rounds
            answers = session.exec(select(Answer).where(Answer.assessment_id == round_.id)).all()
            plan = session.exec(
                select(Plan).where(Plan.assessment_id == round_.id).order_by(col(Plan.id))
            ).all()
            if plan:
                milestones = session.exec(
                    select(Milestone).where(Milestone.plan_id == plan[-1].id)
                ).all()
                levels = plan_levels(bundled, answers, milestones)
                kept = [m for m in milestones if m.status != MilestoneStatus.DROPPED]
                assert view.level_now_id == (levels.now.id if levels.now else None)
                assert view.level_all_done_id == (levels.all_done.id if levels.all_done else None)
                assert (view.done, view.total) == (
                    sum(m.status == MilestoneStatus.DONE for m in kept),
                    len(kept),
                )
            assert view.has_plan == bool(plan)
            if round_.status == AssessmentStatus.OPEN:
                given = {a.criterion_id for a in answers if a.status != AnswerStatus.SKIPPED}
                assert [line.answered for line in view.areas] == [
                    len(given & {c.id for c in area.criteria}) for area in bundled.areas
                ]
            else:
                assert {line.answered for line in view.areas} == {None}
    assert any(v.level_all_done_id for v in views.values())
    assert any(v.behind for v in views.values())
    assert any(v.due_soon for v in views.values()) and any(v.overdue for v in views.values())
