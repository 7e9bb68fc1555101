"""From a score to a plan: the criteria that stand between a city and its next level.

The gap is the smallest set of unmet criteria whose meeting reaches the next level (see
`rubric.gap_search` for how it is found and which plan wins among equally small ones). It is
listed in the order a coordinator would take it:

1. every core criterion not met, in the rubric's order, each after its unmet prerequisites
   (no level without them);
2. then the rest: partly met ones first, nearest to met; then by the effort of their next step
   (S < M < L); then the rubric's order. A criterion that another one in the gap needs is listed
   just before it when it would otherwise come later.

A prerequisite listed for the sake of another criterion names it (`needed_for`). Criteria whose
own answer already meets their rule are never listed: they count as soon as their prerequisites
do, and the gap names them as `unblocked`. Each item carries the criterion's first next step,
the one the rubric lists as the place to start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rubric.gap_search import preference, smallest_plan
from rubric.index import RubricIndex, index_for
from rubric.schema import Level, NextStep, Rubric
from rubric.scoring import CriterionResult, CriterionStatus, Score, level_reached


@dataclass(frozen=True, slots=True)
class GapItem:
    """One criterion to meet, with the next step to take toward it."""

    criterion_id: str
    area_id: str
    status: CriterionStatus
    next_step: NextStep
    core: bool
    missing: int
    """Checklist items still to put in place under the criterion's rule."""
    needed_for: str | None = None
    """The criterion that needs this one first, when it came along as a prerequisite."""


@dataclass(frozen=True, slots=True)
class Gap:
    """What stands between the current level and the next one."""

    current: Level | None
    target: Level | None
    """The next level above the current one; None when already at the top."""
    items: tuple[GapItem, ...]
    reaches: Level | None
    """The level reached once every item is met (can be above the target)."""
    message: str
    unblocked: tuple[str, ...] = ()
    """Criteria whose answers already meet their rule, counted once the gap's items are met."""

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        """The ids of the gap's criteria, in order."""
        return tuple(item.criterion_id for item in self.items)


@dataclass(frozen=True, slots=True)
class Nudge:
    """A next step for one unmet criterion of an area."""

    criterion_id: str
    status: CriterionStatus
    next_step: NextStep
    core: bool
    blocked_by: tuple[str, ...]


def gap_to_next_level(rubric: Rubric, score: Score) -> Gap:
    """The smallest ordered set of unmet criteria whose meeting reaches the next level."""
    index = index_for(rubric)
    current = score.level
    above = [lv for lv in index.levels if current is None or lv.min_percent > current.min_percent]
    if not index.levels:
        return Gap(None, None, (), None, "the rubric has no levels")
    if not above and current is not None:
        return Gap(current, None, (), current, f"already at {current.name.en}, the top level")
    target = above[0]
    results = score.criteria
    chosen = smallest_plan(index, results, index.needed_to_reach(target))
    items = tuple(_items(index, results, chosen))
    met = _met_after(index, results, chosen)
    reached = level_reached(index, len(met))
    count = f"{len(items)} criterion" if len(items) == 1 else f"{len(items)} criteria"
    name = reached.name.en if reached else target.name.en
    unblocked = tuple(
        cid for cid in index.criteria if cid in met and not results[cid].met and cid not in chosen
    )
    return Gap(current, target, items, reached, f"meet {count} to reach {name}", unblocked)


def area_nudges(rubric: Rubric, score: Score, area_id: str, limit: int = 3) -> tuple[Nudge, ...]:
    """The next steps for an area's unmet criteria, most useful first, at most `limit`."""
    index = index_for(rubric)
    ids = dict(index.areas).get(area_id)
    if ids is None:
        raise KeyError(f"rubric {index.rubric_id} has no area {area_id!r}")
    results = score.criteria
    open_ids = [
        cid
        for cid in ids
        if not results[cid].met and results[cid].answer_status is not CriterionStatus.MET
    ]
    open_ids.sort(
        key=lambda cid: (
            not index.criteria[cid].core,
            len(results[cid].blocked_by),
            *preference(index, results[cid]),
        )
    )
    return tuple(
        Nudge(
            criterion_id=cid,
            status=results[cid].status,
            next_step=index.criteria[cid].criterion.next_steps[0],
            core=index.criteria[cid].core,
            blocked_by=results[cid].blocked_by,
        )
        for cid in open_ids[:limit]
    )


def _items(
    index: RubricIndex, results: Mapping[str, CriterionResult], chosen: frozenset[str]
) -> Iterable[GapItem]:
    """The chosen criteria in the gap's order, each after the chosen criteria it needs."""
    rank = {facts.id: i for i, facts in enumerate(index.evaluation_order)}
    listed: dict[str, str | None] = {}

    def add(cid: str) -> None:
        for prereq in sorted(_ancestors(index, cid) & chosen, key=rank.__getitem__):
            listed.setdefault(prereq, cid)
        if cid in chosen:
            listed.setdefault(cid, None)

    for cid in index.core_ids:
        if not results[cid].met:
            add(cid)
    for cid in sorted(chosen - listed.keys(), key=lambda c: preference(index, results[c])):
        add(cid)
    for cid, needed_for in listed.items():
        facts = index.criteria[cid]
        result = results[cid]
        yield GapItem(
            criterion_id=cid,
            area_id=facts.area_id,
            status=result.status,
            next_step=facts.criterion.next_steps[0],
            core=facts.core,
            missing=result.missing,
            needed_for=needed_for,
        )


def _ancestors(index: RubricIndex, cid: str) -> set[str]:
    """Every prerequisite of the criterion, and theirs, transitively."""
    found: set[str] = set()
    stack = [cid]
    while stack:
        for prereq in index.criteria[stack.pop()].prerequisites:
            if prereq not in found:
                found.add(prereq)
                stack.append(prereq)
    return found


def _met_after(
    index: RubricIndex, results: Mapping[str, CriterionResult], chosen: frozenset[str]
) -> set[str]:
    """The criteria met once the chosen ones are, as scoring would count them."""
    met: set[str] = set()
    for facts in index.evaluation_order:
        answered = results[facts.id].answer_status is CriterionStatus.MET
        if (answered or facts.id in chosen) and all(p in met for p in facts.prerequisites):
            met.add(facts.id)
    return met
