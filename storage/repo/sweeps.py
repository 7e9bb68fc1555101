"""Bulk reads for the scheduler's sweeps: a few statements for every city at once, never one each.

Each function returns plain frozen rows (no ORM objects), loaded in one statement, or one per
`IN (...)` chunk of `storage.repo.chunks.IN_CHUNK` ids. The scheduler's pure policies decide
from these rows what is due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, or_, select

from storage.enums import AssessmentStatus, MilestoneStatus, NotificationStatus, Role
from storage.models import (
    Assessment,
    Assignment,
    City,
    CityRole,
    InterviewProgress,
    Milestone,
    NotificationLedger,
    Person,
    Plan,
    Workspace,
)
from storage.repo.chunks import chunked


@dataclass(frozen=True)
class CityRow:
    """A city's calendar and where its digest goes."""

    id: int
    team_id: str
    name: str
    timezone: str
    language: str
    digest_channel_id: str | None
    working_days: tuple[int, ...]
    digest_weekday: int
    digest_time: time
    created_at: datetime


@dataclass(frozen=True)
class PersonRow:
    """Someone the scheduler writes to: Slack id, name, language (chosen or locale), timezone."""

    id: int
    slack_user_id: str
    name: str
    language: str | None
    timezone: str | None


@dataclass(frozen=True)
class MilestoneRow:
    """An open milestone with its owner and city, as the reminder policy needs it."""

    id: int
    city_id: int
    assessment_id: int
    criterion_id: str
    title: str
    due_on: date
    snoozed_until: datetime | None
    owner: PersonRow


@dataclass(frozen=True)
class AssignmentRow:
    """One person's assigned area in an open round, with their interview's progress."""

    assessment_id: int
    city_id: int
    area_id: str
    rubric_id: str
    rubric_version: str
    person: PersonRow
    assigned_at: datetime
    last_activity_at: datetime | None
    paused_until: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True)
class LedgerRow:
    """One ledger row's key and state."""

    kind: str
    target: str
    period_key: str
    status: NotificationStatus
    claimed_at: datetime
    attempts: int
    error: str | None


def person_row(person: Person) -> PersonRow:
    """A person as the scheduler sees them."""
    assert person.id is not None
    return PersonRow(
        id=person.id,
        slack_user_id=person.slack_user_id,
        name=person.display_name,
        language=person.language or person.locale,
        timezone=person.timezone,
    )


def all_cities(session: Session) -> list[CityRow]:
    """Every city with its workspace's Slack team id (one statement)."""
    query = select(City, Workspace.slack_team_id).join(
        Workspace, col(Workspace.id) == col(City.workspace_id)
    )
    rows = []
    for city, team_id in session.exec(query.order_by(col(City.id))):
        assert city.id is not None
        rows.append(
            CityRow(
                id=city.id,
                team_id=team_id,
                name=city.name,
                timezone=city.timezone,
                language=city.language,
                digest_channel_id=city.digest_channel_id,
                working_days=tuple(city.working_days),
                digest_weekday=city.digest_weekday,
                digest_time=city.digest_time,
                created_at=city.created_at,
            )
        )
    return rows


def cities_with_a_current_round(session: Session) -> set[int]:
    """Ids of the cities with a round that is not archived (those that get a digest)."""
    query = (
        select(Assessment.city_id).where(Assessment.status != AssessmentStatus.ARCHIVED).distinct()
    )
    return set(session.exec(query))


def reminder_milestones(session: Session, *, due_by: date) -> list[MilestoneRow]:
    """Open milestones with an owner, due on or before `due_by`, of rounds not archived.

    Columns rather than ORM objects: a sweep reads every such milestone, so this stays cheap.
    """
    query = (
        sa_select(
            col(Milestone.id),
            col(Assessment.city_id),
            col(Assessment.id),
            col(Milestone.criterion_id),
            col(Milestone.title),
            col(Milestone.due_on),
            col(Milestone.snoozed_until),
            col(Person.id),
            col(Person.slack_user_id),
            col(Person.display_name),
            col(Person.language),
            col(Person.locale),
            col(Person.timezone),
        )
        .join(Plan, col(Plan.id) == col(Milestone.plan_id))
        .join(Assessment, col(Assessment.id) == col(Plan.assessment_id))
        .join(Person, col(Person.id) == col(Milestone.owner_id))
        .where(
            col(Milestone.status) == MilestoneStatus.OPEN,
            col(Milestone.due_on) <= due_by,
            col(Assessment.status) != AssessmentStatus.ARCHIVED,
        )
        .order_by(col(Milestone.due_on), col(Milestone.id))
    )
    rows = []
    for mid, city_id, aid, cid, title, due_on, snoozed, *owner in session.execute(query):
        person_id, slack_id, name, language, locale, timezone = owner
        rows.append(
            MilestoneRow(
                id=mid,
                city_id=city_id,
                assessment_id=aid,
                criterion_id=cid,
                title=title,
                due_on=due_on,
                snoozed_until=snoozed,
                owner=PersonRow(person_id, slack_id, name, language or locale, timezone),
            )
        )
    return rows


def people_with_role_in(
    session: Session, *, city_ids: Iterable[int], role: Role
) -> dict[int, list[PersonRow]]:
    """The people holding `role` for each of these cities, by city id, by name."""
    found: dict[int, list[PersonRow]] = {}
    for chunk in chunked(city_ids):
        query = (
            select(CityRole.city_id, Person)
            .join(Person, col(Person.id) == col(CityRole.person_id))
            .where(col(CityRole.city_id).in_(chunk), CityRole.role == role)
            .order_by(col(Person.display_name), col(Person.id))
        )
        for city_id, person in session.exec(query):
            found.setdefault(city_id, []).append(person_row(person))
    return found


def people_by_id(session: Session, *, person_ids: Iterable[int]) -> dict[int, PersonRow]:
    """These people, by id."""
    found: dict[int, PersonRow] = {}
    for chunk in chunked(person_ids):
        for person in session.exec(select(Person).where(col(Person.id).in_(chunk))):
            row = person_row(person)
            found[row.id] = row
    return found


def ledger_rows(
    session: Session, *, kinds: Iterable[str], targets: Iterable[str]
) -> list[LedgerRow]:
    """Every ledger row of these kinds about these targets, whatever the period."""
    kind_list = sorted(set(kinds))
    rows = []
    for chunk in chunked(targets):
        query = select(NotificationLedger).where(
            col(NotificationLedger.kind).in_(kind_list),
            col(NotificationLedger.target).in_(chunk),
        )
        rows += [_ledger_row(row) for row in session.exec(query)]
    return rows


def ledger_rows_for_periods(
    session: Session, *, kind: str, period_keys: Iterable[str]
) -> list[LedgerRow]:
    """Every ledger row of one kind in these periods (e.g. this week's digests of every city)."""
    rows = []
    for chunk in chunked(period_keys):
        query = select(NotificationLedger).where(
            NotificationLedger.kind == kind, col(NotificationLedger.period_key).in_(chunk)
        )
        rows += [_ledger_row(row) for row in session.exec(query)]
    return rows


def permanent_errors_since(session: Session, *, since: datetime) -> list[LedgerRow]:
    """Sends given up for good (user gone, channel archived...) claimed at or after `since`."""
    query = (
        select(NotificationLedger)
        .where(
            NotificationLedger.status == NotificationStatus.PERMANENT_ERROR,
            col(NotificationLedger.claimed_at) >= since,
        )
        .order_by(col(NotificationLedger.claimed_at), col(NotificationLedger.id))
    )
    return [_ledger_row(row) for row in session.exec(query)]


def idle_assignments(
    session: Session, *, inactive_before: datetime, now: datetime
) -> list[AssignmentRow]:
    """Assignments in open rounds, interview unfinished, unpaused, idle since `inactive_before`."""
    query = (
        select(Assignment, Assessment, Person, InterviewProgress)
        .join(Assessment, col(Assessment.id) == col(Assignment.assessment_id))
        .join(Person, col(Person.id) == col(Assignment.person_id))
        .outerjoin(
            InterviewProgress,
            (col(InterviewProgress.person_id) == col(Assignment.person_id))
            & (col(InterviewProgress.assessment_id) == col(Assignment.assessment_id)),
        )
        .where(
            Assessment.status == AssessmentStatus.OPEN,
            col(InterviewProgress.completed_at).is_(None),
            or_(
                col(InterviewProgress.last_activity_at).is_(None),
                col(InterviewProgress.last_activity_at) < inactive_before,
            ),
            or_(
                col(InterviewProgress.paused_until).is_(None),
                col(InterviewProgress.paused_until) <= now,
            ),
        )
        .order_by(col(Assignment.assessment_id), col(Assignment.person_id), col(Assignment.id))
    )
    return [_assignment_row(*row) for row in session.exec(query)]


def assignments_of(session: Session, *, assessment_ids: Iterable[int]) -> list[AssignmentRow]:
    """Every assignment of these rounds, with its person and their progress."""
    rows: list[AssignmentRow] = []
    for chunk in chunked(assessment_ids):
        query = (
            select(Assignment, Assessment, Person, InterviewProgress)
            .join(Assessment, col(Assessment.id) == col(Assignment.assessment_id))
            .join(Person, col(Person.id) == col(Assignment.person_id))
            .outerjoin(
                InterviewProgress,
                (col(InterviewProgress.person_id) == col(Assignment.person_id))
                & (col(InterviewProgress.assessment_id) == col(Assignment.assessment_id)),
            )
            .where(col(Assignment.assessment_id).in_(chunk))
            .order_by(col(Assignment.assessment_id), col(Assignment.area_id), col(Person.id))
        )
        rows += [_assignment_row(*row) for row in session.exec(query)]
    return rows


def last_period_keys(session: Session, *, kind: str, targets: Iterable[str]) -> dict[str, str]:
    """The newest period key of `kind` claimed for each target (targets never sent are left out)."""
    found: dict[str, str] = {}
    for chunk in chunked(targets):
        query = (
            select(NotificationLedger.target, func.max(NotificationLedger.period_key))
            .where(NotificationLedger.kind == kind, col(NotificationLedger.target).in_(chunk))
            .group_by(col(NotificationLedger.target))
        )
        for target, period_key in session.exec(query):
            found[target] = period_key
    return found


def _ledger_row(row: NotificationLedger) -> LedgerRow:
    return LedgerRow(
        kind=row.kind,
        target=row.target,
        period_key=row.period_key,
        status=NotificationStatus(row.status),
        claimed_at=row.claimed_at,
        attempts=row.attempts,
        error=row.error,
    )


def _assignment_row(
    assignment: Assignment,
    assessment: Assessment,
    person: Person,
    progress: InterviewProgress | None,
) -> AssignmentRow:
    return AssignmentRow(
        assessment_id=assignment.assessment_id,
        city_id=assessment.city_id,
        area_id=assignment.area_id,
        rubric_id=assessment.rubric_id,
        rubric_version=assessment.rubric_version,
        person=person_row(person),
        assigned_at=assignment.assigned_at,
        last_activity_at=progress.last_activity_at if progress else None,
        paused_until=progress.paused_until if progress else None,
        completed_at=progress.completed_at if progress else None,
    )
