"""Workspaces, cities, people and roles; deleting a city removes everything of it."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from storage.enums import Role
from storage.models import Person, Workspace
from storage.repo import RecordNotFoundError, answers, ledger, orgs, plans, progress
from storage.validation import InvalidValueError
from tests.builders import NOW, build_city


def _workspace(session: Session) -> Workspace:
    return orgs.upsert_workspace(session, slack_team_id="T1", name="Team", now=NOW)


def test_a_city_keeps_its_schedule_settings(session: Session) -> None:
    workspace = _workspace(session)
    assert workspace.id is not None
    city = orgs.create_city(
        session,
        workspace_id=workspace.id,
        name=" Recife ",
        state="PE",
        country="br",
        population=1_488_920,
        timezone="America/Recife",
        language="pt",
        working_days=[5, 1, 2, 3, 4, 1],
        digest_weekday=5,
        digest_time=time(8, 30),
        now=NOW,
    )
    session.commit()
    session.expire_all()
    stored = orgs.get_city(session, city_id=city.id or 0)
    assert (stored.name, stored.country, stored.language) == ("Recife", "BR", "pt")
    assert stored.working_days == [1, 2, 3, 4, 5]
    assert (stored.digest_weekday, stored.digest_time) == (5, time(8, 30))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"timezone": "Central Time"}, "IANA timezone name"),
        ({"language": "fr"}, "use one of en, es, pt"),
        ({"working_days": [0, 8]}, "1 (Monday) to 7 (Sunday)"),
        ({"working_days": []}, "at least one day"),
        ({"digest_weekday": 9}, "digest_weekday 9 is not valid"),
        ({"country": "Brazil"}, "two-letter ISO code"),
        ({"population": -3}, "0 or more"),
        ({"name": "  "}, "cannot be empty"),
    ],
)
def test_bad_city_settings_say_what_to_use(session: Session, change: dict, says: str) -> None:
    setup = build_city(session)
    with pytest.raises(InvalidValueError, match=re.escape(says)):
        orgs.update_city(session, city_id=setup.city_id, **change)


def test_update_city_changes_only_settings(session: Session) -> None:
    setup = build_city(session)
    city = orgs.update_city(session, city_id=setup.city_id, timezone="Europe/Madrid")
    assert city.timezone == "Europe/Madrid"
    with pytest.raises(TypeError, match="workspace_id"):
        orgs.update_city(session, city_id=setup.city_id, workspace_id=99)
    with pytest.raises(RecordNotFoundError, match="city 999 not found"):
        orgs.get_city(session, city_id=999)


def test_a_person_is_refreshed_from_slack_and_keeps_their_chosen_language(
    session: Session,
) -> None:
    workspace = _workspace(session)
    assert workspace.id is not None
    first = orgs.upsert_person(
        session, workspace_id=workspace.id, slack_user_id="U1", display_name="Ana", now=NOW
    )
    orgs.set_person_language(session, person_id=first.id or 0, language="es", now=NOW)
    later = NOW + timedelta(days=1)
    again = orgs.upsert_person(
        session,
        workspace_id=workspace.id,
        slack_user_id="U1",
        display_name="Ana María",
        locale="es-LA",
        timezone="Not/AZone",
        now=later,
    )
    assert again.id == first.id
    assert (again.display_name, again.locale, again.language) == ("Ana María", "es-LA", "es")
    assert again.timezone is None and again.updated_at == later
    assert session.exec(select(func.count()).select_from(Person)).one() == 1


def test_roles_are_granted_once_and_can_be_revoked(session: Session) -> None:
    setup = build_city(session)
    rita = setup.person_id("rita")
    orgs.grant_role(session, city_id=setup.city_id, person_id=rita, role="leader", now=NOW)
    orgs.grant_role(session, city_id=setup.city_id, person_id=rita, role=Role.LEADER, now=NOW)
    assert orgs.roles_of(session, city_id=setup.city_id, person_id=rita) == {
        Role.RESPONDENT,
        Role.LEADER,
    }
    leaders = orgs.people_with_role(session, city_id=setup.city_id, role=Role.LEADER)
    assert [p.display_name for p in leaders] == ["Leo", "Rita"]
    assert orgs.revoke_role(session, city_id=setup.city_id, person_id=rita, role="leader")
    assert not orgs.revoke_role(session, city_id=setup.city_id, person_id=rita, role="leader")
    assert [c.name for c in orgs.cities_of_person(session, person_id=rita)] == ["Springfield"]


def _count_rows(session: Session) -> dict[str, int]:
    return {
        table.name: session.exec(select(func.count()).select_from(table)).one()
        for table in SQLModel.metadata.sorted_tables
    }


def test_deleting_a_city_removes_everything_of_it_and_nothing_else(session: Session) -> None:
    doomed = build_city(session, name="Doomed", team_id="T1")
    kept = build_city(session, name="Kept", team_id="T2")
    for setup in (doomed, kept):
        rita = setup.person_id("rita")
        answers.record_answer(
            session,
            assessment_id=setup.assessment_id,
            criterion_id="DM1",
            person_id=rita,
            ticked=["written-strategy"],
            status="answered",
            note=None,
            evidence=[],
            now=NOW,
            source="click",
        )
        progress.save_progress(
            session,
            person_id=rita,
            assessment_id=setup.assessment_id,
            current_criterion_id="DM2",
            now=NOW,
        )
        plan = plans.create_plan(
            session, assessment_id=setup.assessment_id, created_by_id=rita, now=NOW
        )
        plans.add_milestone(
            session,
            plan_id=plan.id or 0,
            criterion_id="DM1",
            title="Adopt a strategy",
            due_on=date(2027, 6, 1),
            owner_id=setup.person_id("leo"),
            now=NOW,
        )
    ledger.claim_notification(session, kind="digest", target="city:x", period_key="w", now=NOW)
    session.commit()
    before = _count_rows(session)

    orgs.delete_city(session, city_id=doomed.city_id)
    session.commit()
    after = _count_rows(session)

    owned = ["city", "city_role", "assessment", "assignment", "answer", "answer_history"]
    owned += ["interview_progress", "plan", "milestone"]
    for table in owned:
        assert after[table] == before[table] // 2, table
    for table in ("workspace", "person", "notification_ledger"):
        assert after[table] == before[table], table
