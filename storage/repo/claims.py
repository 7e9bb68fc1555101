"""The notification ledger in bulk: claim many sends in one statement, mark them in one more.

The same rules as `storage.repo.ledger` (a claim is the unique row (kind, target, period key);
an abandoned claim or a failed send with attempts left is taken over with a compare-and-set),
for a sweep that sends thousands: `claim_many` inserts every new claim with
`INSERT ... ON CONFLICT DO NOTHING RETURNING` (SQLAlchemy packs many rows in each statement)
and takes over the reclaimable rows among the rest with `UPDATE ... RETURNING`; `mark_many`
records the outcomes with one executemany each; `release` gives back claims never sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, bindparam, delete, or_, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.enums import NotificationStatus
from storage.models import NotificationLedger
from storage.repo.bulk import in_values
from storage.repo.ledger import CLAIM_TIMEOUT, ERROR_MAX, MAX_ATTEMPTS

Key = tuple[str, str, str]
"""(kind, target, period key)."""

RECLAIM_KEYS = 300
"""Keys per takeover UPDATE."""

RELEASED = "not sent: the sweep stopped before this send"

_ledger = NotificationLedger.__table__  # type: ignore[attr-defined]


class Claim(NamedTuple):
    """A claimed ledger row: its id and which attempt this is (1 for a new claim)."""

    ledger_id: int
    attempts: int


class Outcome(NamedTuple):
    """How a claimed send ended: sent (with when), or failed (retryable or permanent)."""

    ledger_id: int
    at: datetime
    error: str | None = None
    permanent: bool = False


def claim_many(
    session: Session,
    *,
    keys: Sequence[Key],
    now: datetime,
    stale_after: timedelta = CLAIM_TIMEOUT,
    max_attempts: int = MAX_ATTEMPTS,
) -> dict[Key, Claim]:
    """Claim these sends; the ones claimed by this call, by key (the others are done or held)."""
    wanted = list(dict.fromkeys(keys))
    claimed: dict[Key, Claim] = {}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    if wanted:
        statement = (
            dialect.insert(_ledger)
            .on_conflict_do_nothing(index_elements=["kind", "target", "period_key"])
            .returning(_ledger.c.id, _ledger.c.kind, _ledger.c.target, _ledger.c.period_key)
        )
        rows = [
            {"kind": kind, "target": target, "period_key": period,
             "status": NotificationStatus.CLAIMED, "claimed_at": now, "attempts": 1}
            for kind, target, period in wanted
        ]  # fmt: skip
        for ledger_id, kind, target, period in session.execute(statement, rows):
            claimed[(kind, target, period)] = Claim(ledger_id, 1)
    rest = [key for key in wanted if key not in claimed]
    for start in range(0, len(rest), RECLAIM_KEYS):
        taken = session.execute(
            update(_ledger)
            .where(
                tuple_(_ledger.c.kind, _ledger.c.target, _ledger.c.period_key).in_(
                    rest[start : start + RECLAIM_KEYS]
                ),
                _ledger.c.attempts < max_attempts,
                or_(
                    _ledger.c.status == NotificationStatus.FAILED,
                    and_(
                        _ledger.c.status == NotificationStatus.CLAIMED,
                        _ledger.c.claimed_at <= now - stale_after,
                    ),
                ),
            )
            .values(
                status=NotificationStatus.CLAIMED,
                claimed_at=now,
                attempts=_ledger.c.attempts + 1,
            )
            .returning(
                _ledger.c.id,
                _ledger.c.kind,
                _ledger.c.target,
                _ledger.c.period_key,
                _ledger.c.attempts,
            )
        )
        for ledger_id, kind, target, period, attempts in taken:
            claimed[(kind, target, period)] = Claim(ledger_id, attempts)
    return claimed


def mark_many(session: Session, *, outcomes: Sequence[Outcome]) -> None:
    """Record how claimed sends ended: sent ones (one statement, stamped with the latest of
    their times: they are marked within a second), failed ones with their error."""
    sent = [o for o in outcomes if o.error is None]
    failed = [
        {
            "lid": o.ledger_id,
            "error": o.error[:ERROR_MAX],
            "status": (
                NotificationStatus.PERMANENT_ERROR if o.permanent else NotificationStatus.FAILED
            ),
        }
        for o in outcomes
        if o.error is not None
    ]
    if sent:
        session.execute(
            update(_ledger)
            .where(in_values(session, _ledger.c.id, [o.ledger_id for o in sent]))
            .values(status=NotificationStatus.SENT, sent_at=max(o.at for o in sent), error=None)
        )
    if failed:
        session.execute(
            update(_ledger)
            .where(_ledger.c.id == bindparam("lid"))
            .values(status=bindparam("status"), error=bindparam("error"))
            .execution_options(synchronize_session=False),
            failed,
        )


def release(session: Session, *, claims: Sequence[Claim], claimed_at: datetime) -> None:
    """Give back claims this sweep made at `claimed_at` and never sent.

    A new claim is removed; a taken-over one is a failed send again, its attempt not counted,
    so the next sweep claims it (and first asks Slack whether it went out).
    """
    new = [c.ledger_id for c in claims if c.attempts == 1]
    again = [c.ledger_id for c in claims if c.attempts > 1]
    ours = and_(
        col(NotificationLedger.status) == NotificationStatus.CLAIMED,
        col(NotificationLedger.claimed_at) == claimed_at,
    )
    if new:
        session.execute(
            delete(NotificationLedger)
            .where(col(NotificationLedger.id).in_(new), ours)
            .execution_options(synchronize_session=False)
        )
    if again:
        session.execute(
            update(NotificationLedger)
            .where(col(NotificationLedger.id).in_(again), ours)
            .values(
                status=NotificationStatus.FAILED,
                attempts=NotificationLedger.attempts - 1,
                error=RELEASED,
            )
            .execution_options(synchronize_session=False)
        )
