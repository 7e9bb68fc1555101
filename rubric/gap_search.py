"""The fewest criteria to meet for a number of criteria met with every core criterion among them.

Meeting a criterion counts it once. A plan can count more criteria than it lists only by meeting
the prerequisites of *waiting* criteria: those whose answers already meet their rule but that are
blocked by an unmet prerequisite. So the search chooses which waiting criteria to free:

1. The *base* of a choice is every unmet prerequisite (transitively) of the chosen waiting
   criteria, plus every core criterion not met and its unmet prerequisites. Meeting the base
   meets all of it, the criteria met today, and every waiting criterion whose prerequisites
   the base covers.
2. The rest is filled one criterion at a time, each one whose prerequisites are already met,
   best first (partly met, nearest to met, then by effort, then the rubric's order). Each counts
   at least once, and one is always available while the count falls short.

The smallest base-plus-fill over every choice is the smallest plan. No plan does better: a plan
that frees exactly the waiting set W contains the base of W (all of it must be met, and none of
it is answered as met). The plan meets at most what it lists, what is met today and W; the base
alone already meets the base, what is met today and W; so the plan lists at least (needed - what
the base of W meets) criteria beyond the base, which is what base-plus-fill lists.

Among the plans of the smallest size found this way (one per choice), the preferred one has more
partly met criteria, then fewer checklist items still missing, then less total effort
(S < M < L), then criteria earlier in the rubric. The fill takes criteria whose prerequisites are
met, so an equally small plan that reaches a partly met criterion through its unmet prerequisite
can be passed over; the size is always the smallest.

Waiting criteria that need the same prerequisites are chosen together; up to `EXACT_GROUPS` such
groups (4,096 choices) are searched exhaustively. Above that the groups are added one at a time
while each shortens the plan, and the plan can then be longer than the smallest. The bundled
rubric has at most four groups; a gap on it takes well under a millisecond.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping

from rubric.index import RubricIndex
from rubric.scoring import CriterionResult, CriterionStatus

EXACT_GROUPS = 12
"""Groups of waiting criteria searched exhaustively; above this the search is greedy."""

_EFFORT_RANK = {"S": 0, "M": 1, "L": 2}


def preference(index: RubricIndex, result: CriterionResult) -> tuple[int, int, int, int]:
    """Partly met first, nearest to met; then by effort (S < M < L); then the rubric's order."""
    facts = index.criteria[result.criterion_id]
    partly = result.answer_status is CriterionStatus.PARTLY_MET
    return (
        0 if partly else 1,
        result.missing if partly else 0,
        _EFFORT_RANK[facts.criterion.next_steps[0].effort],
        facts.position,
    )


def smallest_plan(
    index: RubricIndex,
    results: Mapping[str, CriterionResult],
    needed: int,
    exact_groups: int = EXACT_GROUPS,
) -> frozenset[str]:
    """The fewest criteria whose meeting gives `needed` criteria met and every core one met."""
    search = _Search(index, results, needed)
    bases = search.bases(exact_groups)
    totals = [search.total(base) for base in bases]
    fewest = min(totals)
    plans = [
        search.fill(base) for base, total in zip(bases, totals, strict=True) if total == fewest
    ]
    best = min(plans, key=search.plan_key)
    return frozenset(cid for cid in index.criteria if best & search.bit[cid])


class _Search:
    """Criteria as bits (rubric order), and what meeting a set of them meets."""

    def __init__(
        self, index: RubricIndex, results: Mapping[str, CriterionResult], needed: int
    ) -> None:
        self.index = index
        self.results = results
        self.needed = needed
        self.bit = {cid: 1 << i for i, cid in enumerate(index.criteria)}
        self.met_today = self.answered = 0
        for cid, result in results.items():
            if result.met:
                self.met_today |= self.bit[cid]
            if result.answer_status is CriterionStatus.MET:
                self.answered |= self.bit[cid]
        ancestors: dict[str, int] = {}
        for facts in index.evaluation_order:
            mask = 0
            for p in facts.prerequisites:
                mask |= self.bit[p] | ancestors[p]
            ancestors[facts.id] = mask
        # What must be met, beyond answers that already meet their rule, for a criterion to count.
        self.needs = {
            cid: (ancestors[cid] | self.bit[cid]) & ~self.answered for cid in index.criteria
        }
        waiting = self.answered & ~self.met_today
        # The waiting criteria by what they need: how many each set of prerequisites frees.
        self.waiting: dict[int, int] = {}
        for cid in index.criteria:
            if self.bit[cid] & waiting:
                self.waiting[self.needs[cid]] = self.waiting.get(self.needs[cid], 0) + 1
        self.core_base = 0
        for cid in index.core_ids:
            self.core_base |= self.needs[cid]

    def bases(self, exact_groups: int) -> list[int]:
        """Every distinct base worth trying (or a greedy few when there are too many)."""
        groups = [need for need in self.waiting if need & ~self.core_base]
        if len(groups) > exact_groups:
            return [self._greedy_base(groups)]
        bases = {self.core_base: None}
        for group in groups:
            for base in list(bases):
                bases.setdefault(base | group, None)
        return list(bases)

    def _greedy_base(self, groups: list[int]) -> int:
        base = self.core_base
        while True:
            trials = [base | group for group in groups if group & ~base]
            better = min(trials, key=self.total, default=base)
            if self.total(better) >= self.total(base):
                return base
            base = better

    def met_count(self, base: int) -> int:
        """Criteria met once the base is: itself, those met today, waiting ones it frees."""
        freed = sum(count for need, count in self.waiting.items() if not need & ~base)
        return self.met_today.bit_count() + base.bit_count() + freed

    def total(self, base: int) -> int:
        """The size of the plan built on this base: the base plus one per criterion still short."""
        return base.bit_count() + max(self.needed - self.met_count(base), 0)

    def fill(self, base: int) -> int:
        """The base plus the best ready criteria, one at a time, until enough are met."""
        met = self.met_today | base
        for facts in self.index.evaluation_order:
            if self.answered & self.bit[facts.id] and self._ready(facts.id, met):
                met |= self.bit[facts.id]
        plan, count = base, met.bit_count()
        ready = [
            (preference(self.index, self.results[cid]), cid)
            for cid in self.index.criteria
            if not (self.answered | met) & self.bit[cid] and self._ready(cid, met)
        ]
        heapq.heapify(ready)
        while count < self.needed:
            _, cid = heapq.heappop(ready)
            if met & self.bit[cid]:
                continue  # pushed twice: ready through two prerequisites met at once
            plan |= self.bit[cid]
            met |= self.bit[cid]
            count += 1
            newly = [cid]
            while newly:
                for dep in self.index.criteria[newly.pop()].dependents:
                    if met & self.bit[dep] or not self._ready(dep, met):
                        continue
                    if self.answered & self.bit[dep]:
                        met |= self.bit[dep]
                        count += 1
                        newly.append(dep)
                    else:
                        heapq.heappush(ready, (preference(self.index, self.results[dep]), dep))
        return plan

    def _ready(self, cid: str, met: int) -> bool:
        return all(met & self.bit[p] for p in self.index.criteria[cid].prerequisites)

    def plan_key(self, plan: int) -> tuple[int, int, int, tuple[int, ...]]:
        """Fewer not partly met, fewer items missing, less effort, earlier in the rubric."""
        not_partly = missing = effort = 0
        positions = []
        for cid, facts in self.index.criteria.items():
            if not plan & self.bit[cid]:
                continue
            pref = preference(self.index, self.results[cid])
            not_partly += pref[0]
            missing += pref[1]
            effort += pref[2]
            positions.append(facts.position)
        return not_partly, missing, effort, tuple(positions)
