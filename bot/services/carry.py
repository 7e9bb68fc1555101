"""Last round's answers in a new round: what a respondent may confirm with "Still true".

A criterion that is the same question in this round's rubric version as in last round's
(`rubric.diff`: same statement, checklist and rule) offers last round's answer (answered or
unsure) with a "Still true" button and its checklist pre-ticked; one that changed, or is new,
is asked afresh with a note. Evidence links carried over keep the date they were first given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from bot.interview.model import Given, Kind
from rubric.diff import Change, ChangeKind, criterion_changes
from rubric.registry import RubricRegistry
from rubric.schema import Rubric
from storage.enums import AnswerStatus
from storage.models import Answer, Assessment
from storage.repo import rounds

FRESH = (ChangeKind.CHANGED, ChangeKind.ADDED)


@dataclass(frozen=True)
class CarryOver:
    """What one round takes from the round before it."""

    previous_round: int | None = None
    """The round number answers come from; None in a first round."""
    answers: Mapping[str, Given] = field(default_factory=dict)
    """Last round's answers to the criteria that are the same question now."""
    fresh: Mapping[str, ChangeKind] = field(default_factory=dict)
    """Criteria that changed or are new since last round's rubric version."""
    evidence_dates: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    """For each carried criterion, its links as given then (url -> the link: `added_at`, an ISO
    8601 date, and `added_by`, a person id or None)."""


NOTHING = CarryOver()


def carry_over(
    session: Session,
    *,
    assessment: Assessment,
    rubric: Rubric,
    rubrics: RubricRegistry | None = None,
) -> CarryOver:
    """What `assessment` (taken on `rubric`) carries over from the city's round before it.

    A first round carries nothing and costs no query; a later one reads the round before with
    its answers in one query. When that round's rubric version is not loaded, nothing is
    carried (its answers cannot be compared with this round's questions).
    """
    if assessment.round_number <= 1:
        return NOTHING
    before, rows = rounds.previous_round_answers(
        session, city_id=assessment.city_id, round_number=assessment.round_number
    )
    if before is None:
        return NOTHING
    old = _rubric_of(before, rubric, rubrics)
    if old is None:
        return CarryOver(before.round_number)
    changes = rubrics.changes(old, rubric) if rubrics else criterion_changes(old, rubric)
    kept = [row for row in rows if _carries(row, changes.get(row.criterion_id))]
    return CarryOver(
        previous_round=before.round_number,
        answers={row.criterion_id: _given(row) for row in kept},
        fresh={cid: c.kind for cid, c in changes.items() if c.kind in FRESH},
        evidence_dates={
            row.criterion_id: {link["url"]: link for link in row.evidence or ()} for row in kept
        },
    )


def _rubric_of(
    assessment: Assessment, rubric: Rubric, rubrics: RubricRegistry | None
) -> Rubric | None:
    if (assessment.rubric_id, assessment.rubric_version) == (rubric.id, rubric.version):
        return rubric
    return rubrics.find(assessment.rubric_id, assessment.rubric_version) if rubrics else None


def _carries(row: Answer, change: Change | None) -> bool:
    settled = AnswerStatus(row.status) in (AnswerStatus.ANSWERED, AnswerStatus.UNSURE)
    return settled and change is not None and change.carries_over


def _given(row: Answer) -> Given:
    return Given(
        Kind(AnswerStatus(row.status).value),
        frozenset(row.ticked or ()),
        row.note,
        tuple(link["url"] for link in row.evidence or ()),
    )
