"""The level a set of met criteria reaches: `rubric.scoring`'s rules, for thousands of digests.

A digest needs only the level (with the done milestones met, and with all of them met), not a
full `Score`; and a level depends only on which criteria are met by their answers: a criterion
counts when its own answer meets its rule and each of its prerequisites counts, and the level
is the highest whose threshold the count reaches while every core criterion counts.
`LevelScorer` applies these rules to criteria sets held as bits of an integer, one bit per
criterion; `tests/schedule/test_levels.py` checks it against `rubric.scoring.score`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from rubric.index import RubricIndex
from rubric.schema import Level
from rubric.scoring import level_reached


class LevelScorer:
    """Levels from criteria sets of one rubric, as bit masks (`mask_of`)."""

    def __init__(self, index: RubricIndex) -> None:
        self.index = index
        self.bit = {cid: 1 << n for n, cid in enumerate(index.criteria)}
        self.order = tuple(
            (self.bit[f.id], sum(self.bit[p] for p in set(f.prerequisites) if p in self.bit))
            for f in index.evaluation_order
        )
        self.core = sum(self.bit[cid] for cid in set(index.core_ids) if cid in self.bit)
        self.full = sum(
            self.bit[f.id] for f in index.criteria.values() if len(f.items) >= f.required
        )
        """Criteria that ticking every checklist item meets (all, unless a rule asks too much)."""
        self._levels: dict[int, Level | None] = {}

    def mask_of(self, criteria: Iterable[str]) -> int:
        """The bits of these criteria (ids the rubric lacks are left out)."""
        mask = 0
        for cid in criteria:
            mask |= self.bit.get(cid, 0)
        return mask

    def level(self, met_by_answer: int) -> Level | None:
        """The level reached when exactly these criteria's answers meet their rules."""
        met = 0
        for bit, prerequisites in self.order:
            if met_by_answer & bit and met & prerequisites == prerequisites:
                met |= bit
        if met & self.core != self.core:
            return None
        count = met.bit_count()
        if count not in self._levels:
            self._levels[count] = level_reached(self.index, count)
        return self._levels[count]


_scorers: dict[int, LevelScorer] = {}
_guard = threading.Lock()
_KEEP = 32


def scorer_for(index: RubricIndex) -> LevelScorer:
    """The scorer of a rubric's index (built once per index object)."""
    with _guard:
        found = _scorers.get(id(index))
        if found is None or found.index is not index:
            if len(_scorers) >= _KEEP:
                _scorers.pop(next(iter(_scorers)))
            found = _scorers[id(index)] = LevelScorer(index)
        return found


def level_of_met(index: RubricIndex, met_by_answer: Iterable[str]) -> Level | None:
    """The level reached when exactly these criteria's answers meet their rules."""
    scorer = scorer_for(index)
    return scorer.level(scorer.mask_of(met_by_answer))
