"""Interview progress: where each person is, pauses, and who has gone quiet."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from storage.repo import assessments, progress
from tests.builders import NOW, build_city


def test_progress_is_kept_per_person_and_round(session: Session) -> None:
    setup = build_city(session)
    rita, cora = setup.person_id("rita"), setup.person_id("cora")
    assert progress.get_progress(session, person_id=rita, assessment_id=setup.assessment_id) is None
    progress.save_progress(
        session,
        person_id=rita,
        assessment_id=setup.assessment_id,
        current_criterion_id="DM1",
        now=NOW,
    )
    later = NOW + timedelta(hours=2)
    moved = progress.save_progress(
        session,
        person_id=rita,
        assessment_id=setup.assessment_id,
        current_criterion_id="DM2",
        now=later,
    )
    assert (moved.current_criterion_id, moved.started_at, moved.last_activity_at) == (
        "DM2",
        NOW,
        later,
    )
    assert progress.get_progress(session, person_id=cora, assessment_id=setup.assessment_id) is None


def test_idle_interviews_leave_out_paused_finished_and_closed_ones(session: Session) -> None:
    setup = build_city(session)
    aid = setup.assessment_id
    rita, cora, leo = (setup.person_id(n) for n in ("rita", "cora", "leo"))
    for person in (rita, cora, leo):
        progress.save_progress(
            session, person_id=person, assessment_id=aid, current_criterion_id="DM1", now=NOW
        )
    week_later = NOW + timedelta(days=7)
    progress.pause_progress(
        session, person_id=cora, assessment_id=aid, until=week_later + timedelta(days=1), now=NOW
    )
    progress.complete_progress(session, person_id=leo, assessment_id=aid, now=NOW)
    idle = progress.idle_progress(session, inactive_since=NOW + timedelta(days=3), now=week_later)
    assert [p.person_id for p in idle] == [rita]

    after_pause = week_later + timedelta(days=2)
    idle = progress.idle_progress(session, inactive_since=after_pause, now=after_pause)
    assert sorted(p.person_id for p in idle) == sorted([rita, cora])

    progress.reopen_progress(session, person_id=leo, assessment_id=aid, now=NOW)
    assessments.complete_assessment(session, assessment_id=aid, now=NOW)
    assert progress.idle_progress(session, inactive_since=after_pause, now=after_pause) == []
