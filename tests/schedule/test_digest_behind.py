"""Who the digest lists as behind: unanswered criteria and three working days without activity
or a new assignment, counted on the city's own calendar and working week."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from bot.schedule.digest import DueDigest, build_digests
from storage.repo import progress, sweeps
from tests.builders import build_city
from tests.schedule.world import rubric

ASSIGNED = datetime(2027, 2, 22, 15, tzinfo=UTC)  # a Monday, two weeks before
NOW = datetime(2027, 3, 8, 15, tzinfo=UTC)  # Monday 8 March, 9:00 in Chicago


def test_three_working_days_of_the_citys_week_make_a_respondent_behind(
    session: Session,
) -> None:
    names = ("wendy", "thea", "nora", "fred")
    city = build_city(
        session,
        timezone="America/Chicago",
        people={name: ["respondent"] for name in names},
        areas={"OD": list(names)},
        now=ASSIGNED,
    )
    last_active = {
        "wendy": datetime(2027, 3, 3, 23, tzinfo=UTC),  # Wednesday evening: Thu, Fri, Mon
        "thea": datetime(2027, 3, 4, 3, tzinfo=UTC),  # Wednesday 21:00 in Chicago, too
        "nora": datetime(2027, 3, 4, 15, tzinfo=UTC),  # Thursday: only Fri and Mon since
        "fred": datetime(2027, 3, 5, 15, tzinfo=UTC),  # Friday
    }
    for name, when in last_active.items():
        progress.save_progress(session, person_id=city.person_id(name),
                               assessment_id=city.assessment_id, current_criterion_id="OD1",
                               now=when)  # fmt: skip
    session.commit()
    due = [DueDigest(c, "2027-W10", NOW.date()) for c in sweeps.all_cities(session)]

    (view,) = build_digests(session, rubric=rubric(), due=due, now=NOW).values()

    assert [
        (b.name, b.last_active.isoformat() if b.last_active else None) for b in view.behind
    ] == [
        ("Thea", "2027-03-03"),
        ("Wendy", "2027-03-03"),
    ]
    assert {b.unanswered for b in view.behind} == {len(rubric().area("OD").criteria)}
