"""The interview's Slack side over HTTP: typed replies claimed once, ignored messages, ticks,
Back, the evidence modal, the App Home's Resume, and `/citycheck resume` without areas."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.sandbox.driver import Workspace
from bot.sandbox.respondent import Respondent, criterion_of
from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest
from bot.slack import ids
from storage.engine import make_engine
from storage.repo import answers
from tests.slack.interview_world import SEEDED_AT as NOW_SEEDED
from tests.slack.interview_world import World, app_on, seed_city


@pytest.fixture
def engine_on_file(db_url: str) -> Iterator[Engine]:
    """An engine the app's threads can share (a SQLite file, or PostgreSQL)."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def served(sandbox: LocalSandbox, engine_on_file: Engine) -> Iterator[tuple[BotUnderTest, World]]:
    """The app, and a city where rita answers Open Data and Budget & Finance."""
    with app_on(sandbox, engine_on_file) as bot:
        world = seed_city(engine_on_file, bot.workspace, people={"rita": ["OD", "BF"]})
        yield bot, world


def _stored(engine: Engine, world: World) -> dict[str, list[str]]:
    with Session(engine) as session:
        rows = answers.answers_for_assessment(session, assessment_id=world.assessment_id)
        return {row.criterion_id: list(row.ticked) for row in rows}


def _history_size(engine: Engine, world: World, cid: str) -> int:
    with Session(engine) as session:
        row = answers.get_answer(session, assessment_id=world.assessment_id, criterion_id=cid)
        return 0 if row is None else len(answers.answer_history(session, answer_id=row.id or 0))


def _dm_event(workspace: Workspace, user: str, text: str, **extra: object) -> dict[str, object]:
    dm = workspace.dm(user)
    return {
        "type": "message", "channel": dm, "user": user, "text": text, "ts": "1800000000.000100",
        "channel_type": "im", "team": workspace.identity["team_id"], **extra,
    }  # fmt: skip


def test_a_typed_reply_retried_by_slack_is_stored_once(
    served: tuple[BotUnderTest, World], engine_on_file: Engine
) -> None:
    bot, world = served
    rita = Respondent(bot.workspace, world.user("rita"))
    rita.resume()
    event = _dm_event(bot.workspace, world.user("rita"), "1 2")

    bot.workspace.send_event(event, event_id="EvTYPED1")
    bot.workspace.send_event(event, event_id="EvTYPED1", retry_num=1)
    bot.workspace.wait_for(lambda: rita.question() and rita.criterion() == "OD2", what="OD2")
    bot.drain()

    assert _stored(engine_on_file, world) == {"OD1": sorted(rita_items("OD1", 1, 2))}
    assert _history_size(engine_on_file, world, "OD1") == 1
    assert sum("OD2" in m["text"] and "overall" in m["text"] for m in rita.messages()) == 1


def test_the_bots_own_messages_and_message_subtypes_are_ignored(
    served: tuple[BotUnderTest, World], engine_on_file: Engine
) -> None:
    bot, world = served
    rita = Respondent(bot.workspace, world.user("rita"))
    rita.resume()
    before = len(rita.messages())
    user = world.user("rita")

    bot.workspace.send_event(_dm_event(bot.workspace, user, "1", subtype="message_changed"))
    bot.workspace.send_event(_dm_event(bot.workspace, user, "1", bot_id="B0OTHER"))
    bot_user = bot.workspace.identity["bot_user_id"]
    bot.workspace.send_event(_dm_event(bot.workspace, bot_user, "1"))
    bot.drain()

    assert _stored(engine_on_file, world) == {}
    assert len(rita.messages()) == before


def test_ticking_a_checkbox_is_acknowledged_and_stores_nothing(
    served: tuple[BotUnderTest, World], engine_on_file: Engine
) -> None:
    bot, world = served
    rita = Respondent(bot.workspace, world.user("rita"))
    question = rita.resume()

    response = bot.workspace.tick(world.user("rita"), rita.items()[:2], in_message=question)

    assert response is not None and response.status == 200 and response.body == ""
    assert _stored(engine_on_file, world) == {}


def test_back_reasks_the_previous_question_pre_ticked_and_then_returns(
    served: tuple[BotUnderTest, World],
) -> None:
    bot, world = served
    rita = Respondent(bot.workspace, world.user("rita"))
    rita.resume()
    rita.answer([2])
    left = rita.question()

    rita.answer("back")

    again = rita.question()
    assert again is not None and criterion_of(again) == "OD1"
    checkboxes = next(b for b in again["blocks"] if b["block_id"] == ids.BLOCK_QUESTION_ITEMS)
    assert [o["value"] for o in checkboxes["elements"][0]["initial_options"]] == sorted(
        rita_items("OD1", 2)
    )
    assert left is not None
    assert rita._current(left)["text"].startswith("↩️ OD2 · went back to OD1")
    rita.answer([2, 3])
    assert rita.criterion() == "OD2"


def test_evidence_modal_refuses_bad_links_then_stores_them(
    served: tuple[BotUnderTest, World], engine_on_file: Engine
) -> None:
    bot, world = served
    user = world.user("rita")
    rita = Respondent(bot.workspace, user)
    rita.resume()
    rita.answer("all")
    record = rita.record("OD1")
    rita.workspace.click_in(user, rita.question() or record, "Add evidence")
    modal = bot.workspace.wait_for(lambda: bot.workspace.modal(user), what="the evidence modal")
    assert modal["private_metadata"] == f"{world.assessment_id}:OD2"

    refused = bot.workspace.submit_modal(user, {"Links, one per line": "ftp://files.example"})
    kept = bot.workspace.submit_modal(
        user,
        {
            "Links, one per line": "https://data.example.gov/policy\n https://x.example.gov ",
            "Note": "Adopted in 2024",
        },
    )

    assert not refused.closed
    assert "http:// or https://" in refused.errors[ids.BLOCK_EVIDENCE_LINKS]
    assert kept.closed
    bot.workspace.wait_for_message(user, "Evidence saved for OD2: 2 links in all")
    with Session(engine_on_file) as session:
        row = answers.get_answer(session, assessment_id=world.assessment_id, criterion_id="OD2")
        assert row is not None and row.note == "Adopted in 2024"
        assert [link["url"] for link in row.evidence] == [
            "https://data.example.gov/policy",
            "https://x.example.gov",
        ]
        assert row.status == "skipped"  # evidence before an answer: the question stays open
    assert rita.criterion() == "OD2"


def test_app_home_shows_the_areas_and_its_button_resumes_in_the_dm(
    served: tuple[BotUnderTest, World],
) -> None:
    bot, world = served
    user = world.user("rita")
    rita = Respondent(bot.workspace, user)

    bot.workspace.open_home(user)
    home = bot.workspace.wait_for(lambda: bot.workspace.home(user), what="the Home tab")
    texts = [str(b.get("text", {}).get("text", "")) for b in home["blocks"] if "text" in b]
    assert "Your assessment questions" in texts
    assert any("*Springfield* · 0 of 7 answered" in t for t in texts)
    bot.workspace.click(user, "Start")
    question = bot.workspace.wait_for(rita.question, what="the first question")
    assert criterion_of(question) == "OD1"
    rita.answer("all")

    bot.workspace.open_home(user)
    bot.workspace.wait_for(
        lambda: "1 of 7 answered" in str(bot.workspace.home(user)), what="the Home updated"
    )
    areas = next(
        b for b in (bot.workspace.home(user) or {})["blocks"] if b["block_id"].endswith("_areas")
    )
    assert "Open Data ▰▰▰▱▱▱▱▱▱▱ 1 of 4" in areas["elements"][0]["text"]


def test_resume_without_any_area_says_what_to_do(
    sandbox: LocalSandbox, engine_on_file: Engine
) -> None:
    with app_on(sandbox, engine_on_file) as bot:
        world = seed_city(engine_on_file, bot.workspace, people={"rita": []})

        bot.workspace.command(world.user("rita"), "resume")

        shown = bot.workspace.wait_for_message(world.user("rita"), "no practice areas")
    assert "ephemeral_to" in shown


def test_typed_text_without_an_interview_gets_the_commands(
    sandbox: LocalSandbox, engine_on_file: Engine
) -> None:
    with app_on(sandbox, engine_on_file) as bot:
        stranger = bot.workspace.add_user("stranger")

        bot.workspace.type(stranger, "hello")

        bot.workspace.wait_for_message(stranger, "citycheck commands")


def rita_items(cid: str, *numbers: int) -> list[str]:
    from tests.slack.interview_world import RUBRIC

    checklist = RUBRIC.criterion(cid).checklist
    return [checklist[n - 1].id for n in numbers]


def test_a_coordinator_who_also_answers_sees_both_sections_in_order(
    sandbox: LocalSandbox, engine_on_file: Engine
) -> None:
    with app_on(sandbox, engine_on_file) as bot:
        world = seed_city(
            engine_on_file, bot.workspace, people={"rita": ["OD"]}, coordinators=["cole"]
        )
        with Session(engine_on_file) as session:
            from storage.enums import Role
            from storage.repo import assessments, orgs

            workspace = orgs.get_workspace(session, slack_team_id=bot.workspace.identity["team_id"])
            assert workspace is not None and workspace.id is not None
            cole = orgs.find_person(
                session, workspace_id=workspace.id, slack_user_id=world.user("cole")
            )
            assert cole is not None and cole.id is not None
            orgs.grant_role(session, city_id=world.city_id, person_id=cole.id,
                            role=Role.RESPONDENT, now=NOW_SEEDED)  # fmt: skip
            assessments.assign_area(session, assessment_id=world.assessment_id, area_id="BF",
                                    person_id=cole.id, now=NOW_SEEDED)  # fmt: skip
            session.commit()

        bot.workspace.open_home(world.user("cole"))
        home = bot.workspace.wait_for(lambda: bot.workspace.home(world.user("cole")),
                                      what="the Home tab")  # fmt: skip

    block_ids = [b.get("block_id", "") for b in home["blocks"]]
    mine = block_ids.index(f"{ids.BLOCK_HOME_MINE_PREFIX}{world.assessment_id}")
    team = next(i for i, b in enumerate(block_ids) if b.startswith(ids.BLOCK_HOME_TEAM_PREFIX))
    assert mine < team
    assert len(home["blocks"]) <= 100
