"""Claiming many sends at once: the ledger's rules hold for each of them, in a few statements."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from storage.enums import NotificationStatus
from storage.models import NotificationLedger
from storage.repo import claims, ledger
from tests.builders import NOW


def key(n: int) -> tuple[str, str, str]:
    return ("milestone_reminder", f"city:1/milestone:{n}", "d0@2027-03-17")


def rows(session: Session) -> dict[str, NotificationLedger]:
    found = session.exec(select(NotificationLedger).order_by(col(NotificationLedger.id)))
    return {row.target: row for row in found}


def test_new_sends_are_claimed_and_done_or_held_ones_are_not(session: Session) -> None:
    sent = ledger.claim_notification(session, **dict(zip(("kind", "target", "period_key"),
                                     key(1), strict=True)), now=NOW)  # fmt: skip
    held = ledger.claim_notification(session, **dict(zip(("kind", "target", "period_key"),
                                     key(2), strict=True)), now=NOW)  # fmt: skip
    assert sent is not None and sent.id is not None and held is not None
    ledger.mark_sent(session, ledger_id=sent.id, now=NOW)

    taken = claims.claim_many(session, keys=[key(n) for n in range(1, 1201)], now=NOW)

    assert set(taken) == {key(n) for n in range(3, 1201)}
    assert {c.attempts for c in taken.values()} == {1}
    assert claims.claim_many(session, keys=[key(5), key(6)], now=NOW) == {}


def test_failed_and_abandoned_claims_are_taken_over_once_each(session: Session) -> None:
    first = claims.claim_many(session, keys=[key(1), key(2), key(3)], now=NOW)
    claims.mark_many(
        session,
        outcomes=[
            claims.Outcome(first[key(1)].ledger_id, NOW, "ratelimited"),
            claims.Outcome(first[key(2)].ledger_id, NOW, "channel_not_found", permanent=True),
        ],
    )  # key(3) stays claimed: its sender vanished
    soon = NOW + timedelta(minutes=1)
    assert sorted(claims.claim_many(session, keys=[key(1), key(2), key(3)], now=soon)) == [key(1)]

    later = NOW + ledger.CLAIM_TIMEOUT + timedelta(seconds=30)
    again = claims.claim_many(session, keys=[key(1), key(2), key(3)], now=later)
    assert sorted(again) == [key(3)]  # key(1) is held again (since `soon`), key(2) given up
    assert again[key(3)].attempts == 2
    assert claims.claim_many(session, keys=[key(3)], now=later) == {}


def test_outcomes_are_marked_and_unsent_claims_given_back(session: Session) -> None:
    taken = claims.claim_many(session, keys=[key(n) for n in range(1, 5)], now=NOW)
    claims.mark_many(
        session,
        outcomes=[
            claims.Outcome(taken[key(1)].ledger_id, NOW + timedelta(seconds=1)),
            claims.Outcome(taken[key(2)].ledger_id, NOW + timedelta(seconds=2)),
            claims.Outcome(taken[key(3)].ledger_id, NOW, "x" * 5000),
        ],
    )
    later = NOW + ledger.CLAIM_TIMEOUT + timedelta(minutes=1)
    retried = claims.claim_many(session, keys=[key(3)], now=later)
    claims.release(session, claims=[taken[key(4)]], claimed_at=NOW)
    claims.release(session, claims=[retried[key(3)]], claimed_at=later)

    stored = rows(session)
    assert [stored[key(n)[1]].status for n in (1, 2)] == [NotificationStatus.SENT] * 2
    assert stored[key(1)[1]].sent_at == NOW + timedelta(seconds=2)  # marked within a second
    assert (stored[key(3)[1]].status, stored[key(3)[1]].attempts) == (NotificationStatus.FAILED, 1)
    assert key(4)[1] not in stored  # a new claim never sent is gone: the next sweep claims it
    assert set(claims.claim_many(session, keys=[key(3), key(4)], now=later)) == {key(3), key(4)}
