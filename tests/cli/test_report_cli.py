"""`citycheck report` and `citycheck cohort report`, run as a user would, on a database file."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session

from rubric.loader import load_bundled_rubric
from storage.engine import make_engine
from storage.repo import orgs
from tests.builders import NOW
from tests.reports.helpers import CITY_NAMES, build_cohort
from tests.reports.page import Page

FIVE = ["silver", "gold", "platinum", "no-level", "held-back-by-core"]


@pytest.fixture
def cohort_db(db_url: str) -> str:
    """A database with five answered cities (Ashford is Silver) and one without a round."""
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            cities = build_cohort(session, load_bundled_rubric(), FIVE)
            orgs.create_city(
                session,
                workspace_id=cities[0].workspace.id or 0,
                name="Nowhere",
                timezone="UTC",
                now=NOW,
            )
            session.commit()
    finally:
        engine.dispose()
    return db_url


def citycheck(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url}
    env.pop("CITYCHECK_RUBRIC", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_text_report_by_name(cohort_db: str) -> None:
    result = citycheck(cohort_db, "report", "ashford")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Ashford · Round 1 ·")
    assert "Level: Silver · 23 of 43 criteria met (53.4%)" in result.stdout
    assert "Against the median of the 5 cities" in result.stdout
    assert result.stderr == ""


def test_json_report_by_id_matches_the_text_one(cohort_db: str) -> None:
    result = citycheck(cohort_db, "report", "1", "--format", "json")

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["city"]["name"] == "Ashford"
    assert (data["score"]["met"], data["score"]["level"]) == (23, "silver")
    assert len(data["criteria"]) == 43


def test_csv_and_html_to_files(cohort_db: str, tmp_path: Path) -> None:
    csv_path, html_path = tmp_path / "a.csv", tmp_path / "a.html"

    made_csv = citycheck(cohort_db, "report", "Ashford", "--format", "csv", "-o", str(csv_path))
    made_html = citycheck(
        cohort_db, "report", "Ashford", "--format", "html", "--lang", "es", "-o", str(html_path)
    )

    assert made_csv.returncode == 0 and made_html.returncode == 0, made_csv.stderr
    assert made_csv.stdout == "" and f"wrote {csv_path}" in made_csv.stderr
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text("utf-8-sig"))))
    assert len(rows) == 43 and rows[0]["criterion"] == "DM1"
    page = Page(html_path.read_text("utf-8"))
    assert page.lang == "es"
    assert len(page.table("criteria", area="DM").rows) == 9


def test_unknown_city_lists_the_known_ones(cohort_db: str) -> None:
    result = citycheck(cohort_db, "report", "Atlantis")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: no city 'Atlantis'. Known cities (name, id): ")
    for name in [*CITY_NAMES[:5], "Nowhere"]:
        assert name in result.stderr


def test_a_city_without_a_round_says_so(cohort_db: str) -> None:
    result = citycheck(cohort_db, "report", "Nowhere")

    assert result.returncode == 1
    assert result.stderr == "error: Nowhere has not started an assessment yet: nothing to report\n"


def test_cohort_report_lists_every_city(cohort_db: str) -> None:
    text = citycheck(cohort_db, "cohort", "report")
    as_csv = citycheck(cohort_db, "cohort", "report", "--format", "csv")
    other = citycheck(cohort_db, "cohort", "report", "--workspace", "T0ELSEWHERE")

    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("6 cities, 5 with results\n")
    lines = {line.split()[0]: line.split(maxsplit=1)[1] for line in text.stdout.splitlines()[1:]}
    assert lines["Nowhere"] == "no assessment yet"
    assert lines["Ashford"] == "43 of 43 answered · Silver, 53.4% met"
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout.lstrip("\ufeff"))))
    assert [r["city"] for r in rows] == [*CITY_NAMES[:5], "Nowhere"]
    assert rows[0]["level"] == "silver" and rows[0]["answered"] == "43"
    assert other.returncode == 1
    assert "no workspace T0ELSEWHERE" in other.stderr


def test_a_database_without_citycheck_is_refused(empty_db_url: str) -> None:
    result = citycheck(empty_db_url, "report", "Ashford")

    assert result.returncode == 1
    assert "has no citycheck data: check DATABASE_URL" in result.stderr


@pytest.mark.parametrize("command", [["report"], ["cohort"], ["cohort", "report"]])
def test_report_commands_have_help(command: list[str]) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    result = CliRunner().invoke(app, [*command, "--help"])

    assert result.exit_code == 0
    assert "Usage: citycheck" in result.stdout
