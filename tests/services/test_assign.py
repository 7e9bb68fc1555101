"""Who answers which area: the form, the checks, storing only the difference, and Later."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from bot.services import assign
from bot.services.assign import AssignForm, AssignSubmission
from bot.services.coordinator import NO_OPEN_ASSESSMENT, Refusal
from bot.services.postpone import ROUND_CLOSED, Postponed, next_working_morning, postpone_start
from bot.services.profiles import Profile
from rubric.loader import load_bundled_rubric
from storage.enums import Role
from storage.repo import assessments, orgs, progress
from tests.builders import NOW, CitySetup, build_city

TEAM = "T0CITY"
RUBRIC = load_bundled_rubric()


def _ids(city: CitySetup, *names: str) -> tuple[str, ...]:
    return tuple(city.person(name).slack_user_id for name in names)


def _save(
    session: Session, city: CitySetup, selections: dict[str, tuple[str, ...]], **kwargs: object
) -> assign.AssignOutcome:
    outcome = assign.save_assignments(
        session,
        team_id=TEAM,
        user_id=city.person("cora").slack_user_id,
        submission=AssignSubmission(str(city.city_id), selections),
        profiles=kwargs.get("profiles", []),  # type: ignore[arg-type]
        rubric=RUBRIC,
        now=NOW,
    )
    session.commit()
    return outcome


def _assigned(session: Session, city: CitySetup, area_id: str) -> list[str]:
    return [
        p.display_name
        for p in assessments.assignees(session, assessment_id=city.assessment_id, area_id=area_id)
    ]


def test_the_form_lists_every_area_with_its_current_people(session: Session) -> None:
    city = build_city(session, team_id=TEAM)

    form = assign.assign_form(
        session,
        team_id=TEAM,
        user_id=city.person("cora").slack_user_id,
        city_name="",
        rubric=RUBRIC,
    )

    assert isinstance(form, AssignForm) and form.assessment_id == city.assessment_id
    slots = {slot.area_id: slot for slot in form.areas}
    assert list(slots) == [area.id for area in RUBRIC.areas]
    assert set(slots["OD"].assignees) == set(_ids(city, "rita", "cora"))
    assert slots["DM"].assignees == _ids(city, "rita") and slots["DM"].criteria == 9
    assert slots["PA"].assignees == ()


def test_only_coordinators_get_the_form(session: Session) -> None:
    city = build_city(session, team_id=TEAM)

    refused = assign.assign_form(
        session,
        team_id=TEAM,
        user_id=city.person("rita").slack_user_id,
        city_name="",
        rubric=RUBRIC,
    )

    assert isinstance(refused, Refusal) and "coordinators" in refused.reason


def test_a_city_without_an_open_round_has_nothing_to_assign(session: Session) -> None:
    city = build_city(session, team_id=TEAM)
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)
    session.commit()

    refused = assign.assign_form(
        session,
        team_id=TEAM,
        user_id=city.person("cora").slack_user_id,
        city_name="",
        rubric=RUBRIC,
    )

    assert refused == Refusal(NO_OPEN_ASSESSMENT, {"city": "Springfield"})


def test_more_than_three_people_for_an_area_is_a_problem_of_that_area(session: Session) -> None:
    city = build_city(session, team_id=TEAM)

    check = assign.check_assignments(
        session,
        team_id=TEAM,
        user_id=city.person("cora").slack_user_id,
        submission=AssignSubmission(
            str(city.city_id), {"PA": ("U1", "U2", "U3", "U4"), "NOPE": ("U1",)}
        ),
        rubric=RUBRIC,
    )

    assert list(check.problems) == ["PA"] and not check.ok
    assert "NOPE" not in check.selections


def test_a_submission_for_another_city_changes_nothing(session: Session) -> None:
    here = build_city(session, team_id=TEAM, name="Springfield")
    there = build_city(
        session, team_id=TEAM, name="Shelbyville", people={"sam": ["coordinator"]}, areas={}
    )

    outcome = assign.save_assignments(
        session,
        team_id=TEAM,
        user_id=there.person("sam").slack_user_id,
        submission=AssignSubmission(str(here.city_id), {"DM": _ids(there, "sam")}),
        profiles=[],
        rubric=RUBRIC,
        now=NOW,
    )

    assert outcome.done is None and outcome.check.refusal is not None
    assert _assigned(session, here, "DM") == ["Rita"]


def test_only_the_difference_is_stored_and_told(session: Session) -> None:
    city = build_city(
        session, team_id=TEAM, people={"cora": ["coordinator"], "rita": ["respondent"], "rui": []}
    )
    rita, rui, cora = _ids(city, "rita", "rui", "cora")

    outcome = _save(session, city, {"DM": (rita,), "OD": (rui,), "PA": (rita,)})

    done = outcome.done
    assert done is not None and done.changes == 4  # OD: rui in, rita and cora out; PA: rita in
    assert _assigned(session, city, "OD") == ["Rui"] and _assigned(session, city, "PA") == ["Rita"]
    added = {notice.slack_user_id: notice for notice in done.added}
    assert set(added) == {rita, rui}
    assert added[rita].new_area_ids == ("PA",)
    assert [a.area_id for a in added[rita].areas] == ["DM", "PA"]
    assert (added[rita].questions, added[rita].minutes) == (14, 20)
    assert (added[rui].questions, added[rui].minutes) == (4, 5)
    removed = {notice.slack_user_id: notice for notice in done.removed}
    assert set(removed) == {rita, cora}
    assert removed[rita].handovers[0].area.en == "Open Data"
    assert removed[rita].handovers[0].now_answered_by == ("Rui",)
    rui_id = city.person_id("rui")
    assert Role.RESPONDENT in orgs.roles_of(session, city_id=city.city_id, person_id=rui_id)


def test_an_unchanged_submission_tells_nobody(session: Session) -> None:
    city = build_city(session, team_id=TEAM)

    outcome = _save(
        session, city, {"DM": _ids(city, "rita"), "OD": _ids(city, "cora", "rita"), "PA": ()}
    )

    assert outcome.done is not None
    assert (outcome.done.changes, outcome.done.added, outcome.done.removed) == (0, (), ())


def test_people_new_here_are_stored_from_their_profiles(session: Session) -> None:
    city = build_city(session, team_id=TEAM)

    needed = assign.people_to_read(
        session,
        team_id=TEAM,
        submission=AssignSubmission(str(city.city_id), {"PA": ("U0NEW", *_ids(city, "rita"))}),
        now=NOW,
    )
    outcome = _save(
        session,
        city,
        {"PA": ("U0NEW", *_ids(city, "rita"))},
        profiles=[Profile("U0NEW", "Nia", locale="pt-BR", timezone="America/Sao_Paulo")],
    )

    assert needed == ["U0NEW"]
    assert outcome.done is not None
    assert _assigned(session, city, "PA") == ["Nia", "Rita"]
    nia = next(n for n in outcome.done.added if n.slack_user_id == "U0NEW")
    assert nia.language == "pt-BR"


def test_a_finished_respondent_given_a_new_area_is_open_again(session: Session) -> None:
    city = build_city(session, team_id=TEAM)
    rita_id = city.person_id("rita")
    progress.complete_progress(
        session, person_id=rita_id, assessment_id=city.assessment_id, now=NOW
    )
    session.commit()

    _save(session, city, {"PA": _ids(city, "rita")})

    row = progress.get_progress(session, person_id=rita_id, assessment_id=city.assessment_id)
    assert row is not None and row.completed_at is None


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        (datetime(2027, 3, 1, 15, 0, tzinfo=UTC), "America/Chicago", datetime(2027, 3, 2, 9, 0)),
        (datetime(2027, 3, 5, 22, 0, tzinfo=UTC), "America/Chicago", datetime(2027, 3, 8, 9, 0)),
        # Friday 23:30 in Chicago is already Saturday in Lisbon: still Monday.
        (datetime(2027, 3, 6, 5, 30, tzinfo=UTC), "Europe/Lisbon", datetime(2027, 3, 8, 9, 0)),
        # The night before the clocks change still means 9:00 local the next morning.
        (datetime(2027, 3, 12, 18, 0, tzinfo=UTC), "America/Chicago", datetime(2027, 3, 15, 9, 0)),
    ],
)
def test_later_means_the_next_working_morning(now: datetime, zone: str, expected: datetime) -> None:
    until = next_working_morning(now, timezone=zone, working_days=[1, 2, 3, 4, 5])

    assert until == expected.replace(tzinfo=ZoneInfo(zone))


def test_later_pauses_the_person_until_then(session: Session) -> None:
    city = build_city(session, team_id=TEAM, timezone="America/Chicago")

    outcome = postpone_start(
        session,
        team_id=TEAM,
        user_id=city.person("rita").slack_user_id,
        assessment_ref=str(city.assessment_id),
        now=NOW,
    )
    session.commit()

    assert isinstance(outcome, Postponed)
    assert outcome.until == datetime(2027, 3, 2, 9, 0, tzinfo=ZoneInfo("America/Chicago"))
    row = progress.get_progress(
        session, person_id=city.person_id("rita"), assessment_id=city.assessment_id
    )
    assert row is not None and row.paused_until == datetime(2027, 3, 2, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("who", ["leo", "stranger"])
def test_later_from_someone_not_assigned_changes_nothing(session: Session, who: str) -> None:
    city = build_city(session, team_id=TEAM)
    user = city.person(who).slack_user_id if who in city.people else "U0STRANGER"

    outcome = postpone_start(
        session, team_id=TEAM, user_id=user, assessment_ref=str(city.assessment_id), now=NOW
    )

    assert isinstance(outcome, Refusal)
    if who in city.people:
        row = progress.get_progress(
            session, person_id=city.person_id(who), assessment_id=city.assessment_id
        )
        assert row is None


def test_later_on_a_finished_assessment_says_so(session: Session) -> None:
    city = build_city(session, team_id=TEAM)
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)
    session.commit()

    outcome = postpone_start(
        session,
        team_id=TEAM,
        user_id=city.person("rita").slack_user_id,
        assessment_ref=str(city.assessment_id),
        now=NOW,
    )

    assert outcome == Refusal(ROUND_CLOSED)
