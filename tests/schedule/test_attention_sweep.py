"""Sweeps on the real database, ticking through an away period: a deputy gets the reminders
meanwhile and the owner after; a follow-up held while away goes out once, on return; the weekly
cap and Slack's do-not-disturb hold nudges back without losing them; nothing is sent twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine
from sqlmodel import select

from bot.sandbox.server import LocalSandbox
from bot.schedule import keys
from bot.schedule.attention import AttentionRules
from bot.schedule.calendar import at_local
from storage.enums import NotificationStatus
from storage.models import HeldNudge, NotificationLedger
from storage.repo import attention as store
from storage.session import unit_of_work
from tests.schedule.conftest import World, make_world
from tests.schedule.world import add_plan, title_of

NY = "America/New_York"
START = datetime(2027, 3, 1, 14, tzinfo=UTC)  # Monday 1 March, 9:00 in New York


def springfield(sandbox: LocalSandbox, engine: Engine) -> World:
    return make_world(
        sandbox,
        engine,
        timezone=NY,
        people={
            "cora": ["coordinator"],
            "rita": ["respondent"],
            "leo": ["leader"],
            "sam": ["leader"],
        },
        areas={"OD": ["rita"]},
        now=START,
        digest=False,
    )


def ticks(first: date, last: date, hours: tuple[int, ...] = (8, 9, 13, 18)) -> Iterator[datetime]:
    """Sweep moments: these local hours of every day from `first` to `last` (New York)."""
    day = first
    while day <= last:
        for hour in hours:
            yield at_local(day, time(hour), NY)
        day += timedelta(days=1)


def sweep_through(world: World, moments: Iterator[datetime], **kwargs: object) -> None:
    for moment in moments:
        world.clock.now = moment
        world.sweeper(**kwargs).sweep()


def away(world: World, name: str, back_on: date, deputy: str | None = None) -> None:
    with unit_of_work(world.engine) as session:
        store.start_away(
            session,
            person_id=world.pid(name),
            deputy_id=world.pid(deputy) if deputy else None,
            back_on=back_on,
            until_at=at_local(back_on, time(0), NY),
            now=START,
        )


def ledger_rows(world: World) -> list[NotificationLedger]:
    with unit_of_work(world.engine, read_only=True) as session:
        return list(session.exec(select(NotificationLedger)))


def held_rows(world: World) -> list[HeldNudge]:
    with unit_of_work(world.engine, read_only=True) as session:
        return list(session.exec(select(HeldNudge)))


def assert_nothing_sent_twice(world: World) -> None:
    sent = [r for r in ledger_rows(world) if r.status == NotificationStatus.SENT]
    assert sent, "nothing was sent"
    keys_sent = Counter((r.kind, r.target, r.period_key) for r in sent)
    assert max(keys_sent.values()) == 1
    posted = [
        m["metadata"]["event_payload"]["ledger_id"]
        for name in world.people
        for m in world.sandbox.messages_for(user_id=world.user(name), limit=500)
        if m.get("metadata")
    ]
    assert len(posted) == len(set(posted)) == len(sent)


def test_a_deputy_gets_the_reminders_while_the_owner_is_away_and_the_owner_after(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world = springfield(sandbox, engine)
    with unit_of_work(engine) as session:
        add_plan(session, rubric=world.rubric, assessment_id=world.assessment_id,
                 owner_ids=[world.pid("leo")], due=[date(2027, 3, 10)], criteria=["PA1"],
                 now=START)  # fmt: skip
    away(world, "leo", back_on=date(2027, 3, 15), deputy="sam")
    title = title_of(world.rubric, "PA1")

    sweep_through(world, ticks(date(2027, 3, 1), date(2027, 3, 18)))

    to_sam = world.dm_texts("sam")
    assert [t.split(": ", 1)[0] for t in to_sam] == ["For Leo, away until Mar 15, 2027"] * 2
    assert f"Milestone due in 5 days: *{title}*" in to_sam[0]  # d3 fell on Sunday: Friday 5
    assert f"Milestone due today: *{title}*" in to_sam[1]  # Wednesday 10 March
    # Back on Monday 15 March: the first overdue reminder (Wednesday 17 March) is Leo's again.
    assert world.dm_texts("leo") == [
        f"Milestone overdue by 7 days: *{title}* (Springfield · due Mar 10, 2027)"
    ]
    assert_nothing_sent_twice(world)
    sent = {
        r.period_key: r.recipient_id
        for r in ledger_rows(world)
        if r.kind == keys.MILESTONE_REMINDER
    }
    assert sent == {
        "d3@2027-03-10": world.pid("sam"),
        "d0@2027-03-10": world.pid("sam"),
        "over1@2027-03-10": world.pid("leo"),
    }


def test_a_follow_up_held_while_away_goes_out_once_on_return(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world = springfield(sandbox, engine)
    away(world, "rita", back_on=date(2027, 3, 10))  # Wednesday

    sweep_through(world, ticks(date(2027, 3, 1), date(2027, 3, 9)))
    assert world.dm_texts("rita") == []  # due from Thursday 4 March, held while away
    [held] = held_rows(world)  # the newest of the days it was due, only
    assert (held.kind, held.reason, held.person_id) == (keys.FOLLOWUP, "away", world.pid("rita"))
    assert held.not_before == at_local(date(2027, 3, 10), time(9), NY)

    sweep_through(world, ticks(date(2027, 3, 10), date(2027, 3, 12)))
    [followup] = world.dm_texts("rita")
    assert followup.startswith("4 questions of Springfield's assessment are still waiting")
    [row] = [r for r in ledger_rows(world) if r.kind == keys.FOLLOWUP]
    assert row.sent_at == at_local(date(2027, 3, 10), time(9), NY)  # first thing on return
    assert held_rows(world) == []
    assert_nothing_sent_twice(world)


def test_a_third_nudge_in_a_week_waits_for_next_week(sandbox: LocalSandbox, engine: Engine) -> None:
    world = springfield(sandbox, engine)
    with unit_of_work(engine) as session:
        add_plan(session, rubric=world.rubric, assessment_id=world.assessment_id,
                 owner_ids=[world.pid("leo")], due=[date(2027, 3, 3)],
                 criteria=["PA1", "PA4", "PA5"], now=START)  # fmt: skip

    sweep_through(world, ticks(date(2027, 3, 3), date(2027, 3, 3)))
    assert len(world.dm_texts("leo")) == 2
    [held] = held_rows(world)
    assert (held.reason, held.not_before) == ("weekly_cap", at_local(date(2027, 3, 8), time(9), NY))

    sweep_through(world, ticks(date(2027, 3, 4), date(2027, 3, 8)))
    texts = world.dm_texts("leo")
    assert len(texts) == 3 and "overdue by 5 days" in texts[2]  # Monday 8 March, as it stands
    assert held_rows(world) == []
    assert_nothing_sent_twice(world)


def test_do_not_disturb_delays_a_nudge_and_an_unreadable_status_does_not_stop_it(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world = springfield(sandbox, engine)
    with unit_of_work(engine) as session:
        add_plan(session, rubric=world.rubric, assessment_id=world.assessment_id,
                 owner_ids=[world.pid("leo"), world.pid("sam")], due=[date(2027, 3, 3)],
                 criteria=["PA1", "PA4"], now=START)  # fmt: skip
    nine = at_local(date(2027, 3, 3), time(9), NY)
    sandbox.set_dnd(user_id=world.user("leo"), snooze_until=(nine + timedelta(hours=2)).timestamp())
    sandbox.set_status(user_id=world.user("sam"), text="Out of office", emoji=":palm_tree:")

    world.clock.now = nine
    report = world.sweeper().sweep()
    assert (report.sent, report.held) == (0, 2)  # Leo snoozed until 11:00; Sam on vacation
    world.clock.now = nine + timedelta(hours=2)
    assert world.sweeper().sweep().sent == 1  # Leo's, once the snooze is over
    assert len(world.dm_texts("leo")) == 1 and world.dm_texts("sam") == []

    sandbox.remove_scope(scope="users.profile:read")  # installed before the scope was asked
    sandbox.remove_scope(scope="dnd:read")
    world.clock.now = at_local(date(2027, 3, 4), time(9), NY)
    assert world.sweeper().sweep().held == 0  # fail open: Slack's signals unreadable
    assert len(world.dm_texts("sam")) == 1  # Sam's held reminder, sent as usual
    assert_nothing_sent_twice(world)


def test_the_caps_and_hours_come_from_the_settings(sandbox: LocalSandbox, engine: Engine) -> None:
    world = springfield(sandbox, engine)
    with unit_of_work(engine) as session:
        add_plan(session, rubric=world.rubric, assessment_id=world.assessment_id,
                 owner_ids=[world.pid("leo")], due=[date(2027, 3, 3)],
                 criteria=["PA1", "PA4", "PA5"], now=START)  # fmt: skip
    world.clock.now = at_local(date(2027, 3, 3), time(9), NY)
    report = world.sweeper(rules=AttentionRules(start=time(10), weekly_cap=0)).sweep()
    assert (report.sent, report.held) == (0, 3)  # before 10:00
    world.clock.now = at_local(date(2027, 3, 3), time(10), NY)
    assert world.sweeper(rules=AttentionRules(start=time(10), weekly_cap=0)).sweep().sent == 3
