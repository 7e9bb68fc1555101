"""A person's place saved with one statement, created or updated."""

from __future__ import annotations

from datetime import timedelta

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
