"""Improvement plans and their milestones: owners, due dates, done, snoozed or dropped."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, or_, select

from storage.enums import AssessmentStatus, MilestoneStatus
from storage.models import Assessment, Milestone, Plan
from storage.repo._sql import get_or_raise
from storage.validation import InvalidValueError


def create_plan(
    session: Session, *, assessment_id: int, created_by_id: int | None, now: datetime
) -> Plan:
    """A new, empty plan for a round."""
    plan = Plan(assessment_id=assessment_id, created_by_id=created_by_id, created_at=now)
    session.add(plan)
    session.flush()
    return plan


def latest_plan(session: Session, *, assessment_id: int) -> Plan | None:
    """The round's most recent plan, if one was made."""
    query = (
        select(Plan)
        .where(Plan.assessment_id == assessment_id)
        .order_by(col(Plan.created_at).desc(), col(Plan.id).desc())
    )
    return session.exec(query).first()


def add_milestone(
    session: Session,
    *,
    plan_id: int,
    criterion_id: str,
    title: str,
    due_on: date,
    now: datetime,
    owner_id: int | None = None,
) -> Milestone:
    """A new open milestone of a plan."""
    cleaned = title.strip()
    if not cleaned:
        raise InvalidValueError("title", title, "describe the milestone in a few words")
    milestone = Milestone(
        plan_id=plan_id,
        criterion_id=criterion_id,
        title=cleaned,
        owner_id=owner_id,
        due_on=due_on,
        status=MilestoneStatus.OPEN,
        created_at=now,
    )
    session.add(milestone)
    session.flush()
    return milestone


def get_milestone(session: Session, *, milestone_id: int) -> Milestone:
    """The milestone with this id, or RecordNotFoundError."""
    return get_or_raise(session, Milestone, milestone_id)


def milestones_of_plan(session: Session, *, plan_id: int) -> list[Milestone]:
    """A plan's milestones by due date."""
    query = (
        select(Milestone)
        .where(Milestone.plan_id == plan_id)
        .order_by(col(Milestone.due_on), col(Milestone.id))
    )
    return list(session.exec(query))


def milestones_for_owner(
    session: Session, *, owner_id: int, status: MilestoneStatus | str | None = MilestoneStatus.OPEN
) -> list[Milestone]:
    """A person's milestones (open ones by default; None for all), by due date."""
    query = select(Milestone).where(Milestone.owner_id == owner_id)
    if status is not None:
        query = query.where(Milestone.status == MilestoneStatus(status))
    return list(session.exec(query.order_by(col(Milestone.due_on), col(Milestone.id))))


def due_milestones(
    session: Session, *, due_by: date, now: datetime, city_id: int | None = None
) -> list[Milestone]:
    """Open milestones due on or before `due_by`, not snoozed at `now`, of rounds not archived."""
    query = (
        select(Milestone)
        .join(Plan, col(Plan.id) == col(Milestone.plan_id))
        .join(Assessment, col(Assessment.id) == col(Plan.assessment_id))
        .where(
            Milestone.status == MilestoneStatus.OPEN,
            col(Milestone.due_on) <= due_by,
            or_(col(Milestone.snoozed_until).is_(None), col(Milestone.snoozed_until) <= now),
            Assessment.status != AssessmentStatus.ARCHIVED,
        )
        .order_by(col(Milestone.due_on), col(Milestone.id))
    )
    if city_id is not None:
        query = query.where(Assessment.city_id == city_id)
    return list(session.exec(query))


def complete_milestone(
    session: Session, *, milestone_id: int, now: datetime, evidence_url: str | None = None
) -> Milestone:
    """Mark a milestone done (again: keeps the first time, adds a link if given)."""
    milestone = get_or_raise(session, Milestone, milestone_id, for_update=True)
    if milestone.status != MilestoneStatus.DONE:
        milestone.status = MilestoneStatus.DONE
        milestone.done_at = now
    if evidence_url:
        milestone.evidence_url = evidence_url.strip()
    milestone.snoozed_until = None
    session.flush()
    return milestone


def snooze_milestone(
    session: Session, *, milestone_id: int, until: datetime, now: datetime
) -> Milestone:
    """No reminders about an open milestone until `until`."""
    if until <= now:
        raise InvalidValueError("snoozed_until", until.isoformat(), "choose a time in the future")
    milestone = get_or_raise(session, Milestone, milestone_id, for_update=True)
    milestone.snoozed_until = until
    session.flush()
    return milestone


def drop_milestone(session: Session, *, milestone_id: int) -> Milestone:
    """Take a milestone out of the plan; it stays visible as dropped."""
    milestone = get_or_raise(session, Milestone, milestone_id, for_update=True)
    milestone.status = MilestoneStatus.DROPPED
    milestone.snoozed_until = None
    session.flush()
    return milestone


def reopen_milestone(session: Session, *, milestone_id: int) -> Milestone:
    """Put a done or dropped milestone back to open."""
    milestone = get_or_raise(session, Milestone, milestone_id, for_update=True)
    milestone.status = MilestoneStatus.OPEN
    milestone.done_at = None
    session.flush()
    return milestone


def set_milestone_owner(session: Session, *, milestone_id: int, owner_id: int | None) -> Milestone:
    """Give a milestone to someone else (None: nobody yet)."""
    milestone = get_or_raise(session, Milestone, milestone_id, for_update=True)
    milestone.owner_id = owner_id
    session.flush()
    return milestone
