"""Digest snapshots, and the bulk reads every city's weekly digest is built from.

A snapshot keeps what a digest said (levels, milestones done), so that the next one compares
itself with it ("Silver, up from no level") and lists the permanent send errors recorded since.

The readers take any number of cities or rounds in one statement each (the ids travel as one
parameter, `storage.repo.bulk`) and return plain tuples, not ORM objects: a digest of
10,000 cities reads a few hundred thousand rows. What a digest only counts comes packed in one
string per round or plan: its answers (`answer_records`: criterion, status and ticked items
(JSON) of each), the criteria it answered (`answered_ids`), the criteria of a plan's milestones
(`current_plans`). Milestones come as rows only where a digest lists them: open and due soon
or overdue (`due_milestones`), or named by a failed send (`milestones_by_id`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, ScalarSelect, Text, case, cast, func, or_, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.enums import AnswerStatus, AssessmentStatus, MilestoneStatus
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
from storage.repo.bulk import in_values, raw_rows, utc
from storage.repo.respondents import assignment_list, split_assignments

RECORD_SEPARATOR = "\x1e"
"""Between two answers of a round in `answer_records` (JSON text cannot hold it unescaped)."""
FIELD_SEPARATOR = "\x1f"
"""Between an answer's criterion id, status and ticked items (JSON) in `answer_records`."""

_new = tuple.__new__
"""Builds a row (a named tuple) from its fields without the Python-level `__new__`."""


class RoundRow(NamedTuple):
    """A round that is not archived."""

    id: int
    city_id: int
    status: AssessmentStatus
    rubric_id: str
    rubric_version: str


class PlanRow(NamedTuple):
    """A plan of a round that is not archived, with the round's city and its milestones'
    criteria (ids joined by `RECORD_SEPARATOR`, in no set order; read them with `ids_of`)."""

    id: int
    assessment_id: int
    city_id: int
    kept: str = ""
    """The criterion of each milestone not dropped (one id per milestone)."""
    done: str = ""
    """The criterion of each milestone done."""


DueMilestoneRow = tuple[int, str, str | None, date | str]
"""An open milestone as a digest lists it: plan id, title, owner name, due date (an ISO date
string on SQLite). Plain rows: a digest of 10,000 cities may read a hundred thousand."""


class MilestoneRef(NamedTuple):
    """A milestone a failed send was about: its plan, title and owner."""

    id: int
    plan_id: int
    title: str
    owner_id: int | None
    owner_name: str | None


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
    statuses = {status.value: status for status in AssessmentStatus}
    return [
        _new(RoundRow, (rid, city, statuses[status], rubric_id, version))
        for rid, city, status, rubric_id, version in raw_rows(session, query)
    ]


def current_plans(session: Session, *, city_ids: Iterable[int]) -> list[PlanRow]:
    """The plans of these cities' rounds that are not archived, oldest first, with the criteria
    of their milestones kept and done."""

    def criteria(*where: ColumnElement[bool]) -> ScalarSelect[str]:
        packed = func.aggregate_strings(col(Milestone.criterion_id), RECORD_SEPARATOR)
        found = sa_select(type_coerce(packed, Text))
        return found.where(col(Milestone.plan_id) == col(Plan.id), *where).scalar_subquery()

    query = (
        sa_select(
            col(Plan.id),
            col(Plan.assessment_id),
            col(Assessment.city_id),
            criteria(col(Milestone.status) != MilestoneStatus.DROPPED),
            criteria(col(Milestone.status) == MilestoneStatus.DONE),
        )
        .join(Assessment, col(Assessment.id) == col(Plan.assessment_id))
        .where(
            in_values(session, col(Assessment.city_id), city_ids),
            col(Assessment.status) != AssessmentStatus.ARCHIVED,
        )
        .order_by(col(Plan.created_at), col(Plan.id))
    )
    return [
        _new(PlanRow, (pid, aid, city, kept or "", done or ""))
        for pid, aid, city, kept, done in raw_rows(session, query)
    ]


def ids_of(packed: str) -> list[str]:
    """The ids of a packed list (`PlanRow.kept`, `PlanRow.done`); none for an empty one."""
    return packed.split(RECORD_SEPARATOR) if packed else []


def due_milestones(
    session: Session, *, plan_ids: Iterable[int], due_by: date
) -> list[DueMilestoneRow]:
    """The open milestones of these plans due on or before `due_by` (overdue ones included),
    with their owners' names, by plan and due date."""
    query = (
        sa_select(
            col(Milestone.plan_id),
            col(Milestone.title),
            col(Person.display_name),
            type_coerce(col(Milestone.due_on), Text),
        )
        .outerjoin(Person, col(Person.id) == col(Milestone.owner_id))
        .where(
            in_values(session, col(Milestone.plan_id), plan_ids),
            # One condition no index covers, so that the plans' milestones are found through
            # their plan: the (status, due date) index would visit every city's open milestones.
            case((col(Milestone.status) == MilestoneStatus.OPEN, col(Milestone.due_on))) <= due_by,
        )
        .order_by(col(Milestone.plan_id), col(Milestone.due_on), col(Milestone.id))
    )
    return raw_rows(session, query)


def milestones_by_id(session: Session, *, milestone_ids: Iterable[int]) -> dict[int, MilestoneRef]:
    """These milestones' plans, titles and owners, by id (ids not found are left out)."""
    query = (
        sa_select(
            col(Milestone.id),
            col(Milestone.plan_id),
            col(Milestone.title),
            col(Milestone.owner_id),
            col(Person.display_name),
        )
        .outerjoin(Person, col(Person.id) == col(Milestone.owner_id))
        .where(in_values(session, col(Milestone.id), milestone_ids))
    )
    return {row[0]: MilestoneRef(*row) for row in raw_rows(session, query)}


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
    assigned = (  # each person's assignments in a round, grouped before anything is joined
        sa_select(
            col(Assignment.assessment_id).label("assessment_id"),
            col(Assignment.person_id).label("person_id"),
            assignment_list().label("assigned"),
            type_coerce(latest, Text).label("latest"),
        )
        .where(in_values(session, col(Assignment.assessment_id), assessment_ids))
        .group_by(col(Assignment.assessment_id), col(Assignment.person_id))
        .having(latest < inactive_before)
        .subquery()
    )
    query = (
        sa_select(
            assigned.c.assessment_id,
            col(Person.id),
            col(Person.display_name),
            assigned.c.assigned,
            assigned.c.latest,
            type_coerce(col(InterviewProgress.last_activity_at), Text),
        )
        .join(Person, col(Person.id) == assigned.c.person_id)
        .outerjoin(
            InterviewProgress,
            (col(InterviewProgress.person_id) == assigned.c.person_id)
            & (col(InterviewProgress.assessment_id) == assigned.c.assessment_id),
        )
        .where(
            col(InterviewProgress.completed_at).is_(None),
            or_(
                col(InterviewProgress.last_activity_at).is_(None),
                col(InterviewProgress.last_activity_at) < inactive_before,
            ),
        )
    )
    found = []
    # People assigned in one action share their assignments and timestamps: each is read once.
    split: dict[str | None, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    stamps: dict[datetime | str | None, datetime | None] = {None: None}
    for aid, pid, name, listed, last, active in raw_rows(session, query):
        parts = split.get(listed)
        if parts is None:
            parts = split[listed] = split_assignments(listed)
        if last not in stamps:
            stamps[last] = utc(last)
        if active not in stamps:
            stamps[active] = utc(active)
        found.append(
            _new(RespondentRow, (aid, pid, name, parts[0], stamps[last], stamps[active], parts[1]))
        )
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
