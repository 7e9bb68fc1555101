"""Setting a city up: what the form shows, what a submission may change, what is stored."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import Session, select

from bot.services import setup
from bot.services.coordinator import CityChoice, Refusal
from bot.services.profiles import Profile
from bot.services.setup import SetupForm, SetupSubmission
from rubric.loader import load_bundled_rubric
from storage.enums import Role
from storage.models import Assessment, City
from storage.repo import assessments, orgs
from tests.builders import NOW, build_city

TEAM = "T0CITY"


def _submission(**changes: object) -> SetupSubmission:
    values: dict[str, object] = {
        "name": "Springfield",
        "state": "Illinois",
        "country": "US",
        "population": "114394",
        "timezone": "America/Chicago",
        "channel_id": "C0DIGEST",
        "coordinators": ("U0ANA",),
        "leaders": ("U0LEO",),
    }
    values.update(changes)
    return SetupSubmission(**values)  # type: ignore[arg-type]


PROFILES = [
    Profile("U0ANA", "Ana", locale="es-LA", timezone="America/Chicago"),
    Profile("U0LEO", "Leo", locale="en-US", timezone="America/Chicago"),
    Profile("U0RUI", "Rui", locale="pt-BR", timezone="America/Sao_Paulo"),
]


def _save(session: Session, submission: SetupSubmission, user: str = "U0ANA") -> setup.SetupOutcome:
    outcome = setup.save_setup(
        session,
        team_id=TEAM,
        team_name="springfield",
        user_id=user,
        submission=submission,
        profiles=PROFILES,
        rubric=load_bundled_rubric(),
        now=NOW,
    )
    session.commit()
    return outcome


def test_a_newcomer_gets_a_blank_form_with_their_timezone_and_country(session: Session) -> None:
    asked = []

    def profile() -> Profile:
        asked.append(True)
        return Profile("U0ANA", "Ana", locale="pt-BR", timezone="America/Sao_Paulo")

    form = setup.setup_form(
        session, team_id=TEAM, user_id="U0ANA", channel_id="C0DIGEST", profile=profile
    )

    assert form == SetupForm(
        city_id=None,
        country="BR",
        timezone="America/Sao_Paulo",
        channel_id="C0DIGEST",
        coordinators=("U0ANA",),
        language="pt",
    )
    assert asked == [True]


def test_a_direct_message_is_not_offered_as_the_digest_channel(session: Session) -> None:
    form = setup.setup_form(session, team_id=TEAM, user_id="U0ANA", channel_id="D0DM")

    assert isinstance(form, SetupForm) and form.channel_id is None


def test_the_coordinator_of_a_city_gets_its_settings_without_asking_slack(
    session: Session,
) -> None:
    city = build_city(session, team_id=TEAM)
    cora = city.person("cora")

    form = setup.setup_form(
        session, team_id=TEAM, user_id=cora.slack_user_id, profile=lambda: pytest.fail("asked")
    )

    assert isinstance(form, SetupForm)
    assert (form.city_id, form.name, form.timezone) == (
        city.city_id,
        "Springfield",
        "America/Chicago",
    )
    assert form.coordinators == (cora.slack_user_id,)
    assert form.leaders == (city.person("leo").slack_user_id,)


def test_naming_a_city_someone_else_coordinates_is_refused_and_logged(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    city = build_city(session, team_id=TEAM)
    rita = city.person("rita")

    with caplog.at_level(logging.WARNING, logger="citycheck.security"):
        form = setup.setup_form(
            session, team_id=TEAM, user_id=rita.slack_user_id, city_name="  springfield "
        )

    assert isinstance(form, Refusal)
    assert form.params == {"city": "Springfield"}
    assert "action=setup" in caplog.text


def test_a_coordinator_of_two_cities_chooses_and_may_start_a_third(session: Session) -> None:
    first = build_city(session, team_id=TEAM, name="Springfield")
    second = build_city(
        session, team_id=TEAM, name="Capital City", people={"cora": ["leader"]}, areas={}
    )
    cora = first.person("cora")
    assert cora.id is not None
    orgs.grant_role(session, city_id=second.city_id, person_id=cora.id, role="coordinator", now=NOW)
    session.commit()

    choice = setup.setup_form(session, team_id=TEAM, user_id=cora.slack_user_id)
    named = setup.setup_form(
        session, team_id=TEAM, user_id=cora.slack_user_id, city_name="capital city"
    )
    new = setup.setup_form(
        session, team_id=TEAM, user_id=cora.slack_user_id, city_name="Ogdenville"
    )

    assert choice == CityChoice("setup", ("Capital City", "Springfield"))
    assert isinstance(named, SetupForm) and named.city_id == second.city_id
    assert isinstance(new, SetupForm) and (new.city_id, new.name) == (None, "Ogdenville")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": None}, "timezone"),
        ({"population": "0"}, "population"),
        ({"population": "-3"}, "population"),
        ({"population": "12.5"}, "population"),
        ({"population": "many"}, "population"),
        ({"population": ""}, "population"),
        ({"country": "XX"}, "country"),
        ({"channel_id": None}, "channel"),
        ({"coordinators": ()}, "coordinators"),
    ],
)
def test_each_bad_field_is_reported_on_its_own(changes: dict[str, object], field: str) -> None:
    values, problems = setup.parse_setup(_submission(**changes))

    assert values is None
    assert list(problems) == [field]


def test_population_may_be_written_with_separators() -> None:
    values, problems = setup.parse_setup(_submission(population="1,204,000"))

    assert problems == {} and values is not None and values.population == 1_204_000


def test_a_population_of_thousands_of_digits_is_a_field_error_not_a_crash() -> None:
    for population in ("9" * 5000, "0" * 4990 + "120000", "100000001"):
        values, problems = setup.parse_setup(_submission(population=population))

        good = population.endswith("120000")
        expected = {} if good else {"population": setup.BAD_POPULATION}
        assert {k: p.message for k, p in problems.items()} == expected, population[-12:]
        assert (values.population if values else None) == (120000 if good else None)


def test_a_name_already_set_up_comes_back_with_what_to_do(session: Session) -> None:
    city = build_city(session, team_id=TEAM)

    stranger = setup.check_setup(
        session, team_id=TEAM, user_id=city.person("rita").slack_user_id,
        submission=_submission(name="SPRINGFIELD"),
    )  # fmt: skip
    own = setup.check_setup(
        session, team_id=TEAM, user_id=city.person("cora").slack_user_id,
        submission=_submission(),
    )  # fmt: skip

    assert stranger.problems["name"].message == setup.NAME_TAKEN
    assert stranger.problems["name"].params == {"city": "Springfield", "people": "Cora"}
    assert own.problems["name"].message == setup.NAME_TAKEN_YOURS


def test_a_form_naming_another_city_is_refused(session: Session) -> None:
    here = build_city(session, team_id=TEAM, name="Springfield")
    there = build_city(
        session, team_id=TEAM, name="Shelbyville", people={"sam": ["coordinator"]}, areas={}
    )

    forged = setup.check_setup(
        session,
        team_id=TEAM,
        user_id=there.person("sam").slack_user_id,
        submission=_submission(name="Springfield", city_ref=str(here.city_id)),
    )
    garbage = setup.check_setup(
        session, team_id=TEAM, user_id="U0ANA", submission=_submission(city_ref="1 OR 1=1")
    )

    assert forged.refusal is not None and not forged.ok
    assert garbage.refusal is not None and not garbage.ok


def test_submitting_creates_the_workspace_people_roles_city_and_first_assessment(
    session: Session,
) -> None:
    outcome = _save(session, _submission())

    done = outcome.done
    assert done is not None and done.created
    assert (done.coordinators, done.leaders) == (("U0ANA",), ("U0LEO",))
    assert (done.city_language, done.submitter_language) == ("es", "es-LA")
    assert (done.criteria_count, done.area_count) == (43, 8)
    city = orgs.get_city(session, city_id=done.city_id)
    assert (city.name, city.state, city.population, city.timezone) == (
        "Springfield", "Illinois", 114394, "America/Chicago",
    )  # fmt: skip
    assert city.digest_channel_id == "C0DIGEST"
    assessment = assessments.open_assessment(session, city_id=done.city_id)
    assert assessment is not None and assessment.id == done.assessment_id
    assert (assessment.rubric_id, assessment.round_number) == ("city-data-practices", 1)
    ana = orgs.people_with_role(session, city_id=done.city_id, role=Role.COORDINATOR)
    assert [(p.display_name, p.locale, p.timezone) for p in ana] == [
        ("Ana", "es-LA", "America/Chicago")
    ]
    assert [
        p.display_name
        for p in orgs.people_with_role(session, city_id=done.city_id, role=Role.LEADER)
    ] == ["Leo"]


def test_running_setup_again_updates_the_city_without_a_second_round(session: Session) -> None:
    first = _save(session, _submission()).done
    assert first is not None

    again = _save(
        session,
        _submission(
            city_ref=str(first.city_id),
            population="120000",
            coordinators=("U0ANA", "U0RUI"),
            leaders=(),
        ),
    ).done

    assert again is not None and not again.created
    assert again.assessment_id == first.assessment_id
    assert len(session.exec(select(City)).all()) == 1
    assert len(session.exec(select(Assessment)).all()) == 1
    assert orgs.get_city(session, city_id=first.city_id).population == 120000
    people = orgs.people_with_role(session, city_id=first.city_id, role=Role.COORDINATOR)
    assert [p.display_name for p in people] == ["Ana", "Rui"]
    assert orgs.people_with_role(session, city_id=first.city_id, role=Role.LEADER) == []


def test_bots_picked_as_leaders_get_no_role(session: Session) -> None:
    PROFILES.append(Profile("U0BOT", "helper", is_bot=True))
    try:
        done = _save(session, _submission(leaders=("U0BOT",))).done
    finally:
        PROFILES.pop()

    assert done is not None and done.leaders == ()


def test_a_save_after_someone_else_took_the_name_changes_nothing(session: Session) -> None:
    build_city(session, team_id=TEAM, name="Springfield")

    outcome = _save(session, _submission(), user="U0RUI")

    assert outcome.done is None and "name" in outcome.check.problems
    assert len(session.exec(select(City)).all()) == 1
