"""End to end over HTTP against the sandbox: a plan drawn from a scored assessment, a reminder
at 9:00 in the owner's DM, Done raising the level, the weekly digest showing it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot
from bot.schedule.sweep import Sweeper
from bot.slack import ids
from bot.slack.outbox import SlackSender
from storage.engine import make_engine
from storage.enums import MilestoneStatus
from storage.repo import plans
from storage.session import unit_of_work
from tests.schedule.conftest import World, make_world
from tests.schedule.world import MET, TO_GOLD, answer_all, title_of

PLAN_DAY = datetime(2027, 3, 8, 15, tzinfo=UTC)  # Monday, 10:00 in New York
PEOPLE = {"cora": ["coordinator"], "leo": ["leader"], "lia": ["leader"], "rita": ["respondent"]}


@pytest.fixture
def shared_engine(db_url: str) -> Iterator[Engine]:
    """A pooled engine the app's threads and the test share (SQLite file or PostgreSQL)."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def world(sandbox: LocalSandbox, shared_engine: Engine) -> World:
    made = make_world(
        sandbox, shared_engine, people=PEOPLE, now=datetime(2027, 3, 1, 15, tzinfo=UTC)
    )
    with unit_of_work(shared_engine) as session:
        answer_all(
            session,
            rubric=made.rubric,
            assessment_id=made.assessment_id,
            person_id=made.pid("cora"),
            criteria=MET,
            now=made.clock.now,
        )
    made.clock.now = PLAN_DAY
    return made


@pytest.fixture
def bot(sandbox: LocalSandbox, world: World) -> Iterator[BotUnderTest]:
    with running_bot(
        sandbox, engine=world.engine, rubric=world.rubric, clock=world.clock
    ) as served:
        yield served


def sweep(bot: BotUnderTest, world: World, at: datetime) -> None:
    world.clock.now = at
    Sweeper(world.engine, world.rubric, SlackSender(bot.deps), clock=world.clock).sweep()


def create_plan(bot: BotUnderTest, world: World) -> None:
    """Cora asks for the plan, is offered one, and keeps the nine milestones that reach Gold."""
    ws = bot.workspace
    cora = world.user("cora")
    ws.command(cora, "plan")
    ws.wait_for_message(cora, "has no improvement plan yet")
    ws.click(cora, "Create improvement plan")
    modal = ws.wait_for(lambda: ws.modal(cora), what="the review modal")
    assert modal["title"]["text"] == "Improvement plan"
    assert len(modal["blocks"]) <= 100
    proposed = [c.id for c in world.rubric.criteria() if c.id not in MET]
    dropped = {title_of(world.rubric, cid): [] for cid in proposed if cid not in TO_GOLD}
    submitted = ws.submit_modal(
        cora, {**dropped, "Due date of PA1": "2027-03-17", "Owner of PA1": world.user("leo")}
    )
    assert submitted.closed, submitted.errors


def test_a_plan_reminds_its_owner_at_nine_and_done_shows_in_the_digest(
    bot: BotUnderTest, world: World, sandbox: LocalSandbox
) -> None:
    ws = bot.workspace
    create_plan(bot, world)
    note = ws.wait_for_message(world.user("cora"), "Plan created with 9 milestones")
    assert "I sent each owner theirs: Leo, Lia." in note["text"]
    pa1 = title_of(world.rubric, "PA1")
    given = ws.wait_for_message(world.user("leo"), "milestones are yours")
    assert pa1 in given["text"] and "Mar 17, 2027" in given["text"]
    ws.wait_for_message(world.user("lia"), "milestones are yours")

    # Monday's digest: no level yet, Gold once all nine are done.
    sweep(bot, world, datetime(2027, 3, 15, 13, tzinfo=UTC))  # 9:00 EDT
    [first] = world.channel_texts()
    assert "Level with the milestones done: *no level* · when all are done: *Gold*" in first

    # The due-date reminder: not at 8:59 in New York, at 9:00.
    before = len(world.dm_texts("leo"))
    sweep(bot, world, datetime(2027, 3, 17, 12, 59, tzinfo=UTC))
    assert len(world.dm_texts("leo")) == before
    sweep(bot, world, datetime(2027, 3, 17, 13, tzinfo=UTC))
    reminder = ws.wait_for_message(world.user("leo"), "Milestone due today")
    assert reminder["text"].startswith(f"Milestone due today: *{pa1}*")

    # Leo marks it done from the reminder, with a link that is not one, then with one.
    world.clock.now = datetime(2027, 3, 17, 13, 5, tzinfo=UTC)
    ws.click(world.user("leo"), "Done")
    ws.wait_for(lambda: ws.modal(world.user("leo")), what="the Done modal")
    refused = ws.submit_modal(world.user("leo"), {"Evidence link": "javascript:alert(1)"})
    assert not refused.closed
    assert list(refused.errors.values()) == [
        "Paste a link that starts with http:// or https://, or leave the field empty."
    ]
    accepted = ws.submit_modal(
        world.user("leo"), {"Evidence link": "https://data.springfield.gov/kpis"}
    )
    assert accepted.closed
    done = ws.wait_for_message(world.user("leo"), "Marked done")
    assert done["text"] == (
        f"Marked done: *{pa1}*. 1 of 9 done; when all are done Springfield reaches Gold. "
        "With the milestones done so far it is at Silver."
    )

    # The next digest shows the new level and what it was.
    sweep(bot, world, datetime(2027, 3, 22, 13, tzinfo=UTC))
    second = world.channel_texts()[-1]
    assert (
        "Level with the milestones done: *Silver* · when all are done: *Gold* · "
        "was no level on Mar 15, 2027"
    ) in second
    assert "1 of 9 milestones done (1 more since then)" in second


def test_creating_the_plan_again_shows_the_one_that_exists(bot: BotUnderTest, world: World) -> None:
    create_plan(bot, world)
    cora = world.user("cora")
    bot.workspace.wait_for_message(cora, "Plan created")
    bot.workspace.command(cora, "plan")
    shown = bot.workspace.wait_for_message(cora, "Improvement plan: Springfield")
    assert "0 of 9 done" in shown["text"]
    bot.workspace.click(cora, "Create improvement plan")  # the old offer, clicked again
    again = bot.workspace.wait_for(
        lambda: [
            m for m in bot.workspace.messages(cora) if "Improvement plan: Springfield" in m["text"]
        ][1:],
        what="the existing plan shown again",
    )
    assert "0 of 9 done" in again[0]["text"]
    assert bot.workspace.modal(cora) is None


def test_snooze_need_help_and_done_from_the_leaders_home(
    bot: BotUnderTest, world: World, sandbox: LocalSandbox
) -> None:
    create_plan(bot, world)
    ws = bot.workspace
    leo = world.user("leo")
    ws.wait_for_message(leo, "milestones are yours")
    ws.open_home(leo)
    home = ws.wait_for(lambda: ws.home(leo), what="Leo's Home")
    pa1 = title_of(world.rubric, "PA1")
    texts = [b.get("text", {}).get("text", "") for b in home["blocks"]]
    assert "Your milestones" in texts
    assert texts[texts.index("Your milestones") + 1].startswith(f"◻️ *{pa1}*\nDue Mar 17, 2027")

    ws.click_home(leo, "Need help")
    told = ws.wait_for_message(world.user("cora"), "needs help with")
    assert told["text"] == f"Leo needs help with *{pa1}* (Springfield, due Mar 17, 2027)."
    ws.wait_for_message(leo, "I told Cora that you need help")

    ws.click_home(leo, "Snooze a week")
    snoozed = ws.wait_for_message(leo, "Snoozed")
    assert snoozed["text"] == f"Snoozed *{pa1}*: no reminders until Mar 15, 2027."
    refreshed = ws.wait_for(
        lambda: any("snoozed until Mar 15, 2027" in str(b) for b in (ws.home(leo) or {})["blocks"]),
        what="the Home showing the snooze",
    )
    assert refreshed

    ws.click_home(leo, "Done")  # the first milestone on the Home: PA1, due soonest
    ws.wait_for(lambda: ws.modal(leo), what="the Done modal")
    assert ws.submit_modal(leo, {}).closed  # no evidence link: that is fine
    ws.wait_for_message(leo, "Marked done")
    ws.wait_for(
        lambda: not any(pa1 in str(b) for b in (ws.home(leo) or {})["blocks"]),
        what="the done milestone gone from the Home",
    )


def test_people_outside_the_milestone_are_refused(bot: BotUnderTest, world: World) -> None:
    create_plan(bot, world)
    ws = bot.workspace
    ws.wait_for_message(world.user("leo"), "milestones are yours")
    rita = world.user("rita")
    ws.command(rita, "plan")
    refusal = ws.wait_for_message(rita, "coordinators")
    assert refusal["text"].startswith("Only your city's coordinators can do that.")
    leos = [
        e["value"]
        for m in ws.messages(world.user("leo"))
        for b in m["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.MILESTONE_DONE
    ]
    ws.click_forged(rita, ids.MILESTONE_DONE, leos[0], label="Done")
    answer = ws.wait_for_message(rita, "Only the milestone's owner")
    assert answer["text"].endswith("so nothing was changed.")
    assert ws.modal(rita) is None
    ws.click_forged(rita, ids.MILESTONE_SNOOZE, leos[0], label="Snooze a week")
    ws.wait_for(
        lambda: (
            len([m for m in ws.messages(rita) if "Only the milestone's owner" in m["text"]]) == 2
        ),
        what="the second refusal",
    )
    with unit_of_work(world.engine, read_only=True) as session:
        untouched = plans.get_milestone(session, milestone_id=int(leos[0]))
        assert (untouched.status, untouched.snoozed_until) == (MilestoneStatus.OPEN, None)
