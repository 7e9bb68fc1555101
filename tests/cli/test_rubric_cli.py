"""`citycheck rubric check|show` and `citycheck score`, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app
from tests.rubric.samples import SAMPLE

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "answers"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "sample.yaml"
    path.write_text(SAMPLE)
    return path


@pytest.mark.parametrize(
    "command",
    [[], ["rubric"], ["rubric", "check"], ["rubric", "show"], ["score"], ["demo"]],
    ids=lambda c: " ".join(c) or "citycheck",
)
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage: citycheck" in result.stdout


def test_check_passes_the_bundled_rubric_with_a_summary() -> None:
    result = run("rubric", "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "bundled rubric: ok: city-data-practices 2022.1, 8 areas, 43 criteria (3 core), "
        "3 levels (Silver 51%, Gold 68%, Platinum 85%)\n"
    )


def test_check_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        SAMPLE.replace("    min_percent: 75\n", "    min_percent: 40\n").replace(
            "prerequisites: [OPS1]", "prerequisites: [OPS9]"
        )
    )
    result = run("rubric", "check", broken)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"{broken}:10 levels[1].min_percent: silver needs 40%, which is not above bronze's 50%: "
        "list levels from lowest to highest, each with a higher min_percent"
    )
    assert lines[1].startswith(f"{broken}:87 areas[1].criteria[1].prerequisites[0]: ")
    assert lines[2] == "2 problems: the rubric is not valid"


def test_check_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("rubric", "check", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_show_prints_levels_areas_and_criteria(sample_file: Path) -> None:
    result = run("rubric", "show", sample_file)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Sample rubric (sample 1)", "Levels: Bronze 50% · Silver 75% · Gold 100%"]
    assert "GOV  Governance (2)" in lines
    gov2 = next(line for line in lines if line.strip().startswith("GOV2"))
    assert "at least 2 of 3" in gov2 and "needs GOV1" in gov2
    assert "The city keeps a data inventory." in gov2


def test_show_of_the_bundled_rubric_lists_all_43_criteria() -> None:
    result = run("rubric", "show")
    assert result.exit_code == 0
    rows = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(rows) == 43


def test_score_json_has_level_percent_areas_blocked_by_and_gap() -> None:
    result = run("score", EXAMPLES / "gold.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["level"], data["met"], data["total"], data["percent"]) == ("gold", 31, 43, 72.0)
    assert data["blocked_by"] == []
    assert [a["id"] for a in data["areas"]] == ["DM", "LC", "OD", "PA", "BF", "RDC", "CI", "EVAL"]
    assert {"id", "met", "total", "percent"} <= set(data["areas"][0])
    assert sum(a["met"] for a in data["areas"]) == 31
    assert data["next_level"]["target"] == "platinum"
    assert data["gap"], "a Gold city has a gap to Platinum"
    for item in data["gap"]:
        assert (
            item["criterion"]
            and item["next_step"]["action"]
            and item["next_step"]["effort"] in "SML"
        )
    assert 31 + len(data["gap"]) >= 37  # 85% of 43, rounded up


def test_score_json_of_a_city_held_back_by_a_core_criterion() -> None:
    result = run("score", EXAMPLES / "held-back-by-core.yaml", "--format", "json")
    data = json.loads(result.stdout)
    assert data["level"] is None
    assert data["level_by_percent"] == "gold"
    assert data["blocked_by"] == ["PA1"]
    assert data["reason"] == "core criterion PA1 is not met"
    assert [item["criterion"] for item in data["gap"]] == ["PA1"]


def test_score_text_is_a_readable_report() -> None:
    result = run("score", EXAMPLES / "held-back-by-core.yaml")
    assert result.exit_code == 0
    out = result.stdout
    assert "Level: none yet · 31 of 43 criteria met (72%)" in out
    assert "Held back: core criterion PA1 is not met." in out
    assert "The share met alone would reach Gold." in out
    assert "Performance & Analytics" in out and "0/5" in out
    assert "To reach Gold (68%), meet 1 criterion:" in out
    assert "Then PA2, PA3 count too" in out


def test_score_names_unknown_ids_and_exits_1(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("DM1: all\nXX1: none\nDM2: [documented-method, made-up]\n")
    result = run("score", answers)
    assert result.exit_code == 1
    assert f"{answers}:2 XX1: no criterion XX1 in city-data-practices 2022.1" in result.stderr
    assert f"{answers}:3 DM2[1]: DM2 has no item `made-up`" in result.stderr
    assert result.stdout == ""


def test_score_against_another_rubric(sample_file: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("GOV1: all\nOPS1: all\nOPS2: [report]\n")
    result = run("score", answers, "--rubric", sample_file, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["level"], data["met"], data["total"]) == ("silver", 3, 4)
    assert [g["criterion"] for g in data["gap"]] == ["GOV2"]


def test_score_with_a_broken_rubric_lists_its_problems(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(SAMPLE.replace('version: "1"', "version: 1.0"))
    result = run("score", EXAMPLES / "gold.yaml", "--rubric", broken)
    assert result.exit_code == 1
    assert f"{broken}:2 version: YAML reads `1.0` as a number" in result.stderr


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("gold.yaml", "gold"),
        ("held-back-by-core.yaml", None),
        ("no-level.yaml", None),
        ("platinum.yaml", "platinum"),
        ("silver.yaml", "silver"),
    ],
)
def test_every_example_answers_file_scores_at_its_level(name: str, level: str | None) -> None:
    result = run("score", EXAMPLES / name, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["level"] == level


def test_python_dash_m_bot_runs_the_same_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "rubric", "check"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert "43 criteria (3 core)" in done.stdout
