"""`Respondent.answer` returns once the bot has answered the click, even when a note (evidence
saved) was posted after the question, so a script can read the next question at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.sandbox.respondent import Respondent
from bot.sandbox.testing import strict_sandbox
from storage.engine import make_engine
from tests.slack.interview_world import app_on, seed_city


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine the app's threads share (a SQLite file, or PostgreSQL)."""
    made = make_engine(db_url)
    yield made
    made.dispose()


def test_an_answer_after_a_note_waits_for_the_next_question(engine: Engine) -> None:
    with strict_sandbox() as sandbox, app_on(sandbox, engine) as bot:
        world = seed_city(engine, bot.workspace, people={"rita": ["OD"]})
        user = world.user("rita")
        rita = Respondent(bot.workspace, user)
        question = rita.resume()
        bot.workspace.click_in(user, question, "Add evidence")
        bot.workspace.wait_for(lambda: bot.workspace.modal(user), what="the evidence form")
        bot.workspace.submit_modal(user, {"Links, one per line": "https://data.example.gov"})
        bot.workspace.wait_for_message(user, "Evidence saved for OD1")

        rita.answer([1])

        assert rita.criterion() == "OD2"  # no waiting here: answer() has waited
        assert rita.record("OD1")["text"] == "🟡 OD1 · 1 of 4 ticked · partly met · 📎 1"
