"""Digest snapshots, and the bulk reads every city's weekly digest is built from.

A snapshot keeps what a digest said (levels, milestones done), so that the next one compares
itself with it ("Silver, up from no level") and lists the permanent send errors recorded since.

The readers take any number of cities or rounds in one statement each (the ids travel as one
parameter, `storage.repo.bulk`) and return plain tuples, not ORM objects: a digest of
10,000 cities reads a few hundred thousand rows. Answers come one row per round, its answers
packed in one string (`answer_records`): criterion, status and ticked items (JSON) of each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Text, cast, func, or_, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.enums import AnswerStatus, AssessmentStatus
from storage.models import (
    Answer,
    Assessment,
    Assignment,
    DigestSnapshot,
    InterviewProgress,
    Milestone,
    Person,
    Plan,
)
from storage.repo._sql import insert_or_ignore
from storage.repo.bulk import in_values, raw_rows, utc, utc_or_none
from storage.repo.respondents import assignment_list, split_assignments

RECORD_SEPARATOR = "\x1e"
"""Between two answers of a round in `answer_records` (JSON text cannot hold it unescaped)."""
FIELD_SEPARATOR = "\x1f"
"""Between an answer's criterion id, status and ticked items (JSON) in `answer_records`."""


class RoundRow(NamedTuple):
    """A round that is not archived."""

    id: int
    city_id: int
    status: AssessmentStatus
    rubric_id: str
    rubric_version: str


class PlanRow(NamedTuple):
    """A plan of a round that is not archived, with the round's city."""

    id: int
    assessment_id: int
    city_id: int


MilestoneLineRow = tuple[int, int, str, str, int | None, str | None, date | str, str]
"""A milestone as a digest shows it: id, plan id, criterion id, title, owner id, owner name,
due date (an ISO date string on SQLite), status (a `MilestoneStatus` value).
Plain rows: a digest of 10,000 cities reads a hundred thousand."""


class RespondentRow(NamedTuple):
    """One person's assignments in a round (interview unfinished), with their last activity."""

    assessment_id: int
    person_id: int
    name: str
    area_ids: tuple[str, ...]
    """The whole areas assigned to the person."""
    last_assigned_at: datetime
    last_activity_at: datetime | None
    criterion_ids: tuple[str, ...] = ()
    """Criteria assigned to the person alone (outside their whole areas)."""


class SnapshotRow(NamedTuple):
    """What a city's latest digest said."""

    city_id: int
    sent_at: datetime
    level_now: str | None
    level_all_done: str | None
    milestones_done: int
    milestones_total: int


def record_snapshot(
    session: Session,
    *,
    city_id: int,
    period_key: str,
    sent_at: datetime,
    level_now: str | None,
    level_all_done: str | None,
    milestones_done: int,
    milestones_total: int,
) -> DigestSnapshot | None:
    """Store what a digest said; None when this week's snapshot already exists."""
    values = {
        "city_id": city_id,
        "period_key": period_key,
        "sent_at": sent_at,
        "level_now": level_now,
        "level_all_done": level_all_done,
        "milestones_done": milestones_done,
        "milestones_total": milestones_total,
    }
    return insert_or_ignore(
        session, DigestSnapshot, values=values, conflict=["city_id", "period_key"]
    )


def record_snapshots(session: Session, *, snapshots: Sequence[dict[str, Any]]) -> None:
    """Store what many digests said (one statement); a week already recorded is left as it is.

    Each dict has the keyword arguments of `record_snapshot`.
    """
    if not snapshots:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(DigestSnapshot.__table__).on_conflict_do_nothing(  # type: ignore[attr-defined]
        index_elements=["city_id", "period_key"]
    )
    session.execute(statement, list(snapshots))


def latest_snapshots(session: Session, *, city_ids: Iterable[int]) -> dict[int, SnapshotRow]:
    """Each city's most recent digest snapshot, by city id (cities without one are left out)."""
    newest = (
        sa_select(func.max(DigestSnapshot.id))
        .where(in_values(session, col(DigestSnapshot.city_id), city_ids))
        .group_by(col(DigestSnapshot.city_id))
    )
    query = sa_select(
        col(DigestSnapshot.city_id),
        col(DigestSnapshot.sent_at),
        col(DigestSnapshot.level_now),
        col(DigestSnapshot.level_all_done),
        col(DigestSnapshot.milestones_done),
        col(DigestSnapshot.milestones_total),
    ).where(col(DigestSnapshot.id).in_(newest))
    return {row[0]: SnapshotRow(*row) for row in session.execute(query)}


def current_rounds(session: Session, *, city_ids: Iterable[int]) -> list[RoundRow]:
    """The rounds of these cities that are not archived, oldest first."""
    query = (
        sa_select(
            col(Assessment.id),
            col(Assessment.city_id),
            col(Assessment.status),
            col(Assessment.rubric_id),
            col(Assessment.rubric_version),
        )
        .where(
            in_values(session, col(Assessment.city_id), city_ids),
            col(Assessment.status) != AssessmentStatus.ARCHIVED,
        )
        .order_by(col(Assessment.round_number), col(Assessment.id))
    )
    return [RoundRow(*row) for row in session.execute(query)]


def current_plans(session: Session, *, city_ids: Iterable[int]) -> list[PlanRow]:
    """The plans of these cities' rounds that are not archived, oldest first."""
    query = (
        sa_select(col(Plan.id), col(Plan.assessment_id), col(Assessment.city_id))
        .join(Assessment, col(Assessment.id) == col(Plan.assessment_id))
        .where(
            in_values(session, col(Assessment.city_id), city_ids),
            col(Assessment.status) != AssessmentStatus.ARCHIVED,
        )
        .order_by(col(Plan.created_at), col(Plan.id))
    )
    return [PlanRow(*row) for row in session.execute(query)]


def plan_milestones(session: Session, *, plan_ids: Iterable[int]) -> list[MilestoneLineRow]:
    """The milestones of these plans with their owners' names, by due date."""
    query = (
        sa_select(
            col(Milestone.id),
            col(Milestone.plan_id),
            col(Milestone.criterion_id),
            col(Milestone.title),
            col(Milestone.owner_id),
            col(Person.display_name),
            type_coerce(col(Milestone.due_on), Text),
            type_coerce(col(Milestone.status), Text),
        )
        .outerjoin(Person, col(Person.id) == col(Milestone.owner_id))
        .where(in_values(session, col(Milestone.plan_id), plan_ids))
        .order_by(col(Milestone.due_on), col(Milestone.id))
    )
    return raw_rows(session, query)


def answer_records(session: Session, *, assessment_ids: Iterable[int]) -> dict[int, str]:
    """Each round's current answers packed in one string, by round id (see `answer_fields`)."""
    record = (
        cast(Answer.criterion_id, Text)
        + FIELD_SEPARATOR
        + cast(Answer.status, Text)
        + FIELD_SEPARATOR
        + cast(Answer.ticked, Text)
    )
    query = (
        sa_select(
            col(Answer.assessment_id),
            type_coerce(func.aggregate_strings(record, RECORD_SEPARATOR), Text),
        )
        .where(in_values(session, col(Answer.assessment_id), assessment_ids))
        .group_by(col(Answer.assessment_id))
    )
    return {int(aid): str(packed) for aid, packed in raw_rows(session, query)}


def answered_ids(session: Session, *, assessment_ids: Iterable[int]) -> dict[int, list[str]]:
    """The criteria answered (not skipped) in each of these rounds, by round id."""
    query = (
        sa_select(
            col(Answer.assessment_id),
            type_coerce(func.aggregate_strings(col(Answer.criterion_id), RECORD_SEPARATOR), Text),
        )
        .where(
            in_values(session, col(Answer.assessment_id), assessment_ids),
            col(Answer.status) != AnswerStatus.SKIPPED,
        )
        .group_by(col(Answer.assessment_id))
    )
    return {int(aid): str(ids).split(RECORD_SEPARATOR) for aid, ids in raw_rows(session, query)}


def answer_fields(record: str) -> tuple[str, AnswerStatus, str]:
    """One answer of `answer_records`: criterion id, status, ticked item ids as JSON text."""
    criterion_id, status, ticked = record.split(FIELD_SEPARATOR, 2)
    return criterion_id, AnswerStatus(status), ticked


def respondents_of(
    session: Session, *, assessment_ids: Iterable[int], inactive_before: datetime
) -> list[RespondentRow]:
    """The people assigned areas in these rounds whose interview is unfinished and who have had
    neither activity nor a new area since `inactive_before`: their areas and progress."""
    latest = func.max(col(Assignment.assigned_at))
    query = (
        sa_select(
            col(Assignment.assessment_id),
            col(Person.id),
            col(Person.display_name),
            assignment_list(),
            type_coerce(latest, Text),
            type_coerce(col(InterviewProgress.last_activity_at), Text),
        )
        .join(Person, col(Person.id) == col(Assignment.person_id))
        .outerjoin(
            InterviewProgress,
            (col(InterviewProgress.person_id) == col(Assignment.person_id))
            & (col(InterviewProgress.assessment_id) == col(Assignment.assessment_id)),
        )
        .where(
            in_values(session, col(Assignment.assessment_id), assessment_ids),
            col(InterviewProgress.completed_at).is_(None),
            or_(
                col(InterviewProgress.last_activity_at).is_(None),
                col(InterviewProgress.last_activity_at) < inactive_before,
            ),
        )
        .group_by(
            col(Assignment.assessment_id),
            col(Person.id),
            col(Person.display_name),
            col(InterviewProgress.last_activity_at),
        )
        .having(latest < inactive_before)
    )
    found = []
    for aid, pid, name, assigned, last, active in raw_rows(session, query):
        areas, single = split_assignments(assigned)
        found.append(RespondentRow(aid, pid, name, areas, utc(last), utc_or_none(active), single))
    return found


def answered_criteria(session: Session, *, assessment_ids: Iterable[int]) -> dict[int, set[str]]:
    """The criteria answered (not skipped) in each of these rounds, by round id."""
    found: dict[int, set[str]] = {}
    query = sa_select(col(Answer.assessment_id), col(Answer.criterion_id)).where(
        in_values(session, col(Answer.assessment_id), assessment_ids),
        col(Answer.status) != AnswerStatus.SKIPPED,
    )
    for assessment_id, criterion_id in session.execute(query):
        found.setdefault(assessment_id, set()).add(criterion_id)
    return found
