"""Loading rubric files: the bundled one passes; broken ones fail at the right line and path."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from rubric import schema
from rubric.loader import (
    bundled_rubric_path,
    load_bundled_rubric,
    load_rubric,
    parse_rubric,
)
from rubric.problems import Problem, RubricError
from rubric.validate import TEXT_LIMITS
from rubric.yaml_reader import MAX_BYTES
from tests.rubric.samples import SAMPLE

MARK = "# <-"
"""Put on the line where the problem must be reported."""


@dataclass(frozen=True)
class Broken:
    name: str
    edits: list[tuple[str, str]]
    path: str
    message: str

    def text(self) -> str:
        text = SAMPLE
        for old, new in self.edits:
            assert text.count(old) == 1, f"{self.name}: {old!r} must occur once in SAMPLE"
            text = text.replace(old, new)
        return text

    def expected_line(self, text: str) -> int:
        lines = [n for n, line in enumerate(text.splitlines(), start=1) if MARK in line]
        assert len(lines) == 1, f"{self.name}: mark exactly one line with {MARK!r}"
        return lines[0]


OPS1_CHECKLIST = """\
        checklist:
          - id: meetings
            text: Meetings happen every quarter
          - id: leaders
            text: Leaders attend
"""

BROKEN = [
    Broken(
        "empty checklist",
        [(OPS1_CHECKLIST, f"        checklist: []  {MARK}\n")],
        "areas[1].criteria[0].checklist",
        "at least one item is needed",
    ),
    Broken(
        "bare no as an item id",
        [("          - id: leaders\n", f"          - id: no  {MARK}\n")],
        "areas[1].criteria[0].checklist[1].id",
        "YAML reads `no` as a true/false value, but text is expected here: put it in quotes",
    ),
    Broken(
        "bare yes as a summary",
        [("summary: How the city runs on data.", f"summary: yes  {MARK}")],
        "areas[1].summary",
        "YAML reads `yes` as a true/false value",
    ),
    Broken(
        "misspelt key",
        [
            (
                "statement: The city publishes its performance.",
                f"statment: The city publishes its performance.  {MARK}",
            )
        ],
        "areas[1].criteria[1].statment",
        "`statment` is not a known key: did you mean `statement`?",
    ),
    Broken(
        "missing evidence",
        [
            ("      - id: GOV2\n", f"      - id: GOV2  {MARK}\n"),
            ("        evidence: The inventory.\n", ""),
        ],
        "areas[0].criteria[1].evidence",
        "`evidence` is missing: add the text",
    ),
    Broken(
        "criterion id used twice",
        [("      - id: OPS2\n", f"      - id: GOV2  {MARK}\n")],
        "areas[1].criteria[1].id",
        "criterion id GOV2 is already used at areas[0].criteria[1]",
    ),
    Broken(
        "prerequisite that does not exist",
        [("prerequisites: [OPS1]", f"prerequisites: [OPS9]  {MARK}")],
        "areas[1].criteria[1].prerequisites[0]",
        "there is no criterion OPS9 in this rubric: did you mean OPS1?",
    ),
    Broken(
        "prerequisite cycle",
        [("        core: true\n", f"        core: true\n        prerequisites: [GOV2]  {MARK}\n")],
        "areas[0].criteria[0].prerequisites",
        "prerequisites form a cycle (GOV1 -> GOV2 -> GOV1",
    ),
    Broken(
        "own prerequisite",
        [("prerequisites: [OPS1]", f"prerequisites: [OPS2]  {MARK}")],
        "areas[1].criteria[1].prerequisites[0]",
        "OPS2 cannot be its own prerequisite",
    ),
    Broken(
        "levels out of order",
        [("    min_percent: 75\n", f"    min_percent: 40  {MARK}\n")],
        "levels[1].min_percent",
        "silver needs 40%, which is not above bronze's 50%",
    ),
    Broken(
        "rule asks for more items than the checklist has",
        [("          at_least: 2\n", f"          at_least: 4  {MARK}\n")],
        "areas[0].criteria[1].rule.at_least",
        "at least 4 of 3 items can never be met",
    ),
    Broken(
        "checklist text too long for a checkbox",
        [("text: A written strategy exists", f"text: {'x' * 80}  {MARK}")],
        "areas[0].criteria[0].checklist[0].text",
        "the English text is 80 characters; Slack shows at most 75 in a checkbox option",
    ),
    Broken(
        "Spanish translation too long",
        [
            (
                "text: The strategy is approved",
                f"text:\n              en: The strategy is approved\n"
                f"              es: {'y' * 76}  {MARK}",
            )
        ],
        "areas[0].criteria[0].checklist[1].text.es",
        "the Spanish text is 76 characters",
    ),
    Broken(
        "checklist with one item",
        [
            (
                "          - id: approved\n            text: The strategy is approved\n",
                "",
            ),
            (
                "        checklist:\n          - id: written",
                f"        checklist:  {MARK}\n          - id: written",
            ),
        ],
        "areas[0].criteria[0].checklist",
        "has 1 item; add another",
    ),
    Broken(
        "no next steps",
        [
            (
                "        next_steps:\n          - action: Publish a yearly report\n"
                "            deliverable: A report draft\n            effort: S\n"
                "            owner: Performance manager\n            horizon_months: 3\n",
                f"        next_steps: []  {MARK}\n",
            )
        ],
        "areas[1].criteria[1].next_steps",
        "at least one next step is needed",
    ),
    Broken(
        "criterion id of the wrong shape",
        [("      - id: OPS1\n", f"      - id: ops1  {MARK}\n"), ("[OPS1]", "[ops1]")],
        "areas[1].criteria[0].id",
        "'ops1' is not a valid id: write 2 to 6 capital letters then 1 or 2 digits",
    ),
    Broken(
        "key written twice",
        [
            (
                "        rule: all\n        evidence: Meeting",
                f"        rule: all\n        rule: all  {MARK}\n        evidence: Meeting",
            )
        ],
        "areas[1].criteria[0].rule",
        "`rule` appears twice (first on line",
    ),
    Broken(
        "effort that is not S, M or L",
        [("            effort: L\n", f"            effort: XL  {MARK}\n")],
        "areas[1].criteria[0].next_steps[0].effort",
        "must be one of 'S', 'M' or 'L'",
    ),
    Broken(
        "version written as a number",
        [('version: "1"', f"version: 1.0  {MARK}")],
        "version",
        "YAML reads `1.0` as a number, but text is expected here: put it in quotes, '1.0'",
    ),
    Broken(
        "checklist item id used twice in a criterion",
        [("          - id: recent\n", f"          - id: method  {MARK}\n")],
        "areas[0].criteria[1].checklist[1].id",
        "item id method is already used at checklist[0]",
    ),
    Broken(
        "unsupported language",
        [
            (
                "summary: How the city decides about data.",
                f"summary:\n      en: Data.\n      fr: Données.  {MARK}",
            )
        ],
        "areas[0].summary.fr",
        "`fr` is not a supported language: use en, es or pt",
    ),
    Broken(
        "threshold above 100",
        [("    min_percent: 100\n", f"    min_percent: 120  {MARK}\n")],
        "levels[2].min_percent",
        "write a percentage above 0 and at most 100",
    ),
    Broken(
        "rule that is neither all nor at_least",
        [
            (
                "        rule: all\n        evidence: Meeting",
                f"        rule: most  {MARK}\n        evidence: Meeting",
            )
        ],
        "areas[1].criteria[0].rule",
        "write `all`, or `at_least: k`",
    ),
]


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_a_broken_rubric_fails_at_the_right_line_and_path(case: Broken) -> None:
    text = case.text()
    with pytest.raises(RubricError) as caught:
        parse_rubric(text, "broken.yaml")
    expected = (case.expected_line(text), case.path)
    found = [p for p in caught.value.problems if (p.line, p.path) == expected]
    assert found, f"no problem at line {expected[0]} {expected[1]}; got:\n{caught.value}"
    assert case.message in found[0].message
    assert found[0].file == "broken.yaml"


def test_the_sample_rubric_itself_is_valid() -> None:
    rubric = parse_rubric(SAMPLE, "sample.yaml")
    assert [c.id for c in rubric.criteria()] == ["GOV1", "GOV2", "OPS1", "OPS2"]


def test_every_problem_of_form_is_reported_at_once() -> None:
    text = (
        SAMPLE.replace(OPS1_CHECKLIST, "        checklist: []\n")
        .replace("          - id: recent\n", "          - id: no\n")
        .replace("statement: The city publishes", "statment: The city publishes")
        .replace('version: "1"', "version: 2")
    )
    with pytest.raises(RubricError) as caught:
        parse_rubric(text, "many.yaml")
    paths = [p.path for p in caught.value.problems]
    assert paths == [
        "version",
        "areas[0].criteria[1].checklist[1].id",
        "areas[1].criteria[0].checklist",
        "areas[1].criteria[1].statement",
        "areas[1].criteria[1].statment",
    ]
    assert str(caught.value).startswith("5 problems:\nmany.yaml:2 version: ")


def test_every_rule_across_the_rubric_is_reported_at_once() -> None:
    text = (
        SAMPLE.replace("prerequisites: [OPS1]", "prerequisites: [OPS9]")
        .replace("    min_percent: 75\n", "    min_percent: 40\n")
        .replace("      - id: OPS1\n", "      - id: GOV1\n")
    )
    with pytest.raises(RubricError) as caught:
        parse_rubric(text, "many.yaml")
    messages = "\n".join(p.message for p in caught.value.problems)
    assert "not above bronze's 50%" in messages
    assert "criterion id GOV1 is already used" in messages
    assert "there is no criterion OPS9" in messages


def test_a_problem_reads_file_line_path_and_message() -> None:
    problem = Problem(
        "city-data-practices.yaml",
        212,
        "areas[3].criteria[2].checklist",
        "at least one item is needed",
    )
    assert str(problem) == (
        "city-data-practices.yaml:212 areas[3].criteria[2].checklist: at least one item is needed"
    )
    assert str(Problem("x.yaml", None, "", "the file is empty")) == "x.yaml: the file is empty"


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]
"""


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (BILLION_LAUGHS, 2, "aliases (*name) are not allowed: write the value out in full"),
        ("title: " + "[" * 500 + "]" * 500 + "\n", 1, "nesting is deeper than"),
        ("id: x\ntitle: !!python/object/apply:os.system [echo hacked]\n", 2, "is not allowed here"),
        ("id: x\ntitle: [unclosed\nlevels: []\n", 3, "not valid YAML"),
        ("id: x\n---\nid: y\n", 2, "only one YAML document is read"),
        ("- a list\n- not a rubric\n", 1, "expected a mapping with keys such as id, version"),
        ("", None, "the file is empty"),
        ("# only a comment\n", None, "the file is empty"),
    ],
    ids=[
        "alias bomb",
        "deep nesting",
        "python tag",
        "syntax",
        "two documents",
        "list",
        "empty",
        "comment",
    ],
)
def test_hostile_or_malformed_input_is_refused_with_a_clear_message(
    text: str, line: int | None, message: str
) -> None:
    with pytest.raises(RubricError) as caught:
        parse_rubric(text, "hostile.yaml")
    problems = caught.value.problems
    assert any(p.line == line and message in p.message for p in problems), str(caught.value)


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * (MAX_BYTES // 10 + 1))
    with pytest.raises(RubricError, match=r"at most 2,000,000"):
        load_rubric(big)
    with pytest.raises(RubricError, match=r"at most 2,000,000"):
        parse_rubric(big.read_text(), "big.yaml")


def test_unreadable_files_say_why(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="cannot read the file"):
        load_rubric(tmp_path / "missing.yaml")
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("title: Datos públicos\n".encode("latin-1"))
    with pytest.raises(RubricError, match=r"not UTF-8 text.*save the file as UTF-8"):
        load_rubric(latin1)


def test_the_bundled_rubric_is_valid_and_matches_the_standard() -> None:
    rubric = load_rubric(bundled_rubric_path())
    counts = {area.id: len(area.criteria) for area in rubric.areas}
    assert counts == {"DM": 9, "LC": 7, "OD": 4, "PA": 5, "BF": 3, "RDC": 8, "CI": 3, "EVAL": 4}
    assert set(rubric.core_ids()) == {"DM1", "LC1", "PA1"}
    assert [(lv.id, lv.min_percent) for lv in rubric.levels] == [
        ("silver", Decimal(51)),
        ("gold", Decimal(68)),
        ("platinum", Decimal(85)),
    ]
    assert load_bundled_rubric() is load_bundled_rubric()


def _text_fields(model: type[schema.BaseModel]) -> list[str]:
    hints = typing.get_type_hints(model)
    return [
        name
        for name in model.model_fields
        if schema.Text in (hints[name], *typing.get_args(hints[name]))
    ]


def test_every_text_field_of_the_schema_has_a_slack_limit() -> None:
    models = [
        obj
        for obj in vars(schema).values()
        if isinstance(obj, type)
        and issubclass(obj, schema.BaseModel)
        and obj.__module__ == schema.__name__
    ]
    fields = {(m, name) for m in models for name in _text_fields(m)}
    assert fields, "the schema has Text fields"
    assert fields <= set(TEXT_LIMITS), f"no limit for {fields - set(TEXT_LIMITS)}"
