"""Progress as each person sees it: the coordinator's team, a respondent's areas, outsiders."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from bot.services.access import NOT_A_MEMBER, NOT_SET_UP
from bot.services.coordinator import CityChoice
from bot.services.status import LEADER_ONLY, coordinator_overviews, status_for
from rubric.loader import load_bundled_rubric
from storage.enums import AnswerStatus
from storage.repo import answers, progress
from tests.builders import NOW, CitySetup, build_city

TEAM = "T0CITY"
RUBRIC = load_bundled_rubric()


def _answer(
    session: Session,
    city: CitySetup,
    who: str,
    criterion_id: str,
    *,
    met: bool = True,
    status: AnswerStatus = AnswerStatus.ANSWERED,
    ago: timedelta = timedelta(days=2),
) -> None:
    criterion = RUBRIC.criterion(criterion_id)
    answers.record_answer(
        session,
        assessment_id=city.assessment_id,
        criterion_id=criterion_id,
        person_id=city.person_id(who),
        ticked=[item.id for item in criterion.checklist] if met else [],
        status=status,
        note=None,
        evidence=[],
        now=NOW - ago,
        source="click",
    )


def test_a_coordinator_sees_progress_by_area_and_person(session: Session) -> None:
    city = build_city(session, team_id=TEAM)
    for cid in ("OD1", "OD2"):
        _answer(session, city, "rita", cid)
    _answer(session, city, "rita", "OD3", status=AnswerStatus.SKIPPED)
    session.commit()

    view = status_for(
        session, team_id=TEAM, user_id=city.person("cora").slack_user_id, city_name="",
        rubric=RUBRIC, now=NOW,
    )  # fmt: skip

    team = view.team
    assert team is not None and view.outsider is None
    areas = {area.area_id: area for area in team.areas}
    assert (areas["OD"].answered, areas["OD"].total) == (2, 4)  # the skipped one still waits
    assert (areas["DM"].answered, areas["DM"].total) == (0, 9)
    assert areas["PA"].assignees == ()
    people = {p.name: p for p in areas["OD"].assignees}
    assert people["Rita"].started and people["Rita"].last_active_at == NOW - timedelta(days=2)
    assert not people["Cora"].started and people["Cora"].last_active_at is None
    assert team.not_started == ("Cora",)
    assert (team.answered, team.total) == (2, 43)


def test_the_projection_names_what_holds_the_level_back(session: Session) -> None:
    city = build_city(session, team_id=TEAM)
    _answer(session, city, "rita", "DM1", met=False)
    session.commit()

    view = status_for(
        session, team_id=TEAM, user_id=city.person("cora").slack_user_id, city_name="",
        rubric=RUBRIC, now=NOW,
    )  # fmt: skip

    assert view.team is not None
    seen = view.team.projection
    assert seen.level is None and (seen.met, seen.total) == (0, 43)
    assert [(b.criterion_id, b.answered) for b in seen.blockers] == [
        ("DM1", True),
        ("LC1", False),
        ("PA1", False),
    ]
    assert seen.first_level is not None and seen.first_level.en == "Silver"


def test_paused_people_have_not_started_until_they_answer(session: Session) -> None:
    city = build_city(session, team_id=TEAM)
    progress.pause_progress(
        session, person_id=city.person_id("rita"), assessment_id=city.assessment_id,
        until=NOW + timedelta(days=1), now=NOW,
    )  # fmt: skip
    session.commit()

    view = status_for(
        session, team_id=TEAM, user_id=city.person("cora").slack_user_id, city_name="",
        rubric=RUBRIC, now=NOW,
    )  # fmt: skip

    assert view.team is not None and "Rita" in view.team.not_started


def test_a_respondent_sees_their_own_areas(session: Session) -> None:
    city = build_city(session, team_id=TEAM)
    _answer(session, city, "rita", "OD1")
    session.commit()

    view = status_for(
        session, team_id=TEAM, user_id=city.person("rita").slack_user_id, city_name="",
        rubric=RUBRIC, now=NOW,
    )  # fmt: skip

    assert view.team is None and len(view.own) == 1
    own = view.own[0]
    assert own.assessment_id == city.assessment_id and not own.done
    assert [(a.name.en, a.answered, a.total) for a in own.areas] == [
        ("Data Management", 0, 9),
        ("Open Data", 1, 4),
    ]


def test_a_coordinator_who_also_answers_sees_both(session: Session) -> None:
    city = build_city(session, team_id=TEAM)

    view = status_for(
        session, team_id=TEAM, user_id=city.person("cora").slack_user_id, city_name="",
        rubric=RUBRIC, now=NOW,
    )  # fmt: skip

    assert view.team is not None
    assert [a.name.en for a in view.own[0].areas] == ["Open Data"]


def test_leaders_and_strangers_are_told_how_to_take_part(session: Session) -> None:
    city = build_city(session, team_id=TEAM)

    leader = status_for(
        session, team_id=TEAM, user_id=city.person("leo").slack_user_id, city_name="",
        rubric=RUBRIC, now=NOW,
    )  # fmt: skip
    stranger = status_for(
        session, team_id=TEAM, user_id="U0NOBODY", city_name="", rubric=RUBRIC, now=NOW
    )
    elsewhere = status_for(
        session, team_id="T0OTHER", user_id="U0NOBODY", city_name="", rubric=RUBRIC, now=NOW
    )

    assert leader.outsider is not None and leader.outsider.reason == LEADER_ONLY
    assert leader.outsider.params == {"cities": "Springfield"}
    assert stranger.outsider is not None and stranger.outsider.reason == NOT_A_MEMBER
    assert elsewhere.outsider is not None and elsewhere.outsider.reason == NOT_SET_UP


def test_a_coordinator_of_two_cities_names_one(session: Session) -> None:
    first = build_city(session, team_id=TEAM, name="Springfield")
    second = build_city(
        session, team_id=TEAM, name="Capital City", people={"cora": ["coordinator"]}, areas={}
    )
    cora = first.person("cora").slack_user_id

    both = status_for(session, team_id=TEAM, user_id=cora, city_name="", rubric=RUBRIC, now=NOW)
    one = status_for(
        session, team_id=TEAM, user_id=cora, city_name="capital city", rubric=RUBRIC, now=NOW
    )

    assert both.choice == CityChoice("status", ("Capital City", "Springfield"))
    assert one.team is not None and one.team.city_id == second.city_id


def test_the_home_lists_every_city_the_person_coordinates(session: Session) -> None:
    first = build_city(session, team_id=TEAM, name="Springfield")
    build_city(session, team_id=TEAM, name="Capital City", people={"cora": ["leader"]}, areas={})
    third = build_city(
        session, team_id=TEAM, name="Ogdenville", people={"cora": ["coordinator"]}, areas={}
    )

    found = coordinator_overviews(
        session, person_id=first.person_id("cora"), rubric=RUBRIC, now=NOW
    )

    assert [o.city_name for o in found] == ["Ogdenville", "Springfield"]
    assert [o.city_id for o in found] == [third.city_id, first.city_id]
