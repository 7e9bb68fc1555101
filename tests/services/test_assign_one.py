"""`/citycheck assign <criterion> @people`: the text read, the criterion's own respondents
stored, at most three people on one criterion, and what each person is then asked."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.services.assign_one import (
    NOBODY_PICKED,
    TOO_MANY_FOR_ONE,
    UNKNOWN_TARGET,
    CriterionAssigned,
    OneAssignment,
    assign_criterion,
    parse_one_assignment,
)
from bot.services.coordinator import Refusal
from bot.services.interview import snapshot_of
from bot.services.respondents import shared_criteria
from rubric.loader import load_bundled_rubric
from storage.enums import Role
from storage.repo import interviews, orgs
from storage.repo import respondents as respondent_repo
from tests.builders import NOW, CitySetup, build_city

RUBRIC = load_bundled_rubric()
TEAM = "T0CITY"
PEOPLE = {
    "rita": [Role.RESPONDENT],
    "rui": [Role.RESPONDENT],
    "cora": [Role.COORDINATOR],
    "tom": [],
    "ana": [],
}


@pytest.fixture
def city(session: Session) -> CitySetup:
    return build_city(session, team_id=TEAM, people=PEOPLE, areas={"OD": ["rita", "rui"]})


def mention(city: CitySetup, who: str) -> str:
    return f"<@{city.person(who).slack_user_id}|{who}>"


def assign(session: Session, city: CitySetup, text: str) -> object:
    request = parse_one_assignment(text, RUBRIC)
    assert request is not None
    done = assign_criterion(session, team_id=TEAM, user_id=city.person("cora").slack_user_id,
                            request=request, profiles=[], rubric=RUBRIC, now=NOW)  # fmt: skip
    session.commit()
    return done


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "od3 <@U0001TOM|tom> <@U0002ANA>",
            OneAssignment("OD3", ("U0001TOM", "U0002ANA"), False, ""),
        ),
        ("OD3 <@U0001TOM> Springfield", OneAssignment("OD3", ("U0001TOM",), False, "Springfield")),
        ("DM none", OneAssignment("DM", (), True, "")),
        ("Springfield", None),
        ("Austin", None),
        ("", None),
        ("XY9 <@U0001TOM>", OneAssignment("XY9", ("U0001TOM",), False, "")),
    ],
)
def test_the_command_text_names_an_area_or_criterion_and_people(
    text: str, expected: OneAssignment | None
) -> None:
    assert parse_one_assignment(text, RUBRIC) == expected


def test_a_criterion_gets_its_own_respondent_who_is_asked_just_that_one(
    session: Session, city: CitySetup, engine: Engine
) -> None:
    done = assign(session, city, f"OD3 {mention(city, 'tom')}")

    assert isinstance(done, CriterionAssigned)
    assert (done.area_people, done.own_people) == (("Rita", "Rui"), ("Tom",))
    [notice] = done.added
    assert notice.criterion_id == "OD3" and notice.with_names == ("Rita", "Rui")
    with Session(engine) as fresh:
        roles = orgs.roles_of(fresh, city_id=city.city_id, person_id=city.person_id("tom"))
        assert Role.RESPONDENT in roles
        rows = interviews.load_interview(
            fresh, slack_team_id=TEAM, slack_user_id=city.person("tom").slack_user_id,
            assessment_id=city.assessment_id,
        )  # fmt: skip
        assert rows is not None
        assert snapshot_of(rows, RUBRIC).criteria == ("OD3",)
        assert shared_criteria(RUBRIC, rows) == frozenset({"OD3"})
        ritas = interviews.load_interview(
            fresh, slack_team_id=TEAM, slack_user_id=city.person("rita").slack_user_id,
            assessment_id=city.assessment_id,
        )  # fmt: skip
        assert ritas is not None
        assert shared_criteria(RUBRIC, ritas) == {"OD1", "OD2", "OD3", "OD4"}


def test_a_fourth_person_on_one_criterion_is_refused_and_nothing_changes(
    session: Session, city: CitySetup, engine: Engine
) -> None:
    done = assign(session, city, f"OD3 {mention(city, 'tom')} {mention(city, 'ana')}")

    assert isinstance(done, Refusal) and done.reason == TOO_MANY_FOR_ONE
    assert done.params["count"] == "4"
    with Session(engine) as fresh:
        assert (
            respondent_repo.criterion_assignees(
                fresh, assessment_id=city.assessment_id, criterion_id="OD3"
            )
            == []
        )


def test_the_same_people_again_change_nothing_and_none_takes_them_away(
    session: Session, city: CitySetup, engine: Engine
) -> None:
    assign(session, city, f"DM2 {mention(city, 'tom')} {mention(city, 'ana')}")
    again = assign(session, city, f"DM2 {mention(city, 'tom')} {mention(city, 'ana')}")
    assert isinstance(again, CriterionAssigned) and again.added == () and again.removed == ()

    cleared = assign(session, city, "DM2 none")

    assert isinstance(cleared, CriterionAssigned)
    assert set(cleared.removed) == {
        city.person("tom").slack_user_id,
        city.person("ana").slack_user_id,
    }
    with Session(engine) as fresh:
        assert (
            respondent_repo.criterion_assignees(
                fresh, assessment_id=city.assessment_id, criterion_id="DM2"
            )
            == []
        )


def test_an_unknown_id_or_nobody_named_says_what_to_write(
    session: Session, city: CitySetup
) -> None:
    unknown = assign(session, city, f"XY9 {mention(city, 'tom')}")
    nobody = assign(session, city, "OD3")

    assert isinstance(unknown, Refusal) and unknown.reason == UNKNOWN_TARGET
    assert unknown.params == {"target": "XY9", "example_area": "DM", "example_criterion": "DM1"}
    assert isinstance(nobody, Refusal) and nobody.reason == NOBODY_PICKED


def test_only_a_coordinator_assigns_a_criterion(session: Session, city: CitySetup) -> None:
    request = parse_one_assignment(f"OD3 {mention(city, 'tom')}", RUBRIC)
    assert request is not None
    refused = assign_criterion(session, team_id=TEAM, user_id=city.person("rita").slack_user_id,
                               request=request, profiles=[], rubric=RUBRIC, now=NOW)  # fmt: skip
    assert isinstance(refused, Refusal)
    assert (
        respondent_repo.criterion_assignees(
            session, assessment_id=city.assessment_id, criterion_id="OD3"
        )
        == []
    )
