"""Real threads on a real database: simultaneous saves and claims neither fail nor get lost.

Run on a SQLite file (units of work queue on `BEGIN IMMEDIATE`) and on PostgreSQL (row locks,
INSERT ... ON CONFLICT). Each round starts the threads together behind a barrier.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import Engine

from storage.engine import make_engine
from storage.repo import answers, events, ledger
from storage.session import unit_of_work
from tests.builders import NOW, CitySetup, build_city

WRITERS = 4
ROUNDS = 6


@pytest.fixture
def shared_engine(db_url: str) -> Iterator[Engine]:
    """An engine with a real connection pool, on a database other threads can open."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def run_together(count: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0..count-1) in threads released at the same moment; re-raise any failure."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as exc:  # collected and re-raised in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if failures:
        raise failures[0]
    return results


def _setup(engine: Engine) -> CitySetup:
    with unit_of_work(engine) as session:
        return build_city(session, commit=False)


def test_simultaneous_saves_of_one_criterion_all_land_in_the_history(
    shared_engine: Engine,
) -> None:
    setup = _setup(shared_engine)
    people = [setup.person_id(name) for name in setup.people]

    for round_number in range(ROUNDS):
        criterion = f"DM{round_number + 1}"

        def save(index: int, phase: str, criterion: str = criterion) -> None:
            with unit_of_work(shared_engine) as session:
                answers.record_answer(
                    session,
                    assessment_id=setup.assessment_id,
                    criterion_id=criterion,
                    person_id=people[index % len(people)],
                    ticked=[f"{phase}-item-{index}"],
                    status="answered",
                    note=f"{phase} by writer {index}",
                    evidence=[],
                    now=NOW + timedelta(seconds=index),
                    source="click",
                )

        run_together(WRITERS, lambda i: save(i, "first"))  # nobody had answered yet
        run_together(WRITERS, lambda i: save(i, "second"))  # everybody changes it

        with unit_of_work(shared_engine, read_only=True) as session:
            current = answers.get_answer(
                session, assessment_id=setup.assessment_id, criterion_id=criterion
            )
            assert current is not None and current.id is not None
            history = answers.answer_history(session, answer_id=current.id)

        written = {f"{phase}-item-{i}" for phase in ("first", "second") for i in range(WRITERS)}
        assert {change.new_value["ticked"][0] for change in history} == written
        assert len(history) == 2 * WRITERS
        assert history[0].old_value is None
        for earlier, later in pairwise(history):
            assert later.old_value == earlier.new_value  # nobody overwrote unseen
        assert current.ticked == history[-1].new_value["ticked"]  # the latest save wins
        assert current.note == history[-1].new_value["note"]


def test_simultaneous_claims_of_one_notification_give_it_to_exactly_one(
    shared_engine: Engine,
) -> None:
    for round_number in range(ROUNDS):

        def claim(_index: int, period: str = f"2027-W{round_number + 10}") -> bool:
            with unit_of_work(shared_engine) as session:
                row = ledger.claim_notification(
                    session, kind="digest", target="city:1", period_key=period, now=NOW
                )
                return row is not None

        assert run_together(WRITERS, claim).count(True) == 1


def test_simultaneous_deliveries_of_one_event_are_handled_once(shared_engine: Engine) -> None:
    for round_number in range(ROUNDS):

        def deliver(_index: int, event_id: str = f"Ev{round_number:08d}") -> bool:
            with unit_of_work(shared_engine) as session:
                return events.remember_event(session, event_id=event_id, now=NOW)

        assert run_together(WRITERS, deliver).count(True) == 1
