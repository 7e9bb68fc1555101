"""Bulk reads for the scheduler's sweeps: a few statements for every city at once, never one each.

Each function returns plain rows (named tuples of columns, no ORM objects) from one statement,
however many cities, milestones or ledger targets it is about: long id lists travel as one
parameter (`storage.repo.bulk`). The scheduler's pure policies decide from these rows what
is due.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    cast,
    func,
    literal,
    or_,
    update,
)
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

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
from storage.repo.bulk import as_date, as_json, as_time, in_values, raw_rows, utc, utc_or_none
from storage.repo.respondents import assignment_list, split_assignments


class CityRow(NamedTuple):
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


class PersonRow(NamedTuple):
    """Someone the scheduler writes to: Slack id, name, language (chosen or locale), timezone."""

    id: int
    slack_user_id: str
    name: str
    language: str | None
    timezone: str | None


class ReminderCandidate(NamedTuple):
    """An open milestone that may have a reminder due: what the reminder policy reads."""

    id: int
    city_id: int
    due_on: date
    snoozed_until: datetime | None


class ReminderLook(NamedTuple):
    """When to look at a milestone next, and what it was when that was decided."""

    id: int
    due_on: date
    snoozed_until: datetime | None
    at: datetime


class MilestoneRow(NamedTuple):
    """An open milestone with its owner and city, as a reminder needs it."""

    id: int
    city_id: int
    assessment_id: int
    criterion_id: str
    title: str
    due_on: date
    snoozed_until: datetime | None
    owner: PersonRow


class AssignmentRow(NamedTuple):
    """One person's assignments in an open round, with their interview's progress."""

    assessment_id: int
    city_id: int
    area_ids: tuple[str, ...]
    """The whole areas assigned to the person."""
    rubric_id: str
    rubric_version: str
    person: PersonRow
    assigned_at: datetime
    """When the latest of these areas was assigned."""
    last_activity_at: datetime | None
    paused_until: datetime | None
    completed_at: datetime | None
    criterion_ids: tuple[str, ...] = ()
    """Criteria assigned to the person alone (outside their whole areas)."""


class MilestoneState(NamedTuple):
    """What decides whether a reminder about a milestone still goes out."""

    id: int
    status: str
    """A `MilestoneStatus` value."""
    due_on: date
    snoozed_until: datetime | None


class ProgressState(NamedTuple):
    """What decides whether a follow-up to a respondent still goes out."""

    person_id: int
    assessment_id: int
    paused_until: datetime | None
    completed_at: datetime | None


class LedgerRow(NamedTuple):
    """One ledger row's key and state."""

    kind: str
    target: str
    period_key: str
    status: NotificationStatus
    claimed_at: datetime
    attempts: int
    error: str | None
    id: int = 0


_PERSON = (
    col(Person.id),
    col(Person.slack_user_id),
    col(Person.display_name),
    col(Person.language),
    col(Person.locale),
    col(Person.timezone),
)
_LEDGER = (
    col(NotificationLedger.kind),
    col(NotificationLedger.target),
    col(NotificationLedger.period_key),
    col(NotificationLedger.status),
    col(NotificationLedger.claimed_at),
    col(NotificationLedger.attempts),
    col(NotificationLedger.error),
    col(NotificationLedger.id),
)


def _ledger_row(
    kind: str,
    target: str,
    period_key: str,
    status: str,
    claimed_at: datetime | str,
    attempts: int,
    error: str | None,
    ledger_id: int,
) -> LedgerRow:
    return LedgerRow(
        kind, target, period_key, NotificationStatus(status), utc(claimed_at), attempts, error,
        ledger_id,
    )  # fmt: skip


def person_row(
    person_id: int,
    slack_user_id: str,
    name: str,
    language: str | None,
    locale: str | None,
    timezone: str | None,
) -> PersonRow:
    """A person as the scheduler sees them (the language they chose, else their locale)."""
    return PersonRow(person_id, slack_user_id, name, language or locale, timezone)


def all_cities(session: Session) -> list[CityRow]:
    """Every city with its workspace's Slack team id (one statement)."""
    query = (
        sa_select(
            col(City.id),
            col(Workspace.slack_team_id),
            col(City.name),
            col(City.timezone),
            col(City.language),
            col(City.digest_channel_id),
            col(City.working_days),
            col(City.digest_weekday),
            col(City.digest_time),
            col(City.created_at),
        )
        .join(Workspace, col(Workspace.id) == col(City.workspace_id))
        .order_by(col(City.id))
    )
    weeks: dict[object, tuple[int, ...]] = {}  # the few distinct calendars, read once each
    clocks: dict[object, time] = {}
    rows = []
    for cid, team, name, tz, lang, channel, days, weekday, at, created in raw_rows(session, query):
        key = days if isinstance(days, str) else tuple(days)
        week = weeks.get(key)
        if week is None:
            week = weeks[key] = tuple(as_json(days))
        clock = clocks.get(at)
        if clock is None:
            clock = clocks[at] = as_time(at)
        rows.append(CityRow(cid, team, name, tz, lang, channel, week, weekday, clock, utc(created)))
    return rows


def cities_with_a_current_round(session: Session) -> set[int]:
    """Ids of the cities with a round that is not archived (those that get a digest)."""
    query = (
        sa_select(col(Assessment.city_id))
        .where(col(Assessment.status) != AssessmentStatus.ARCHIVED)
        .distinct()
    )
    return set(session.execute(query).scalars())


def reminder_candidates(
    session: Session,
    *,
    due_by: date,
    looked_at_by: datetime | None = None,
    cities: Iterable[int] = (),
) -> list[ReminderCandidate]:
    """Open milestones with an owner, due on or before `due_by`, of rounds not archived.

    With `looked_at_by`, only those whose `next_reminder_at` has come by then (or was cleared),
    and every one of `cities`. Only what the reminder policy reads: a sweep loads the rest
    (`milestone_rows`) for the few with a reminder due.
    """
    query = (
        sa_select(
            col(Milestone.id),
            col(Assessment.city_id),
            col(Milestone.due_on),
            col(Milestone.snoozed_until),
        )
        .join(Plan, col(Plan.id) == col(Milestone.plan_id))
        .join(Assessment, col(Assessment.id) == col(Plan.assessment_id))
        .where(
            col(Milestone.status) == MilestoneStatus.OPEN,
            col(Milestone.due_on) <= due_by,
            col(Milestone.owner_id).is_not(None),
            col(Assessment.status) != AssessmentStatus.ARCHIVED,
        )
    )
    if looked_at_by is not None:
        wanted = [
            col(Milestone.next_reminder_at).is_(None),
            col(Milestone.next_reminder_at) <= looked_at_by,
        ]
        city_ids = list(cities)
        if city_ids:
            wanted.append(in_values(session, col(Assessment.city_id), city_ids))
        query = query.where(or_(*wanted))
    dates: dict[object, date] = {}
    found = []
    for mid, city_id, due, snoozed in raw_rows(session, query):
        due_on = dates.get(due)
        if due_on is None:
            due_on = dates[due] = as_date(due)
        found.append(ReminderCandidate(mid, city_id, due_on, utc_or_none(snoozed)))
    return found


def forget_reminder_times(session: Session, *, city_id: int) -> None:
    """Clear when to look at the city's milestones next (its calendar changed): next sweep."""
    plans = (
        sa_select(col(Plan.id))
        .join(Assessment, col(Assessment.id) == col(Plan.assessment_id))
        .where(col(Assessment.city_id) == city_id)
    )
    session.execute(
        update(Milestone)
        .where(col(Milestone.plan_id).in_(plans))
        .values(next_reminder_at=None)
        .execution_options(synchronize_session=False)
    )


def schedule_reminders(session: Session, *, looks: Sequence[ReminderLook]) -> None:
    """Store when to look at each milestone next, unless it changed since it was read (its
    status, due date or snooze): a change clears the time instead, and wins."""
    if not looks:
        return
    table = Milestone.__table__  # type: ignore[attr-defined]
    same: dict[tuple[date, datetime | None, datetime], list[int]] = {}
    for look in looks:  # milestones with one due date and snooze mostly share their next time
        same.setdefault((look.due_on, look.snoozed_until, look.at), []).append(look.id)
    for (due_on, snoozed, at), ids in same.items():
        session.execute(
            update(table)
            .where(
                in_values(session, table.c.id, ids),
                table.c.status == MilestoneStatus.OPEN,
                table.c.due_on == due_on,
                table.c.snoozed_until.is_(None)
                if snoozed is None
                else table.c.snoozed_until == snoozed,
            )
            .values(next_reminder_at=at)
        )


def milestone_rows(session: Session, *, milestone_ids: Iterable[int]) -> dict[int, MilestoneRow]:
    """These milestones (if they have an owner) with their owner and city, by id."""
    query = (
        sa_select(
            col(Milestone.id),
            col(Assessment.city_id),
            col(Assessment.id),
            col(Milestone.criterion_id),
            col(Milestone.title),
            col(Milestone.due_on),
            col(Milestone.snoozed_until),
            *_PERSON,
        )
        .join(Plan, col(Plan.id) == col(Milestone.plan_id))
        .join(Assessment, col(Assessment.id) == col(Plan.assessment_id))
        .join(Person, col(Person.id) == col(Milestone.owner_id))
        .where(in_values(session, col(Milestone.id), milestone_ids))
    )
    return {
        mid: MilestoneRow(
            mid, city_id, aid, cid, title, as_date(due), utc_or_none(snoozed), person_row(*owner)
        )
        for mid, city_id, aid, cid, title, due, snoozed, *owner in raw_rows(session, query)
    }


def people_with_role_in(
    session: Session, *, city_ids: Iterable[int], role: Role
) -> dict[int, list[PersonRow]]:
    """The people holding `role` for each of these cities, by city id, by name."""
    query = (
        sa_select(col(CityRole.city_id), *_PERSON)
        .join(Person, col(Person.id) == col(CityRole.person_id))
        .where(in_values(session, col(CityRole.city_id), city_ids), col(CityRole.role) == role)
        .order_by(col(Person.display_name), col(Person.id))
    )
    found: dict[int, list[PersonRow]] = {}
    for city_id, *person in session.execute(query):
        found.setdefault(city_id, []).append(person_row(*person))
    return found


def people_by_id(session: Session, *, person_ids: Iterable[int]) -> dict[int, PersonRow]:
    """These people, by id."""
    query = sa_select(*_PERSON).where(in_values(session, col(Person.id), person_ids))
    return {row[0]: person_row(*row) for row in session.execute(query)}


def ledger_rows(
    session: Session, *, kinds: Iterable[str], targets: Iterable[str]
) -> list[LedgerRow]:
    """Every ledger row of these kinds about these targets, whatever the period."""
    query = sa_select(*_LEDGER).where(
        col(NotificationLedger.kind).in_(sorted(set(kinds))),
        in_values(session, col(NotificationLedger.target), targets),
    )
    return [_ledger_row(*row) for row in raw_rows(session, query)]


def ledger_rows_for_periods(
    session: Session, *, kind: str, period_keys: Iterable[str]
) -> list[LedgerRow]:
    """Every ledger row of one kind in these periods (e.g. this week's digests of every city)."""
    query = sa_select(*_LEDGER).where(
        col(NotificationLedger.kind) == kind,
        in_values(session, col(NotificationLedger.period_key), period_keys),
    )
    return [LedgerRow(*row) for row in session.execute(query)]


def permanent_errors_since(session: Session, *, since: datetime) -> list[LedgerRow]:
    """Sends given up for good (user gone, channel archived...) claimed at or after `since`."""
    query = (
        sa_select(*_LEDGER)
        .where(
            col(NotificationLedger.status) == NotificationStatus.PERMANENT_ERROR,
            col(NotificationLedger.claimed_at) >= since,
        )
        .order_by(col(NotificationLedger.claimed_at), col(NotificationLedger.id))
    )
    return [LedgerRow(*row) for row in session.execute(query)]


def followup_target_column() -> ColumnElement[str]:
    """The ledger target of a respondent's follow-ups, as SQL over an assignment row:
    `city:C/assessment:A/person:P` (`bot.schedule.keys.followup_target`)."""
    return (
        literal("city:", Text)
        + cast(col(Assessment.city_id), Text)
        + literal("/assessment:", Text)
        + cast(col(Assignment.assessment_id), Text)
        + literal("/person:", Text)
        + cast(col(Assignment.person_id), Text)
    )


class IdleWindow(NamedTuple):
    """Respondents whose timezone (their own, else their city's) is one of `timezones` (with
    `unknown_too`, or none of `known_timezones`) are read when their last activity and newest
    assignment come before `inactive_before` and they were not followed up in the period
    `followed_up_since` or later."""

    timezones: frozenset[str]
    inactive_before: datetime
    followed_up_since: str
    unknown_too: bool = False


def idle_assignments(
    session: Session,
    *,
    now: datetime,
    followup_kind: str,
    windows: Sequence[IdleWindow],
    known_timezones: Iterable[str] = (),
) -> list[AssignmentRow]:
    """Respondents of open rounds, interview unfinished and unpaused, idle and not followed up
    lately as one of `windows` says: one row per person and round, their areas together."""
    if not windows:
        return []
    query, latest = respondent_rounds_query()
    zone = func.coalesce(col(Person.timezone), col(City.timezone))
    known = list(known_timezones)
    loosest = max(w.inactive_before for w in windows)
    wanted = []
    for window in windows:
        where = in_values(session, zone, sorted(window.timezones))
        if window.unknown_too and known:
            where = or_(where, ~in_values(session, zone, known))
        recent = (
            sa_select(literal(1))
            .select_from(NotificationLedger)
            .where(
                col(NotificationLedger.kind) == followup_kind,
                col(NotificationLedger.target) == followup_target_column(),
                col(NotificationLedger.period_key) >= window.followed_up_since,
            )
        )
        wanted.append(
            and_(
                where,
                latest < window.inactive_before,
                or_(
                    col(InterviewProgress.last_activity_at).is_(None),
                    col(InterviewProgress.last_activity_at) < window.inactive_before,
                ),
                ~recent.exists(),
            )
        )
    query = (
        query.join(City, col(City.id) == col(Assessment.city_id))
        .where(
            col(InterviewProgress.completed_at).is_(None),
            or_(
                col(InterviewProgress.last_activity_at).is_(None),
                col(InterviewProgress.last_activity_at) < loosest,
            ),
            or_(
                col(InterviewProgress.paused_until).is_(None),
                col(InterviewProgress.paused_until) <= now,
            ),
        )
        .group_by(col(City.timezone), col(Assignment.person_id))
        .having(latest < loosest, or_(*wanted))
        .order_by(col(Assignment.assessment_id), col(Person.id))
    )
    return assignment_rows(session, query)


def respondent_rounds_query() -> tuple[Select[*tuple[Any, ...]], ColumnElement[Any]]:
    """Respondents of open rounds, one row per person and round (their assignments together,
    the newest assigned time, their interview progress), and that newest-time column; callers
    add their own conditions and read the rows with `assignment_rows`."""
    latest = func.max(col(Assignment.assigned_at))
    query = (
        sa_select(
            col(Assignment.assessment_id),
            col(Assessment.city_id),
            assignment_list(),
            col(Assessment.rubric_id),
            col(Assessment.rubric_version),
            *_PERSON,
            latest,
            col(InterviewProgress.last_activity_at),
            col(InterviewProgress.paused_until),
            col(InterviewProgress.completed_at),
        )
        .join(Assessment, col(Assessment.id) == col(Assignment.assessment_id))
        .join(Person, col(Person.id) == col(Assignment.person_id))
        .outerjoin(
            InterviewProgress,
            (col(InterviewProgress.person_id) == col(Assignment.person_id))
            & (col(InterviewProgress.assessment_id) == col(Assignment.assessment_id)),
        )
        .where(col(Assessment.status) == AssessmentStatus.OPEN)
        .group_by(
            col(Assignment.assessment_id),
            col(Assessment.city_id),
            col(Assessment.rubric_id),
            col(Assessment.rubric_version),
            *_PERSON,
            col(InterviewProgress.last_activity_at),
            col(InterviewProgress.paused_until),
            col(InterviewProgress.completed_at),
        )
    )
    return query, latest


def assignment_rows(session: Session, query: Select[*tuple[Any, ...]]) -> list[AssignmentRow]:
    """The rows of a `respondent_rounds_query`."""
    rows = []
    for aid, city_id, areas, rubric_id, version, *rest in raw_rows(session, query):
        person, (assigned, active, paused, done) = person_row(*rest[:6]), rest[6:]
        whole, single = split_assignments(areas)
        rows.append(
            AssignmentRow(
                aid,
                city_id,
                whole,
                rubric_id,
                version,
                person,
                utc(assigned),
                utc_or_none(active),
                utc_or_none(paused),
                utc_or_none(done),
                single,
            )
        )
    return rows


def last_period_keys(session: Session, *, kind: str, targets: Iterable[str]) -> dict[str, str]:
    """The newest period key of `kind` claimed for each target (targets never sent are left out)."""
    query = (
        sa_select(col(NotificationLedger.target), func.max(col(NotificationLedger.period_key)))
        .where(
            col(NotificationLedger.kind) == kind,
            in_values(session, col(NotificationLedger.target), targets),
        )
        .group_by(col(NotificationLedger.target))
    )
    return {str(target): str(key) for target, key in session.execute(query)}


def milestone_states(
    session: Session, *, milestone_ids: Iterable[int]
) -> dict[int, MilestoneState]:
    """These milestones' status, due date and snooze, by id (read again just before sending)."""
    query = sa_select(
        col(Milestone.id),
        col(Milestone.status),
        col(Milestone.due_on),
        col(Milestone.snoozed_until),
    ).where(in_values(session, col(Milestone.id), milestone_ids))
    return {
        mid: MilestoneState(mid, status, as_date(due), utc_or_none(snoozed))
        for mid, status, due, snoozed in raw_rows(session, query)
    }


def progress_states(
    session: Session, *, assessment_ids: Iterable[int]
) -> dict[tuple[int, int], ProgressState]:
    """Every interview's pause and completion in these rounds, by (person id, round id)."""
    query = sa_select(
        col(InterviewProgress.person_id),
        col(InterviewProgress.assessment_id),
        col(InterviewProgress.paused_until),
        col(InterviewProgress.completed_at),
    ).where(in_values(session, col(InterviewProgress.assessment_id), assessment_ids))
    return {(row[0], row[1]): ProgressState(*row) for row in session.execute(query)}
