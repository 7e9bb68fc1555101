"""Synthetic cohorts: the shape a program of cities has, inserted in bulk on both databases."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from bot.bench.synthetic import count_rows, generate_cohort
from rubric.loader import load_bundled_rubric
from rubric.schema import Rubric
from storage.models import (
    Answer,
    AnswerHistory,
    Assessment,
    Assignment,
    City,
    CityRole,
    Milestone,
    Person,
    Plan,
    Workspace,
)

NOW = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_bundled_rubric()


def test_each_city_has_five_respondents_a_coordinator_a_leader_and_every_area_assigned(
    engine: Engine, rubric: Rubric
) -> None:
    summary = generate_cohort(engine, rubric=rubric, now=NOW, cities=12)

    with Session(engine) as session:
        roles = Counter(
            (city_id, str(role))
            for city_id, role in session.execute(select(CityRole.city_id, CityRole.role))
        )
        for city_id in summary.city_ids:
            assert roles[(city_id, "respondent")] == 5
            assert roles[(city_id, "coordinator")] == 1
            assert roles[(city_id, "leader")] == 1
        areas = {
            (assessment, area)
            for assessment, area in session.execute(
                select(Assignment.assessment_id, Assignment.area_id)
            )
        }
        assessments = session.scalars(select(Assessment)).all()
    assert len(assessments) == 12
    assert {a.rubric_id for a in assessments} == {rubric.id}
    assert len(areas) == 12 * len(rubric.areas)
    assert count_rows(engine)["person"] == 12 * 6
    assert count_rows(engine)["interview_progress"] == 12 * 5


def test_answers_are_valid_with_their_history_and_cities_at_different_stages(
    engine: Engine, rubric: Rubric
) -> None:
    generate_cohort(engine, rubric=rubric, now=NOW, cities=30)
    items = {c.id: {i.id for i in c.checklist} for a in rubric.areas for c in a.criteria}

    with Session(engine) as session:
        answers = session.scalars(select(Answer)).all()
        history = session.scalars(select(AnswerHistory).order_by(AnswerHistory.id)).all()
    per_assessment = Counter(a.assessment_id for a in answers)
    assert max(per_assessment.values()) == len(items)  # some cities have answered everything
    assert min(per_assessment.values()) < len(items)  # others are part-way
    with Session(engine) as session:
        completed = {a.id: a.completed_at for a in session.scalars(select(Assessment))}
    for answer in answers:
        assert set(answer.ticked) <= items[answer.criterion_id]
        assert NOW - timedelta(days=91) <= answer.answered_at <= NOW
        done = completed[answer.assessment_id]
        if done is not None:
            assert answer.answered_at <= done
            assert per_assessment[answer.assessment_id] == len(items)
    by_answer: dict[int, list[AnswerHistory]] = {}
    for change in history:
        by_answer.setdefault(change.answer_id, []).append(change)
    assert set(by_answer) == {a.id for a in answers}
    for answer in answers:
        changes = by_answer[answer.id]
        assert changes[0].old_value is None
        assert changes[-1].new_value["ticked"] == answer.ticked
        assert changes[-1].new_value["status"] == str(answer.status)
    assert any(len(changes) > 1 for changes in by_answer.values())


def test_milestones_add_up_and_fall_due_around_the_simulated_week(
    engine: Engine, rubric: Rubric
) -> None:
    generate_cohort(engine, rubric=rubric, now=NOW, cities=7, milestones=100)

    with Session(engine) as session:
        milestones = session.scalars(select(Milestone)).all()
        planned = session.execute(
            select(Assessment.status).join(Plan, Plan.assessment_id == Assessment.id)
        ).scalars()
        assert {str(status) for status in planned} == {"completed"}
    assert len(milestones) == 100
    due = {m.due_on for m in milestones}
    assert min(due) >= NOW.date() - timedelta(days=3)
    assert max(due) <= NOW.date() + timedelta(days=10)
    assert any(NOW.date() <= d <= NOW.date() + timedelta(days=6) for d in due)
    assert {str(m.status) for m in milestones} >= {"open"}


def test_a_cohort_grows_and_the_app_can_still_insert_rows(engine: Engine, rubric: Rubric) -> None:
    generate_cohort(engine, rubric=rubric, now=NOW, cities=3)
    generate_cohort(engine, rubric=rubric, now=NOW, cities=4, milestones=8)

    rows = count_rows(engine)
    assert rows["workspace"] == 2 and rows["city"] == 7 and rows["milestone"] == 8
    with Session(engine) as session:
        workspace = session.scalars(select(Workspace)).first()
        assert workspace is not None
        session.add(Person(workspace_id=workspace.id, slack_user_id="UNEW", display_name="New",
                           created_at=NOW, updated_at=NOW))  # fmt: skip
        session.commit()
        assert session.scalar(select(func.count()).select_from(Person)) == 7 * 6 + 1
        per_workspace = Counter(session.scalars(select(City.workspace_id)))
        assert sorted(per_workspace.values()) == [3, 4]


def test_an_empty_cohort_is_refused(engine: Engine, rubric: Rubric) -> None:
    with pytest.raises(ValueError, match="at least one city"):
        generate_cohort(engine, rubric=rubric, now=NOW, cities=0)
    assert count_rows(engine)["workspace"] == 0
