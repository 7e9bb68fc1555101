"""Re-checks after a milestone is done, and the answers whose evidence has grown old.

A re-check is one row per done milestone (`UniqueConstraint("milestone_id")`): marking the
milestone done twice, or two people marking it at once, asks once. The scheduler reads the
pending ones with `pending_rechecks` (one statement: the row, its round, city, person, milestone
and current answer), leaving out those the ledger shows sent or given up; the answer to one is
written with `finish_recheck`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Text, and_, cast, exists, literal, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.enums import AssessmentStatus, NotificationStatus, RecheckStatus
from storage.models import (
    Answer,
    Assessment,
    City,
    Milestone,
    NotificationLedger,
    Person,
    Recheck,
    Workspace,
)
from storage.repo._sql import get_or_raise, insert_or_ignore
from storage.repo.bulk import as_json, in_values, raw_rows, utc
from storage.repo.ledger import MAX_ATTEMPTS


class PendingRecheck(NamedTuple):
    """A re-check to send: whom to ask (Slack id, language, timezone), about what, and the
    round's current answer to pre-fill (None when the round has none yet)."""

    id: int
    milestone_id: int
    milestone_title: str
    assessment_id: int
    criterion_id: str
    city_id: int
    city_name: str
    city_language: str
    city_timezone: str
    team_id: str
    person_id: int
    slack_user_id: str
    language: str | None
    timezone: str | None
    requested_at: datetime
    answer_status: str | None
    ticked: tuple[str, ...]
    evidence_count: int
    rubric_id: str
    rubric_version: str


class RecheckLine(NamedTuple):
    """A re-check of a round as the report lists it."""

    criterion_id: str
    milestone_title: str
    status: RecheckStatus
    requested_at: datetime
    answered_at: datetime | None
    answered_by: str | None
    result: dict[str, Any] | None


def request_recheck(
    session: Session,
    *,
    milestone_id: int,
    assessment_id: int,
    criterion_id: str,
    person_id: int | None,
    now: datetime,
) -> Recheck | None:
    """Ask a milestone's criterion again (pending until sent and answered); None when that
    milestone's re-check exists already."""
    return insert_or_ignore(
        session,
        Recheck,
        values={
            "milestone_id": milestone_id,
            "assessment_id": assessment_id,
            "criterion_id": criterion_id,
            "person_id": person_id,
            "status": RecheckStatus.PENDING,
            "requested_at": now,
        },
        conflict=["milestone_id"],
    )


def get_recheck(session: Session, *, recheck_id: int, for_update: bool = False) -> Recheck:
    """The re-check with this id (locked when asked), or RecordNotFoundError."""
    return get_or_raise(session, Recheck, recheck_id, for_update=for_update)


def finish_recheck(
    session: Session,
    *,
    recheck: Recheck,
    status: RecheckStatus | str,
    person_id: int | None,
    now: datetime,
    result: dict[str, Any] | None = None,
) -> Recheck:
    """Record how a re-check ended: confirmed, changed (with the score before and after), or
    cancelled."""
    recheck.status = RecheckStatus(status)
    recheck.answered_at = now
    recheck.answered_by_id = person_id
    recheck.result = result
    session.add(recheck)
    session.flush()
    return recheck


def ledger_target(city_id: int, milestone_id: int) -> str:
    """The ledger target of a milestone's re-check: `city:C/milestone:M`."""
    return f"city:{city_id}/milestone:{milestone_id}"


def ledger_target_column() -> ColumnElement[str]:
    """`ledger_target` as SQL over a re-check joined with its round."""
    return (
        literal("city:", Text)
        + cast(col(Assessment.city_id), Text)
        + literal("/milestone:", Text)
        + cast(col(Recheck.milestone_id), Text)
    )


def pending_rechecks(
    session: Session, *, kind: str, period_key: str, limit: int = 1000
) -> list[PendingRecheck]:
    """Unanswered re-checks of rounds not archived whose ledger row (kind, target, period key)
    is not sent nor given up, oldest first, with a person to ask (one statement)."""
    done = exists().where(
        col(NotificationLedger.kind) == kind,
        col(NotificationLedger.target) == ledger_target_column(),
        col(NotificationLedger.period_key) == period_key,
        or_(
            col(NotificationLedger.status).in_(
                [NotificationStatus.SENT, NotificationStatus.PERMANENT_ERROR]
            ),
            col(NotificationLedger.attempts) >= MAX_ATTEMPTS,
        ),
    )
    query = (
        sa_select(
            col(Recheck.id),
            col(Recheck.milestone_id),
            col(Milestone.title),
            col(Recheck.assessment_id),
            col(Recheck.criterion_id),
            col(City.id),
            col(City.name),
            col(City.language),
            col(City.timezone),
            col(Workspace.slack_team_id),
            col(Person.id),
            col(Person.slack_user_id),
            col(Person.language),
            col(Person.locale),
            col(Person.timezone),
            col(Recheck.requested_at),
            col(Answer.status),
            col(Answer.ticked),
            col(Answer.evidence),
            col(Assessment.rubric_id),
            col(Assessment.rubric_version),
        )
        .join(Milestone, col(Milestone.id) == col(Recheck.milestone_id))
        .join(Assessment, col(Assessment.id) == col(Recheck.assessment_id))
        .join(City, col(City.id) == col(Assessment.city_id))
        .join(Workspace, col(Workspace.id) == col(City.workspace_id))
        .join(Person, col(Person.id) == col(Recheck.person_id))
        .outerjoin(
            Answer,
            and_(
                col(Answer.assessment_id) == col(Recheck.assessment_id),
                col(Answer.criterion_id) == col(Recheck.criterion_id),
            ),
        )
        .where(
            col(Recheck.status) == RecheckStatus.PENDING,
            col(Assessment.status) != AssessmentStatus.ARCHIVED,
            ~done,
        )
        .order_by(col(Recheck.requested_at), col(Recheck.id))
        .limit(limit)
    )
    found = []
    for row in raw_rows(session, query):
        *head, lang, locale, tz, requested, status, ticked, evidence, rubric_id, version = row
        answer = (status, tuple(as_json(ticked) or ()), len(as_json(evidence) or ()))
        found.append(
            PendingRecheck._make(
                (*head, lang or locale, tz, utc(requested), *answer, rubric_id, version)
            )
        )
    return found


def rechecks_of_round(session: Session, *, assessment_id: int) -> list[RecheckLine]:
    """A round's re-checks with their milestones and who answered, oldest first."""
    query = (
        select(Recheck, Milestone.title, Person.display_name)
        .join(Milestone, col(Milestone.id) == col(Recheck.milestone_id))
        .outerjoin(Person, col(Person.id) == col(Recheck.answered_by_id))
        .where(Recheck.assessment_id == assessment_id)
        .order_by(col(Recheck.requested_at), col(Recheck.id))
    )
    return [
        RecheckLine(
            row.criterion_id,
            title,
            RecheckStatus(row.status),
            row.requested_at,
            row.answered_at,
            name,
            row.result,
        )
        for row, title, name in session.exec(query)
    ]


def stale_evidence(
    session: Session, *, assessment_ids: Iterable[int], before: datetime
) -> dict[int, list[str]]:
    """For each round, the criteria whose newest evidence link was given before `before`
    (criterion ids in id order; rounds without any are left out). One statement."""
    query = (
        sa_select(col(Answer.assessment_id), col(Answer.criterion_id))
        .where(
            in_values(session, col(Answer.assessment_id), list(assessment_ids)),
            col(Answer.evidence_at) < before,
        )
        .order_by(col(Answer.assessment_id), col(Answer.criterion_id))
    )
    found: dict[int, list[str]] = {}
    for assessment_id, criterion_id in raw_rows(session, query):
        found.setdefault(int(assessment_id), []).append(str(criterion_id))
    return found
