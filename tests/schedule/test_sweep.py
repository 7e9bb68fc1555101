"""Sweeps against the sandbox Slack and a real database: what arrives, when, and only once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from bot.sandbox.server import LocalSandbox
from bot.schedule import keys
from bot.schedule.sending import Outgoing
from bot.schedule.views import ReminderView
from bot.slack.outbox import SlackSender
from storage.enums import NotificationStatus
from storage.models import NotificationLedger
from storage.repo import ledger, plans
from storage.session import unit_of_work
from tests.schedule.conftest import World, make_world
from tests.schedule.world import add_plan, title_of

PEOPLE = {
    "cora": ["coordinator"],
    "rita": ["respondent"],
    "leo": ["leader"],
    "lia": ["leader"],
    "lou": ["leader"],
}
DUE = date(2027, 3, 17)  # a Wednesday; New York is on summer time from 14 March
NINE_EDT = datetime(2027, 3, 17, 13, tzinfo=UTC)


def planned(
    sandbox: LocalSandbox, engine: Engine, owners: tuple[str, ...] = ("leo",)
) -> tuple[World, list[int]]:
    world = make_world(sandbox, engine, people=PEOPLE, digest=False)
    with unit_of_work(engine) as session:
        ids = add_plan(
            session,
            rubric=world.rubric,
            assessment_id=world.assessment_id,
            owner_ids=[world.pid(o) for o in owners],
            due=[DUE],
            criteria=["PA1", "PA4", "PA5"][: len(owners)],
            now=world.clock.now,
        )
    return world, ids


def test_a_reminder_arrives_at_nine_local_time_once(sandbox: LocalSandbox, engine: Engine) -> None:
    world, [milestone] = planned(sandbox, engine)
    sweeper = world.sweeper()

    world.clock.now = NINE_EDT - timedelta(minutes=1)
    assert sweeper.sweep().sent == 0
    assert world.dm_texts("leo") == []

    world.clock.now = NINE_EDT
    report = sweeper.sweep()
    assert (report.sent, report.skipped, report.failed) == (1, 0, 0)
    [text] = world.dm_texts("leo")
    assert text.startswith(f"Milestone due today: *{title_of(world.rubric, 'PA1')}*")
    [message] = sandbox.messages_for(user_id=world.user("leo"))
    labels = [
        e["text"]["text"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert labels == ["Done", "Snooze a week", "Need help"]
    assert message["metadata"]["event_payload"]["ledger_id"] > 0

    for later in (timedelta(minutes=1), timedelta(hours=3)):
        world.clock.now = NINE_EDT + later
        assert sweeper.sweep().sent == 0
    assert len(world.dm_texts("leo")) == 1
    with unit_of_work(engine) as session:
        row = ledger.get_notification(
            session,
            kind=keys.MILESTONE_REMINDER,
            target=keys.milestone_target(world.city_id, milestone),
            period_key="d0@2027-03-17",
        )
        assert row is not None and row.status == NotificationStatus.SENT


def test_from_the_second_overdue_reminder_the_coordinators_hear_too(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world, _ = planned(sandbox, engine)
    sweeper = world.sweeper()
    first_overdue = datetime(2027, 3, 24, 13, tzinfo=UTC)
    world.clock.now = first_overdue
    assert sweeper.sweep().sent == 1
    assert world.dm_texts("cora") == []
    world.clock.now = first_overdue + timedelta(days=7)
    assert sweeper.sweep().sent == 2
    assert world.dm_texts("leo")[-1].startswith("Milestone overdue by 14 days")
    assert world.dm_texts("cora") == [
        f"Leo's milestone *{title_of(world.rubric, 'PA1')}* is overdue by 14 days "
        "(due Mar 17, 2027)."
    ]


def test_done_or_snoozed_milestones_are_not_reminded(sandbox: LocalSandbox, engine: Engine) -> None:
    world, ids = planned(sandbox, engine, owners=("leo", "lia", "lou"))
    with unit_of_work(engine) as session:
        plans.complete_milestone(session, milestone_id=ids[0], now=world.clock.now)
        plans.snooze_milestone(
            session, milestone_id=ids[1], until=NINE_EDT + timedelta(days=2), now=world.clock.now
        )
    world.clock.now = NINE_EDT
    report = world.sweeper().sweep()
    assert report.sent == 1
    assert (world.dm_texts("leo"), world.dm_texts("lia"), len(world.dm_texts("lou"))) == ([], [], 1)


def test_a_permanent_error_is_recorded_and_the_sweep_goes_on(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world, ids = planned(sandbox, engine, owners=("leo", "lia", "lou"))
    sandbox.slack_error("chat.postMessage", "account_inactive")
    world.clock.now = NINE_EDT
    report = world.sweeper().sweep()
    assert (report.sent, report.permanent) == (2, 1)
    with unit_of_work(engine, read_only=True) as session:
        rows = [
            ledger.get_notification(
                session,
                kind=keys.MILESTONE_REMINDER,
                target=keys.milestone_target(world.city_id, mid),
                period_key="d0@2027-03-17",
            )
            for mid in ids
        ]
    statuses = sorted((r.status.value, r.error) for r in rows if r is not None)
    assert statuses == [
        ("permanent_error", "account_inactive"),
        ("sent", None),
        ("sent", None),
    ]
    world.clock.now = NINE_EDT + timedelta(hours=2)
    assert world.sweeper().sweep().due == 0  # given up: not retried


def test_a_passing_slack_failure_is_retried_and_a_429_is_waited_out(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world, _ = planned(sandbox, engine, owners=("leo", "lia"))
    sandbox.server_error("chat.postMessage")  # the first post fails with HTTP 500
    sandbox.rate_limit("chat.postMessage", retry_after=1)  # the next is told to wait a second
    world.clock.now = NINE_EDT
    first = world.sweeper().sweep()
    assert (first.sent, first.failed) == (1, 1)
    world.clock.now = NINE_EDT + timedelta(minutes=1)
    second = world.sweeper().sweep()
    assert (second.sent, second.recovered) == (1, 0)
    assert len(world.dm_texts("leo")) == len(world.dm_texts("lia")) == 1
    posts = sandbox.calls("chat.postMessage")
    assert [c.get("fault", {}).get("status") for c in posts] == [500, 429, None, None]


def test_an_abandoned_claim_is_finished_after_the_timeout_without_posting_twice(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world, ids = planned(sandbox, engine, owners=("leo", "lia"))
    sender = SlackSender(world.deps())
    # A sweep that died: both claimed; Leo's post reached Slack, Lia's never left.
    claimed = {}
    with unit_of_work(engine) as session:
        for name, mid in zip(("leo", "lia"), ids, strict=True):
            row = ledger.claim_notification(
                session,
                kind=keys.MILESTONE_REMINDER,
                target=keys.milestone_target(world.city_id, mid),
                period_key="d0@2027-03-17",
                now=NINE_EDT,
            )
            assert row is not None and row.id is not None
            claimed[name] = row.id
    view = ReminderView(ids[0], "PA1 milestone", "Springfield", DUE, 0, "en")
    sender.send(Outgoing(claimed["leo"], "T0CITYCHK1", world.user("leo"), view))

    world.clock.now = NINE_EDT + timedelta(minutes=5)
    assert world.sweeper().sweep().due == 0  # both still held by the dead sweep
    world.clock.now = NINE_EDT + ledger.CLAIM_TIMEOUT + timedelta(seconds=1)
    report = world.sweeper().sweep()
    assert (report.recovered, report.sent) == (1, 1)
    assert len(world.dm_texts("leo")) == len(world.dm_texts("lia")) == 1
    with unit_of_work(engine, read_only=True) as session:
        for ledger_id in claimed.values():
            row = session.get(NotificationLedger, ledger_id)
            assert row is not None and row.status == NotificationStatus.SENT


def test_a_sweep_can_be_stopped_between_sends(sandbox: LocalSandbox, engine: Engine) -> None:
    world, _ = planned(sandbox, engine, owners=("leo", "lia", "lou"))
    world.clock.now = NINE_EDT
    sweeper = world.sweeper()
    sweeper.stop.set()
    report = sweeper.sweep()
    assert report.stopped and report.sent == 0
    assert world.sweeper().sweep().sent == 3  # nothing was claimed and left behind
