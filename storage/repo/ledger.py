"""The notification ledger: every reminder, digest and follow-up is claimed before it is sent.

A claim is a row under the unique key (kind, target, period_key), inserted with
`INSERT ... ON CONFLICT DO NOTHING`: of two processes (or a retry after a restart) only one gets
it. The sender then marks it sent or failed. A claim whose sender vanished (claimed longer ago
than `stale_after`, never marked) and a failed send with attempts left can be claimed again;
that takeover is a compare-and-set on the row, so it too goes to one claimer only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.enums import NotificationStatus
from storage.models import NotificationLedger
from storage.repo._sql import get_or_raise, insert_or_ignore

CLAIM_TIMEOUT = timedelta(minutes=10)
"""A claim older than this that was never marked sent or failed is taken to be abandoned."""

MAX_ATTEMPTS = 5
"""A failed send is retried until it has been attempted this many times."""

ERROR_MAX = 1000
"""Stored error text is cut to this many characters."""


def claim_notification(
    session: Session,
    *,
    kind: str,
    target: str,
    period_key: str,
    now: datetime,
    stale_after: timedelta = CLAIM_TIMEOUT,
    max_attempts: int = MAX_ATTEMPTS,
) -> NotificationLedger | None:
    """The claimed ledger row, or None when this send is done or someone else holds it."""
    values = {
        "kind": kind,
        "target": target,
        "period_key": period_key,
        "status": NotificationStatus.CLAIMED,
        "claimed_at": now,
        "attempts": 1,
    }
    created = insert_or_ignore(
        session, NotificationLedger, values=values, conflict=["kind", "target", "period_key"]
    )
    if created is not None:
        return created
    row = get_notification(session, kind=kind, target=target, period_key=period_key)
    if row is None or not _reclaimable(row, now, stale_after, max_attempts):
        return None
    taken = session.execute(
        update(NotificationLedger)
        .where(
            col(NotificationLedger.id) == row.id,
            col(NotificationLedger.status) == row.status,
            col(NotificationLedger.attempts) == row.attempts,
        )
        .values(
            status=NotificationStatus.CLAIMED,
            claimed_at=now,
            attempts=NotificationLedger.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if not getattr(taken, "rowcount", 0):
        return None
    session.refresh(row)
    return row


def mark_sent(session: Session, *, ledger_id: int, now: datetime) -> NotificationLedger:
    """Record that a claimed send went out."""
    row = get_or_raise(session, NotificationLedger, ledger_id)
    row.status = NotificationStatus.SENT
    row.sent_at = now
    row.error = None
    session.flush()
    return row


def mark_failed(
    session: Session, *, ledger_id: int, error: str, now: datetime, permanent: bool = False
) -> NotificationLedger:
    """Record that a send failed: retryable, or `permanent` (e.g. the channel is gone)."""
    row = get_or_raise(session, NotificationLedger, ledger_id)
    row.status = NotificationStatus.PERMANENT_ERROR if permanent else NotificationStatus.FAILED
    row.error = error[:ERROR_MAX]
    session.flush()
    return row


def get_notification(
    session: Session, *, kind: str, target: str, period_key: str
) -> NotificationLedger | None:
    """The ledger row of one send, if it was ever claimed."""
    query = (
        select(NotificationLedger)
        .where(
            NotificationLedger.kind == kind,
            NotificationLedger.target == target,
            NotificationLedger.period_key == period_key,
        )
        .execution_options(populate_existing=True)
    )
    return session.exec(query).first()


def stale_claims(
    session: Session, *, now: datetime, stale_after: timedelta = CLAIM_TIMEOUT
) -> list[NotificationLedger]:
    """Claims never marked sent or failed within `stale_after`: sends that may need a retry."""
    query = (
        select(NotificationLedger)
        .where(
            NotificationLedger.status == NotificationStatus.CLAIMED,
            col(NotificationLedger.claimed_at) < now - stale_after,
        )
        .order_by(col(NotificationLedger.claimed_at), col(NotificationLedger.id))
    )
    return list(session.exec(query))


def _reclaimable(
    row: NotificationLedger, now: datetime, stale_after: timedelta, max_attempts: int
) -> bool:
    if row.attempts >= max_attempts:
        return False
    if row.status == NotificationStatus.FAILED:
        return True
    return row.status == NotificationStatus.CLAIMED and row.claimed_at <= now - stale_after
