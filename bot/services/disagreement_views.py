"""The open disagreements coordinators see: on their App Home and in the weekly digest.

Each shows the criterion and every current respondent's answer (status, items ticked, note,
evidence links), newest answers only. `disagreement_views` reads the disagreements of any
number of rounds in two statements, so a digest of many cities costs the same as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlmodel import Session

from rubric.registry import RubricRegistry
from rubric.schema import Rubric, Text
from storage.enums import AnswerStatus, AssessmentStatus, Role
from storage.models import Assignment, Disagreement, RespondentAnswer
from storage.repo import assessments, orgs
from storage.repo import disagreements as disagreement_repo
from storage.repo import respondents as respondent_repo

HOME_LIMIT = 5
"""Disagreements shown per city on the App Home (the rest are counted)."""


class RoundRef(NamedTuple):
    """An open round whose disagreements are wanted, with its city and rubric version."""

    assessment_id: int
    city_id: int
    city_name: str
    rubric_id: str
    rubric_version: str


@dataclass(frozen=True)
class RespondentView:
    """One respondent's current answer to a disputed criterion."""

    answer_id: int
    """The `respondent_answer` row: what "Accept" adopts (refused if it has changed since)."""
    name: str
    slack_user_id: str | None
    status: AnswerStatus
    ticked: tuple[Text, ...]
    """The labels of the items ticked, in the rubric's order."""
    note: str | None
    evidence: tuple[str, ...]
    answered_at: datetime


@dataclass(frozen=True)
class DisagreementView:
    """A criterion the respondents answered differently, with each one's answer."""

    disagreement_id: int
    assessment_id: int
    city_id: int
    city_name: str
    criterion_id: str
    statement: Text
    items: int
    """How many checklist items the criterion has."""
    answers: tuple[RespondentView, ...]
    opened_at: datetime
    talk_started_at: datetime | None = None


@dataclass(frozen=True)
class CityDisagreements:
    """A city's open disagreements as its coordinators' Home shows them."""

    city_id: int
    city_name: str
    shown: tuple[DisagreementView, ...]
    total: int


def disagreement_views(
    session: Session,
    *,
    rubric: Rubric,
    rounds: Sequence[RoundRef],
    rubrics: RubricRegistry | None = None,
) -> dict[int, tuple[DisagreementView, ...]]:
    """The open disagreements of each round, oldest first, by round id (two statements)."""
    by_round = {r.assessment_id: r for r in rounds}
    if not by_round:
        return {}
    rows = disagreement_repo.open_answers(session, assessment_ids=list(by_round))
    if not rows:
        return {}
    assigned = respondent_repo.assignments_of(session, assessment_ids=list(by_round))
    found: dict[int, list[DisagreementView]] = {}
    grouped: dict[int, tuple[Disagreement, dict[int, tuple[RespondentAnswer, str, str]]]] = {}
    for disagreement, answer, name, slack_id in rows:
        assert disagreement.id is not None
        entry = grouped.setdefault(disagreement.id, (disagreement, {}))
        if answer.person_id is not None:
            entry[1][answer.person_id] = (answer, name or "?", slack_id or "")
    for disagreement, latest in sorted(grouped.values(), key=lambda g: g[0].opened_at):
        where = by_round[disagreement.assessment_id]
        taken_on = _rubric_of(where, rubric, rubrics)
        if taken_on is None:
            continue
        try:
            criterion = taken_on.criterion(disagreement.criterion_id)
            area_id = taken_on.area_of(disagreement.criterion_id).id
        except KeyError:
            continue
        current = _respondents(assigned, disagreement.assessment_id, area_id, criterion.id)
        labels = {item.id: item.text for item in criterion.checklist}
        answers = tuple(
            RespondentView(
                answer_id=answer.id or 0,
                name=name,
                slack_user_id=slack_id or None,
                status=AnswerStatus(answer.status),
                ticked=tuple(labels[i] for i in labels if i in set(answer.ticked or ())),
                note=answer.note,
                evidence=tuple(link["url"] for link in answer.evidence or ()),
                answered_at=answer.answered_at,
            )
            for pid, (answer, name, slack_id) in sorted(
                latest.items(), key=lambda kv: (kv[1][1], kv[0])
            )
            if pid in current and AnswerStatus(answer.status) != AnswerStatus.SKIPPED
        )
        assert disagreement.id is not None
        found.setdefault(disagreement.assessment_id, []).append(
            DisagreementView(
                disagreement_id=disagreement.id,
                assessment_id=disagreement.assessment_id,
                city_id=where.city_id,
                city_name=where.city_name,
                criterion_id=criterion.id,
                statement=criterion.statement,
                items=len(criterion.checklist),
                answers=answers,
                opened_at=disagreement.opened_at,
                talk_started_at=disagreement.talk_started_at,
            )
        )
    return {round_id: tuple(views) for round_id, views in found.items()}


def coordinator_disagreements(
    session: Session,
    *,
    person_id: int,
    rubric: Rubric,
    rubrics: RubricRegistry | None = None,
    limit: int = HOME_LIMIT,
) -> tuple[CityDisagreements, ...]:
    """The open disagreements of each city the person coordinates (its open round)."""
    rounds = []
    for city in orgs.cities_of_person(session, person_id=person_id):
        assert city.id is not None
        if Role.COORDINATOR not in orgs.roles_of(session, city_id=city.id, person_id=person_id):
            continue
        found = assessments.open_assessment(session, city_id=city.id)
        if found is None or found.id is None or found.status != AssessmentStatus.OPEN:
            continue
        rounds.append(RoundRef(found.id, city.id, city.name, found.rubric_id, found.rubric_version))
    views = disagreement_views(session, rubric=rubric, rounds=rounds, rubrics=rubrics)
    return tuple(
        CityDisagreements(
            r.city_id, r.city_name, views[r.assessment_id][:limit], len(views[r.assessment_id])
        )
        for r in rounds
        if views.get(r.assessment_id)
    )


def _rubric_of(where: RoundRef, rubric: Rubric, rubrics: RubricRegistry | None) -> Rubric | None:
    if (where.rubric_id, where.rubric_version) == (rubric.id, rubric.version):
        return rubric
    return rubrics.find(where.rubric_id, where.rubric_version) if rubrics else None


def _respondents(
    assigned: Sequence[Assignment], assessment_id: int, area_id: str, criterion_id: str
) -> set[int]:
    return {
        a.person_id
        for a in assigned
        if a.assessment_id == assessment_id
        and a.area_id == area_id
        and a.criterion_id in (None, criterion_id)
    }


def digest_disagreements(
    session: Session, *, rubric: Rubric, rounds: Sequence[Any], due: Sequence[Any]
) -> dict[int, tuple[DisagreementView, ...]]:
    """The open disagreements of the digests' open rounds (on `rubric`), by round id."""
    names = {d.city.id: d.city.name for d in due}
    refs = [
        RoundRef(r.id, r.city_id, names.get(r.city_id, ""), r.rubric_id, r.rubric_version)
        for r in rounds
        if r.status == AssessmentStatus.OPEN and r.city_id in names
    ]
    return disagreement_views(session, rubric=rubric, rounds=refs)
