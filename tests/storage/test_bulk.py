"""Bulk reads: thousands of ids in one statement, and rows as the driver gives them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, event
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from storage.models import Milestone, NotificationLedger
from storage.repo import plans
from storage.repo.bulk import as_date, in_values, raw_rows, utc
from tests.builders import NOW, build_city


def test_thousands_of_ids_go_in_one_statement(engine: Engine, session: Session) -> None:
    rows = [
        NotificationLedger(kind="k", target=f"city:{n}", period_key="p", claimed_at=NOW)
        for n in range(2500)
    ]
    session.add_all(rows)
    session.commit()
    ids = [row.id for row in rows]
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))

    wanted = ids[::2]
    found = session.execute(
        sa_select(col(NotificationLedger.id)).where(
            in_values(session, col(NotificationLedger.id), wanted)
        )
    ).scalars()
    targets = session.execute(
        sa_select(col(NotificationLedger.target)).where(
            in_values(session, col(NotificationLedger.target), ["city:7", "city:9", "nowhere"])
        )
    ).scalars()
    nothing = session.execute(
        sa_select(col(NotificationLedger.id)).where(
            in_values(session, col(NotificationLedger.id), [])
        )
    ).all()

    assert sorted(found) == sorted(wanted)
    assert sorted(targets) == ["city:7", "city:9"]
    assert nothing == []
    assert len([s for s in sent if s.lstrip().upper().startswith("SELECT")]) == 3


def test_raw_rows_come_as_the_driver_gives_them_and_convert_back(session: Session) -> None:
    setup = build_city(session)
    assert setup.assessment.id is not None
    plan = plans.create_plan(
        session, assessment_id=setup.assessment.id, created_by_id=None, now=NOW
    )
    assert plan.id is not None
    milestone = plans.add_milestone(
        session,
        plan_id=plan.id,
        criterion_id="PA1",
        title="Publish the KPIs",
        due_on=date(2027, 4, 1),
        owner_id=None,
        now=NOW,
    )
    plans.snooze_milestone(
        session, milestone_id=milestone.id or 0, until=NOW + timedelta(days=3), now=NOW
    )
    session.commit()

    [(due, snoozed, status)] = raw_rows(
        session,
        sa_select(col(Milestone.due_on), col(Milestone.snoozed_until), col(Milestone.status)).where(
            col(Milestone.id) == milestone.id
        ),
    )

    assert as_date(due) == date(2027, 4, 1)
    assert utc(snoozed) == NOW + timedelta(days=3)
    assert status == "open"
