"""What scoring and planning need from a rubric, computed once per rubric object.

Scoring runs on every answer click and for thousands of cities' digests, so lookups by id, the
order that puts prerequisites first and the level thresholds as integers are built once and
kept in a small cache keyed by the rubric object itself (two rubrics that share an id and
version but differ in content never share an index).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rubric.graph import prerequisite_order
from rubric.schema import Criterion, Level, Rubric

_CACHE_SIZE = 32


@dataclass(frozen=True, slots=True)
class CriterionFacts:
    """One criterion as scoring sees it."""

    criterion: Criterion
    id: str
    core: bool
    area_id: str
    position: int
    items: frozenset[str]
    required: int
    prerequisites: tuple[str, ...]
    dependents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RubricIndex:
    """Lookups over one rubric: criteria by id, evaluation order, areas, core ids and levels."""

    rubric_id: str
    rubric_version: str
    criteria: Mapping[str, CriterionFacts]
    """Every criterion by id, in the rubric's order."""
    evaluation_order: tuple[CriterionFacts, ...]
    """Every criterion, each after all of its prerequisites."""
    areas: tuple[tuple[str, tuple[str, ...]], ...]
    """Each area's id with the ids of its criteria."""
    core_ids: tuple[str, ...]
    levels: tuple[Level, ...]
    """Levels from lowest to highest threshold."""

    @property
    def total(self) -> int:
        """The number of criteria in the rubric."""
        return len(self.criteria)

    def needed_to_reach(self, level: Level) -> int:
        """The fewest criteria met that reach `level`'s threshold (core aside)."""
        hundredths = int(level.min_percent * 100)  # at most 2 decimals: exact
        return -(-hundredths * self.total // 10_000)


def build_index(rubric: Rubric) -> RubricIndex:
    """Index a rubric; ValueError naming the ids if its prerequisites are missing or circular."""
    facts: dict[str, CriterionFacts] = {}
    links = {c.id: c.prerequisites for c in rubric.criteria()}
    order, cycles = prerequisite_order(links)
    missing = sorted({p for ps in links.values() for p in ps if p not in links})
    if missing or cycles:
        detail = [f"unknown prerequisites {', '.join(missing)}"] if missing else []
        detail += [" -> ".join((*c, c[0])) for c in cycles]
        raise ValueError(
            f"rubric {rubric.id} {rubric.version} cannot be scored: {'; '.join(detail)}"
        )
    dependents: dict[str, list[str]] = {cid: [] for cid in links}
    for cid, prereqs in links.items():
        for p in dict.fromkeys(prereqs):
            dependents[p].append(cid)
    for area in rubric.areas:
        for crit in area.criteria:
            facts[crit.id] = CriterionFacts(
                criterion=crit,
                id=crit.id,
                core=crit.core,
                area_id=area.id,
                position=len(facts),
                items=frozenset(it.id for it in crit.checklist),
                required=crit.rule.required(len(crit.checklist)),
                prerequisites=tuple(dict.fromkeys(crit.prerequisites)),
                dependents=tuple(dependents[crit.id]),
            )
    return RubricIndex(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        criteria=MappingProxyType(facts),
        evaluation_order=tuple(facts[cid] for cid in order),
        areas=tuple((a.id, tuple(c.id for c in a.criteria)) for a in rubric.areas),
        core_ids=rubric.core_ids(),
        levels=tuple(sorted(rubric.levels, key=lambda lv: lv.min_percent)),
    )


_cache: dict[int, tuple[weakref.ref[Rubric], RubricIndex]] = {}
_lock = threading.Lock()


def index_for(rubric: Rubric) -> RubricIndex:
    """The index of this rubric object, built on first use and then reused."""
    key = id(rubric)
    hit = _cache.get(key)
    if hit is not None and hit[0]() is rubric:
        return hit[1]
    index = build_index(rubric)
    with _lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (weakref.ref(rubric), index)
    return index
