"""Demo scripts read from YAML: what a well-formed script becomes, and errors that name the step."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo.report import answers_yaml
from bot.demo.script import ScriptError, load_script, parse_script
from rubric.answers import parse_answers
from rubric.loader import load_bundled_rubric
from rubric.scoring import Answer
from rubric.yaml_reader import MAX_BYTES

RUBRIC = load_bundled_rubric()
ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
city: Shelbyville
population: 60000
coordinator: cora
team:
  rita: [OD, BF]
  cora: CI
steps:
  - rita: start
  - rita answers: [all, 1 3, "2,4", 2, none, not sure, skip, back]
  - rita types: [1 3, none]
  - rita pauses: next week
  - rita changes: {OD1: all, BF2: [1, 2]}
  - rita adds evidence: {links: [https://data.example.gov], note: Adopted 2021}
  - cora: status
  - cora: home
  - cora: resume
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(ScriptError) as caught:
        parse_script(text, "team.yaml", RUBRIC)
    return [str(p) for p in caught.value.problems]


def test_a_script_becomes_the_team_and_its_steps_in_order() -> None:
    script = parse_script(GOOD, "team.yaml", RUBRIC)

    assert script.plan.city == "Shelbyville"
    assert script.plan.population == 60000
    assert script.plan.people == ["cora", "rita"]
    assert dict(script.plan.team) == {"rita": ("OD", "BF"), "cora": ("CI",)}
    assert [(s.who, s.verb, s.arg) for s in script.steps] == [
        ("rita", "start", None),
        ("rita", "answers", ("all", (1, 3), (2, 4), (2,), "none", "unsure", "skip", "back")),
        ("rita", "types", ("1 3", "none")),
        ("rita", "pauses", "Next week"),
        ("rita", "changes", (("OD1", "all"), ("BF2", (1, 2)))),
        ("rita", "adds evidence", ("https://data.example.gov", "Adopted 2021")),
        ("cora", "status", None),
        ("cora", "home", None),
        ("cora", "resume", None),
    ]
    assert script.steps[1].where == "team.yaml:9 steps[1]"


def test_the_bundled_script_is_valid_and_gives_every_area_to_someone() -> None:
    script = load_script(ROOT / "examples" / "demo-script.yaml", RUBRIC)

    assigned = sorted(area for areas in script.plan.team.values() for area in areas)
    assert assigned == sorted(area.id for area in RUBRIC.areas)
    verbs = {step.verb for step in script.steps}
    assert {"start", "resume", "answers", "types", "pauses", "changes", "status"} <= verbs


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("[all, 1 3,", "[all, maybe,"),
            "team.yaml:9 steps[1].rita answers[1]: `maybe` is not an answer: write item "
            "numbers (1 3) or all, none, unsure, skip, back",
        ),
        (
            ("  - rita: start\n", "  - rita: begin\n"),
            "team.yaml:8 steps[0]: `rita: begin`: what rita does is one of start, resume, "
            "status, home",
        ),
        (
            ("  - cora: status\n", "  - carl: status\n"),
            "team.yaml:14 steps[6]: `carl` is not the coordinator or in the team (cora, rita)",
        ),
        (
            ("  - rita pauses: next week\n", "  - rita sleeps: next week\n"),
            "team.yaml:11 steps[3]: `sleeps` is not something a person does: use answers, "
            "types, pauses, changes, adds evidence",
        ),
        (
            ("  - rita pauses: next week\n", "  - rita pauses: forever\n"),
            "team.yaml:11 steps[3].rita pauses: pause until one of: tomorrow, next week, myself",
        ),
        (
            ("{OD1: all, BF2: [1, 2]}", "{DM1: all}"),
            "team.yaml:12 steps[4].rita changes.DM1: DM1 is not in this person's areas (OD, BF)",
        ),
        (
            ("  rita: [OD, BF]\n", "  rita: [OD, BX]\n"),
            "team.yaml:5 team.rita[1]: no practice area `BX`: the areas are DM, LC, OD, PA, BF, "
            "RDC, CI, EVAL",
        ),
        (
            ('"2,4"', '"2,²"'),
            "team.yaml:9 steps[1].rita answers[2]: `2,²` is not an answer: write item numbers "
            "(1 3) or all, none, unsure, skip, back",
        ),
        (
            ("population: 60000\n", "population: many\n"),
            "team.yaml:2 population: write a whole number of residents, e.g. 114394",
        ),
        (
            ("coordinator: cora\n", "coordinater: cora\n"),
            "team.yaml:3 coordinater: unknown key `coordinater`: the keys are city, population, "
            "coordinator, team, steps",
        ),
    ],
    ids=lambda v: v[1] if isinstance(v, tuple) else None,
)
def test_a_mistake_names_its_line_and_step(change: tuple[str, str], expected: str) -> None:
    assert expected in _problems(GOOD.replace(*change))


def test_someone_without_areas_cannot_answer() -> None:
    text = GOOD.replace("  cora: CI\n", "").replace("  - cora: resume\n", "  - cora: start\n")

    assert _problems(text) == [
        "team.yaml:15 steps[8]: cora answers no practice area: add cora to `team` first"
    ]


def test_broken_yaml_and_a_missing_file_are_one_clear_line(tmp_path: Path) -> None:
    assert _problems("steps: [\n") == [
        "team.yaml:2: not valid YAML (expected the node content, but found '<stream end>'): "
        "check indentation and quotes"
    ]
    with pytest.raises(ScriptError, match="cannot read the file"):
        load_script(tmp_path / "none.yaml", RUBRIC)


def test_a_huge_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text(GOOD + "#" * (MAX_BYTES + 1), encoding="utf-8")

    def no_reading(*args: object, **kwargs: object) -> str:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_text", no_reading)
    with pytest.raises(ScriptError, match="at most 2,000,000 are read: is it the right file"):
        load_script(huge, RUBRIC)


def test_written_answers_read_back_as_the_same_answers() -> None:
    given = {
        "DM1": Answer.all_of(RUBRIC.criterion("DM1")),
        "DM2": Answer.of("documented-method"),
        "DM3": Answer.none(),
        "DM4": Answer.not_sure(),
    }

    text = answers_yaml(RUBRIC, given, title="four answers")

    assert "DM1: all\nDM2: [documented-method]\nDM3: none\nDM4: unsure\nDM5:\n" in text
    assert parse_answers(text, "written.yaml", RUBRIC) == given
