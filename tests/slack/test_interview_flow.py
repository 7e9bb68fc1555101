"""The interview end to end: the real app over HTTP against the sandbox Slack, on both databases.

Two respondents answer their areas by clicking and typing, pause, carry on after the app is
restarted on the same database, and change an earlier answer through its old message; the
city's result is posted once and its score is what `rubric.scoring.score` gives on the same
answers. Forged clicks change nothing and are explained.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.sandbox.respondent import Respondent, criterion_of
from bot.sandbox.server import LocalSandbox
from bot.sandbox.store import TEAM_ID
from bot.services.scores import score_rows
from bot.slack import ids
from rubric.scoring import Answer, score
from storage.engine import make_engine
from storage.enums import AssessmentStatus
from storage.models import Assessment
from storage.repo import answers, progress
from tests.slack.interview_world import RUBRIC, app_on, count_statements, seed_city


@pytest.fixture
def db_engines(db_url: str) -> Iterator[list[Engine]]:
    """Engines on one database, as separate app processes would have them (disposed after)."""
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


def _engine(db_url: str, made: list[Engine]) -> Engine:
    engine = make_engine(db_url)
    made.append(engine)
    return engine


def items(cid: str, *numbers: int) -> frozenset[str]:
    checklist = RUBRIC.criterion(cid).checklist
    chosen = numbers or tuple(range(1, len(checklist) + 1))
    return frozenset(checklist[n - 1].id for n in chosen)


def test_two_respondents_finish_with_pauses_typing_a_restart_and_an_edit(
    sandbox: LocalSandbox, db_url: str, db_engines: list[Engine]
) -> None:
    first = _engine(db_url, db_engines)
    with app_on(sandbox, first) as bot:
        world = seed_city(first, bot.workspace, people={"rita": ["OD", "BF"], "cora": ["CI"]})
        rita = Respondent(bot.workspace, world.user("rita"))
        cora = Respondent(bot.workspace, world.user("cora"))

        opening = rita.resume()
        assert criterion_of(opening) == "OD1"
        assert "Open Data · 1 of 4 · 1 of 7 overall" in opening["text"]
        rita.answer([1, 2])
        assert rita.record("OD1")["text"] == "🟡 OD1 · 2 of 4 ticked · partly met"
        rita.type("1, 3 and 4")
        rita.answer("skip")
        paused = rita.pause("Tomorrow")
        assert "Paused until" in paused and "OD4 (4 of 7)" in paused

        cora.resume()
        cora.type("all")
        asked = cora.type("pause")
        assert any("When should I remind you?" in text for text in asked)
        bot.workspace.click(world.user("cora"), "Next week")
        bot.workspace.wait_for_message(world.user("cora"), "Paused until")

    with Session(first) as session:
        place = progress.get_progress(
            session,
            person_id=_person_id(session, world.user("rita")),
            assessment_id=world.assessment_id,
        )
        assert place is not None and place.current_criterion_id == "OD4"
        assert place.paused_until is not None

    second = _engine(db_url, db_engines)  # a new process on the same database
    with app_on(sandbox, second) as bot:
        rita = Respondent(bot.workspace, world.user("rita"))
        cora = Respondent(bot.workspace, world.user("cora"))

        resumed = rita.click_resume()
        assert criterion_of(resumed) == "OD4"
        rita.answer("none")
        assert rita.criterion() == "BF1"
        rita.answer("all")
        rita.answer("unsure")
        rita.answer([1])
        revisit = rita.question()
        assert revisit is not None and criterion_of(revisit) == "OD3"
        assert "1 skipped question left" in _place_line(revisit)
        rita.answer("all")
        texts = [m["text"] for m in rita.messages()]
        assert any(t.startswith("Data-Driven Budget & Finance done: ") for t in texts)
        assert any(t.startswith("🎉 Thank you!") for t in texts)

        edited = rita.change("OD1", "all")
        assert edited["text"] == "✅ OD1 · 4 of 4 ticked · met · changed"

        cora.click_resume()
        cora.type("none")
        cora.type("not sure")
        result = bot.workspace.wait_for(
            lambda: [m for m in sandbox.history(channel_id=world.channel_id) if m.get("text")],
            what="the result in the digest channel",
        )

    expected = {
        "OD1": Answer(items("OD1")),
        "OD2": Answer(items("OD2", 1, 3, 4)),
        "OD3": Answer(items("OD3")),
        "OD4": Answer.none(),
        "BF1": Answer(items("BF1")),
        "BF2": Answer.not_sure(),
        "BF3": Answer(items("BF3", 1)),
        "CI1": Answer(items("CI1")),
        "CI2": Answer.none(),
        "CI3": Answer.not_sure(),
    }
    truth = score(RUBRIC, expected)
    with Session(second) as session:
        stored = answers.answers_for_assessment(session, assessment_id=world.assessment_id)
        assert score_rows(RUBRIC, stored) == truth
        od1 = answers.get_answer(session, assessment_id=world.assessment_id, criterion_id="OD1")
        assert od1 is not None
        history = answers.answer_history(session, answer_id=od1.id or 0)
        assert [h.new_value["ticked"] for h in history] == [
            sorted(items("OD1", 1, 2)),
            sorted(items("OD1")),
        ]
        assert history[1].old_value == history[0].new_value
        assessment = session.get(Assessment, world.assessment_id)
        assert assessment is not None and assessment.status == AssessmentStatus.COMPLETED
    assert len(result) == 1
    assert f"{truth.met} of 43 criteria met" in result[0]["text"]
    before_edit = score(RUBRIC, {**expected, "OD1": Answer(items("OD1", 1, 2))})
    od_summary = next(t for t in texts if t.startswith("Open Data done: "))
    assert od_summary.startswith(f"Open Data done: {before_edit.area('OD').met} of 4 met")


def test_forged_clicks_change_nothing_and_are_explained(
    sandbox: LocalSandbox,
    db_url: str,
    db_engines: list[Engine],
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = _engine(db_url, db_engines)
    with app_on(sandbox, engine) as bot:
        world = seed_city(engine, bot.workspace, people={"rita": ["OD"], "dave": ["BF"]})
        other = seed_city(engine, bot.workspace, people={"mallory": ["OD"]}, name="Shelbyville")
        rita = Respondent(bot.workspace, world.user("rita"))
        rita.resume()
        rita.answer([1])
        value = f"{world.assessment_id}:OD1"
        caplog.set_level(logging.WARNING, logger="citycheck.security")

        for user, action, forged in [
            (other.user("mallory"), ids.INTERVIEW_SAVE, value),
            (world.user("dave"), ids.INTERVIEW_NONE, value),
            (world.user("dave"), ids.INTERVIEW_SAVE, "DROP TABLE answer"),
            (other.user("mallory"), ids.INTERVIEW_RESUME, str(world.assessment_id)),
        ]:
            response = bot.workspace.click_forged(user, action, forged)
            assert response.status == 200
        mallory = bot.workspace.wait_for_message(other.user("mallory"), "another city", timeout=10)
        dave = bot.workspace.wait_for_message(world.user("dave"), "not assigned to you")
        bot.workspace.wait_for(
            lambda: len(bot.workspace.messages(other.user("mallory"))) == 2, what="two refusals"
        )

    assert "ephemeral_to" in mallory and "ephemeral_to" in dave
    with Session(engine) as session:
        stored = answers.answers_for_assessment(session, assessment_id=world.assessment_id)
        assert [(a.criterion_id, a.ticked) for a in stored] == [("OD1", sorted(items("OD1", 1)))]
        assert len(answers.answer_history(session, answer_id=stored[0].id or 0)) == 1
    denied = [r for r in caplog.records if r.name == "citycheck.security"]
    assert len(denied) == 4
    assert all(getattr(r, "security_event", False) for r in denied)


def test_one_answer_click_sends_at_most_six_statements(
    sandbox: LocalSandbox, db_url: str, db_engines: list[Engine], capsys: pytest.CaptureFixture[str]
) -> None:
    engine = _engine(db_url, db_engines)
    with app_on(sandbox, engine) as bot:
        world = seed_city(engine, bot.workspace, people={"rita": ["DM"]})
        rita = Respondent(bot.workspace, world.user("rita"))
        rita.resume()
        rita.answer([1])  # warm: the first click loads what is cached afterwards

        with count_statements(engine) as first_answer:
            rita.answer([1, 2])
        rita.answer("back")
        with count_statements(engine) as edit:
            rita.answer("all")

    with capsys.disabled():
        print(f"\nSQL statements per answer click: {first_answer.count} (new answer), "
              f"{edit.count} (changed answer)")  # fmt: skip
    assert first_answer.count <= 6, first_answer.sent
    assert edit.count <= 6, edit.sent


def _person_id(session: Session, slack_id: str) -> int:
    from storage.repo import orgs

    workspace = orgs.get_workspace(session, slack_team_id=TEAM_ID)
    assert workspace is not None and workspace.id is not None
    person = orgs.find_person(session, workspace_id=workspace.id, slack_user_id=slack_id)
    assert person is not None and person.id is not None
    return person.id


def _place_line(message: dict[str, object]) -> str:
    blocks = message.get("blocks") or []
    assert isinstance(blocks, list)
    place = next(b for b in blocks if b.get("block_id") == ids.BLOCK_QUESTION_PLACE)
    return str(place["elements"][0]["text"])
