"""Criteria several people answer: who answers each, and each respondent's own answers.

A criterion's respondents are the people assigned its whole area plus those assigned the
criterion alone. When there are two or more, each answers on their own: a save is a new row of
`respondent_answer` (a save that changes nothing writes none), and a person's newest row is
their answer; the older rows stay as the record. The city's scored answer (`answer`) is written
only when the answers are settled (`bot.services.respondents`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, delete, func, or_, type_coerce
from sqlmodel import Session, col, select

from storage.enums import AnswerSource, AnswerStatus
from storage.models import Assignment, Person, RespondentAnswer
from storage.repo import assessments
from storage.repo.answers import _same, _value
from storage.repo.bulk import in_values


@dataclass(frozen=True)
class Saved:
    """A respondent's save: their answer before (None for their first) and now."""

    before: RespondentAnswer | None
    after: RespondentAnswer
    changed: bool
    """False when the save repeated their answer (nothing was written)."""


def record_respondent_answer(
    session: Session,
    *,
    assessment_id: int,
    criterion_id: str,
    person_id: int,
    ticked: Sequence[str],
    status: AnswerStatus | str,
    note: str | None,
    evidence: Sequence[str],
    now: datetime,
    source: AnswerSource | str,
    evidence_dates: Mapping[str, Any] | None = None,
    regiven: Collection[str] = (),
    known: Mapping[str, RespondentAnswer] | None = None,
) -> Saved:
    """Save one respondent's own answer (links keep their dates as in `record_answer`).

    `known`: the person's answers in the round as just read (`own_answers`), saving a query."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime, e.g. datetime.now(UTC)")
    status = AnswerStatus(status)
    if known is None:
        known = own_answers(
            session, assessment_id=assessment_id, person_id=person_id, criterion_id=criterion_id
        )
    before = known.get(criterion_id)
    value = _value(
        ticked, status, note, evidence, previous=before.evidence if before else None, now=now,
        given=evidence_dates, by=person_id, regiven=regiven,
    )  # fmt: skip
    if before is not None and _same(value_of(before), value):
        return Saved(before, before, changed=False)
    row = RespondentAnswer(
        assessment_id=assessment_id,
        criterion_id=criterion_id,
        person_id=person_id,
        ticked=value["ticked"],
        status=status,
        note=value["note"],
        evidence=value["evidence"],
        answered_at=now,
        source=AnswerSource(source),
    )
    session.add(row)
    session.flush()
    return Saved(before, row, changed=True)


def value_of(row: RespondentAnswer) -> dict[str, Any]:
    """A respondent's answer as the answer history stores a value."""
    return {
        "ticked": list(row.ticked),
        "status": AnswerStatus(row.status).value,
        "note": row.note,
        "evidence": [dict(link) for link in row.evidence],
    }


def own_answers(
    session: Session, *, assessment_id: int, person_id: int, criterion_id: str | None = None
) -> dict[str, RespondentAnswer]:
    """A respondent's answers in a round (or to one criterion), by criterion id."""
    query = select(RespondentAnswer).where(
        RespondentAnswer.assessment_id == assessment_id, RespondentAnswer.person_id == person_id
    )
    if criterion_id is not None:
        query = query.where(RespondentAnswer.criterion_id == criterion_id)
    return {row.criterion_id: row for row in session.exec(query.order_by(col(RespondentAnswer.id)))}


def criterion_answers(
    session: Session, *, assessment_id: int, criterion_id: str
) -> list[RespondentAnswer]:
    """Every respondent answer ever given to a criterion in a round, oldest first."""
    query = (
        select(RespondentAnswer)
        .where(
            RespondentAnswer.assessment_id == assessment_id,
            RespondentAnswer.criterion_id == criterion_id,
        )
        .order_by(col(RespondentAnswer.id))
    )
    return list(session.exec(query))


def latest_by_person(rows: Iterable[RespondentAnswer]) -> dict[int, RespondentAnswer]:
    """Each person's newest answer among rows given oldest first."""
    return {row.person_id: row for row in rows if row.person_id is not None}


def respondents_of(
    session: Session, *, assessment_id: int, area_id: str, criterion_id: str
) -> list[Person]:
    """Who answers a criterion: the people assigned its area or the criterion, by name."""
    query = (
        select(Person)
        .join(Assignment, col(Assignment.person_id) == col(Person.id))
        .where(Assignment.assessment_id == assessment_id, Assignment.area_id == area_id)
        .where(
            or_(
                col(Assignment.criterion_id).is_(None),
                col(Assignment.criterion_id) == criterion_id,
            )
        )
        .distinct()
        .order_by(col(Person.display_name), col(Person.id))
    )
    return list(session.exec(query))


def assignment_list() -> ColumnElement[str]:
    """An aggregate of the grouped assignments as "area:criterion,..." (criterion empty for a
    whole area), read back by `split_assignments`."""
    one = col(Assignment.area_id) + ":" + func.coalesce(col(Assignment.criterion_id), "")
    return type_coerce(func.aggregate_strings(one, ","), Text)


def split_assignments(text: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`assignment_list` as (whole areas, criteria assigned alone), each sorted and distinct."""
    areas: set[str] = set()
    single: set[str] = set()
    for item in (text or "").split(","):
        area, _, criterion = item.partition(":")
        if criterion:
            single.add(criterion)
        elif area:
            areas.add(area)
    return tuple(sorted(areas)), tuple(sorted(single))


def assignments_of(session: Session, *, assessment_ids: Sequence[int]) -> list[Assignment]:
    """Every assignment of these rounds (one statement, whatever their number)."""
    if not assessment_ids:
        return []
    query = select(Assignment).where(
        in_values(session, col(Assignment.assessment_id), list(assessment_ids))
    )
    return list(session.exec(query.order_by(col(Assignment.id))))


def assign_criterion(
    session: Session,
    *,
    assessment_id: int,
    area_id: str,
    criterion_id: str,
    person_id: int,
    now: datetime,
    assigned_by_id: int | None = None,
) -> Assignment:
    """Ask a person to answer one criterion (of `area_id`); again for the same person is a no-op."""
    return assessments.assign(
        session,
        assessment_id=assessment_id,
        area_id=area_id,
        criterion_id=criterion_id,
        person_id=person_id,
        now=now,
        assigned_by_id=assigned_by_id,
    )


def unassign_criterion(
    session: Session, *, assessment_id: int, criterion_id: str, person_id: int
) -> bool:
    """Take a single criterion away from a person; False when it was not theirs."""
    result = session.execute(
        delete(Assignment).where(
            col(Assignment.assessment_id) == assessment_id,
            col(Assignment.criterion_id) == criterion_id,
            col(Assignment.person_id) == person_id,
        )
    )
    return bool(getattr(result, "rowcount", 0))


def criterion_assignees(session: Session, *, assessment_id: int, criterion_id: str) -> list[Person]:
    """The people assigned one criterion alone (not through its area), by name."""
    query = (
        select(Person)
        .join(Assignment, col(Assignment.person_id) == col(Person.id))
        .where(Assignment.assessment_id == assessment_id, Assignment.criterion_id == criterion_id)
        .order_by(col(Person.display_name), col(Person.id))
    )
    return list(session.exec(query))
