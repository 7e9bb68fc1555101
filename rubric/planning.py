"""From a score to a plan: the criteria that stand between a city and its next level.

The gap is built greedily in the order a coordinator would take them:

1. every core criterion not met, in the rubric's order (no level without them);
2. then, until the next level's threshold is reached, the unmet criterion that helps most for
   the least work: one that, once met, also unblocks answers already given (counted only up to
   what is still needed) comes first; then criteria needing fewer others; then partly met ones,
   nearest to met; then the rest by the effort of their next step (S < M < L); then the
   rubric's order.

A criterion whose prerequisite is not met brings that prerequisite along, listed before it.
Criteria whose own answer already meets their rule are never listed: they count as soon as
their prerequisites do. Each item carries the criterion's first next step, the one the rubric
lists as the place to start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rubric.index import RubricIndex, index_for
from rubric.schema import Level, NextStep, Rubric
from rubric.scoring import CriterionResult, CriterionStatus, Score, level_reached

_EFFORT_RANK = {"S": 0, "M": 1, "L": 2}


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
    plan = _Plan(index, score.criteria)
    for cid in index.core_ids:
        if cid not in plan.met:
            plan.take(cid)
    needed = index.needed_to_reach(target)
    while len(plan.met) < needed:
        plan.take(plan.best_candidate(needed - len(plan.met)))
    reached = level_reached(index, len(plan.met))
    items = tuple(plan.items())
    count = f"{len(items)} criterion" if len(items) == 1 else f"{len(items)} criteria"
    name = reached.name.en if reached else target.name.en
    unblocked = tuple(
        cid
        for cid in index.criteria
        if cid in plan.met and not score.criteria[cid].met and cid not in plan.chosen
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
    open_ids.sort(key=lambda cid: (not index.criteria[cid].core, *_priority(index, results[cid])))
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


def _priority(index: RubricIndex, result: CriterionResult) -> tuple[int, int, int, int, int]:
    """Blocked last; partly met first, nearest to met; then by effort; then the rubric's order."""
    facts = index.criteria[result.criterion_id]
    partly = result.answer_status is CriterionStatus.PARTLY_MET
    return (
        len(result.blocked_by),
        0 if partly else 1,
        result.missing if partly else 0,
        _EFFORT_RANK[facts.criterion.next_steps[0].effort],
        facts.position,
    )


class _Plan:
    """The criteria chosen so far and the set of criteria met once they are."""

    def __init__(self, index: RubricIndex, results: Mapping[str, CriterionResult]) -> None:
        self.index = index
        self.results = results
        self.met = {cid for cid, r in results.items() if r.met}
        self.answered_met = {
            cid for cid, r in results.items() if r.answer_status is CriterionStatus.MET
        }
        self.chosen: dict[str, str | None] = {}
        self.rank = {facts.id: i for i, facts in enumerate(index.evaluation_order)}

    def bundle(self, cid: str) -> list[str]:
        """The criterion and its unmet prerequisites (transitively), prerequisites first."""
        found = {cid}
        stack = [cid]
        while stack:
            for p in self.index.criteria[stack.pop()].prerequisites:
                if p not in self.met and p not in found:
                    found.add(p)
                    stack.append(p)
        return sorted(found, key=self.rank.__getitem__)

    def gain(self, bundle: Iterable[str]) -> set[str]:
        """Criteria newly met once the bundle is: itself, plus answers it unblocks."""
        new = set(bundle)
        stack = list(new)
        while stack:
            for dep in self.index.criteria[stack.pop()].dependents:
                if dep in self.met or dep in new or dep not in self.answered_met:
                    continue
                if all(p in self.met or p in new for p in self.index.criteria[dep].prerequisites):
                    new.add(dep)
                    stack.append(dep)
        return new

    def work(self, bundle: Iterable[str]) -> list[str]:
        """The members of a bundle that need work (not those whose answer already meets them)."""
        return [cid for cid in bundle if cid not in self.answered_met]

    def take(self, cid: str) -> None:
        """Add the criterion, with its prerequisites, to the plan."""
        bundle = self.bundle(cid)
        for member in self.work(bundle):
            self.chosen.setdefault(member, None if member == cid else cid)
        self.met |= self.gain(bundle)

    def best_candidate(self, still_needed: int) -> str:
        """The next criterion to take: the most criteria met per piece of work, then priority."""
        ranked = []
        for cid, result in self.results.items():
            if cid in self.met or cid in self.chosen or cid in self.answered_met:
                continue
            bundle = self.bundle(cid)
            work, gain = len(self.work(bundle)), len(self.gain(bundle))
            # Criteria met beyond what is still needed are worth nothing to this gap.
            saving = min(gain, still_needed) - work
            ranked.append((-saving, work, *_priority(self.index, result)[1:], cid))
        return str(min(ranked)[-1])

    def items(self) -> Iterable[GapItem]:
        """The chosen criteria as gap items, in the order they were chosen."""
        for cid, needed_for in self.chosen.items():
            facts = self.index.criteria[cid]
            result = self.results[cid]
            yield GapItem(
                criterion_id=cid,
                area_id=facts.area_id,
                status=result.status,
                next_step=facts.criterion.next_steps[0],
                core=facts.core,
                missing=result.missing,
                needed_for=needed_for,
            )
