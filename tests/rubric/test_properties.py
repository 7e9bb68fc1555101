"""Properties over random rubrics and answers: scores only rise as items are ticked, and meeting
the gap reaches the level it promises with no smaller set of criteria doing so."""

from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from rubric.planning import gap_to_next_level
from rubric.schema import (
    Area,
    ChecklistItem,
    Criterion,
    Level,
    NextStep,
    Rubric,
    Rule,
    Text,
)
from rubric.scoring import Answer, Score, score
from rubric.validate import validate_rubric

AREA_IDS = ["AA", "BB", "CC"]


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    """A valid rubric of 1-3 areas, 1-8 criteria, prerequisites on earlier criteria, 1-3 levels."""
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    areas, ids = [], []
    for area_id, size in zip(AREA_IDS, sizes, strict=False):
        criteria = []
        for n in range(1, size + 1):
            cid = f"{area_id}{n}"
            items = draw(st.integers(2, 5))
            at_least = draw(st.none() | st.integers(1, items))
            prereqs = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)) if ids else []
            criteria.append(
                Criterion(
                    id=cid,
                    statement=Text(en=f"{cid} is in place"),
                    why=Text(en="why"),
                    checklist=tuple(
                        ChecklistItem(id=f"i{k}", text=Text(en=f"item {k}")) for k in range(items)
                    ),
                    rule=Rule(at_least=at_least),
                    evidence=Text(en="evidence"),
                    core=draw(st.booleans()) and draw(st.booleans()),
                    prerequisites=tuple(prereqs),
                    next_steps=(
                        NextStep(
                            action=Text(en="act"),
                            deliverable=Text(en="a thing"),
                            effort=draw(st.sampled_from(["S", "M", "L"])),
                            owner=Text(en="owner"),
                            horizon_months=3,
                        ),
                    ),
                )
            )
            ids.append(cid)
        areas.append(
            Area(id=area_id, name=Text(en=area_id), summary=Text(en="s"), criteria=tuple(criteria))
        )
    thresholds = sorted(draw(st.sets(st.integers(1, 100), min_size=1, max_size=3)))
    levels = tuple(
        Level(id=f"level-{t}", name=Text(en=f"L{t}"), min_percent=Decimal(t)) for t in thresholds
    )
    rubric = Rubric(
        id="random", version="1", title=Text(en="Random"), levels=levels, areas=tuple(areas)
    )
    assert validate_rubric(rubric) == []
    return rubric


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
