"""Sweeps read in bulk: the statements to find what is due do not grow with cities or milestones.

The slow case builds 1,000 cities with 10 milestones each and prints what a sweep costs
(statements and seconds, for the record; nothing is asserted about time).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from bot.schedule import keys
from bot.schedule.sending import Outgoing
from bot.schedule.sweep import Sweeper
from rubric.schema import Rubric
from storage.enums import NotificationStatus, Role
from storage.models import (
    Assessment,
    City,
    CityRole,
    Milestone,
    NotificationLedger,
    Person,
    Plan,
    Workspace,
)
from storage.session import unit_of_work
from tests.schedule.world import rubric

NOW = datetime(2027, 3, 17, 13, tzinfo=UTC)  # Wednesday, 9:00 in New York
WEEK = "2027-W11"


@dataclass
class CountingSender:
    """Stands in for Slack: counts the posts."""

    posts: list[Outgoing] = field(default_factory=list)

    def send(self, outgoing: Outgoing) -> None:
        self.posts.append(outgoing)

    def was_delivered(self, outgoing: Outgoing) -> bool:
        return False


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement run on `engine` inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_cities(
    engine: Engine, first: int, count: int, per_city: int, due: Callable[[int], date]
) -> None:
    """`count` cities, each with a leader, a round, a plan and `per_city` open milestones.

    Every city's digest of this week is already in the ledger, as after Monday's sweep.
    """
    with unit_of_work(engine) as session:
        workspace = Workspace(slack_team_id=f"T{first:08d}", name="Load", created_at=NOW)
        session.add(workspace)
        session.flush()
        for n in range(first, first + count):
            city = City(
                workspace_id=workspace.id,  # type: ignore[arg-type]
                name=f"City {n}",
                timezone="America/New_York",
                digest_channel_id=f"C{n:08d}",
                created_at=NOW - timedelta(days=60),
            )
            leader = Person(
                workspace_id=workspace.id,  # type: ignore[arg-type]
                slack_user_id=f"U{n:08d}",
                display_name=f"Leader {n}",
                created_at=NOW,
                updated_at=NOW,
            )
            session.add_all([city, leader])
            session.flush()
            session.add(
                CityRole(city_id=city.id, person_id=leader.id, role=Role.LEADER, granted_at=NOW)  # type: ignore[arg-type]
            )
            round_ = Assessment(
                city_id=city.id,  # type: ignore[arg-type]
                rubric_id="city-data-practices",
                rubric_version="2022.1",
                round_number=1,
                started_at=NOW - timedelta(days=60),
            )
            session.add(round_)
            session.flush()
            plan = Plan(assessment_id=round_.id, created_at=NOW)  # type: ignore[arg-type]
            session.add(plan)
            session.flush()
            session.add_all(
                Milestone(
                    plan_id=plan.id,  # type: ignore[arg-type]
                    criterion_id="PA1",
                    title=f"Milestone {n}.{i}",
                    owner_id=leader.id,
                    due_on=due(n * per_city + i),
                    created_at=NOW,
                )
                for i in range(per_city)
            )
            session.add(
                NotificationLedger(
                    kind=keys.DIGEST,
                    target=keys.digest_target(city.id),  # type: ignore[arg-type]
                    period_key=WEEK,
                    status=NotificationStatus.SENT,
                    claimed_at=NOW - timedelta(days=2),
                    sent_at=NOW - timedelta(days=2),
                )
            )


def not_due(_: int) -> date:
    return date(2027, 3, 27)  # ten days ahead: loaded, but no reminder falls today


def sweep_statements(engine: Engine, bundled: Rubric) -> int:
    sweeper = Sweeper(engine, bundled, CountingSender(), clock=lambda: NOW)
    with counting(engine) as statements:
        assert sweeper.sweep().due == 0
    return len(statements)


def test_finding_nothing_due_costs_the_same_for_3_or_60_cities(engine: Engine) -> None:
    bundled = rubric()
    add_cities(engine, 0, 3, 2, not_due)
    few = sweep_statements(engine, bundled)
    add_cities(engine, 3, 57, 10, not_due)
    many = sweep_statements(engine, bundled)
    assert few == many <= 8  # among them: held nudges whose time has come, re-checks due


@pytest.mark.slow
def test_a_sweep_over_ten_thousand_milestones(engine: Engine, db_backend: str) -> None:
    bundled = rubric()
    # One milestone in fourteen is due today: today's reminders fall on about 700 of them.
    add_cities(engine, 0, 1000, 10, lambda n: date(2027, 3, 17) + timedelta(days=n % 14))
    sender = CountingSender()
    sweeper = Sweeper(engine, bundled, sender, clock=lambda: NOW)
    started = time.perf_counter()
    with counting(engine) as finding:
        sends, _ = sweeper.find_due(NOW)
    found_in = time.perf_counter() - started
    started = time.perf_counter()
    with counting(engine) as statements:
        report = sweeper.sweep()
    elapsed = time.perf_counter() - started
    print(
        f"\n[{db_backend}] 10,000 milestones in 1,000 cities: finding the {len(sends)} due took "
        f"{len(finding)} statements, {found_in:.2f} s; the sweep: {report.summary()}; "
        f"{len(statements)} statements, {elapsed:.2f} s"
    )
    assert len(finding) <= 9  # with the held nudges whose time has come
    assert report.sent == len(sender.posts) > 0
    idle = Sweeper(engine, bundled, sender, clock=lambda: NOW + timedelta(minutes=1))
    started = time.perf_counter()
    with counting(engine) as statements:
        assert idle.sweep().due == 0
    print(
        f"[{db_backend}] the next sweep, nothing left to send: {len(statements)} statements, "
        f"{time.perf_counter() - started:.2f} s"
    )
    assert len(statements) <= 9
