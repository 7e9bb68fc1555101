"""The gap to the next level and an area's nudges, on the four-criterion sample rubric.

Sample: GOV1 (core, all 2, effort M), GOV2 (2 of 3, S, needs GOV1), OPS1 (all 2, L),
OPS2 (1 of 2, S, needs OPS1). Bronze 50% (2 met), Silver 75% (3), Gold 100% (4).
"""

from __future__ import annotations

import pytest

from rubric.loader import load_bundled_rubric
from rubric.planning import area_nudges, gap_to_next_level
from rubric.schema import Rubric
from rubric.scoring import score
from tests.rubric.samples import SAMPLE, AnswerSpec, answers_for, sample_rubric
from tests.rubric.test_properties import criterion_of, rubric_of

RUBRIC = sample_rubric()


def _gap(spec: dict[str, AnswerSpec], text: str = SAMPLE) -> tuple[object, ...]:
    rubric = RUBRIC if text is SAMPLE else sample_rubric(text)
    gap = gap_to_next_level(rubric, score(rubric, answers_for(rubric, spec)))
    return (
        gap.target.id if gap.target else None,
        [(item.criterion_id, item.needed_for) for item in gap.items],
        gap.reaches.id if gap.reaches else None,
        gap.unblocked,
        gap.message,
    )


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {},
            (
                "bronze",
                [("GOV1", None), ("GOV2", None)],
                "bronze",
                (),
                "meet 2 criteria to reach Bronze",
            ),
        ),
        (
            {"GOV1": "all", "GOV2": "none", "OPS1": ["meetings"]},
            ("bronze", [("OPS1", None)], "bronze", (), "meet 1 criterion to reach Bronze"),
        ),
        (
            {"GOV1": "all", "GOV2": "all", "OPS1": "none", "OPS2": "all"},
            ("silver", [("OPS1", None)], "gold", ("OPS2",), "meet 1 criterion to reach Gold"),
        ),
        (
            {"GOV1": ["written"], "GOV2": "all", "OPS1": "all", "OPS2": "all"},
            ("bronze", [("GOV1", None)], "gold", ("GOV2",), "meet 1 criterion to reach Gold"),
        ),
        (
            {"GOV1": "all", "GOV2": "all", "OPS1": "all"},
            ("gold", [("OPS2", None)], "gold", (), "meet 1 criterion to reach Gold"),
        ),
        (
            {"GOV1": "all", "GOV2": "all", "OPS1": "all", "OPS2": "all"},
            (None, [], "gold", (), "already at Gold, the top level"),
        ),
    ],
    ids=[
        "core first, then least effort",
        "partly met before less effort",
        "a prerequisite that unblocks an answer",
        "held back by core: the gap still leads up",
        "last criterion",
        "at the top",
    ],
)
def test_gap_to_next_level(answers: dict[str, AnswerSpec], expected: tuple[object, ...]) -> None:
    assert _gap(answers) == expected


# Small rubrics for the smallest gap. Every criterion has two items, i0 and i1, both needed;
# effort S unless given.
C = criterion_of
FREEING_CASES = {
    "freeing an answer beats one criterion at a time": (
        rubric_of(
            [61],
            C("AA1"),
            C("BB1"),
            C("CC1", prerequisites=("BB1",)),
            C("CC2", prerequisites=("AA1", "CC1")),
            C("CC3"),
        ),
        {"CC2": ["i0", "i1"], "CC3": ["i0"]},
        ([("AA1", None), ("BB1", None), ("CC1", None)], ("CC2",), "meet 3 criteria to reach L61"),
    ),
    "a prerequisite comes just before the partly met criterion it unlocks": (
        rubric_of([100], C("AA1", effort="L"), C("AA2", prerequisites=("AA1",)), C("BB1")),
        {"AA2": ["i0"], "BB1": ["i0", "i1"]},
        ([("AA1", "AA2"), ("AA2", None)], (), "meet 2 criteria to reach L100"),
    ),
    "of two equally small plans, the one with a partly met criterion": (
        rubric_of(
            [40],
            C("AA1"),
            C("AA2", prerequisites=("AA1",)),
            C("BB1", effort="L"),
            C("BB2", prerequisites=("BB1",)),
            C("CC1"),
        ),
        {"AA2": ["i0", "i1"], "BB1": ["i0"], "BB2": ["i0", "i1"]},
        ([("BB1", None)], ("BB2",), "meet 1 criterion to reach L40"),
    ),
    "a core criterion already answered brings its prerequisite": (
        rubric_of(
            [50], C("AA1", effort="L"), C("AA2", core=True, prerequisites=("AA1",)), C("BB1")
        ),
        {"AA2": ["i0", "i1"], "BB1": ["i0", "i1"]},
        ([("AA1", "AA2")], ("AA2",), "meet 1 criterion to reach L50"),
    ),
}


@pytest.mark.parametrize(
    ("rubric", "answers", "expected"), FREEING_CASES.values(), ids=FREEING_CASES.keys()
)
def test_the_smallest_gap_counts_the_answers_it_frees(
    rubric: Rubric, answers: dict[str, AnswerSpec], expected: tuple[object, ...]
) -> None:
    gap = gap_to_next_level(rubric, score(rubric, answers_for(rubric, answers)))
    items = [(item.criterion_id, item.needed_for) for item in gap.items]
    assert (items, gap.unblocked, gap.message) == expected


def test_a_core_criterion_brings_its_prerequisite_along_listed_before_it() -> None:
    core_is_gov2 = SAMPLE.replace("        core: true\n", "").replace(
        "      - id: GOV2\n", "      - id: GOV2\n        core: true\n"
    )
    target, items, *_ = _gap({"OPS1": "all"}, core_is_gov2)
    assert (target, items) == ("bronze", [("GOV1", "GOV2"), ("GOV2", None)])


def test_gap_items_carry_status_missing_items_and_the_first_next_step() -> None:
    gap = gap_to_next_level(RUBRIC, score(RUBRIC, answers_for(RUBRIC, {"GOV1": ["written"]})))
    first = gap.items[0]
    assert (first.criterion_id, first.core, first.status.value, first.missing) == (
        "GOV1",
        True,
        "partly_met",
        1,
    )
    assert first.next_step == RUBRIC.criterion("GOV1").next_steps[0]
    assert first.area_id == "GOV"


@pytest.mark.parametrize(
    ("answers", "area", "limit", "expected"),
    [
        ({}, "OPS", 3, [("OPS1", ()), ("OPS2", ("OPS1",))]),
        ({}, "OPS", 1, [("OPS1", ())]),
        ({"GOV1": ["written"], "GOV2": ["method"]}, "GOV", 3, [("GOV1", ()), ("GOV2", ("GOV1",))]),
        ({"GOV1": "all", "GOV2": "all"}, "GOV", 3, []),
        ({"OPS1": "all", "OPS2": "none"}, "OPS", 3, [("OPS2", ())]),
    ],
)
def test_area_nudges(
    answers: dict[str, AnswerSpec],
    area: str,
    limit: int,
    expected: list[tuple[str, tuple[str, ...]]],
) -> None:
    result = score(RUBRIC, answers_for(RUBRIC, answers))
    nudges = area_nudges(RUBRIC, result, area, limit=limit)
    assert [(n.criterion_id, n.blocked_by) for n in nudges] == expected
    for nudge in nudges:
        assert nudge.next_step == RUBRIC.criterion(nudge.criterion_id).next_steps[0]


def test_nudges_for_an_unknown_area_name_it() -> None:
    with pytest.raises(KeyError, match="no area 'XX'"):
        area_nudges(RUBRIC, score(RUBRIC, {}), "XX")


def test_nudges_default_to_the_top_three_core_first() -> None:
    rubric = load_bundled_rubric()
    result = score(rubric, {})
    nudges = area_nudges(rubric, result, "DM")
    assert [n.criterion_id for n in nudges] == ["DM1", "DM2", "DM3"]
    assert nudges[0].core
