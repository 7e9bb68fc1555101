"""A person's interview in one statement each way: loaded with one query, its place saved with one.

An answer click is the hottest path of the bot, so `load_interview` reads everything the
interview engine and the access check need in one SELECT: the workspace and person (by their
Slack ids), the assessment and its city, the person's place, the areas assigned to them (one
string, aggregated in the database) and every current answer of the assessment (one row each).
`save_place` writes the place with one `INSERT ... ON CONFLICT DO UPDATE`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Select, and_, bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, desc

from storage.enums import AssessmentStatus
from storage.models import (
    Answer,
    Assessment,
    Assignment,
    City,
    InterviewProgress,
    Person,
    Workspace,
)


@dataclass
class InterviewRows:
    """What one person's interview in one assessment is made of, as stored."""

    workspace: Workspace
    person: Person
    assessment: Assessment | None
    """None when no assessment has the id asked for."""
    city: City | None
    progress: InterviewProgress | None
    area_ids: tuple[str, ...]
    """The areas of the assessment assigned to the person (empty when none are)."""
    answers: list[Answer] = field(default_factory=list)
    """Every current answer of the assessment, whoever gave it."""


def load_interview(
    session: Session, *, slack_team_id: str, slack_user_id: str, assessment_id: int
) -> InterviewRows | None:
    """The person's interview in an assessment, in one query; None when the person is unknown."""
    params = {"team": slack_team_id, "user": slack_user_id, "assessment": assessment_id}
    rows = session.execute(_interview_query(), params).all()
    if not rows:
        return None
    workspace, person, assessment, city, progress, _, area_list = rows[0]
    return InterviewRows(
        workspace=workspace,
        person=person,
        assessment=assessment,
        city=city,
        progress=progress,
        area_ids=tuple(sorted(set(area_list.split(",")))) if area_list else (),
        answers=[row[5] for row in rows if row[5] is not None],
    )


@functools.cache
def _interview_query() -> Select[Any]:
    """The query of `load_interview`, built once (an answer click runs it: building it each time
    would cost more than running it); its parameters are team, user and assessment."""
    assessment_id: BindParameter[int] = bindparam("assessment")
    areas = (
        sa_select(func.aggregate_strings(col(Assignment.area_id), ","))
        .where(col(Assignment.assessment_id) == assessment_id)
        .where(col(Assignment.person_id) == col(Person.id))
        .scalar_subquery()
    )
    return (
        sa_select(Workspace, Person, Assessment, City, InterviewProgress, Answer, areas)
        .select_from(Workspace)
        .join(Person, col(Person.workspace_id) == col(Workspace.id))
        .outerjoin(Assessment, col(Assessment.id) == assessment_id)
        .outerjoin(City, col(City.id) == col(Assessment.city_id))
        .outerjoin(
            InterviewProgress,
            and_(
                col(InterviewProgress.person_id) == col(Person.id),
                col(InterviewProgress.assessment_id) == col(Assessment.id),
            ),
        )
        .outerjoin(Answer, col(Answer.assessment_id) == col(Assessment.id))
        .where(col(Workspace.slack_team_id) == bindparam("team"))
        .where(col(Person.slack_user_id) == bindparam("user"))
        .order_by(col(Answer.criterion_id))
    )


def open_interviews(session: Session, *, person_id: int) -> list[int]:
    """Ids of the open assessments where the person has areas, the most recently active first."""
    query = (
        sa_select(col(Assessment.id))
        .join(Assignment, col(Assignment.assessment_id) == col(Assessment.id))
        .outerjoin(
            InterviewProgress,
            and_(
                col(InterviewProgress.assessment_id) == col(Assessment.id),
                col(InterviewProgress.person_id) == person_id,
            ),
        )
        .where(col(Assignment.person_id) == person_id)
        .where(col(Assessment.status) == AssessmentStatus.OPEN)
        .group_by(col(Assessment.id))
        .order_by(
            desc(func.max(InterviewProgress.last_activity_at)).nulls_last(),
            desc(col(Assessment.id)),
        )
    )
    return [int(found) for found in session.execute(query).scalars()]


def save_place(
    session: Session,
    *,
    person_id: int,
    assessment_id: int,
    current_criterion_id: str | None,
    paused_until: datetime | None,
    completed_at: datetime | None,
    now: datetime,
) -> None:
    """Store where a person is (one statement), creating their progress row if needed."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime, e.g. datetime.now(UTC)")
    dialect = session.get_bind().dialect.name
    session.execute(
        _place_upsert(dialect),
        {
            "person_id": person_id,
            "assessment_id": assessment_id,
            "started_at": now,
            "current_criterion_id": current_criterion_id,
            "last_activity_at": now,
            "paused_until": paused_until,
            "completed_at": completed_at,
        },
    )


@functools.cache
def _place_upsert(dialect: str) -> Any:
    """The statement of `save_place` for a dialect, built once: an answer click runs it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(InterviewProgress.__table__).values(  # type: ignore[attr-defined]
        person_id=bindparam("person_id"),
        assessment_id=bindparam("assessment_id"),
        started_at=bindparam("started_at"),
        current_criterion_id=bindparam("current_criterion_id"),
        last_activity_at=bindparam("last_activity_at"),
        paused_until=bindparam("paused_until"),
        completed_at=bindparam("completed_at"),
    )
    changed = ("current_criterion_id", "last_activity_at", "paused_until", "completed_at")
    return statement.on_conflict_do_update(
        index_elements=["person_id", "assessment_id"],
        set_={name: statement.excluded[name] for name in changed},
    )
