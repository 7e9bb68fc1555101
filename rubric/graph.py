"""The prerequisite graph: an order with prerequisites first, and the cycles that prevent one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def prerequisite_order(
    prerequisites: Mapping[str, Sequence[str]],
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Ids with every prerequisite before its dependents, and each cycle found (rubric order).

    `prerequisites` maps every id, in rubric order, to the ids it needs; ids not in the mapping
    are ignored. A cycle is given once, starting at its first id in rubric order, e.g.
    ("DM3", "DM4") for DM3 -> DM4 -> DM3. Runs in linear time without recursion.
    """
    position = {cid: i for i, cid in enumerate(prerequisites)}
    needs = {
        cid: [p for p in dict.fromkeys(ps) if p in position] for cid, ps in prerequisites.items()
    }
    dependents: dict[str, list[str]] = {cid: [] for cid in prerequisites}
    waiting = {cid: len(ps) for cid, ps in needs.items()}
    for cid, ps in needs.items():
        for p in ps:
            dependents[p].append(cid)
    order = [cid for cid, count in waiting.items() if count == 0]
    for cid in order:  # grows while iterating: a breadth-first Kahn sort
        for dep in dependents[cid]:
            waiting[dep] -= 1
            if waiting[dep] == 0:
                order.append(dep)
    remaining = [cid for cid in prerequisites if waiting[cid] > 0]
    return tuple(order), _cycles(remaining, needs, waiting, position)


def _cycles(
    remaining: Sequence[str],
    needs: Mapping[str, Sequence[str]],
    waiting: Mapping[str, int],
    position: Mapping[str, int],
) -> tuple[tuple[str, ...], ...]:
    """Walk prerequisite links among the unsorted ids; every such walk ends in a cycle."""
    cycles: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for start in remaining:
        if start in seen:
            continue
        path: list[str] = []
        on_path: dict[str, int] = {}
        cid = start
        while cid not in seen and cid not in on_path:
            on_path[cid] = len(path)
            path.append(cid)
            cid = next(p for p in needs[cid] if waiting[p] > 0)
        if cid in on_path:
            loop = path[on_path[cid] :]
            first = min(range(len(loop)), key=lambda i: position[loop[i]])
            cycles.append(tuple(loop[first:] + loop[:first]))
        seen.update(path)
    return tuple(sorted(cycles, key=lambda c: position[c[0]]))
