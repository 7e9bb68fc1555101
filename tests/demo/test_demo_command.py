"""`citycheck demo` as a user runs it: a scripted team end to end, in real processes.

Each run starts the sandbox Slack and `citycheck run` against it on this machine; the demo
exits 1 if the bot broke Slack's Web API contract even once, so exit 0 means zero violations.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, select

from storage.engine import make_engine
from storage.models import Answer, City
from tests.slack.processes import clean_env

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "demo-script.yaml"
LEVEL = re.compile(r"^Level: (\S+(?: yet)?) · (\d+) of 43 criteria met", re.MULTILINE)


def citycheck(
    *args: str | Path, stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    """Run `citycheck ARGS` (as `python -m bot`) in the repository, as a person would."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *map(str, args)],
        cwd=ROOT,
        env=clean_env(),
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_the_bundled_script_plays_and_its_level_is_what_score_says(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"

    done = citycheck("demo", "--script", SCRIPT, "--answers-out", answers)

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "0 Slack Web API contract violations" in out
    # setup and assignment through the coordinator's forms
    assert "Springfield is set up and its assessment has started." in out
    assert "Assignments for Springfield saved: 8 changes. I sent 4 people a direct message" in out
    # a question, shown in full the first time
    assert "DM1 · The city has a written data strategy and a standing governance body" in out
    assert "[ ] A written citywide data strategy exists" in out
    # pauses and resumes, a typed reply, evidence, going back, an edit through the old message
    assert "⏸️ Paused until" in out and "Welcome back! You have answered 7 of 13" in out
    assert "▸ tess types '1 2'\n    → tess: ✅ BF2 · 2 of 3 ticked · met" in out
    assert "📎 Evidence saved for DM7" in out and "✅ DM7 · 2 of 4 ticked · met · 📎 1" in out
    assert "↩️ LC3 · went back to LC2" in out
    assert "▸ rita changes OD1 to tick all, Save (Change on its old message)\n" in out
    assert "→ rita: ✅ OD1 · 4 of 4 ticked · met · changed" in out
    # an area's summary with its next steps, and the coordinator's status
    summary = out[out.index("DATA-DRIVEN BUDGET & FINANCE DONE: 2 OF 3 MET") :]
    assert "Next steps" in summary[:600] and "BF3 Identify one program" in summary[:600]
    assert "SPRINGFIELD · ASSESSMENT PROGRESS" in out and "Not started yet: omar" in out
    # the result in the team's channel, then the final report
    posted = out[out.index("┌ to #springfield-data\n    │ SPRINGFIELD'S ASSESSMENT IS COMPLETE") :]
    report = out[out.index("Springfield · final report (the assessment is complete") :]
    assert "To reach Gold (68%), meet 3 criteria:" in report
    assert "Next step: " in report

    database = re.search(r"^Database: (\S+)$", out, re.MULTILINE)
    assert database is not None and not Path(database.group(1)).parent.exists()  # cleaned up

    scored = citycheck("score", answers, "--format", "json")
    assert scored.returncode == 0, scored.stderr
    truth = json.loads(scored.stdout)
    shown = LEVEL.search(report)
    assert shown is not None
    assert (shown.group(1).lower(), int(shown.group(2))) == (truth["level"], truth["met"])
    assert f"Level: {shown.group(1)} · {truth['met']} of 43 criteria met" in posted
    written = yaml.safe_load(answers.read_text())
    assert written["OD1"] == "all"  # the edited answer, not the first
    assert written["DM7"] == ["resident-survey", "meeting-input-recorded"]  # items 1 and 3
    assert written["DM9"] == "unsure" and written["RDC3"] == "none"
    assert all(written[c] is not None for c in written)  # all 43 answered


def test_quiet_prints_only_the_final_report_and_uses_the_database_given(db_url: str) -> None:
    done = citycheck("demo", "--script", SCRIPT, "--quiet", "--database", db_url)

    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith("Springfield · final report")
    assert "▸" not in done.stdout and "Level: Silver" in done.stdout
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            assert [c.name for c in session.exec(select(City))] == ["Springfield"]
            assert len(session.exec(select(Answer)).all()) == 43
    finally:
        engine.dispose()

    again = citycheck("demo", "--script", SCRIPT, "--quiet", "--database", db_url)
    assert again.returncode == 1
    assert "the database already holds the demo workspace's cities (Springfield)" in again.stderr


def test_without_a_terminal_the_demo_plays_the_bundled_script() -> None:
    done = citycheck("demo", "--keep", stdin=subprocess.PIPE)

    assert done.returncode == 0, done.stderr
    kept = re.search(r"^Kept (\S+) \(the database", done.stdout, re.MULTILINE)
    assert kept is not None
    folder = Path(kept.group(1))
    try:
        assert done.stdout.startswith(
            "Not at a terminal (input or output is redirected): playing the bundled script instead."
        )
        assert f"playing {SCRIPT}" in done.stdout
        assert "SPRINGFIELD'S ASSESSMENT IS COMPLETE" in done.stdout
        assert f"Database: {folder / 'citycheck.db'}\n" in done.stdout
        assert (folder / "citycheck.db").stat().st_size > 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_malformed_script_is_refused_before_anything_starts(tmp_path: Path) -> None:
    script = tmp_path / "team.yaml"
    script.write_text(
        "city: Springfield\ncoordinator: cora\nteam:\n  rita: [OD]\nsteps:\n"
        "  - rita: start\n  - rita answers: [all, lots]\n  - rita dances: tango\n"
    )

    done = citycheck("demo", "--script", script)

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"{script}:7 steps[1].rita answers[1]: `lots` is not an answer: write item numbers "
        "(1 3) or all, none, unsure, skip, back",
        f"{script}:8 steps[2]: `dances` is not something a person does: use answers, types, "
        "pauses, changes, adds evidence",
        f"{script}: fix the script above and run again",
    ]
    assert done.stdout == ""


def test_a_step_that_cannot_be_done_names_its_line(tmp_path: Path) -> None:
    script = tmp_path / "team.yaml"
    script.write_text(
        "city: Springfield\ncoordinator: cora\nteam:\n  rita: [CI]\nsteps:\n"
        "  - rita: start\n  - rita answers: [all, 7]\n"
    )

    done = citycheck("demo", "--script", script, "--quiet")

    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"citycheck demo: {script}:7 steps[1] (rita answers): CI2 has 3 items; there is no item 7"
    )
