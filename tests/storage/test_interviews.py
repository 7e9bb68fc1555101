"""A person's place saved with one statement, created or updated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from storage.repo import interviews, progress
from tests.builders import NOW, build_city


def test_save_place_creates_then_updates_in_one_statement_each(
    session: Session, engine: Engine
) -> None:
    city = build_city(session)
    rita = city.person_id("rita")
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: sent.append(str(args[2])))

    interviews.save_place(session, person_id=rita, assessment_id=city.assessment_id,
                          current_criterion_id="DM1", paused_until=None, completed_at=None,
                          now=NOW)  # fmt: skip
    later = NOW + timedelta(hours=2)
    interviews.save_place(session, person_id=rita, assessment_id=city.assessment_id,
                          current_criterion_id=None, paused_until=later + timedelta(days=1),
                          completed_at=later, now=later)  # fmt: skip
    session.commit()

    assert len([s for s in sent if s.lstrip().upper().startswith("INSERT")]) == 2
    place = progress.get_progress(session, person_id=rita, assessment_id=city.assessment_id)
    assert place is not None
    assert (place.started_at, place.last_activity_at) == (NOW, later)
    assert place.current_criterion_id is None and place.completed_at == later
    assert place.paused_until == later + timedelta(days=1)


def test_loading_an_interview_finds_others_assignments_through_indexes(
    session: Session, engine: Engine
) -> None:
    """Other respondents of the person's areas are looked up by round and area: an answer click
    costs the same with ten or a hundred thousand assignments in the database."""
    if engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plan")
    city = build_city(session, areas={"DM": ["rita", "cora"]})
    rita, round_id = city.person("rita").slack_user_id, city.assessment_id
    sent: list[tuple[str, object]] = []
    listener = lambda *args: sent.append((str(args[2]), args[3]))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        rows = interviews.load_interview(
            session, slack_team_id="T0CITY", slack_user_id=rita, assessment_id=round_id
        )
    finally:
        event.remove(engine, "before_cursor_execute", listener)

    [(statement, parameters)] = [s for s in sent if "JOIN person" in s[0]]
    plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    steps = [str(row[-1]) for row in plan]
    assert not [step for step in steps if step.startswith("SCAN")], steps
    assert rows is not None and rows.others == (("DM", None),)
