"""Digest snapshots, and the bulk reads a batch of weekly digests is built from.

A snapshot keeps what a digest said (levels, milestones done), so that the next one compares
itself with it ("Silver, up from no level") and lists the permanent send errors recorded since.
The readers take many cities or rounds at once: one statement per `IN (...)` chunk.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.enums import AnswerStatus, AssessmentStatus
from storage.models import Answer, Assessment, DigestSnapshot, Milestone, Plan
from storage.repo._sql import insert_or_ignore
from storage.repo.chunks import chunked


def record_snapshot(
    session: Session,
    *,
    city_id: int,
    period_key: str,
    sent_at: datetime,
    level_now: str | None,
    level_all_done: str | None,
    milestones_done: int,
    milestones_total: int,
) -> DigestSnapshot | None:
    """Store what a digest said; None when this week's snapshot already exists."""
    values = {
        "city_id": city_id,
        "period_key": period_key,
        "sent_at": sent_at,
        "level_now": level_now,
        "level_all_done": level_all_done,
        "milestones_done": milestones_done,
        "milestones_total": milestones_total,
    }
    return insert_or_ignore(
        session, DigestSnapshot, values=values, conflict=["city_id", "period_key"]
    )


def latest_snapshots(session: Session, *, city_ids: Iterable[int]) -> dict[int, DigestSnapshot]:
    """Each city's most recent digest snapshot, by city id (cities without one are left out)."""
    found: dict[int, DigestSnapshot] = {}
    for chunk in chunked(city_ids):
        newest = (
            select(func.max(DigestSnapshot.id))
            .where(col(DigestSnapshot.city_id).in_(chunk))
            .group_by(col(DigestSnapshot.city_id))
        )
        query = select(DigestSnapshot).where(col(DigestSnapshot.id).in_(newest))
        for row in session.exec(query):
            found[row.city_id] = row
    return found


def current_rounds(session: Session, *, city_ids: Iterable[int]) -> list[Assessment]:
    """The rounds of these cities that are not archived, oldest first."""
    rounds: list[Assessment] = []
    for chunk in chunked(city_ids):
        query = select(Assessment).where(
            col(Assessment.city_id).in_(chunk), Assessment.status != AssessmentStatus.ARCHIVED
        )
        rounds += session.exec(query.order_by(col(Assessment.round_number)))
    return rounds


def plans_of(session: Session, *, assessment_ids: Iterable[int]) -> list[Plan]:
    """The plans of these rounds, oldest first."""
    plans: list[Plan] = []
    for chunk in chunked(assessment_ids):
        query = select(Plan).where(col(Plan.assessment_id).in_(chunk))
        plans += session.exec(query.order_by(col(Plan.created_at), col(Plan.id)))
    return plans


def milestones_of(session: Session, *, plan_ids: Iterable[int]) -> list[Milestone]:
    """The milestones of these plans, by due date."""
    found: list[Milestone] = []
    for chunk in chunked(plan_ids):
        query = select(Milestone).where(col(Milestone.plan_id).in_(chunk))
        found += session.exec(query.order_by(col(Milestone.due_on), col(Milestone.id)))
    return found


def answers_of(session: Session, *, assessment_ids: Iterable[int]) -> dict[int, list[Answer]]:
    """The current answers of these rounds, by round id."""
    found: dict[int, list[Answer]] = {}
    for chunk in chunked(assessment_ids):
        query = select(Answer).where(col(Answer.assessment_id).in_(chunk))
        for answer in session.exec(query.order_by(col(Answer.criterion_id))):
            found.setdefault(answer.assessment_id, []).append(answer)
    return found


def answered_criteria(session: Session, *, assessment_ids: Iterable[int]) -> dict[int, set[str]]:
    """The criteria answered (not skipped) in each of these rounds, by round id."""
    found: dict[int, set[str]] = {}
    for chunk in chunked(assessment_ids):
        query = select(Answer.assessment_id, Answer.criterion_id).where(
            col(Answer.assessment_id).in_(chunk), Answer.status != AnswerStatus.SKIPPED
        )
        for assessment_id, criterion_id in session.exec(query):
            found.setdefault(assessment_id, set()).add(criterion_id)
    return found
