"""A person's interview in one statement each way: loaded with one query, its place saved with one.

An answer click is the hottest path of the bot, so `load_interview` reads everything the
interview engine and the access check need in one SELECT: the workspace and person (by their
Slack ids), the assessment and its city, the person's place, the areas and criteria assigned to
them and to others in the same areas (strings aggregated in the database) and every current
answer of the assessment (one JSON array, read as `CurrentAnswer`s: one row and no ORM object per
answer, so a click late in the interview costs no more than the first). Only a person who
shares an area with someone needs a
second query: their own answers to the criteria they share (`storage.repo.respondents`).
`save_place` writes the place with one `INSERT ... ON CONFLICT DO UPDATE`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BindParameter, Select, String, and_, bindparam, func, literal_column
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, desc

from storage.enums import AnswerStatus, AssessmentStatus
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


@dataclass(frozen=True, slots=True)
class CurrentAnswer:
    """A current answer of the assessment, as the interview reads it (no ORM object: the
    interview only reads it; `storage.repo.answers` locks and changes the row itself)."""

    criterion_id: str
    status: AnswerStatus
    ticked: list[str]
    note: str | None
    evidence: list[dict[str, Any]]
    """Links with when and by whom each was given, as `Answer.evidence`."""


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
    answers: list[CurrentAnswer] = field(default_factory=list)
    """Every current answer of the assessment, whoever gave it, by criterion id."""
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
    dialect = session.get_bind().dialect.name
    row = session.execute(_interview_query(dialect), params).first()
    if row is None:
        return None
    workspace, person, assessment, city, progress, given, area_list, whole, single = row
    mine = _assignments(area_list)
    found = _assignments(whole) + _assignments(single)
    others = tuple(sorted(set(found), key=lambda a: (a[0], a[1] or "")))
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
        answers=_answers(given),
        criterion_ids=tuple(sorted({criterion for _, criterion in mine if criterion})),
        others=others,
        own=own,
    )


def _answers(given: list[list[Any]] | None) -> list[CurrentAnswer]:
    """The answers aggregated as [criterion id, status, ticked, note, evidence] lists."""
    found = [
        CurrentAnswer(str(cid), AnswerStatus(status), list(ticked or ()), note, list(links or ()))
        for cid, status, ticked, note, links in given or ()
    ]
    return sorted(found, key=lambda answer: answer.criterion_id)


def _assignments(text: str | None) -> list[tuple[str, str | None]]:
    """Assignments aggregated as "area:criterion" (criterion empty for a whole area)."""
    found = []
    for item in (text or "").split(","):
        area, _, criterion = item.partition(":")
        if area:
            found.append((area, criterion or None))
    return found


@functools.cache
def _interview_query(dialect: str) -> Select[Any]:
    """The query of `load_interview` for a dialect, built once (an answer click runs it: building
    it each time would cost more than running it); its parameters are team, user and assessment.

    Other people's assignments are read in two parts, whole areas and single criteria, so that
    each is found through its own index (`ux_assignment_area_person`,
    `ux_assignment_criterion_person`) rather than by reading every assignment."""
    assessment_id: BindParameter[int] = bindparam("assessment")
    joined = func.group_concat if dialect == "sqlite" else func.string_agg
    comma, colon, empty = (literal_column(text, String) for text in ("','", "':'", "''"))
    what = col(Assignment.area_id) + colon + func.coalesce(col(Assignment.criterion_id), empty)
    areas = (
        sa_select(joined(what, comma))
        .where(col(Assignment.assessment_id) == assessment_id)
        .where(col(Assignment.person_id) == col(Person.id))
        .scalar_subquery()
    )
    my_areas = (
        sa_select(col(Assignment.area_id))
        .where(col(Assignment.assessment_id) == assessment_id)
        .where(col(Assignment.person_id) == col(Person.id))
        .correlate(Person)
    )
    others = []
    for whole in (True, False):
        other = aliased(Assignment)
        part = col(other.criterion_id).is_(None) if whole else col(other.criterion_id).is_not(None)
        others.append(
            sa_select(
                joined(
                    col(other.area_id) + colon + func.coalesce(col(other.criterion_id), empty),
                    comma,
                )
            )
            .where(col(other.assessment_id) == assessment_id, part)
            .where(col(other.area_id).in_(my_areas))
            .where(col(other.person_id) != col(Person.id))
            .scalar_subquery()
        )
    return (
        sa_select(
            Workspace,
            Person,
            Assessment,
            City,
            InterviewProgress,
            _answers_of(dialect),
            areas,
            *others,
        )
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
        .where(col(Workspace.slack_team_id) == bindparam("team"))
        .where(col(Person.slack_user_id) == bindparam("user"))
    )


def _answers_of(dialect: str) -> Any:
    """Every current answer of the assessment as one JSON array of
    [criterion id, status, ticked, note, evidence] (a row each would repeat all the rest)."""
    answer = aliased(Answer)
    if dialect == "sqlite":
        each: Any = func.json_array(
            col(answer.criterion_id), col(answer.status), func.json(col(answer.ticked)),
            col(answer.note), func.json(col(answer.evidence)),
        )  # fmt: skip
        together: Any = func.json_group_array(each, type_=JSON)
    else:
        each = func.json_build_array(
            col(answer.criterion_id), col(answer.status), col(answer.ticked), col(answer.note),
            col(answer.evidence),
        )  # fmt: skip
        together = func.json_agg(each, type_=JSON)
    return (
        sa_select(together)
        .where(col(answer.assessment_id) == bindparam("assessment"))
        .scalar_subquery()
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
