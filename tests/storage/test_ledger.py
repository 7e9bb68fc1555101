"""The notification ledger: each send is claimed once; abandoned and failed ones come back."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from storage.enums import NotificationStatus
from storage.repo import events, ledger
from tests.builders import NOW

KEY = {"kind": "milestone_reminder", "target": "milestone:40", "period_key": "2027-03-01"}


def test_a_send_is_claimed_once(session: Session) -> None:
    first = ledger.claim_notification(session, **KEY, now=NOW)
    assert first is not None
    assert (first.status, first.attempts, first.claimed_at) == (NotificationStatus.CLAIMED, 1, NOW)
    assert ledger.claim_notification(session, **KEY, now=NOW + timedelta(seconds=5)) is None
    other_day = {**KEY, "period_key": "2027-03-02"}
    assert ledger.claim_notification(session, **other_day, now=NOW) is not None


def test_a_sent_notification_is_never_claimed_again(session: Session) -> None:
    row = ledger.claim_notification(session, **KEY, now=NOW)
    assert row is not None and row.id is not None
    sent = ledger.mark_sent(session, ledger_id=row.id, now=NOW + timedelta(seconds=2))
    assert sent.status is NotificationStatus.SENT and sent.sent_at == NOW + timedelta(seconds=2)
    assert ledger.claim_notification(session, **KEY, now=NOW + timedelta(days=30)) is None


def test_a_failed_send_is_retried_until_the_attempts_run_out(session: Session) -> None:
    row = ledger.claim_notification(session, **KEY, now=NOW)
    assert row is not None and row.id is not None
    for attempt in range(2, ledger.MAX_ATTEMPTS + 1):
        ledger.mark_failed(session, ledger_id=row.id, error="ratelimited", now=NOW)
        retry = ledger.claim_notification(session, **KEY, now=NOW + timedelta(minutes=attempt))
        assert retry is not None and retry.id == row.id
        assert (retry.attempts, retry.status) == (attempt, NotificationStatus.CLAIMED)
        assert retry.claimed_at == NOW + timedelta(minutes=attempt)
    ledger.mark_failed(session, ledger_id=row.id, error="ratelimited", now=NOW)
    assert ledger.claim_notification(session, **KEY, now=NOW + timedelta(hours=1)) is None
    stored = ledger.get_notification(session, **KEY)
    assert stored is not None and stored.error == "ratelimited"


def test_a_permanent_error_is_not_retried(session: Session) -> None:
    row = ledger.claim_notification(session, **KEY, now=NOW)
    assert row is not None and row.id is not None
    ledger.mark_failed(
        session, ledger_id=row.id, error="channel_not_found " * 200, now=NOW, permanent=True
    )
    stored = ledger.get_notification(session, **KEY)
    assert stored is not None and stored.status is NotificationStatus.PERMANENT_ERROR
    assert stored.error is not None and len(stored.error) == ledger.ERROR_MAX
    assert ledger.claim_notification(session, **KEY, now=NOW + timedelta(days=1)) is None


def test_an_abandoned_claim_is_taken_over_only_after_the_timeout(session: Session) -> None:
    row = ledger.claim_notification(session, **KEY, now=NOW)
    assert row is not None
    session.commit()
    just_before = NOW + ledger.CLAIM_TIMEOUT - timedelta(seconds=1)
    assert ledger.claim_notification(session, **KEY, now=just_before) is None
    assert ledger.stale_claims(session, now=just_before) == []
    after = NOW + ledger.CLAIM_TIMEOUT + timedelta(seconds=1)
    assert [r.id for r in ledger.stale_claims(session, now=after)] == [row.id]
    taken = ledger.claim_notification(session, **KEY, now=after)
    assert taken is not None and taken.id == row.id
    assert (taken.attempts, taken.claimed_at) == (2, after)
    assert ledger.claim_notification(session, **KEY, now=after) is None


def test_a_rolled_back_claim_leaves_the_send_free(session: Session) -> None:
    assert ledger.claim_notification(session, **KEY, now=NOW) is not None
    session.rollback()
    assert ledger.claim_notification(session, **KEY, now=NOW) is not None


def test_a_retried_slack_event_is_recognised_and_old_ids_are_pruned(session: Session) -> None:
    assert events.remember_event(session, event_id="Ev01", now=NOW) is True
    assert events.remember_event(session, event_id="Ev01", now=NOW + timedelta(seconds=3)) is False
    assert events.remember_event(session, event_id="Ev02", now=NOW + timedelta(days=3)) is True
    removed = events.prune_events(session, before=NOW + timedelta(days=1))
    assert removed == 1
    assert events.remember_event(session, event_id="Ev01", now=NOW + timedelta(days=3)) is True
    assert events.remember_event(session, event_id="Ev02", now=NOW + timedelta(days=3)) is False
