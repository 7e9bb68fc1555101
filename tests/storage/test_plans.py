"""Plans and milestones: which reminders are due, done, snoozed or dropped."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from storage.enums import MilestoneStatus
from storage.models import Milestone
from storage.repo import assessments, plans
from storage.validation import InvalidValueError
from tests.builders import NOW, CitySetup, build_city


def _plan(session: Session, setup: CitySetup) -> list[Milestone]:
    plan = plans.create_plan(
        session, assessment_id=setup.assessment_id, created_by_id=setup.person_id("cora"), now=NOW
    )
    assert plan.id is not None
    return [
        plans.add_milestone(
            session,
            plan_id=plan.id,
            criterion_id=criterion,
            title=f"Meet {criterion}",
            due_on=due,
            owner_id=setup.person_id("leo"),
            now=NOW,
        )
        for criterion, due in (("DM1", date(2027, 3, 10)), ("DM2", date(2027, 4, 1)))
    ]


def test_due_milestones_are_open_unsnoozed_and_due(session: Session) -> None:
    setup = build_city(session)
    soon, later = _plan(session, setup)
    due = plans.due_milestones(session, due_by=date(2027, 3, 10), now=NOW)
    assert [m.id for m in due] == [soon.id]
    everything = plans.due_milestones(session, due_by=date(2027, 12, 31), now=NOW)
    assert [m.id for m in everything] == [soon.id, later.id]
    in_city = plans.due_milestones(
        session, due_by=date(2027, 12, 31), now=NOW, city_id=setup.city_id
    )
    assert len(in_city) == 2
    assert plans.due_milestones(session, due_by=date(2027, 12, 31), now=NOW, city_id=999) == []

    two_days_on = NOW + timedelta(days=2)
    plans.snooze_milestone(session, milestone_id=soon.id or 0, until=two_days_on, now=NOW)
    assert [m.id for m in plans.due_milestones(session, due_by=date(2027, 3, 31), now=NOW)] == []
    assert len(plans.due_milestones(session, due_by=date(2027, 3, 31), now=two_days_on)) == 1


def test_done_and_dropped_milestones_are_not_due(session: Session) -> None:
    setup = build_city(session)
    soon, later = _plan(session, setup)
    done = plans.complete_milestone(
        session, milestone_id=soon.id or 0, now=NOW, evidence_url=" https://example.org/s "
    )
    assert (done.status, done.done_at, done.evidence_url) == (
        MilestoneStatus.DONE,
        NOW,
        "https://example.org/s",
    )
    plans.drop_milestone(session, milestone_id=later.id or 0)
    assert plans.due_milestones(session, due_by=date(2027, 12, 31), now=NOW) == []
    assert plans.milestones_for_owner(session, owner_id=setup.person_id("leo")) == []
    everything = plans.milestones_for_owner(session, owner_id=setup.person_id("leo"), status=None)
    assert len(everything) == 2
    reopened = plans.reopen_milestone(session, milestone_id=soon.id or 0)
    assert reopened.status is MilestoneStatus.OPEN and reopened.done_at is None


def test_an_archived_rounds_plan_sends_no_reminders(session: Session) -> None:
    setup = build_city(session)
    _plan(session, setup)
    assessments.complete_assessment(session, assessment_id=setup.assessment_id, now=NOW)
    assert len(plans.due_milestones(session, due_by=date(2027, 12, 31), now=NOW)) == 2
    assessments.archive_assessment(session, assessment_id=setup.assessment_id, now=NOW)
    assert plans.due_milestones(session, due_by=date(2027, 12, 31), now=NOW) == []


def test_milestone_mistakes_say_what_to_do(session: Session) -> None:
    setup = build_city(session)
    soon, _ = _plan(session, setup)
    with pytest.raises(InvalidValueError, match="in the future"):
        plans.snooze_milestone(session, milestone_id=soon.id or 0, until=NOW, now=NOW)
    plan = plans.latest_plan(session, assessment_id=setup.assessment_id)
    assert plan is not None
    with pytest.raises(InvalidValueError, match="describe the milestone"):
        plans.add_milestone(
            session,
            plan_id=plan.id or 0,
            criterion_id="DM3",
            title=" ",
            due_on=date(2027, 5, 1),
            now=NOW,
        )
    unowned = plans.set_milestone_owner(session, milestone_id=soon.id or 0, owner_id=None)
    assert unowned.owner_id is None
