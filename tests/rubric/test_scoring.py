"""Scoring: each criterion's status, area and overall shares, the level and what blocks it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rubric.schema import Level, Text
from rubric.scoring import (
    Answer,
    CriterionStatus,
    UnknownAnswerError,
    percent_of,
    reaches,
    score,
)
from tests.rubric.samples import SAMPLE, AnswerSpec, answers_for, sample_rubric

RUBRIC = sample_rubric()
MET, PARTLY, NOT_MET, UNKNOWN, BLOCKED = (
    CriterionStatus.MET,
    CriterionStatus.PARTLY_MET,
    CriterionStatus.NOT_MET,
    CriterionStatus.UNKNOWN,
    CriterionStatus.BLOCKED,
)


@pytest.mark.parametrize(
    ("answers", "criterion", "status", "reason"),
    [
        ({"GOV1": "all"}, "GOV1", MET, "2 of 2 items needed"),
        ({"GOV1": ["written"]}, "GOV1", PARTLY, "1 of 2 items needed"),
        ({"GOV1": "none"}, "GOV1", NOT_MET, "0 of 2 items needed"),
        ({"GOV1": "unsure"}, "GOV1", UNKNOWN, "not answered yet"),
        ({}, "GOV1", UNKNOWN, "not answered yet"),
        ({"GOV1": (["written"], "unsure")}, "GOV1", UNKNOWN, "1 items, unsure"),
        ({"GOV1": (["written", "approved"], "unsure")}, "GOV1", MET, "2 of 2 items needed"),
        ({"GOV1": "all", "GOV2": ["method", "published"]}, "GOV2", MET, "2 of 2 items needed"),
        ({"GOV1": "all", "GOV2": ["method"]}, "GOV2", PARTLY, "1 of 2 items needed"),
        ({"GOV1": "all", "GOV2": "all"}, "GOV2", MET, "3 of 2 items needed"),
        ({"GOV1": ["written"], "GOV2": "all"}, "GOV2", BLOCKED, "needs GOV1 first"),
        ({"GOV2": "all"}, "GOV2", BLOCKED, "needs GOV1 first"),
        ({"OPS1": "none", "OPS2": ["report"]}, "OPS2", BLOCKED, "needs OPS1 first"),
        ({"OPS1": "all", "OPS2": ["dashboard"]}, "OPS2", MET, "1 of 1 items needed"),
    ],
)
def test_criterion_status(
    answers: dict[str, AnswerSpec], criterion: str, status: CriterionStatus, reason: str
) -> None:
    result = score(RUBRIC, answers_for(RUBRIC, answers)).criteria[criterion]
    assert (result.status, result.reason) == (status, reason)


def test_a_blocked_criterion_keeps_what_its_answer_alone_would_give() -> None:
    result = score(RUBRIC, answers_for(RUBRIC, {"GOV2": "all"})).criteria["GOV2"]
    assert result.answer_status is MET
    assert result.blocked_by == ("GOV1",)
    assert not result.met


@pytest.mark.parametrize(
    ("answers", "met", "percent", "areas", "level", "blocked_by", "reason"),
    [
        (
            {},
            0,
            Decimal(0),
            [("GOV", 0, 2), ("OPS", 0, 2)],
            None,
            ("GOV1",),
            "core criterion GOV1 is not met; 0 of 4 criteria met (0%); Bronze needs 50%",
        ),
        (
            {"GOV1": "all"},
            1,
            Decimal(25),
            [("GOV", 1, 2), ("OPS", 0, 2)],
            None,
            (),
            "1 of 4 criteria met (25%); Bronze needs 50%",
        ),
        (
            {"GOV1": "all", "OPS1": "all"},
            2,
            Decimal(50),
            [("GOV", 1, 2), ("OPS", 1, 2)],
            "bronze",
            (),
            None,
        ),
        (
            {"GOV1": "all", "GOV2": "all", "OPS1": "all"},
            3,
            Decimal(75),
            [("GOV", 2, 2), ("OPS", 1, 2)],
            "silver",
            (),
            None,
        ),
        (
            {"GOV1": "all", "GOV2": "all", "OPS1": "all", "OPS2": "all"},
            4,
            Decimal(100),
            [("GOV", 2, 2), ("OPS", 2, 2)],
            "gold",
            (),
            None,
        ),
        (
            {"GOV1": ["written"], "OPS1": "all", "OPS2": "all"},
            2,
            Decimal(50),
            [("GOV", 0, 2), ("OPS", 2, 2)],
            None,
            ("GOV1",),
            "core criterion GOV1 is not met",
        ),
    ],
    ids=["nothing", "core only", "bronze", "silver", "gold", "held back by core"],
)
def test_overall_and_area_results(
    answers: dict[str, AnswerSpec],
    met: int,
    percent: Decimal,
    areas: list[tuple[str, int, int]],
    level: str | None,
    blocked_by: tuple[str, ...],
    reason: str | None,
) -> None:
    result = score(RUBRIC, answers_for(RUBRIC, answers))
    assert (result.met, result.total, result.percent) == (met, 4, percent)
    assert [(a.area_id, a.met, a.total) for a in result.areas] == areas
    assert (result.level.id if result.level else None) == level
    assert result.blocked_by == blocked_by
    assert result.reason == reason


def test_held_back_by_core_still_shows_the_level_the_share_would_reach() -> None:
    result = score(RUBRIC, answers_for(RUBRIC, {"GOV1": "none", "OPS1": "all", "OPS2": "all"}))
    assert result.level is None
    assert result.level_by_percent is not None and result.level_by_percent.id == "bronze"


def test_unknown_criteria_count_in_totals_and_in_unknown() -> None:
    result = score(RUBRIC, answers_for(RUBRIC, {"GOV1": "all", "OPS1": "unsure"}))
    # GOV2 unanswered and OPS1 unsure are unknown; OPS2 waits for OPS1, so it is blocked.
    assert (result.unknown, result.area("OPS").unknown, result.area("OPS").total) == (2, 1, 2)
    assert result.criteria["OPS2"].status is BLOCKED


@pytest.mark.parametrize(
    ("met", "total", "min_percent", "expected"),
    [
        (22, 43, "51", True),  # 51.16%
        (21, 43, "51", False),  # 48.84%
        (30, 43, "68", True),  # 69.77%
        (29, 43, "68", False),  # 67.44%: never rounded up to 68
        (37, 43, "85", True),
        (36, 43, "85", False),
        (29, 100, "29", True),  # 29 / 100 * 100 is 28.999999999999996 in floating point
        (57, 100, "57", True),
        (2, 3, "66.67", False),  # 66.666...%
        (2, 3, "66.66", True),
        (0, 43, "0.01", False),
    ],
)
def test_thresholds_compare_exactly(met: int, total: int, min_percent: str, expected: bool) -> None:
    level = Level(id="x", name=Text(en="X"), min_percent=Decimal(min_percent))
    assert reaches(met, total, level) is expected


def test_displayed_percentages_round_down() -> None:
    assert percent_of(29, 43) == Decimal("67.4")  # 67.44...
    assert percent_of(2, 3) == Decimal("66.6")  # never shown as 66.7
    assert percent_of(0, 0) == Decimal(0)


def test_answers_naming_unknown_criteria_or_items_are_an_error_naming_them() -> None:
    answers = {
        "GOV1": Answer.of("written", "signed"),
        "XYZ9": Answer.none(),
        "OPS1": Answer.of("meetings"),
    }
    with pytest.raises(UnknownAnswerError) as caught:
        score(RUBRIC, answers)
    assert caught.value.criterion_ids == ("XYZ9",)
    assert caught.value.item_ids == {"GOV1": ("signed",)}
    assert str(caught.value) == "no criteria XYZ9 in rubric sample; GOV1 has no items signed"


def test_answer_constructors() -> None:
    gov1 = RUBRIC.criterion("GOV1")
    assert Answer.all_of(gov1) == Answer(frozenset({"written", "approved"}))
    assert Answer.none() == Answer(frozenset())
    assert Answer.not_sure() == Answer(frozenset(), unsure=True)
    assert Answer.of("written") == Answer(frozenset({"written"}))


def test_two_rubrics_with_the_same_id_and_version_are_scored_each_by_its_own_rules() -> None:
    stricter = sample_rubric(SAMPLE.replace("    min_percent: 50\n", "    min_percent: 60\n"))
    answers = answers_for(RUBRIC, {"GOV1": "all", "OPS1": "all"})
    assert score(RUBRIC, answers).level is not None
    assert score(stricter, answers).level is None
