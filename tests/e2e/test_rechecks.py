"""End to end over HTTP against the sandbox: a milestone marked done leads to exactly one
targeted re-check of its criterion, whoever clicks Done how often and however often the
scheduler runs; "Still the same" keeps the answer and says so in its history; a changed answer
shows the coordinators the new score and level, and the report lists the change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot
from bot.schedule import keys
from bot.schedule.sweep import Sweeper
from bot.slack import ids
from bot.slack.outbox import SlackSender
from storage.engine import make_engine
from storage.enums import AnswerSource, NotificationStatus, RecheckStatus
from storage.models import NotificationLedger, Recheck
from storage.repo import answers
from storage.session import unit_of_work
from tests.schedule.conftest import World, make_world
from tests.schedule.world import MET, add_plan, answer_all, title_of

START = datetime(2027, 3, 1, 15, tzinfo=UTC)  # Monday 10:00 in New York
DUE = date(2027, 3, 17)
REMINDER_AT = datetime(2027, 3, 17, 13, tzinfo=UTC)  # Wednesday 9:00 in New York
DONE_AT = datetime(2027, 3, 17, 14, tzinfo=UTC)
PEOPLE = {"cora": ["coordinator"], "leo": ["leader"], "rita": ["respondent"]}


@pytest.fixture
def shared_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def world(sandbox: LocalSandbox, shared_engine: Engine) -> World:
    """Springfield: 21 criteria met (no level: core PA1 is not), Rita answered PA1 with one item
    ticked, and a plan whose milestone toward PA1 is Leo's, due March 17."""
    made = make_world(sandbox, shared_engine, people=PEOPLE, areas={"PA": ["rita"]}, now=START)
    with unit_of_work(shared_engine) as session:
        answer_all(
            session,
            rubric=made.rubric,
            assessment_id=made.assessment_id,
            person_id=made.pid("cora"),
            criteria=MET,
            now=START,
        )
        first = made.rubric.criterion("PA1").checklist[0].id
        answers.record_answer(
            session,
            assessment_id=made.assessment_id,
            criterion_id="PA1",
            person_id=made.pid("rita"),
            ticked=[first],
            status="answered",
            note="Draft strategy only",
            evidence=["https://springfield.gov/strategy-draft"],
            now=START,
            source="click",
        )
        plan_toward_pa1(session, made)
    return made


def plan_toward_pa1(session: Session, made: World) -> None:
    """A plan whose one milestone, toward PA1, is Leo's, due March 17."""
    add_plan(
        session,
        rubric=made.rubric,
        assessment_id=made.assessment_id,
        owner_ids=[made.pid("leo")],
        due=[DUE],
        criteria=["PA1"],
        now=START,
    )


@pytest.fixture
def bot(sandbox: LocalSandbox, world: World) -> Iterator[BotUnderTest]:
    with running_bot(sandbox, engine=world.engine, rubric=world.rubric, clock=world.clock) as b:
        yield b


def sweep(bot: BotUnderTest, world: World, at: datetime) -> None:
    world.clock.now = at
    Sweeper(world.engine, world.rubric, SlackSender(bot.deps), clock=world.clock).sweep()


def rechecks_of(world: World, name: str) -> list[str]:
    return [text for text in world.dm_texts(name) if "Milestone done" in text]


def mark_done_twice(bot: BotUnderTest, world: World) -> None:
    """Leo gets the reminder and clicks Done on it twice (submitting the modal each time)."""
    ws, leo = bot.workspace, world.user("leo")
    sweep(bot, world, REMINDER_AT)
    reminder = ws.wait_for_message(leo, "Milestone due today")
    world.clock.now = DONE_AT
    for _ in range(2):
        ws.click_in(leo, reminder, "Done")
        ws.wait_for(lambda: ws.modal(leo), what="the Done modal")
        assert ws.submit_modal(leo, {}).closed
    ws.wait_for_message(leo, "was already done")  # the second Done changes nothing


def test_a_done_milestone_sends_one_recheck_however_often_done_and_the_sweep_run(
    bot: BotUnderTest, world: World
) -> None:
    mark_done_twice(bot, world)
    sweep(bot, world, DONE_AT.replace(minute=1))
    sweep(bot, world, DONE_AT.replace(minute=2))

    assert len(rechecks_of(world, "rita")) == 1
    assert rechecks_of(world, "leo") == [] and rechecks_of(world, "cora") == []
    message = bot.workspace.wait_for_message(world.user("rita"), "Milestone done")
    title = title_of(world.rubric, "PA1")
    assert message["text"].startswith(
        f"✅ Milestone done: {title}. Is Springfield's answer still the same (1 of "
    )
    ticked = [
        o["value"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "checkboxes"
        for o in e.get("initial_options", [])
    ]
    assert ticked == [world.rubric.criterion("PA1").checklist[0].id]  # pre-filled
    labels = [
        e["text"]["text"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button"
    ]
    assert labels == ["Still the same", "Save", "None of these", "Not sure"]
    with Session(world.engine) as session:
        (row,) = session.exec(select(Recheck)).all()
        assert (row.criterion_id, row.person_id, row.status) == (
            "PA1",
            world.pid("rita"),
            RecheckStatus.PENDING,
        )
        (claim,) = session.exec(
            select(NotificationLedger).where(NotificationLedger.kind == keys.RECHECK)
        ).all()
        assert claim.status == NotificationStatus.SENT


def test_still_the_same_keeps_the_answer_and_records_it_in_the_history(
    bot: BotUnderTest, world: World
) -> None:
    mark_done_twice(bot, world)
    sweep(bot, world, DONE_AT.replace(minute=1))
    ws, rita = bot.workspace, world.user("rita")
    ws.wait_for_message(rita, "Milestone done")
    world.clock.now = DONE_AT.replace(hour=15)

    ws.click(rita, "Still the same")

    record = ws.wait_for_message(rita, "ticked · partly met · 📎 1 · still the same")
    assert "Milestone done" not in record["text"]  # the question was replaced by its record
    with Session(world.engine) as session:
        row = answers.get_answer(session, assessment_id=world.assessment_id, criterion_id="PA1")
        assert row is not None and len(row.ticked) == 1 and row.note == "Draft strategy only"
        history = answers.answer_history(session, answer_id=row.id or 0)
        assert [h.source for h in history] == [AnswerSource.CLICK, AnswerSource.RECHECK]
        assert history[-1].old_value == history[-1].new_value
        assert history[-1].changed_by_id == world.pid("rita")
        (recheck,) = session.exec(select(Recheck)).all()
        assert recheck.status == RecheckStatus.CONFIRMED
    assert not [t for t in world.channel_texts() if "PA1 is" in t]  # nothing changed to tell

    before = world.dm_texts("rita")
    sweep(bot, world, DONE_AT.replace(hour=16))
    assert world.dm_texts("rita") == before  # answered: never asked again


def test_a_changed_answer_shows_the_coordinators_the_new_score_and_the_report_lists_it(
    bot: BotUnderTest, world: World
) -> None:
    mark_done_twice(bot, world)
    sweep(bot, world, DONE_AT.replace(minute=1))
    ws, rita = bot.workspace, world.user("rita")
    question = ws.wait_for_message(rita, "Milestone done")
    world.clock.now = DONE_AT.replace(hour=15)
    items = [item.text.en for item in world.rubric.criterion("PA1").checklist]

    ws.tick(rita, items, in_message=question)
    ws.click_in(rita, question, "Save")

    record = ws.wait_for_message(rita, "the coordinators see the new score")
    assert record["text"].startswith("✅ PA1 ·")
    notice = ws.wait_for(
        lambda: [t for t in world.channel_texts() if "PA1 is now met" in t], what="the notice"
    )[0]
    assert notice.startswith(
        "✅ PA1 is now met (was partly met): score 48.8% → 51.1% · level no level → Silver"
    )
    assert "Rita answered it again after the milestone" in notice
    with Session(world.engine) as session:
        (recheck,) = session.exec(select(Recheck)).all()
    ws.click_forged(rita, ids.RECHECK_SAVE, str(recheck.id), label="Save")  # a second click
    ws.wait_for_message(rita, "already answered")

    assert coordinators_report(bot, world) == [
        {
            "criterion": "PA1",
            "status": "changed",
            "answered_by": "Rita",
            "status_change": ["partly_met", "met"],
            "percent": ["48.8", "51.1"],
            "level": [None, "silver"],
        }
    ]
    bot.drain()
    assert len([t for t in world.channel_texts() if "PA1 is now met" in t]) == 1  # told once


def coordinators_report(bot: BotUnderTest, world: World) -> list[dict[str, object]]:
    """Cora's `/citycheck export`: the re-checks of its JSON, and its text's re-check section."""
    ws, cora = bot.workspace, world.user("cora")
    ws.command(cora, "export")
    message = ws.wait_for(
        lambda: [m for m in world.sandbox.history(channel_id=ws.dm(cora)) if m.get("files")],
        10,
        "the export",
    )[0]
    by_kind = {f["name"].rsplit(".", 1)[1]: f["id"] for f in message["files"]}
    data = json.loads(world.sandbox.store.files[by_kind["json"]]["content"])
    page = world.sandbox.store.files[by_kind["html"]]["content"].decode()
    assert "Changes found: score 48.8% → 51.1% · level no level → Silver" in page
    return [
        {
            "criterion": r["criterion"],
            "status": r["status"],
            "answered_by": r["answered_by"],
            "status_change": r["result"]["status"],
            "percent": r["result"]["percent"],
            "level": r["result"]["level"],
        }
        for r in data["rechecks"]
    ]


def test_a_recheck_waits_for_the_respondents_working_hours(bot: BotUnderTest, world: World) -> None:
    mark_done_twice(bot, world)  # Wednesday 10:00 in New York
    ws, rita = bot.workspace, world.user("rita")

    sweep(bot, world, datetime(2027, 3, 17, 22, tzinfo=UTC))  # 18:00: after her working hours
    sweep(bot, world, datetime(2027, 3, 18, 12, 59, tzinfo=UTC))  # Thursday 8:59
    assert rechecks_of(world, "rita") == []

    sweep(bot, world, datetime(2027, 3, 18, 13, tzinfo=UTC))  # Thursday 9:00
    ws.wait_for_message(rita, "Milestone done")
    assert len(rechecks_of(world, "rita")) == 1


def test_a_recheck_that_completes_an_open_round_posts_its_result_once(
    sandbox: LocalSandbox, shared_engine: Engine
) -> None:
    """Rita skipped PA1 and answered the rest of her area; the re-check the done milestone asks
    is the last question of the round: saving it posts the round's result, once."""
    made = make_world(sandbox, shared_engine, people=PEOPLE, areas={"PA": ["rita"]}, now=START)
    with unit_of_work(shared_engine) as session:
        answer_all(
            session,
            rubric=made.rubric,
            assessment_id=made.assessment_id,
            person_id=made.pid("rita"),
            criteria=[*MET, "PA2", "PA3", "PA4", "PA5"],
            now=START,
        )
        answers.record_answer(
            session, assessment_id=made.assessment_id, criterion_id="PA1",
            person_id=made.pid("rita"), ticked=[], status="skipped", note=None, evidence=[],
            now=START, source="click",
        )  # fmt: skip
        plan_toward_pa1(session, made)
    with running_bot(sandbox, engine=made.engine, rubric=made.rubric, clock=made.clock) as bot:
        mark_done_twice(bot, made)
        sweep(bot, made, DONE_AT.replace(minute=1))
        ws, rita = bot.workspace, made.user("rita")
        question = ws.wait_for_message(rita, "Milestone done")
        assert not [t for t in made.channel_texts() if "is complete" in t]
        made.clock.now = DONE_AT.replace(hour=15)
        items = [item.text.en for item in made.rubric.criterion("PA1").checklist]
        ws.tick(rita, items, in_message=question)
        ws.click_in(rita, question, "Save")

        result = ws.wait_for(
            lambda: [t for t in made.channel_texts() if "is complete" in t], what="the result"
        )[0]
        assert result.startswith("Springfield's assessment is complete:")
        with Session(made.engine) as session:
            (recheck,) = session.exec(select(Recheck)).all()
        ws.click_forged(rita, ids.RECHECK_SAVE, str(recheck.id), label="Save")  # a second click
        ws.wait_for_message(rita, "already answered")
        bot.drain()
        assert len([t for t in made.channel_texts() if "is complete" in t]) == 1
