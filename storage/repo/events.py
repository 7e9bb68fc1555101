"""Slack event ids already handled: Slack retries an event it thinks failed, with the same id."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.models import ProcessedEvent
from storage.repo._sql import insert_or_ignore

EVENT_RETENTION = timedelta(days=2)
"""Slack gives up retrying within hours; ids older than this can be forgotten."""


def remember_event(session: Session, *, event_id: str, now: datetime) -> bool:
    """True the first time an event id is seen, False for a retry of a handled event.

    The id is stored in the caller's unit of work: if handling the event fails and rolls back,
    the id is forgotten too and Slack's retry is handled afresh.
    """
    values = {"event_id": event_id, "received_at": now}
    created = insert_or_ignore(session, ProcessedEvent, values=values, conflict=["event_id"])
    return created is not None


def event_seen(session: Session, *, event_id: str) -> bool:
    """True when this event id was handled already (and not yet forgotten)."""
    found = session.exec(select(ProcessedEvent.id).where(ProcessedEvent.event_id == event_id))
    return found.first() is not None


def prune_events(session: Session, *, before: datetime) -> int:
    """Forget event ids received before `before`; returns how many were removed."""
    result = session.execute(
        delete(ProcessedEvent)
        .where(col(ProcessedEvent.received_at) < before)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
