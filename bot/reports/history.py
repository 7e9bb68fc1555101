"""A city's rounds over time: each round's result on its own rubric version, and the change since
the round before.

Every round is scored against the rubric version it was taken on, so a round on an older version
reads as it did then. The change between two rounds compares criteria met and the share met,
overall and per practice area (an area only in the newer version is new, one only in the older
is dropped), and the level then and now. Percentages are the rounded-down shares that
`rubric.scoring` shows, so a change is the difference of two numbers the reports print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from bot.services.scores import score_rows
from rubric.registry import RubricRegistry
from rubric.schema import Level, Rubric, Text
from rubric.scoring import AreaResult, Score
from storage.enums import AssessmentStatus
from storage.models import Answer, Assessment
from storage.repo import rounds


@dataclass(frozen=True)
class RoundResult:
    """One round of a city: when, on which rubric version, and its result (when scorable)."""

    assessment_id: int
    round_number: int
    status: AssessmentStatus
    started_at: datetime
    completed_at: datetime | None
    rubric_id: str
    rubric_version: str
    rubric: Rubric | None
    """The version it was taken on; None when this process has not loaded it."""
    score: Score | None
    """Its result on that version; None when the version is not loaded."""

    @property
    def date(self) -> datetime:
        """When the round's result stood: completed, else started (an open round, so far)."""
        return self.completed_at or self.started_at

    @property
    def open(self) -> bool:
        """True while the round is still being answered."""
        return self.status == AssessmentStatus.OPEN

    @property
    def level(self) -> Level | None:
        """The level the round reaches, if scored and reached."""
        return self.score.level if self.score else None


@dataclass(frozen=True)
class AreaChange:
    """One practice area then and now; `then` None for a new area, `now` None for a dropped one."""

    area_id: str
    name: Text
    then: AreaResult | None
    now: AreaResult | None

    @property
    def met_delta(self) -> int | None:
        """Criteria met now minus then (None unless the area is in both rounds)."""
        return None if self.then is None or self.now is None else self.now.met - self.then.met

    @property
    def percent_delta(self) -> Decimal | None:
        """Percentage points now minus then (None unless the area is in both rounds)."""
        if self.then is None or self.now is None:
            return None
        return self.now.percent - self.then.percent


@dataclass(frozen=True)
class RoundChange:
    """What changed between the previous round and this one, overall and per area."""

    previous: RoundResult
    current: RoundResult
    areas: tuple[AreaChange, ...]
    """This round's areas in its rubric's order, then the areas dropped since."""

    @property
    def then(self) -> Score:
        """The previous round's score."""
        assert self.previous.score is not None
        return self.previous.score

    @property
    def now(self) -> Score:
        """This round's score."""
        assert self.current.score is not None
        return self.current.score

    @property
    def met_delta(self) -> int:
        """Criteria met now minus then."""
        return self.now.met - self.then.met

    @property
    def percent_delta(self) -> Decimal:
        """Percentage points now minus then."""
        return self.now.percent - self.then.percent

    @property
    def rubric_changed(self) -> bool:
        """True when the two rounds were taken on different rubric versions."""
        before, after = self.previous, self.current
        return (before.rubric_id, before.rubric_version) != (after.rubric_id, after.rubric_version)


def round_change(previous: RoundResult, current: RoundResult) -> RoundChange | None:
    """The change from `previous` to `current`; None unless both are scored."""
    if previous.score is None or current.score is None:
        return None
    assert previous.rubric is not None and current.rubric is not None
    before = {a.area_id: a for a in previous.score.areas}
    changes = [
        AreaChange(area.id, area.name, before.get(area.id), current.score.area(area.id))
        for area in current.rubric.areas
    ]
    kept = {area.id for area in current.rubric.areas}
    changes += [
        AreaChange(area.id, area.name, before[area.id], None)
        for area in previous.rubric.areas
        if area.id not in kept
    ]
    return RoundChange(previous, current, tuple(changes))


def city_history(
    session: Session,
    *,
    city_id: int,
    rubric: Rubric,
    rubrics: RubricRegistry | None = None,
    upto_round: int | None = None,
) -> tuple[RoundResult, ...]:
    """Every round of the city up to `upto_round` (all when None), each scored on its own
    version (`rubric` or one of `rubrics`), the first first; two queries in all."""
    found = [
        r
        for r in rounds.city_rounds(session, city_id=city_id)
        if upto_round is None or r.round_number <= upto_round
    ]
    answers = rounds.answers_of_rounds(
        session, assessment_ids=[r.id for r in found if r.id is not None]
    )
    return tuple(
        round_result(r, _version(r, rubric, rubrics), answers.get(r.id or 0, [])) for r in found
    )


def previous_round_result(
    session: Session,
    *,
    assessment: Assessment,
    rubric: Rubric,
    rubrics: RubricRegistry | None = None,
) -> RoundResult | None:
    """The city's round before `assessment`, scored on its own version; one query."""
    before, answers = rounds.previous_round_answers(
        session, city_id=assessment.city_id, round_number=assessment.round_number
    )
    return (
        None if before is None else round_result(before, _version(before, rubric, rubrics), answers)
    )


def round_result(
    assessment: Assessment, rubric: Rubric | None, answers: Sequence[Answer]
) -> RoundResult:
    """A stored round and its answers as a `RoundResult` (unscored when `rubric` is None)."""
    assert assessment.id is not None
    return RoundResult(
        assessment_id=assessment.id,
        round_number=assessment.round_number,
        status=AssessmentStatus(assessment.status),
        started_at=assessment.started_at,
        completed_at=assessment.completed_at,
        rubric_id=assessment.rubric_id,
        rubric_version=assessment.rubric_version,
        rubric=rubric,
        score=score_rows(rubric, answers) if rubric is not None else None,
    )


def _version(
    assessment: Assessment, rubric: Rubric, rubrics: RubricRegistry | None
) -> Rubric | None:
    if (assessment.rubric_id, assessment.rubric_version) == (rubric.id, rubric.version):
        return rubric
    return rubrics.find(assessment.rubric_id, assessment.rubric_version) if rubrics else None
