"""Answers files: the format, every mistake reported with its line, and the bundled examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rubric.answers import load_answers, parse_answers
from rubric.loader import load_bundled_rubric
from rubric.planning import gap_to_next_level
from rubric.problems import AnswersError
from rubric.scoring import Answer, score
from tests.rubric.samples import sample_rubric

RUBRIC = sample_rubric()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "answers"


def test_each_answer_form_is_read() -> None:
    text = """\
GOV1: all
GOV2: [method, recent]
OPS1: none
OPS2: unsure
"""
    assert parse_answers(text, "a.yaml", RUBRIC) == {
        "GOV1": Answer.of("written", "approved"),
        "GOV2": Answer.of("method", "recent"),
        "OPS1": Answer.none(),
        "OPS2": Answer.not_sure(),
    }


def test_an_empty_value_means_not_answered() -> None:
    assert parse_answers("GOV1: all\nGOV2:\n", "a.yaml", RUBRIC) == {
        "GOV1": Answer.of("written", "approved")
    }


def test_every_mistake_is_reported_with_its_line() -> None:
    text = """\
GOV1: all
G0V1: all
GOV2: [method, signed, no]
OPS1: yes
OPS2: maybe
"""
    with pytest.raises(AnswersError) as caught:
        parse_answers(text, "a.yaml", RUBRIC)
    assert [str(p) for p in caught.value.problems] == [
        "a.yaml:2 G0V1: no criterion G0V1 in sample 1: did you mean GOV1?",
        "a.yaml:3 GOV2[1]: GOV2 has no item `signed`: its items are method, recent, published",
        "a.yaml:3 GOV2[2]: YAML reads `no` as a true/false value, not an item id: "
        "its items are method, recent, published",
        "a.yaml:4 OPS1: YAML reads `yes` as a true/false value, not an answer: "
        "write all, none, unsure or a list of ticked item ids",
        "a.yaml:5 OPS2: `maybe` is not an answer: "
        "write all, none, unsure or a list of ticked item ids",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- GOV1\n- GOV2\n", "expected a mapping of criterion ids to all, none, unsure"),
        ("GOV1: all\nGOV1: none\n", "`GOV1` appears twice (first on line 1): keep one"),
        ("a: &x all\nb: *x\n", "aliases (*name) are not allowed"),
    ],
)
def test_malformed_answers_files_are_refused(text: str, message: str) -> None:
    with pytest.raises(AnswersError, match=re.escape(message)):
        parse_answers(text, "a.yaml", RUBRIC)


def test_a_missing_answers_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(AnswersError, match="cannot read the file"):
        load_answers(tmp_path / "nope.yaml", RUBRIC)


@pytest.mark.parametrize(
    ("name", "level"),
    [("silver", "silver"), ("gold", "gold"), ("platinum", "platinum"), ("no-level", None)],
)
def test_example_answers_score_as_their_names_say(name: str, level: str | None) -> None:
    rubric = load_bundled_rubric()
    result = score(rubric, load_answers(EXAMPLES / f"{name}.yaml", rubric))
    assert (result.level.id if result.level else None) == level
    assert result.unknown > 0  # every example has something left to find out


def test_the_held_back_example_is_blocked_only_by_a_core_criterion() -> None:
    rubric = load_bundled_rubric()
    result = score(rubric, load_answers(EXAMPLES / "held-back-by-core.yaml", rubric))
    assert result.level is None
    assert result.blocked_by == ("PA1",)
    assert result.level_by_percent is not None and result.level_by_percent.id == "gold"
    gap = gap_to_next_level(rubric, result)
    assert gap.criterion_ids == ("PA1",)


def test_the_examples_are_the_five_named_cities() -> None:
    names = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
    assert names == ["gold", "held-back-by-core", "no-level", "platinum", "silver"]
