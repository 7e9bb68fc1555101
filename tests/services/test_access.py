"""Who may act for which city: the database decides, and refusals are logged as security events."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import Session

from bot.services.access import (
    COORDINATORS_ONLY,
    NOT_A_MEMBER,
    NOT_SET_UP,
    NOT_YOURS,
    AccessDenied,
    AmbiguousCity,
    city_for_role,
    find_actor,
    require_role,
)
from storage.enums import Role
from storage.repo import orgs
from tests.builders import NOW, build_city


def test_a_coordinator_may_act_for_their_city(session: Session) -> None:
    city = build_city(session)
    actor = find_actor(session, team_id="T0CITY", user_id=city.person("cora").slack_user_id)
    person = require_role(
        session, actor=actor, city_id=city.city_id, roles=[Role.COORDINATOR], action="assign"
    )
    assert person.id == city.person_id("cora")
    assert city_for_role(session, actor=actor, roles=[Role.COORDINATOR], action="assign").id == (
        city.city_id
    )


def test_a_respondent_is_refused_a_coordinator_action_and_it_is_logged(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    city = build_city(session)
    actor = find_actor(session, team_id="T0CITY", user_id=city.person("rita").slack_user_id)
    with (
        caplog.at_level(logging.WARNING, logger="citycheck.security"),
        pytest.raises(AccessDenied) as refused,
    ):
        require_role(
            session, actor=actor, city_id=city.city_id, roles=[Role.COORDINATOR], action="assign"
        )
    assert refused.value.reason == COORDINATORS_ONLY
    assert "action=assign" in caplog.text
    assert f"user={city.person('rita').slack_user_id}" in caplog.text
    assert f"city={city.city_id}" in caplog.text


def test_a_coordinator_of_another_workspace_cannot_touch_this_city(session: Session) -> None:
    here = build_city(session, name="Springfield", team_id="T0CITY")
    there = build_city(session, name="Shelbyville", team_id="T0OTHER")
    actor = find_actor(session, team_id="T0OTHER", user_id=there.person("cora").slack_user_id)
    with pytest.raises(AccessDenied) as refused:
        require_role(
            session, actor=actor, city_id=here.city_id, roles=[Role.COORDINATOR], action="assign"
        )
    assert refused.value.reason == NOT_YOURS


def test_strangers_are_told_how_to_get_started(session: Session) -> None:
    build_city(session)
    unknown_team = find_actor(session, team_id="T0NOPE", user_id="U0NOBODY")
    with pytest.raises(AccessDenied) as refused:
        city_for_role(session, actor=unknown_team, roles=[Role.COORDINATOR], action="status")
    assert refused.value.reason == NOT_SET_UP
    unknown_person = find_actor(session, team_id="T0CITY", user_id="U0NOBODY")
    with pytest.raises(AccessDenied) as refused:
        city_for_role(session, actor=unknown_person, roles=[Role.RESPONDENT], action="resume")
    assert refused.value.reason == NOT_A_MEMBER


def test_a_coordinator_of_two_cities_must_name_one(session: Session) -> None:
    first = build_city(session, name="Springfield")
    second = build_city(session, name="Capital City")
    cora = first.person("cora")
    assert cora.id is not None and second.city_id
    orgs.grant_role(
        session, city_id=second.city_id, person_id=cora.id, role=Role.COORDINATOR, now=NOW
    )
    actor = find_actor(session, team_id="T0CITY", user_id=cora.slack_user_id)
    with pytest.raises(AmbiguousCity) as ambiguous:
        city_for_role(session, actor=actor, roles=[Role.COORDINATOR], action="assign")
    assert {c.name for c in ambiguous.value.cities} == {"Springfield", "Capital City"}
    chosen = city_for_role(
        session, actor=actor, roles=[Role.COORDINATOR], action="assign", city_name="capital city"
    )
    assert chosen.id == second.city_id
