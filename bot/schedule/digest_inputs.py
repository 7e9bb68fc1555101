"""What the weekly digests are built from, reduced once for every city that shares it.

Digests of thousands of cities are built from a few bulk reads (`bot.schedule.digest`). Most
of what those reads return repeats from city to city: the same criteria planned, the same
counts, the same calendars and assignments. `Memo` works each distinct value out once; the
functions here are what it works out, and how packed rows (`storage.repo.digests`) are reduced
to what a digest shows. `collector_paused` keeps Python's garbage collector from walking the
hundreds of thousands of rows and lines again and again while they are built.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_
from typing import TypeVar

from bot.schedule.calendar import working_days_after, zone
from bot.schedule.levels import LevelScorer, scorer_for
from bot.schedule.policies import IDLE_WORKING_DAYS
from rubric.index import index_for
from rubric.schema import Rubric
from storage.enums import AnswerStatus
from storage.repo import digests

K = TypeVar("K")
V = TypeVar("V")

Tally = tuple[tuple[int, ...], int, int]
"""Milestones counted: by area in the rubric's order, the bits of the criteria they meet when
done, and in all (criteria the rubric lacks too)."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a digest's rows and lines are built.

    Its full collections would walk every line built so far, again and again (named tuples
    are never untracked), although these objects form no cycles: reference counting frees them
    as usual. The collector runs again afterwards, if it ran before.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


class Memo(dict[K, V]):
    """A dict that works out each missing value once, with `compute(key)`."""

    def __init__(self, compute: Callable[[K], V]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: K) -> V:
        value = self[key] = self.compute(key)
        return value


def tally(criterion: Mapping[str, tuple[int, int]], areas: int, packed: str) -> Tally:
    """Packed milestone criteria (`PlanRow`) counted by area, as bits, and in all."""
    counts, mask, total = [0] * areas, 0, 0
    for cid in digests.ids_of(packed):
        total += 1
        where = criterion.get(cid)
        if where is not None:
            counts[where[0]] += 1
            mask |= where[1]
    return tuple(counts), mask, total


def level_id(scorer: LevelScorer, met_by_answer: int) -> str | None:
    """The id of the level reached when these criteria's answers meet their rules, if any."""
    reached = scorer.level(met_by_answer)
    return reached.id if reached else None


def areas_in_rubric(area_at: Mapping[str, int], areas: tuple[str, ...]) -> tuple[int, ...]:
    """The positions of these areas in the rubric (areas it lacks are left out)."""
    return tuple(n for area in areas if (n := area_at.get(area)) is not None)


def alone_in_rubric(
    criterion: Mapping[str, tuple[int, int]],
    area_ids: Sequence[str],
    key: tuple[tuple[str, ...], tuple[str, ...]],
) -> tuple[str, ...]:
    """Of criteria assigned alone, those of the rubric outside the person's whole areas."""
    single, areas = key
    return tuple(
        cid for cid in single if cid in criterion and area_ids[criterion[cid][0]] not in areas
    )


def due_day(value: date | str) -> tuple[date, int]:
    """A due date as read (text on SQLite), and its ordinal."""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return day, day.toordinal()


def latest_idle_day(key: tuple[date, tuple[int, ...]]) -> date | None:
    """The latest local day whose last activity leaves a respondent idle for
    `IDLE_WORKING_DAYS` working days by `today`; None when the week has no working day."""
    today, working_days = key
    if not any(1 <= d <= 7 for d in working_days):
        return None
    day = today
    while working_days_after(day, today, working_days) < IDLE_WORKING_DAYS:
        day -= timedelta(days=1)
    return day


def local_days_in(tz: str) -> Memo[datetime, date]:
    """Instants' local dates in a timezone, each worked out once."""
    where = zone(tz)
    return Memo(lambda moment: moment.astimezone(where).date())


def answered_by_area(
    rubric: Rubric, answered: Mapping[int, Sequence[str]]
) -> dict[int, tuple[int, ...]]:
    """Each round's count of answered criteria in each area, in the rubric's order."""
    index = index_for(rubric)
    position = {cid: n for n, (_, ids) in enumerate(index.areas) for cid in ids}
    areas = range(len(index.areas))
    found = {}
    for round_id, ids in answered.items():
        positions = list(map(position.get, ids))
        found[round_id] = tuple(map(positions.count, areas))
    return found


def met_by_answers(rubric: Rubric, packed: Mapping[int, str]) -> dict[int, int]:
    """Each round's criteria met by their answers (scorer bits), from `answer_records`.

    Rounds share most answer values (the same criterion, status and ticks), so each distinct
    record is judged once.
    """
    scorer = scorer_for(index_for(rubric))
    judged: Memo[str, int] = Memo(lambda record: _judge(scorer, record))
    return {
        round_id: reduce(or_, map(judged.__getitem__, text.split(digests.RECORD_SEPARATOR)), 0)
        for round_id, text in packed.items()
    }


def _judge(scorer: LevelScorer, record: str) -> int:
    """The criterion's bit if its packed answer meets its rule (prerequisites aside), else 0."""
    cid, status, ticked = digests.answer_fields(record)
    facts = scorer.index.criteria.get(cid)
    if status == AnswerStatus.SKIPPED or facts is None:
        return 0
    items = facts.items.intersection(json.loads(ticked) or ())
    return scorer.bit[cid] if len(items) >= facts.required else 0
