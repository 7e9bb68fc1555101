"""Sends claimed a batch at a time: a sweep stopped mid-batch leaves no claim behind."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import select

from bot.deps import Deps
from bot.sandbox.server import LocalSandbox
from bot.schedule.sending import Outgoing
from bot.slack.outbox import SlackSender
from storage.enums import NotificationStatus
from storage.models import NotificationLedger
from storage.session import unit_of_work
from tests.schedule.conftest import make_world
from tests.schedule.world import add_plan

OWNERS = [f"l{n}" for n in range(6)]
NINE_EDT = datetime(2027, 3, 17, 13, tzinfo=UTC)


class StopsAfterTwo(SlackSender):
    """Posts to the sandbox, and asks the sweep to stop after its second post."""

    def __init__(self, deps: Deps, stop: threading.Event) -> None:
        super().__init__(deps)
        self.stop, self.posts = stop, 0

    def send(self, outgoing: Outgoing) -> None:
        super().send(outgoing)
        self.posts += 1
        if self.posts == 2:
            self.stop.set()


def test_a_sweep_stopped_mid_batch_gives_back_what_it_did_not_send(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world = make_world(sandbox, engine, people={o: ["leader"] for o in OWNERS}, digest=False)
    with unit_of_work(engine) as session:
        add_plan(
            session,
            rubric=world.rubric,
            assessment_id=world.assessment_id,
            owner_ids=[world.pid(o) for o in OWNERS],
            due=[date(2027, 3, 17)],
            criteria=["PA1", "PA4", "PA5", "RDC1", "RDC2", "RDC3"],
            now=world.clock.now,
        )
    world.clock.now = NINE_EDT
    stopping = world.sweeper()
    stopping.sender = StopsAfterTwo(world.deps(), stopping.stop)

    report = stopping.sweep()

    assert report.stopped and report.sent == 2
    with unit_of_work(engine, read_only=True) as session:
        rows = session.exec(select(NotificationLedger)).all()
    assert [row.status for row in rows] == [NotificationStatus.SENT] * 2  # no claim left held
    assert world.sweeper().sweep().sent == 4  # at once, not after the claim timeout
    assert sorted(len(world.dm_texts(o)) for o in OWNERS) == [1] * 6
