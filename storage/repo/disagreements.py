"""Disagreements between a criterion's respondents: opened, talked over, settled.

At most one disagreement of a criterion is open at a time (a partial unique index); a settled
one stays, with who settled it, how, and which respondent's answer was accepted. The readers
take any number of rounds in one statement each, for the coordinators' Home and digests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.enums import Resolution
from storage.models import Disagreement, Person, RespondentAnswer
from storage.repo._sql import insert_or_ignore
from storage.repo.bulk import in_values


def open_disagreement(
    session: Session, *, assessment_id: int, criterion_id: str, now: datetime
) -> tuple[Disagreement, bool]:
    """The criterion's open disagreement, opened now if there is none; (it, whether new)."""
    created = insert_or_ignore(
        session,
        Disagreement,
        values={"assessment_id": assessment_id, "criterion_id": criterion_id, "opened_at": now},
        conflict=["assessment_id", "criterion_id"],
        where=col(Disagreement.settled_at).is_(None),
    )
    if created is not None:
        return created, True
    found = open_of(session, assessment_id=assessment_id, criterion_id=criterion_id)
    assert found is not None
    return found, False


def open_of(
    session: Session, *, assessment_id: int, criterion_id: str, for_update: bool = False
) -> Disagreement | None:
    """The criterion's open disagreement, if any (`for_update` locks it)."""
    query = select(Disagreement).where(
        Disagreement.assessment_id == assessment_id,
        Disagreement.criterion_id == criterion_id,
        col(Disagreement.settled_at).is_(None),
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def get_disagreement(
    session: Session, *, disagreement_id: int, for_update: bool = False
) -> Disagreement | None:
    """A disagreement by id (`for_update` locks it until the unit of work ends)."""
    return session.get(
        Disagreement, disagreement_id, with_for_update=for_update, populate_existing=for_update
    )


def settle(
    session: Session,
    *,
    disagreement: Disagreement,
    resolution: Resolution,
    now: datetime,
    settled_by_id: int | None = None,
    accepted_id: int | None = None,
) -> None:
    """Close an open disagreement: how, by whom, and the answer accepted (if one was)."""
    disagreement.settled_at = now
    disagreement.resolution = resolution
    disagreement.settled_by_id = settled_by_id
    disagreement.accepted_id = accepted_id
    session.add(disagreement)
    session.flush()


def last_settled(session: Session, *, assessment_id: int, criterion_id: str) -> Disagreement | None:
    """The criterion's most recently settled disagreement, if any."""
    query = (
        select(Disagreement)
        .where(
            Disagreement.assessment_id == assessment_id,
            Disagreement.criterion_id == criterion_id,
            col(Disagreement.settled_at).is_not(None),
        )
        .order_by(col(Disagreement.id).desc())
    )
    return session.exec(query).first()


def open_disagreements(session: Session, *, assessment_ids: Sequence[int]) -> list[Disagreement]:
    """The open disagreements of these rounds, oldest first (one statement)."""
    if not assessment_ids:
        return []
    query = (
        select(Disagreement)
        .where(in_values(session, col(Disagreement.assessment_id), list(assessment_ids)))
        .where(col(Disagreement.settled_at).is_(None))
        .order_by(col(Disagreement.opened_at), col(Disagreement.id))
    )
    return list(session.exec(query))


def open_answers(
    session: Session, *, assessment_ids: Sequence[int]
) -> list[tuple[Disagreement, RespondentAnswer, str | None, str | None]]:
    """The open disagreements of these rounds, each with every respondent answer to its
    criterion and the respondent's display name and Slack id, oldest first (one statement)."""
    if not assessment_ids:
        return []
    query = (
        select(Disagreement, RespondentAnswer, Person.display_name, Person.slack_user_id)
        .join(
            Disagreement,
            (col(Disagreement.assessment_id) == col(RespondentAnswer.assessment_id))
            & (col(Disagreement.criterion_id) == col(RespondentAnswer.criterion_id)),
        )
        .outerjoin(Person, col(Person.id) == col(RespondentAnswer.person_id))
        .where(in_values(session, col(Disagreement.assessment_id), list(assessment_ids)))
        .where(col(Disagreement.settled_at).is_(None))
        .order_by(col(RespondentAnswer.id))
    )
    return [(found, row, name, slack_id) for found, row, name, slack_id in session.exec(query)]


@dataclass(frozen=True)
class Tally:
    """A round's criteria settled from a disagreement, and those still in one."""

    settled: int
    unsettled: int
    unsettled_ids: tuple[str, ...] = ()


NO_DISAGREEMENTS = Tally(0, 0)


def tally(session: Session, *, assessment_id: int) -> Tally:
    """How many criteria of a round were settled from a disagreement, and how many are not."""
    query = (
        select(
            Disagreement.criterion_id,
            func.count(),
            func.count(col(Disagreement.settled_at)),
        )
        .where(Disagreement.assessment_id == assessment_id)
        .group_by(col(Disagreement.criterion_id))
        .order_by(col(Disagreement.criterion_id))
    )
    settled: list[str] = []
    unsettled: list[str] = []
    for criterion_id, total, closed in session.exec(query):
        (settled if closed == total else unsettled).append(criterion_id)
    return Tally(len(settled), len(unsettled), tuple(unsettled))
