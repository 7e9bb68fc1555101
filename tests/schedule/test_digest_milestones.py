"""The digest's milestones: those due in the next 14 days of the city's own calendar and the
overdue ones are listed, every milestone not dropped is counted, and a failed send names its
milestone even when that milestone is not listed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from bot.schedule import keys
from bot.schedule.digest import DueDigest, build_digests
from bot.schedule.views import DigestView
from storage.repo import ledger, plans, sweeps
from tests.builders import build_city
from tests.schedule.world import rubric

NOW = datetime(2027, 3, 8, 15, tzinfo=UTC)  # Monday 9:00 in Chicago; Tuesday 5:00 in Kiritimati
CHICAGO_TODAY, KIRITIMATI_TODAY = date(2027, 3, 8), date(2027, 3, 9)


def _digests(session: Session) -> dict[int, DigestView]:
    due = [DueDigest(city, "2027-W10", NOW.date()) for city in sweeps.all_cities(session)]
    return build_digests(session, rubric=rubric(), due=due, now=NOW)


def _add(session: Session, plan_id: int, criterion: str, due: date, owner: int | None) -> int:
    made = plans.add_milestone(
        session, plan_id=plan_id, criterion_id=criterion, title=f"Meet {criterion}", due_on=due,
        owner_id=owner, now=NOW - timedelta(days=30),
    )  # fmt: skip
    assert made.id is not None
    return made.id


def _plan(session: Session, assessment_id: int, created: datetime) -> int:
    made = plans.create_plan(session, assessment_id=assessment_id, created_by_id=None, now=created)
    assert made.id is not None
    return made.id


def _failed_send(session: Session, city_id: int, milestone_id: int) -> None:
    claimed = ledger.claim_notification(
        session, kind=keys.MILESTONE_REMINDER, period_key=f"due:{milestone_id}",
        target=keys.milestone_target(city_id, milestone_id), now=NOW - timedelta(days=2),
    )  # fmt: skip
    assert claimed is not None and claimed.id is not None
    ledger.mark_failed(session, ledger_id=claimed.id, error="user_not_found", now=NOW,
                       permanent=True)  # fmt: skip


def test_due_soon_and_overdue_follow_the_citys_calendar_and_every_milestone_kept_counts(
    session: Session,
) -> None:
    city = build_city(session, timezone="America/Chicago")
    leo = city.person_id("leo")
    earlier = _plan(session, city.assessment_id, NOW - timedelta(days=40))
    replaced = _add(session, earlier, "PA1", CHICAGO_TODAY, leo)
    plan = _plan(session, city.assessment_id, NOW - timedelta(days=30))
    due = {
        "PA1": CHICAGO_TODAY - timedelta(days=3),
        "PA2": CHICAGO_TODAY,
        "PA3": CHICAGO_TODAY + timedelta(days=14),
        "PA4": CHICAGO_TODAY + timedelta(days=15),
        "PA5": CHICAGO_TODAY + timedelta(days=16),
        "OD1": date(2027, 9, 1),
        "OD2": CHICAGO_TODAY + timedelta(days=2),
        "OD3": CHICAGO_TODAY + timedelta(days=1),
    }
    ids = {cid: _add(session, plan, cid, day, leo) for cid, day in due.items()}
    plans.drop_milestone(session, milestone_id=ids["OD2"])
    plans.complete_milestone(session, milestone_id=ids["OD3"], now=NOW - timedelta(days=1))
    _failed_send(session, city.city_id, ids["OD1"])  # due in September: not listed
    _failed_send(session, city.city_id, replaced)  # of the earlier plan

    ahead = build_city(session, name="Kiritimati", team_id="T0KIRI", timezone="Pacific/Kiritimati")
    ahead_plan = _plan(session, ahead.assessment_id, NOW - timedelta(days=30))
    for cid, days in (("PA1", 14), ("PA2", 15)):
        _add(session, ahead_plan, cid, KIRITIMATI_TODAY + timedelta(days=days), None)
    session.commit()

    views = _digests(session)

    view = views[city.city_id]
    assert [(m.title, m.owner_name, m.due_on, m.days_left) for m in view.overdue] == [
        ("Meet PA1", "Leo", date(2027, 3, 5), -3)
    ]
    assert [(m.title, m.due_on, m.days_left) for m in view.due_soon] == [
        ("Meet PA2", date(2027, 3, 8), 0),
        ("Meet PA3", date(2027, 3, 22), 14),
    ]
    assert (view.done, view.total) == (1, 7)  # the dropped one is not counted
    lines = {line.name: (line.done, line.planned) for line in view.areas}
    assert lines["Performance & Analytics"] == (0, 5)
    assert lines["Open Data"] == (1, 2)
    assert [(e.about, e.who) for e in view.errors] == [
        ("Meet OD1", "Leo"),
        (None, None),  # the earlier plan's milestone: not one of the city's plan any more
    ]
    far_east = views[ahead.city_id]
    assert [(m.due_on, m.days_left) for m in far_east.due_soon] == [(date(2027, 3, 23), 14)]
    assert (far_east.done, far_east.total) == (0, 2)
