"""Where each person is in an assessment's interview, so they can resume any day."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, or_, select

from storage.enums import AssessmentStatus
from storage.models import Assessment, InterviewProgress
from storage.repo._sql import insert_or_ignore


def get_progress(
    session: Session, *, person_id: int, assessment_id: int
) -> InterviewProgress | None:
    """A person's place in a round's interview, if they have started."""
    query = select(InterviewProgress).where(
        InterviewProgress.person_id == person_id,
        InterviewProgress.assessment_id == assessment_id,
    )
    return session.exec(query).first()


def save_progress(
    session: Session,
    *,
    person_id: int,
    assessment_id: int,
    current_criterion_id: str | None,
    now: datetime,
) -> InterviewProgress:
    """Record the criterion a person is on; any activity ends a pause."""
    progress = _ensure(session, person_id=person_id, assessment_id=assessment_id, now=now)
    progress.current_criterion_id = current_criterion_id
    progress.last_activity_at = now
    progress.paused_until = None
    session.flush()
    return progress


def pause_progress(
    session: Session, *, person_id: int, assessment_id: int, until: datetime, now: datetime
) -> InterviewProgress:
    """Stop nudging a person about this round until `until` ("remind me next week")."""
    progress = _ensure(session, person_id=person_id, assessment_id=assessment_id, now=now)
    progress.paused_until = until
    progress.last_activity_at = now
    session.flush()
    return progress


def complete_progress(
    session: Session, *, person_id: int, assessment_id: int, now: datetime
) -> InterviewProgress:
    """Mark a person's interview finished: every assigned criterion has an answer."""
    progress = _ensure(session, person_id=person_id, assessment_id=assessment_id, now=now)
    progress.current_criterion_id = None
    progress.completed_at = now
    progress.last_activity_at = now
    progress.paused_until = None
    session.flush()
    return progress


def reopen_progress(
    session: Session, *, person_id: int, assessment_id: int, now: datetime
) -> InterviewProgress:
    """Clear the finished mark, e.g. after a new area was assigned to the person."""
    progress = _ensure(session, person_id=person_id, assessment_id=assessment_id, now=now)
    progress.completed_at = None
    progress.last_activity_at = now
    session.flush()
    return progress


def idle_progress(
    session: Session, *, inactive_since: datetime, now: datetime, limit: int | None = None
) -> list[InterviewProgress]:
    """Unfinished, unpaused interviews of open rounds with no activity since `inactive_since`."""
    query = (
        select(InterviewProgress)
        .join(Assessment, col(Assessment.id) == col(InterviewProgress.assessment_id))
        .where(
            Assessment.status == AssessmentStatus.OPEN,
            col(InterviewProgress.completed_at).is_(None),
            col(InterviewProgress.last_activity_at) < inactive_since,
            or_(
                col(InterviewProgress.paused_until).is_(None),
                col(InterviewProgress.paused_until) <= now,
            ),
        )
        .order_by(col(InterviewProgress.last_activity_at), col(InterviewProgress.id))
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def _ensure(
    session: Session, *, person_id: int, assessment_id: int, now: datetime
) -> InterviewProgress:
    values = {
        "person_id": person_id,
        "assessment_id": assessment_id,
        "started_at": now,
        "last_activity_at": now,
    }
    created = insert_or_ignore(
        session, InterviewProgress, values=values, conflict=["person_id", "assessment_id"]
    )
    if created is not None:
        return created
    query = (
        select(InterviewProgress)
        .where(
            InterviewProgress.person_id == person_id,
            InterviewProgress.assessment_id == assessment_id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(query).one()
