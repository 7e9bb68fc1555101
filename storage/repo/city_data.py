"""Everything stored about one city, read at once (for its export) or removed at once.

A city owns, through foreign keys that cascade: its roles, rounds (assessments), assignments,
answers and their history, respondents' own answers and their disagreements, interview
progress, plans and milestones, re-checks after milestones, report files and digest snapshots.
The notification ledger names what it sent by text: `city:<id>` and `city:<id>/...` targets,
and `assessment:<id>` for a round's result. Its people are everyone who holds a role in it or
appears in its data; a person is removed with the city only when nothing of another city refers
to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from storage.models import (
    Answer,
    AnswerHistory,
    Assessment,
    Assignment,
    City,
    CityRole,
    DigestSnapshot,
    Disagreement,
    InterviewProgress,
    Milestone,
    NotificationLedger,
    Person,
    Plan,
    Recheck,
    ReportFile,
    RespondentAnswer,
    Workspace,
)

PERSON_REFERENCES: tuple[tuple[Any, str], ...] = (
    (CityRole, "person_id"),
    (Assignment, "person_id"),
    (Assignment, "assigned_by_id"),
    (Answer, "answered_by_id"),
    (AnswerHistory, "changed_by_id"),
    (InterviewProgress, "person_id"),
    (Plan, "created_by_id"),
    (Milestone, "owner_id"),
    (RespondentAnswer, "person_id"),
    (Disagreement, "settled_by_id"),
    (Disagreement, "talk_started_by_id"),
    (Recheck, "person_id"),
    (Recheck, "answered_by_id"),
)
"""Every column that names a person."""

RESULT_KIND = "result"
"""The ledger kind of a round's announced result (target `assessment:<id>`)."""


@dataclass
class CityRows:
    """Every row of one city, by table."""

    city: City
    workspace: Workspace
    roles: list[CityRole] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    history: list[AnswerHistory] = field(default_factory=list)
    progress: list[InterviewProgress] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    report_files: list[ReportFile] = field(default_factory=list)
    digest_snapshots: list[DigestSnapshot] = field(default_factory=list)
    ledger: list[NotificationLedger] = field(default_factory=list)
    respondent_answers: list[RespondentAnswer] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    rechecks: list[Recheck] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many rows of each kind (people included)."""
        return {name: len(value) for name, value in vars(self).items() if isinstance(value, list)}


def city_rows(session: Session, *, city_id: int) -> CityRows | None:
    """Every row of the city (None when there is no such city), each list in id order."""
    city = session.get(City, city_id)
    if city is None:
        return None
    workspace = session.get(Workspace, city.workspace_id)
    assert workspace is not None
    rows = CityRows(city=city, workspace=workspace)
    rows.roles = _all(session, CityRole, col(CityRole.city_id) == city_id)
    rows.assessments = _all(session, Assessment, col(Assessment.city_id) == city_id)
    rounds = [a.id for a in rows.assessments]
    rows.assignments = _all(session, Assignment, col(Assignment.assessment_id).in_(rounds))
    rows.answers = _all(session, Answer, col(Answer.assessment_id).in_(rounds))
    answer_ids = [a.id for a in rows.answers]
    rows.history = _all(session, AnswerHistory, col(AnswerHistory.answer_id).in_(answer_ids))
    rows.progress = _all(
        session, InterviewProgress, col(InterviewProgress.assessment_id).in_(rounds)
    )
    rows.plans = _all(session, Plan, col(Plan.assessment_id).in_(rounds))
    rows.milestones = _all(
        session, Milestone, col(Milestone.plan_id).in_([p.id for p in rows.plans])
    )
    rows.report_files = _all(session, ReportFile, col(ReportFile.assessment_id).in_(rounds))
    rows.digest_snapshots = _all(session, DigestSnapshot, col(DigestSnapshot.city_id) == city_id)
    rows.ledger = _all(session, NotificationLedger, _ledger_of(city_id, rounds))
    rows.respondent_answers = _all(
        session, RespondentAnswer, col(RespondentAnswer.assessment_id).in_(rounds)
    )
    rows.disagreements = _all(session, Disagreement, col(Disagreement.assessment_id).in_(rounds))
    rows.rechecks = _all(session, Recheck, col(Recheck.assessment_id).in_(rounds))
    rows.people = _all(session, Person, col(Person.id).in_(_people_of(rows)))
    return rows


def delete_city_rows(session: Session, *, rows: CityRows) -> list[int]:
    """Remove the city and everything of it; the ids of the people removed with it."""
    city_id = rows.city.id
    rounds = [a.id for a in rows.assessments]
    session.execute(delete(NotificationLedger).where(_ledger_of(city_id, rounds)))
    session.execute(delete(City).where(col(City.id) == city_id))
    gone = [p.id for p in rows.people if p.id is not None and not _referenced(session, p.id)]
    if gone:
        session.execute(delete(Person).where(col(Person.id).in_(gone)))
    session.flush()
    session.expire_all()
    return gone


def rows_naming_city(session: Session, *, city_id: int, rounds: Iterable[int]) -> dict[str, int]:
    """How many rows anywhere still name the city or its rounds (all zero after deletion)."""
    rounds = list(rounds)
    checks: dict[str, Any] = {
        "city": (City, col(City.id) == city_id),
        "city_role": (CityRole, col(CityRole.city_id) == city_id),
        "assessment": (Assessment, col(Assessment.city_id) == city_id),
        "assignment": (Assignment, col(Assignment.assessment_id).in_(rounds)),
        "answer": (Answer, col(Answer.assessment_id).in_(rounds)),
        "interview_progress": (
            InterviewProgress,
            col(InterviewProgress.assessment_id).in_(rounds),
        ),
        "plan": (Plan, col(Plan.assessment_id).in_(rounds)),
        "report_file": (ReportFile, col(ReportFile.assessment_id).in_(rounds)),
        "digest_snapshot": (DigestSnapshot, col(DigestSnapshot.city_id) == city_id),
        "notification_ledger": (NotificationLedger, _ledger_of(city_id, rounds)),
        "respondent_answer": (RespondentAnswer, col(RespondentAnswer.assessment_id).in_(rounds)),
        "disagreement": (Disagreement, col(Disagreement.assessment_id).in_(rounds)),
        "recheck": (Recheck, col(Recheck.assessment_id).in_(rounds)),
    }
    return {name: len(_all(session, model, where)) for name, (model, where) in checks.items()}


def _all(session: Session, model: type[Any], where: Any) -> list[Any]:
    return list(session.exec(select(model).where(where).order_by(col(model.id))))


def _ledger_of(city_id: int | None, rounds: Sequence[int | None]) -> Any:
    prefix = f"city:{city_id}/"
    return or_(
        col(NotificationLedger.target) == f"city:{city_id}",
        col(NotificationLedger.target).startswith(prefix, autoescape=True),
        (col(NotificationLedger.kind) == RESULT_KIND)
        & col(NotificationLedger.target).in_([f"assessment:{r}" for r in rounds]),
    )


def _people_of(rows: CityRows) -> set[int]:
    found: set[int | None] = {r.person_id for r in rows.roles}
    found |= {a.person_id for a in rows.assignments} | {a.assigned_by_id for a in rows.assignments}
    found |= {a.answered_by_id for a in rows.answers}
    found |= {h.changed_by_id for h in rows.history}
    found |= {p.person_id for p in rows.progress}
    found |= {p.created_by_id for p in rows.plans}
    found |= {m.owner_id for m in rows.milestones}
    found |= {a.person_id for a in rows.respondent_answers}
    found |= {d.settled_by_id for d in rows.disagreements}
    found |= {d.talk_started_by_id for d in rows.disagreements}
    found |= {r.person_id for r in rows.rechecks} | {r.answered_by_id for r in rows.rechecks}
    return {pid for pid in found if pid is not None}


def _referenced(session: Session, person_id: int) -> bool:
    for model, column in PERSON_REFERENCES:
        where = getattr(model, column) == person_id
        if session.exec(select(model.id).where(where).limit(1)).first() is not None:
            return True
    return False
