"""Absence and attention as stored: away periods, nudge times, held nudges, nudges counted.

Session first, keyword-only, never commit. The sweep's reads take a few statements for any
number of people (`in_values`); what they return are plain rows (named tuples).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, func, tuple_, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.enums import NotificationStatus
from storage.models import (
    AwayPeriod,
    HeldNudge,
    NotificationLedger,
    NudgePreference,
    Person,
)
from storage.repo.bulk import as_date, as_json, as_time, in_values, raw_rows, utc, utc_or_none
from storage.repo.sweeps import (
    AssignmentRow,
    assignment_rows,
    followup_target_column,
    respondent_rounds_query,
)
from storage.validation import check_weekdays

_held = HeldNudge.__table__  # type: ignore[attr-defined]
_ledger = NotificationLedger.__table__  # type: ignore[attr-defined]


class AwayRow(NamedTuple):
    """A current away period."""

    id: int
    person_id: int
    deputy_id: int | None
    back_on: date
    until_at: datetime
    created_at: datetime


class PreferenceRow(NamedTuple):
    """The days and hour a person chose for nudges."""

    person_id: int
    days: tuple[int, ...]
    at: time


class HeldRow(NamedTuple):
    """A held nudge, and whether the ledger already shows its key finished (sent, given up)."""

    id: int
    kind: str
    target: str
    period_key: str
    person_id: int
    not_before: datetime
    reason: str
    held_at: datetime
    finished: bool = False


class Hold(NamedTuple):
    """A nudge to hold until `not_before` (a new held row, or a new time for an existing one)."""

    kind: str
    target: str
    period_key: str
    person_id: int
    not_before: datetime
    reason: str


_PERSON = (
    col(Person.id),
    col(Person.slack_user_id),
    col(Person.display_name),
    col(Person.language),
    col(Person.locale),
    col(Person.timezone),
)
_AWAY = (
    col(AwayPeriod.id),
    col(AwayPeriod.person_id),
    col(AwayPeriod.deputy_id),
    col(AwayPeriod.back_on),
    col(AwayPeriod.until_at),
    col(AwayPeriod.created_at),
)
_HELD = (
    _held.c.id,
    _held.c.kind,
    _held.c.target,
    _held.c.period_key,
    _held.c.person_id,
    _held.c.not_before,
    _held.c.reason,
    _held.c.held_at,
)


def _away_row(row: Sequence[Any]) -> AwayRow:
    aid, pid, deputy, back, until, created = row
    return AwayRow(aid, pid, deputy, as_date(back), utc(until), utc(created))


def _held_row(row: Sequence[Any], finished: bool = False) -> HeldRow:
    hid, kind, target, period, pid, not_before, reason, held_at = row[:8]
    return HeldRow(hid, kind, target, period, pid, utc(not_before), reason, utc(held_at), finished)


# away periods -------------------------------------------------------------------------------
def current_away(
    session: Session, *, person_ids: Iterable[int], now: datetime
) -> dict[int, AwayRow]:
    """The running away period of each of these people (the newest, if several), by person."""
    ids = list(person_ids)
    if not ids:
        return {}
    query = (
        sa_select(*_AWAY)
        .where(
            in_values(session, col(AwayPeriod.person_id), ids),
            col(AwayPeriod.ended_at).is_(None),
            col(AwayPeriod.until_at) > now,
        )
        .order_by(col(AwayPeriod.created_at), col(AwayPeriod.id))
    )
    return {row.person_id: row for row in map(_away_row, raw_rows(session, query))}


def covered_by(session: Session, *, deputy_id: int, now: datetime) -> list[AwayRow]:
    """The running away periods in which this person is the deputy."""
    query = (
        sa_select(*_AWAY)
        .where(
            col(AwayPeriod.deputy_id) == deputy_id,
            col(AwayPeriod.ended_at).is_(None),
            col(AwayPeriod.until_at) > now,
        )
        .order_by(col(AwayPeriod.until_at), col(AwayPeriod.id))
    )
    return [_away_row(row) for row in raw_rows(session, query)]


def start_away(
    session: Session,
    *,
    person_id: int,
    deputy_id: int | None,
    back_on: date,
    until_at: datetime,
    now: datetime,
) -> AwayPeriod:
    """Record a new away period from now; one still running is ended (the new one replaces it)."""
    end_away(session, person_id=person_id, now=now)
    period = AwayPeriod(
        person_id=person_id,
        deputy_id=deputy_id,
        back_on=back_on,
        until_at=until_at,
        created_at=now,
    )
    session.add(period)
    session.flush()
    return period


def end_away(session: Session, *, person_id: int, now: datetime) -> bool:
    """End the person's running away period now; False when there was none."""
    result = session.execute(
        update(AwayPeriod)
        .where(
            col(AwayPeriod.person_id) == person_id,
            col(AwayPeriod.ended_at).is_(None),
            col(AwayPeriod.until_at) > now,
        )
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


# nudge times --------------------------------------------------------------------------------
def preferences(session: Session, *, person_ids: Iterable[int]) -> dict[int, PreferenceRow]:
    """The nudge days and hour these people chose (those who chose), by person."""
    ids = list(person_ids)
    if not ids:
        return {}
    query = sa_select(
        col(NudgePreference.person_id), col(NudgePreference.days), col(NudgePreference.at)
    ).where(in_values(session, col(NudgePreference.person_id), ids))
    return {
        pid: PreferenceRow(pid, tuple(as_json(days)), as_time(at))
        for pid, days, at in raw_rows(session, query)
    }


def set_preference(
    session: Session, *, person_id: int, days: Iterable[int], at: time, now: datetime
) -> None:
    """Store the days (ISO weekdays) and hour from which a person wants nudges (one statement)."""
    values = {
        "person_id": person_id,
        "days": check_weekdays(days, field="days"),
        "at": at,
        "updated_at": now,
    }
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(NudgePreference.__table__).values(**values)  # type: ignore[attr-defined]
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["person_id"],
            set_={name: statement.excluded[name] for name in ("days", "at", "updated_at")},
        )
    )


# nudges counted toward the weekly cap ------------------------------------------------------------
def nudge_times(
    session: Session, *, person_ids: Iterable[int], since: datetime, uncapped: Iterable[str]
) -> dict[int, list[datetime]]:
    """When each of these people was nudged (sent, or being sent) since `since`, by person;
    kinds in `uncapped` are left out."""
    ids = list(person_ids)
    if not ids:
        return {}
    query = sa_select(_ledger.c.recipient_id, _ledger.c.claimed_at).where(
        in_values(session, _ledger.c.recipient_id, ids),
        _ledger.c.claimed_at >= since,
        _ledger.c.status.in_([NotificationStatus.SENT, NotificationStatus.CLAIMED]),
        _ledger.c.kind.not_in(sorted(set(uncapped))),
    )
    found: dict[int, list[datetime]] = {}
    for pid, claimed in raw_rows(session, query):
        found.setdefault(pid, []).append(utc(claimed))
    return found


def set_recipients(session: Session, *, recipients: Sequence[tuple[int, int]]) -> None:
    """Note who each claimed nudge goes to: (ledger id, person id) pairs (one executemany)."""
    if recipients:
        session.execute(
            update(_ledger)
            .where(_ledger.c.id == bindparam("lid"))
            .values(recipient_id=bindparam("pid"))
            .execution_options(synchronize_session=False),
            [{"lid": lid, "pid": pid} for lid, pid in recipients],
        )


# held nudges --------------------------------------------------------------------------------
def hold(session: Session, *, nudges: Sequence[Hold], now: datetime) -> None:
    """Hold these nudges until their time (a nudge held already gets the new time and reason)."""
    if not nudges:
        return
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    rows = [{**n._asdict(), "held_at": now} for n in {(n[:3]): n for n in nudges}.values()]
    statement = insert(_held)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["kind", "target", "period_key"],
            set_={
                "not_before": statement.excluded.not_before,
                "reason": statement.excluded.reason,
                "person_id": statement.excluded.person_id,
            },
        ),
        rows,
    )


def held_due(session: Session, *, now: datetime) -> list[HeldRow]:
    """Held nudges whose time has come, each with whether its ledger key is finished already."""
    finished = (
        sa_select(func.count())
        .select_from(_ledger)
        .where(
            _ledger.c.kind == _held.c.kind,
            _ledger.c.target == _held.c.target,
            _ledger.c.period_key == _held.c.period_key,
            _ledger.c.status.in_([NotificationStatus.SENT, NotificationStatus.PERMANENT_ERROR]),
        )
        .scalar_subquery()
    )
    query = sa_select(*_HELD, finished).where(_held.c.not_before <= now).order_by(_held.c.id)
    return [_held_row(row, bool(row[8])) for row in raw_rows(session, query)]


def held_for(session: Session, *, kinds: Iterable[str], targets: Iterable[str]) -> list[HeldRow]:
    """Every held nudge of these kinds about these targets, whatever its time."""
    wanted = list(targets)
    if not wanted:
        return []
    query = sa_select(*_HELD).where(
        _held.c.kind.in_(sorted(set(kinds))), in_values(session, _held.c.target, wanted)
    )
    return [_held_row(row) for row in raw_rows(session, query)]


def held_of_person(session: Session, *, person_id: int) -> list[HeldRow]:
    """The nudges held for one person, the soonest first."""
    query = (
        sa_select(*_HELD)
        .where(_held.c.person_id == person_id)
        .order_by(_held.c.not_before, _held.c.id)
    )
    return [_held_row(row) for row in raw_rows(session, query)]


def drop_held(session: Session, *, ids: Iterable[int]) -> None:
    """Forget these held nudges (sent, superseded, or no longer relevant)."""
    wanted = list(ids)
    if wanted:
        session.execute(delete(_held).where(in_values(session, _held.c.id, wanted)))


def drop_held_keys(session: Session, *, keys: Iterable[tuple[str, str, str]]) -> None:
    """Forget the held nudges of these ledger keys (they went out)."""
    wanted = list(dict.fromkeys(keys))
    for start in range(0, len(wanted), 300):
        chunk = wanted[start : start + 300]
        session.execute(
            delete(_held).where(tuple_(_held.c.kind, _held.c.target, _held.c.period_key).in_(chunk))
        )


def release_held(session: Session, *, person_ids: Iterable[int], now: datetime) -> int:
    """Let these people's held nudges be decided again at the next sweep (back early, new nudge
    times, a deputy named): how many there were."""
    wanted = list(person_ids)
    if not wanted:
        return 0
    result = session.execute(
        update(_held)
        .where(in_values(session, _held.c.person_id, wanted), _held.c.not_before > now)
        .values(not_before=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def next_held(session: Session, *, person_id: int) -> tuple[int, datetime | None]:
    """How many nudges are held for a person, and the soonest time one may go."""
    query = sa_select(func.count(), func.min(_held.c.not_before)).where(
        _held.c.person_id == person_id
    )
    count, soonest = raw_rows(session, query)[0]
    return int(count), utc_or_none(soonest)


def followup_rounds(session: Session, *, targets: Iterable[str]) -> list[AssignmentRow]:
    """The respondents of open rounds named by follow-up targets (`city:C/assessment:A/person:P`),
    with their areas and interview progress: what a held follow-up is rebuilt from."""
    wanted = list(targets)
    if not wanted:
        return []
    query, _ = respondent_rounds_query()
    query = query.where(in_values(session, followup_target_column(), wanted))
    return assignment_rows(session, query)
