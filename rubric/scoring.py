"""Answers in, scores out: each criterion's status, each area's and the whole rubric's share met,
and the level reached.

Rules, in the order they apply:

- A criterion is *met* when its ticked checklist items satisfy its rule (all items, or at least
  k); *partly met* when some are ticked but fewer than the rule needs; *not met* when none are;
  *unknown* when it has no answer, or the person is not sure and the items ticked do not already
  meet the rule. Ticking more items never lowers a criterion's status.
- A criterion whose prerequisite is not met is *blocked*: it scores nothing whatever its answer,
  and its reason names the prerequisite ("needs OD1 first").
- An area's and the rubric's result is met / total, where total counts every criterion,
  answered or not.
- A level's threshold is reached when met × 100 ≥ min_percent × total, compared exactly with
  integers and decimals (no floating point, no rounding). With 43 criteria, 22 met (51.16%)
  reaches 51% and 21 (48.84%) does not.
- The level is the highest whose threshold is reached while every core criterion is met;
  otherwise there is none, and `Score.reason` says why ("core criterion PA1 is not met").
- `percent` values are for display: rounded *down* to one decimal, so a shown percentage never
  claims a threshold the score has not reached.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from rubric.index import CriterionFacts, RubricIndex, index_for
from rubric.schema import Criterion, Level, Rubric


class CriterionStatus(StrEnum):
    """Where a criterion stands after scoring."""

    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    BLOCKED = "blocked"
    """A prerequisite is not met, so this criterion scores nothing yet."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One criterion's answer: the checklist items ticked, and whether the person is unsure."""

    ticked: frozenset[str] = frozenset()
    unsure: bool = False

    @classmethod
    def of(cls, *item_ids: str) -> Answer:
        """These items are in place, the others are not."""
        return cls(frozenset(item_ids))

    @classmethod
    def all_of(cls, criterion: Criterion) -> Answer:
        """Every checklist item of the criterion is in place."""
        return cls(frozenset(it.id for it in criterion.checklist))

    @classmethod
    def none(cls) -> Answer:
        """No checklist item is in place."""
        return cls()

    @classmethod
    def not_sure(cls) -> Answer:
        """The person does not know."""
        return cls(unsure=True)


class UnknownAnswerError(ValueError):
    """Answers name criteria or checklist items that the rubric does not have."""

    def __init__(
        self, rubric_id: str, criterion_ids: Iterable[str], items: Mapping[str, Iterable[str]]
    ) -> None:
        self.criterion_ids = tuple(sorted(criterion_ids))
        self.item_ids = {cid: tuple(sorted(ids)) for cid, ids in items.items()}
        parts = []
        if self.criterion_ids:
            parts.append(f"no criteria {', '.join(self.criterion_ids)} in rubric {rubric_id}")
        parts += [f"{cid} has no items {', '.join(ids)}" for cid, ids in self.item_ids.items()]
        super().__init__("; ".join(parts))


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion's status, how many items are ticked of those its rule needs, and why."""

    criterion_id: str
    area_id: str
    status: CriterionStatus
    answer_status: CriterionStatus
    """The status the answer alone gives, before prerequisites are considered."""
    ticked: int
    required: int
    blocked_by: tuple[str, ...] = ()
    """Prerequisites not met (only when blocked)."""

    @property
    def met(self) -> bool:
        """Whether the criterion counts as met."""
        return self.status is CriterionStatus.MET

    @property
    def missing(self) -> int:
        """Items still to tick for the answer to meet the rule."""
        return max(self.required - self.ticked, 0)

    @property
    def reason(self) -> str:
        """A short explanation, e.g. "2 of 3 items" or "needs OD1 first"."""
        if self.status is CriterionStatus.BLOCKED:
            return f"needs {_and(self.blocked_by)} first"
        if self.status is CriterionStatus.UNKNOWN:
            return "not answered yet" if self.ticked == 0 else f"{self.ticked} items, unsure"
        return f"{self.ticked} of {self.required} items needed"


@dataclass(frozen=True, slots=True)
class AreaResult:
    """One practice area's criteria met, of its total."""

    area_id: str
    met: int
    total: int
    unknown: int

    @property
    def percent(self) -> Decimal:
        """The share met, rounded down to one decimal (for display)."""
        return percent_of(self.met, self.total)


@dataclass(frozen=True, slots=True)
class Score:
    """A city's result against one rubric."""

    rubric_id: str
    rubric_version: str
    criteria: Mapping[str, CriterionResult]
    """Every criterion's result by id, in the rubric's order."""
    areas: tuple[AreaResult, ...]
    met: int
    total: int
    unknown: int
    level: Level | None
    level_by_percent: Level | None
    """The level the share met alone reaches, core criteria aside."""
    blocked_by: tuple[str, ...]
    """Core criteria not met, in the rubric's order."""
    reason: str | None
    """Why no level is reached, or None when one is."""

    @property
    def percent(self) -> Decimal:
        """The share of criteria met, rounded down to one decimal (for display)."""
        return percent_of(self.met, self.total)

    def area(self, area_id: str) -> AreaResult:
        """The result of one area; KeyError naming it if the rubric has no such area."""
        for result in self.areas:
            if result.area_id == area_id:
                return result
        raise KeyError(f"rubric {self.rubric_id} has no area {area_id!r}")


def percent_of(met: int, total: int) -> Decimal:
    """met / total as a percentage rounded down to one decimal; 0 when total is 0."""
    return Decimal(met * 1000 // total) / 10 if total else Decimal(0)


def reaches(met: int, total: int, level: Level) -> bool:
    """Whether met of total reaches the level's threshold: met × 100 ≥ min_percent × total."""
    return Decimal(met * 100) >= level.min_percent * total


def score(rubric: Rubric, answers: Mapping[str, Answer]) -> Score:
    """Score the answers (criterion id -> Answer); UnknownAnswerError for ids not in the rubric."""
    index = index_for(rubric)
    _check_ids(index, answers)
    results: dict[str, CriterionResult] = {}
    for facts in index.evaluation_order:
        results[facts.id] = _result(facts, answers.get(facts.id), results)
    ordered = {cid: results[cid] for cid in index.criteria}
    areas = tuple(_area(area_id, [ordered[c] for c in ids]) for area_id, ids in index.areas)
    met = sum(a.met for a in areas)
    blocked_by = tuple(cid for cid in index.core_ids if not ordered[cid].met)
    by_percent = level_reached(index, met)
    return Score(
        rubric_id=index.rubric_id,
        rubric_version=index.rubric_version,
        criteria=ordered,
        areas=areas,
        met=met,
        total=index.total,
        unknown=sum(a.unknown for a in areas),
        level=None if blocked_by else by_percent,
        level_by_percent=by_percent,
        blocked_by=blocked_by,
        reason=_no_level_reason(index, met, blocked_by, by_percent),
    )


def level_reached(index: RubricIndex, met: int) -> Level | None:
    """The highest level whose threshold `met` criteria reach, core criteria aside."""
    for level in reversed(index.levels):
        if reaches(met, index.total, level):
            return level
    return None


def _check_ids(index: RubricIndex, answers: Mapping[str, Answer]) -> None:
    unknown_criteria = [cid for cid in answers if cid not in index.criteria]
    unknown_items = {
        cid: answer.ticked - index.criteria[cid].items
        for cid, answer in answers.items()
        if cid in index.criteria and not answer.ticked <= index.criteria[cid].items
    }
    if unknown_criteria or unknown_items:
        raise UnknownAnswerError(index.rubric_id, unknown_criteria, unknown_items)


def _result(
    facts: CriterionFacts, answer: Answer | None, done: Mapping[str, CriterionResult]
) -> CriterionResult:
    ticked = 0 if answer is None else len(answer.ticked)
    if answer is None:
        own = CriterionStatus.UNKNOWN
    elif ticked >= facts.required:
        own = CriterionStatus.MET
    elif answer.unsure:
        own = CriterionStatus.UNKNOWN
    else:
        own = CriterionStatus.PARTLY_MET if ticked else CriterionStatus.NOT_MET
    blocked_by = tuple(p for p in facts.prerequisites if not done[p].met)
    return CriterionResult(
        criterion_id=facts.id,
        area_id=facts.area_id,
        status=CriterionStatus.BLOCKED if blocked_by else own,
        answer_status=own,
        ticked=ticked,
        required=facts.required,
        blocked_by=blocked_by,
    )


def _area(area_id: str, results: list[CriterionResult]) -> AreaResult:
    met = unknown = 0
    for r in results:
        met += r.status is CriterionStatus.MET
        unknown += r.status is CriterionStatus.UNKNOWN
    return AreaResult(area_id=area_id, met=met, total=len(results), unknown=unknown)


def _no_level_reason(
    index: RubricIndex, met: int, blocked_by: tuple[str, ...], by_percent: Level | None
) -> str | None:
    reasons = []
    if blocked_by:
        noun = "core criterion" if len(blocked_by) == 1 else "core criteria"
        verb = "is" if len(blocked_by) == 1 else "are"
        reasons.append(f"{noun} {_and(blocked_by)} {verb} not met")
    if by_percent is None and index.levels:
        lowest = index.levels[0]
        reasons.append(
            f"{met} of {index.total} criteria met ({percent_of(met, index.total)}%); "
            f"{lowest.name.en} needs {format_percent(lowest.min_percent)}%"
        )
    return "; ".join(reasons) or None


def format_percent(value: Decimal) -> str:
    """A threshold without trailing zeros: 51, 67.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _and(ids: tuple[str, ...]) -> str:
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"
