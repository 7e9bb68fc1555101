"""Assessment rounds of a city and who answers which practice area."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from storage.enums import AssessmentStatus
from storage.models import Assessment, Assignment, City, Person
from storage.repo._sql import get_or_raise, insert_or_ignore


class AssessmentAlreadyOpenError(RuntimeError):
    """A city may run one assessment round at a time; carries the open one's id."""

    def __init__(self, city_id: int, assessment_id: int) -> None:
        super().__init__(
            f"city {city_id} already has an open assessment ({assessment_id}): "
            "complete or archive it before starting a new round"
        )
        self.city_id = city_id
        self.assessment_id = assessment_id


def start_assessment(
    session: Session, *, city_id: int, rubric_id: str, rubric_version: str, now: datetime
) -> Assessment:
    """Open the city's next round; AssessmentAlreadyOpenError while another is open."""
    get_or_raise(session, City, city_id, for_update=True)  # one starter at a time per city
    already = open_assessment(session, city_id=city_id)
    if already is not None:
        assert already.id is not None
        raise AssessmentAlreadyOpenError(city_id, already.id)
    last = session.exec(
        select(func.max(Assessment.round_number)).where(Assessment.city_id == city_id)
    ).one()
    assessment = Assessment(
        city_id=city_id,
        rubric_id=rubric_id,
        rubric_version=rubric_version,
        round_number=(last or 0) + 1,
        status=AssessmentStatus.OPEN,
        started_at=now,
    )
    session.add(assessment)
    session.flush()
    return assessment


def get_assessment(session: Session, *, assessment_id: int) -> Assessment:
    """The assessment with this id, or RecordNotFoundError."""
    return get_or_raise(session, Assessment, assessment_id)


def open_assessment(session: Session, *, city_id: int) -> Assessment | None:
    """The city's open round, if any."""
    query = select(Assessment).where(
        Assessment.city_id == city_id, Assessment.status == AssessmentStatus.OPEN
    )
    return session.exec(query).first()


def latest_assessment(session: Session, *, city_id: int) -> Assessment | None:
    """The city's most recent round, whatever its status."""
    query = (
        select(Assessment)
        .where(Assessment.city_id == city_id)
        .order_by(col(Assessment.round_number).desc())
    )
    return session.exec(query).first()


def open_assessments(session: Session) -> list[Assessment]:
    """Every open round, for the scheduler's sweeps."""
    query = (
        select(Assessment)
        .where(Assessment.status == AssessmentStatus.OPEN)
        .order_by(col(Assessment.id))
    )
    return list(session.exec(query))


def complete_assessment(session: Session, *, assessment_id: int, now: datetime) -> Assessment:
    """Close an open round as completed (its answers stay, a new round may start)."""
    assessment = get_or_raise(session, Assessment, assessment_id, for_update=True)
    if assessment.status == AssessmentStatus.OPEN:
        assessment.status = AssessmentStatus.COMPLETED
        assessment.completed_at = now
        session.flush()
    return assessment


def archive_assessment(session: Session, *, assessment_id: int, now: datetime) -> Assessment:
    """Put a round away: no more reminders about it or its plan."""
    assessment = get_or_raise(session, Assessment, assessment_id, for_update=True)
    if assessment.status != AssessmentStatus.ARCHIVED:
        assessment.status = AssessmentStatus.ARCHIVED
        assessment.archived_at = now
        session.flush()
    return assessment


def assign_area(
    session: Session,
    *,
    assessment_id: int,
    area_id: str,
    person_id: int,
    now: datetime,
    assigned_by_id: int | None = None,
) -> Assignment:
    """Ask a person to answer a whole area; assigning the same person again changes nothing."""
    return assign(
        session,
        assessment_id=assessment_id,
        area_id=area_id,
        criterion_id=None,
        person_id=person_id,
        now=now,
        assigned_by_id=assigned_by_id,
    )


def assign(
    session: Session,
    *,
    assessment_id: int,
    area_id: str,
    criterion_id: str | None,
    person_id: int,
    now: datetime,
    assigned_by_id: int | None = None,
) -> Assignment:
    """Ask a person to answer a whole area (`criterion_id` None) or one criterion of it; the
    same assignment again changes nothing and returns the one stored."""
    whole = criterion_id is None
    values = {
        "assessment_id": assessment_id,
        "area_id": area_id,
        "criterion_id": criterion_id,
        "person_id": person_id,
        "assigned_by_id": assigned_by_id,
        "assigned_at": now,
    }
    created = insert_or_ignore(
        session,
        Assignment,
        values=values,
        conflict=["assessment_id", "area_id" if whole else "criterion_id", "person_id"],
        where=col(Assignment.criterion_id).is_(None)
        if whole
        else (col(Assignment.criterion_id).is_not(None)),
    )
    if created is not None:
        return created
    query = select(Assignment).where(
        Assignment.assessment_id == assessment_id,
        Assignment.person_id == person_id,
        col(Assignment.criterion_id).is_(None)
        if whole
        else (Assignment.criterion_id == criterion_id),
    )
    if whole:
        query = query.where(Assignment.area_id == area_id)
    return session.exec(query).one()


def unassign_area(session: Session, *, assessment_id: int, area_id: str, person_id: int) -> bool:
    """Take a whole area away from a person; False when it was not theirs."""
    result = session.execute(
        delete(Assignment).where(
            col(Assignment.assessment_id) == assessment_id,
            col(Assignment.area_id) == area_id,
            col(Assignment.person_id) == person_id,
            col(Assignment.criterion_id).is_(None),
        )
    )
    return bool(getattr(result, "rowcount", 0))


def assignments_for_person(
    session: Session, *, person_id: int, open_only: bool = True
) -> list[Assignment]:
    """A person's assignments (by default only in open rounds), oldest first."""
    query = select(Assignment).where(Assignment.person_id == person_id)
    if open_only:
        query = query.join(Assessment, col(Assessment.id) == col(Assignment.assessment_id)).where(
            Assessment.status == AssessmentStatus.OPEN
        )
    return list(session.exec(query.order_by(col(Assignment.id))))


def assignments_for_assessment(session: Session, *, assessment_id: int) -> list[Assignment]:
    """Every assignment of a round, by area then person."""
    query = (
        select(Assignment)
        .where(Assignment.assessment_id == assessment_id)
        .order_by(col(Assignment.area_id), col(Assignment.person_id))
    )
    return list(session.exec(query))


def assignees(session: Session, *, assessment_id: int, area_id: str) -> list[Person]:
    """The people assigned to one whole area of a round, by display name."""
    query = (
        select(Person)
        .join(Assignment, col(Assignment.person_id) == col(Person.id))
        .where(Assignment.assessment_id == assessment_id, Assignment.area_id == area_id)
        .where(col(Assignment.criterion_id).is_(None))
        .order_by(col(Person.display_name), col(Person.id))
    )
    return list(session.exec(query))
