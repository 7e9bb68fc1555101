"""Timestamps come back aware and in UTC, enums come back as enums, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from storage.enums import NotificationStatus
from storage.models import NotificationLedger, Workspace
from storage.repo import ledger, orgs
from tests.builders import NOW

CHICAGO_MORNING = datetime(2027, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-6)))


def test_a_timestamp_comes_back_aware_in_utc_at_the_same_instant(engine: Engine) -> None:
    with Session(engine) as session:
        orgs.upsert_workspace(session, slack_team_id="T1", name="Team", now=CHICAGO_MORNING)
        session.commit()
    with Session(engine) as session:
        stored = session.exec(select(Workspace)).one()
        assert stored.created_at == CHICAGO_MORNING
        assert stored.created_at.tzinfo is not None
        assert stored.created_at.utcoffset() == timedelta(0)
        assert stored.created_at.hour == 15


def test_timestamps_compare_as_instants_in_queries(engine: Engine) -> None:
    with Session(engine) as session:
        ledger.claim_notification(session, kind="digest", target="city:1", period_key="w1", now=NOW)
        session.commit()
        just_before = NOW.astimezone(timezone(timedelta(hours=5))) - timedelta(seconds=1)
        found = session.exec(
            select(NotificationLedger).where(NotificationLedger.claimed_at > just_before)
        ).all()
        assert len(found) == 1


def test_a_naive_timestamp_is_refused(session: Session) -> None:
    orgs.upsert_workspace(session, slack_team_id="T1", name="Team", now=NOW)
    workspace = session.exec(select(Workspace)).one()
    workspace.created_at = datetime(2027, 3, 1, 9, 0)
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()


def test_enums_are_stored_as_short_strings_and_read_back_as_enums(session: Session) -> None:
    row = ledger.claim_notification(
        session, kind="digest", target="city:1", period_key="w1", now=NOW
    )
    assert row is not None
    session.commit()
    session.expire_all()
    again = session.get(NotificationLedger, row.id)
    assert again is not None
    assert again.status is NotificationStatus.CLAIMED
    raw = session.connection().exec_driver_sql("SELECT status FROM notification_ledger").scalar()
    assert raw == "claimed"


def test_an_unknown_enum_value_is_refused_with_the_allowed_ones(session: Session) -> None:
    row = ledger.claim_notification(
        session, kind="digest", target="city:1", period_key="w1", now=NOW
    )
    assert row is not None
    row.status = "delivered"  # type: ignore[assignment]
    with pytest.raises(Exception, match="claimed, sent, failed, permanent_error"):
        session.flush()


def test_utc_is_kept_whatever_the_database_session_timezone(
    engine: Engine, db_backend: str
) -> None:
    with Session(engine) as session:
        if db_backend == "postgresql":
            session.connection().exec_driver_sql("SET TIME ZONE 'Asia/Tokyo'")
        orgs.upsert_workspace(session, slack_team_id="T1", name="Team", now=NOW)
        session.flush()
        session.expire_all()
        stored = session.exec(select(Workspace)).one()
        assert stored.created_at == NOW
        assert stored.created_at.tzinfo == UTC
        session.rollback()
