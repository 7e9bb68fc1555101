"""A person's interview in one statement each way: loaded with one query, its place saved with one.

An answer click is the hottest path of the bot, so `load_interview` reads everything the
interview engine and the access check need in one SELECT: the workspace and person (by their
Slack ids), the assessment and its city, the person's place, the areas and criteria assigned to
them and to others in the same areas (strings aggregated in the database) and every current
answer of the assessment (one row each). Only a person who shares an area with someone needs a
second query: their own answers to the criteria they share (`storage.repo.respondents`).
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
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, desc

from storage.enums import AssessmentStatus
from storage.models import (
    Answer,
    Assessment,
    Assignment,
    City,
    InterviewProgress,
    Person,
    RespondentAnswer,
    Workspace,
)
from storage.repo.respondents import own_answers


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
    """The whole areas of the assessment assigned to the person (empty when none are)."""
    answers: list[Answer] = field(default_factory=list)
    """Every current answer of the assessment, whoever gave it."""
    criterion_ids: tuple[str, ...] = ()
    """Single criteria assigned to the person (outside their whole areas)."""
    others: tuple[tuple[str, str | None], ...] = ()
    """Other people's assignments in the person's areas: (area id, criterion id or None for the
    whole area); empty when nobody shares an area with the person."""
    own: dict[str, RespondentAnswer] = field(default_factory=dict)
    """The person's own answers to criteria they share, by criterion (read only when `others`)."""

    @property
    def assigned(self) -> bool:
        """True when the person has anything to answer in the assessment."""
        return bool(self.area_ids or self.criterion_ids)


def load_interview(
    session: Session, *, slack_team_id: str, slack_user_id: str, assessment_id: int
) -> InterviewRows | None:
    """The person's interview in an assessment, in one query (and one more, for their own
    answers, when someone shares an area with them); None when the person is unknown."""
    params = {"team": slack_team_id, "user": slack_user_id, "assessment": assessment_id}
    rows = session.execute(_interview_query(), params).all()
    if not rows:
        return None
    workspace, person, assessment, city, progress, _, area_list, other_list = rows[0]
    mine = _assignments(area_list)
    others = tuple(sorted(set(_assignments(other_list)), key=lambda a: (a[0], a[1] or "")))
    own = {}
    if others and person.id is not None:
        own = own_answers(session, assessment_id=assessment_id, person_id=person.id)
    return InterviewRows(
        workspace=workspace,
        person=person,
        assessment=assessment,
        city=city,
        progress=progress,
        area_ids=tuple(sorted({area for area, criterion in mine if criterion is None})),
        answers=[row[5] for row in rows if row[5] is not None],
        criterion_ids=tuple(sorted({criterion for _, criterion in mine if criterion})),
        others=others,
        own=own,
    )


def _assignments(text: str | None) -> list[tuple[str, str | None]]:
    """Assignments aggregated as "area:criterion" (criterion empty for a whole area)."""
    found = []
    for item in (text or "").split(","):
        area, _, criterion = item.partition(":")
        if area:
            found.append((area, criterion or None))
    return found


@functools.cache
def _interview_query() -> Select[Any]:
    """The query of `load_interview`, built once (an answer click runs it: building it each time
    would cost more than running it); its parameters are team, user and assessment."""
    assessment_id: BindParameter[int] = bindparam("assessment")
    what = col(Assignment.area_id) + ":" + func.coalesce(col(Assignment.criterion_id), "")
    areas = (
        sa_select(func.aggregate_strings(what, ","))
        .where(col(Assignment.assessment_id) == assessment_id)
        .where(col(Assignment.person_id) == col(Person.id))
        .scalar_subquery()
    )
    other = aliased(Assignment)
    others = (
        sa_select(
            func.aggregate_strings(
                col(other.area_id) + ":" + func.coalesce(col(other.criterion_id), ""), ","
            )
        )
        .where(col(other.assessment_id) == assessment_id)
        .where(col(other.person_id) != col(Person.id))
        .where(
            col(other.area_id).in_(
                sa_select(col(Assignment.area_id))
                .where(col(Assignment.assessment_id) == assessment_id)
                .where(col(Assignment.person_id) == col(Person.id))
                .correlate(Person)
            )
        )
        .scalar_subquery()
    )
    return (
        sa_select(Workspace, Person, Assessment, City, InterviewProgress, Answer, areas, others)
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
