"""The demo at the keyboard: a person answers, ticks, pauses, resumes, looks as the coordinator.

The first tests feed the loop's input function (the real sandbox, bot process and database
underneath); the last one types into `citycheck demo` through a pseudo-terminal.
"""

from __future__ import annotations

import os
import re
import select
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo.run import DemoOptions, take_assessment
from rubric.loader import load_bundled_rubric
from tests.slack.processes import clean_env

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = load_bundled_rubric()


class Keyboard:
    """Types the given lines at the prompts, and records everything shown, prompts included."""

    def __init__(self, lines: list[str]) -> None:
        self.lines: Iterator[str] = iter(lines)
        self.shown: list[str] = []

    def read(self, prompt: str) -> str:
        line = next(self.lines)  # StopIteration here would mean the loop asked once too often
        self.shown.append(prompt + line)
        return line

    def say(self, text: str) -> None:
        self.shown.append(text)

    @property
    def text(self) -> str:
        return "\n".join(self.shown)

    def after(self, typed: str, nth: int = 0) -> str:
        """What was shown after the `nth` prompt where `typed` was typed, up to the next one."""
        text = self.text
        starts = [m.end() for m in re.finditer(rf"\] > {re.escape(typed)}\n", text)]
        start = starts[nth]
        following = re.search(r"\n\[(you|cora)\] > ", text[start:])
        return text[start : start + following.start()] if following else text[start:]


def _items(cid: str, *numbers: int) -> list[str]:
    checklist = RUBRIC.criterion(cid).checklist
    return sorted(checklist[n - 1].id for n in numbers)


def test_a_person_answers_pauses_resumes_and_looks_as_the_coordinator(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    keys = Keyboard(
        [
            "help",
            "1",
            "tick 1 2",
            "tick 12",
            "5",
            "all",
            "pause",
            "1",
            "status",
            "resume",
            "none",
            "switch coordinator",
            "status",
            "switch",
            "3",
            "quit",
        ]
    )

    code = take_assessment(
        DemoOptions(database=f"sqlite:///{database}"), keys.read, keys.say, keys.say
    )

    assert code == 0, keys.text
    assert "0 Slack Web API contract violations" in keys.text
    assert "tick 1 3       tick exactly checkboxes 1 and 3" in keys.after("help")
    started = keys.after("1")
    assert "Let's start: 7 questions, in Open Data (4), Community Impact (3)." in started
    assert "  [1] [ ] The policy is in an ordinance, executive order or adopted policy" in started
    assert "[5] Save   [6] None of these   [7] Not sure   [8] Skip" in started
    ticked = keys.after("tick 1 2")
    assert "  [2] [x] It makes publishing the default" in ticked
    assert "  [3] [ ] It names who oversees publishing" in ticked
    assert "there is no [12] here; choose 1 to 11; type help" in keys.after("tick 12")
    assert "→ you: 🟡 OD1 · 2 of 4 ticked · partly met" in keys.after("5")
    assert "OD2 · The city gives residents and staff clear guidance" in keys.after("5")
    assert "→ you: ✅ OD2 · 4 of 4 ticked · met" in keys.after("all")
    assert "[1] Tomorrow   [2] Next week   [3] I'll come back myself" in keys.after("pause")
    assert "⏸️ Paused until" in keys.after("1", 1)
    assert "• Open Data: 2/4" in keys.after("status")
    assert "Welcome back! You have answered 2 of 7" in keys.after("resume")
    assert "→ you: ❌ OD3 · 0 of 3 ticked · not met" in keys.after("none")
    assert "You are now cora, the coordinator." in keys.after("switch coordinator")
    progress = keys.text[keys.text.index("[cora] > status") :]
    assert "SPRINGFIELD · ASSESSMENT PROGRESS" in progress
    assert "Open Data 3/4 · you" in progress
    assert "You are now you, the respondent." in keys.after("switch")
    assert "  [3] [x] At least one change was made because of what users said" in keys.after("3")
    leaving = keys.text[keys.text.index("[you] > quit") :]
    assert "Before you go: what cora, the coordinator, sees with /citycheck status:" in leaving
    assert "Open Data 3/4 · you" in leaving
    assert "final report (the assessment is not complete yet" in leaving

    with sqlite3.connect(database) as db:
        stored = dict(db.execute("SELECT criterion_id, ticked FROM answer").fetchall())
    assert set(stored) >= {"OD1", "OD2", "OD3"}
    assert stored["OD1"] == str(_items("OD1", 1, 2)).replace("'", '"')
    assert stored["OD3"] == "[]"


def test_finishing_shows_the_result_and_the_coordinators_home(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    keys = Keyboard(
        [
            "1",
            "all",
            "all",
            "all",
            "1 2",
            "1 2 3",
            "all",
            "1",
            "4",
            "switch coordinator",
            "home",
            "quit",
        ]
    )

    code = take_assessment(DemoOptions(answers_out=answers), keys.read, keys.say, keys.say)

    assert code == 0, keys.text
    finished = keys.after("4")
    assert "COMMUNITY IMPACT DONE: 3 OF 3 MET" in finished
    assert "🎉 Thank you! Every question of your areas is answered." in finished
    assert "SPRINGFIELD'S ASSESSMENT IS COMPLETE" in finished
    assert "[Create improvement plan]" in finished
    assert "switch coordinator, then status or home" in finished
    home = keys.after("home")
    assert "Springfield · 43 of 43 questions answered" in home
    assert "Community Impact 3/3 ✓ · you" in home
    report = keys.text[keys.text.index("[cora] > quit") :]
    level = re.search(r"\nLevel: (\w+) · (\d+) of 43 criteria met", report)
    assert level is not None
    assert f"Level: {level.group(1)} · {level.group(2)} of 43 criteria met" in finished
    assert "CI3: [published-findings]" in answers.read_text()


def test_the_demo_waits_for_a_person_at_a_terminal(tmp_path: Path) -> None:
    main, secondary = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo"],
        cwd=ROOT,
        env=clean_env(TERM="dumb"),
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        start_new_session=True,
    )
    os.close(secondary)
    seen = ""

    def until(pattern: str, timeout: float = 90.0) -> str:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while pattern not in seen:
            ready, _, _ = select.select([main], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                raise AssertionError(f"no {pattern!r} on the terminal; it shows:\n{seen[-3000:]}")
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other end closed
                chunk = b""
            if not chunk:
                raise AssertionError(f"the demo ended before {pattern!r}:\n{seen[-3000:]}")
            seen += chunk.decode("utf-8", "replace")
        found, seen = seen, seen[seen.index(pattern) + len(pattern) :]
        return found

    try:
        intro = until("[you] > ")
        assert "Welcome to the citycheck demo." in intro
        assert "Cora, the coordinator, has assigned you two" in intro
        os.write(main, b"1\n")
        assert "OD1 · The city has an open data policy" in until("[you] > ")
        os.write(main, b"none\n")
        assert "❌ OD1 · 0 of 4 ticked · not met" in until("[you] > ")
        os.write(main, b"quit\n")
        assert "0 Slack Web API contract violations" in until("violations")
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)
