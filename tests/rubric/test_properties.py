"""Properties over random rubrics and answers: scores only rise as items are ticked; meeting the
gap reaches the level it promises with no smaller set of criteria doing so; the greedy search
used for rubrics with many blocked answers still reaches the level."""

from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rubric.gap_search import smallest_plan
from rubric.index import index_for
from rubric.planning import gap_to_next_level
from rubric.schema import (
    Area,
    ChecklistItem,
    Criterion,
    Effort,
    Level,
    NextStep,
    Rubric,
    Rule,
    Text,
)
from rubric.scoring import Answer, Score, score
from rubric.validate import validate_rubric

AREA_IDS = ["AA", "BB", "CC"]


def criterion_of(
    cid: str,
    items: int = 2,
    at_least: int | None = None,
    core: bool = False,
    prerequisites: tuple[str, ...] = (),
    effort: Effort = "S",
) -> Criterion:
    """A criterion with `items` checklist items i0, i1, ... and one next step."""
    return Criterion(
        id=cid,
        statement=Text(en=f"{cid} is in place"),
        why=Text(en="why"),
        checklist=tuple(ChecklistItem(id=f"i{k}", text=Text(en=f"item {k}")) for k in range(items)),
        rule=Rule(at_least=at_least),
        evidence=Text(en="evidence"),
        core=core,
        prerequisites=prerequisites,
        next_steps=(
            NextStep(
                action=Text(en="act"),
                deliverable=Text(en="a thing"),
                effort=effort,
                owner=Text(en="owner"),
                horizon_months=3,
            ),
        ),
    )


def rubric_of(thresholds: list[int], *criteria: Criterion) -> Rubric:
    """A valid rubric whose areas are named by the criteria's ids (AA1 goes in area AA)."""
    by_area: dict[str, list[Criterion]] = {}
    for crit in criteria:
        by_area.setdefault(crit.id.rstrip("0123456789"), []).append(crit)
    rubric = Rubric(
        id="random",
        version="1",
        title=Text(en="Random"),
        levels=tuple(
            Level(id=f"level-{t}", name=Text(en=f"L{t}"), min_percent=Decimal(t))
            for t in thresholds
        ),
        areas=tuple(
            Area(id=area_id, name=Text(en=area_id), summary=Text(en="s"), criteria=tuple(crits))
            for area_id, crits in by_area.items()
        ),
    )
    assert validate_rubric(rubric) == []
    return rubric


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    """A valid rubric of 1-3 areas, 1-8 criteria, prerequisites on earlier criteria, 1-3 levels."""
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    criteria: list[Criterion] = []
    for area_id, size in zip(AREA_IDS, sizes, strict=False):
        for n in range(1, size + 1):
            items = draw(st.integers(2, 5))
            ids = [c.id for c in criteria]
            criteria.append(
                criterion_of(
                    f"{area_id}{n}",
                    items=items,
                    at_least=draw(st.none() | st.integers(1, items)),
                    core=draw(st.booleans()) and draw(st.booleans()),
                    prerequisites=tuple(
                        draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)) if ids else []
                    ),
                    effort=draw(st.sampled_from(["S", "M", "L"])),
                )
            )
    thresholds = sorted(draw(st.sets(st.integers(1, 100), min_size=1, max_size=3)))
    return rubric_of(thresholds, *criteria)


# Meeting AA1, BB1 and CC1 (three) frees CC2, whose answer already meets its rule: four of five
# criteria met, which 61% needs. Meeting criteria one at a time for the most gained takes four.
FREES_AN_ANSWER = (
    rubric_of(
        [61],
        criterion_of("AA1"),
        criterion_of("BB1"),
        criterion_of("CC1", prerequisites=("BB1",)),
        criterion_of("CC2", prerequisites=("AA1", "CC1")),
        criterion_of("CC3"),
    ),
    {"CC2": Answer.of("i0", "i1"), "CC3": Answer.of("i0")},
)


@st.composite
def rubric_and_answers(draw: st.DrawFn) -> tuple[Rubric, dict[str, Answer]]:
    """A random rubric and answers to some of its criteria (ticked items, maybe unsure)."""
    rubric = draw(rubrics())
    answers = {}
    for crit in rubric.criteria():
        if draw(st.integers(0, 4)) == 0:
            continue  # unanswered
        ids = [it.id for it in crit.checklist]
        ticked = draw(st.sets(st.sampled_from(ids)))
        answers[crit.id] = Answer(frozenset(ticked), unsure=draw(st.integers(0, 5)) == 0)
    return rubric, answers


def _level_rank(rubric: Rubric, result: Score) -> int:
    ordered = sorted(rubric.levels, key=lambda lv: lv.min_percent)
    return 0 if result.level is None else ordered.index(result.level) + 1


@settings(max_examples=300, deadline=None)
@given(rubric_and_answers(), st.data())
def test_ticking_one_more_item_never_lowers_a_score(
    case: tuple[Rubric, dict[str, Answer]], data: st.DataObject
) -> None:
    rubric, answers = case
    crit = data.draw(st.sampled_from(rubric.criteria()))
    before_answer = answers.get(crit.id, Answer())
    untick = [it.id for it in crit.checklist if it.id not in before_answer.ticked]
    if not untick:
        return
    item = data.draw(st.sampled_from(untick))
    after_answers = {
        **answers,
        crit.id: Answer(before_answer.ticked | {item}, before_answer.unsure),
    }
    before, after = score(rubric, answers), score(rubric, after_answers)
    for cid, result in before.criteria.items():
        assert after.criteria[cid].met >= result.met, cid
    for old, new in zip(before.areas, after.areas, strict=True):
        assert new.met >= old.met and new.percent >= old.percent
    assert after.met >= before.met
    assert _level_rank(rubric, after) >= _level_rank(rubric, before)


def _meet(rubric: Rubric, answers: dict[str, Answer], ids: tuple[str, ...]) -> dict[str, Answer]:
    return {**answers, **{cid: Answer.all_of(rubric.criterion(cid)) for cid in ids}}


@settings(max_examples=300, deadline=None)
@given(rubric_and_answers())
@example(FREES_AN_ANSWER)
def test_meeting_the_gap_reaches_its_level_and_no_smaller_set_does(
    case: tuple[Rubric, dict[str, Answer]],
) -> None:
    rubric, answers = case
    result = score(rubric, answers)
    gap = gap_to_next_level(rubric, result)
    if gap.target is None:
        assert result.level == max(rubric.levels, key=lambda lv: lv.min_percent)
        assert gap.items == ()
        return
    after = score(rubric, _meet(rubric, answers, gap.criterion_ids))
    assert after.level == gap.reaches
    assert after.level is not None and after.level.min_percent >= gap.target.min_percent
    # No smaller set of unmet criteria reaches the target level.
    unmet = [cid for cid, r in result.criteria.items() if not r.met]
    for size in range(len(gap.items)):
        for subset in itertools.combinations(unmet, size):
            trial = score(rubric, _meet(rubric, answers, subset))
            assert trial.level is None or trial.level.min_percent < gap.target.min_percent, subset


@settings(max_examples=300, deadline=None)
@given(rubric_and_answers())
@example(FREES_AN_ANSWER)
def test_the_greedy_search_for_many_blocked_answers_still_reaches_the_level(
    case: tuple[Rubric, dict[str, Answer]],
) -> None:
    rubric, answers = case
    result = score(rubric, answers)
    index = index_for(rubric)
    lowest = index.levels[0]
    greedy = smallest_plan(index, result.criteria, index.needed_to_reach(lowest), exact_groups=0)
    exact = smallest_plan(index, result.criteria, index.needed_to_reach(lowest))
    after = score(rubric, _meet(rubric, answers, tuple(greedy)))
    assert after.level is not None, greedy
    assert not any(result.criteria[cid].met for cid in greedy)
    assert len(exact) <= len(greedy)
