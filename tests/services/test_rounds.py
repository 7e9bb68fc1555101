"""`/citycheck new-round` as a service: who may, which version, the round before, the team kept."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlmodel import Session, col, select

from bot.services.access import COORDINATORS_ONLY
from bot.services.coordinator import CityChoice, Refusal
from bot.services.rounds import (
    NO_LONGER_OPEN,
    NOT_STARTED,
    OLDER_VERSION,
    NewRoundStarted,
    OfferToClose,
    close_and_start,
    new_round,
    parse_new_round_args,
)
from rubric.registry import RubricRegistry
from storage.enums import AnswerStatus, AssessmentStatus, Role
from storage.models import Assessment, Assignment
from storage.repo import answers, assessments, orgs
from tests.builders import NOW, CitySetup, build_city
from tests.rubric.versions import v1, v2

LATER = NOW + timedelta(days=365)
V1, V2 = v1(), v2()
PEOPLE = {"cora": [Role.COORDINATOR], "rita": [Role.RESPONDENT], "rui": [Role.RESPONDENT]}
AREAS = {"GOV": ["rita"], "LEG": ["rita"], "OPS": ["rui"]}


def _city(session: Session) -> CitySetup:
    return build_city(
        session, people=PEOPLE, areas=AREAS, rubric_id=V1.id, rubric_version=V1.version
    )


def _answer(session: Session, city: CitySetup, criteria: Iterable[str], who: str = "rita") -> None:
    rubric = V1
    for cid in criteria:
        answers.record_answer(
            session,
            assessment_id=city.assessment_id,
            criterion_id=cid,
            person_id=city.person_id(who),
            ticked=[it.id for it in rubric.criterion(cid).checklist],
            status=AnswerStatus.ANSWERED,
            note=None,
            evidence=[],
            now=NOW,
            source="click",
        )
    session.commit()


def _start(
    session: Session,
    city: CitySetup,
    who: str = "cora",
    *,
    version: str | None = None,
    rubrics: RubricRegistry | None = None,
) -> object:
    outcome = new_round(
        session,
        team_id=city.workspace.slack_team_id,
        user_id=city.person(who).slack_user_id,
        city_name="",
        version=version,
        rubrics=rubrics or RubricRegistry(V2, [V1]),
        now=LATER,
    )
    session.commit()
    return outcome


def _rounds(session: Session, city: CitySetup) -> list[Assessment]:
    query = select(Assessment).where(Assessment.city_id == city.city_id)
    return list(session.exec(query.order_by(col(Assessment.round_number))))


def test_a_round_still_open_with_questions_left_is_offered_to_close_and_nothing_changes(
    session: Session,
) -> None:
    city = _city(session)
    _answer(session, city, ["GOV1", "GOV2"])

    offer = _start(session, city)

    assert isinstance(offer, OfferToClose)
    assert (offer.round_number, offer.unanswered, offer.total) == (1, 3, 5)
    assert [r.status for r in _rounds(session, city)] == [AssessmentStatus.OPEN]


def test_the_close_button_closes_the_round_as_it_stands_and_starts_the_next(
    session: Session,
) -> None:
    city = _city(session)
    _answer(session, city, ["GOV1"])

    started = close_and_start(
        session,
        team_id=city.workspace.slack_team_id,
        user_id=city.person("cora").slack_user_id,
        assessment_id=city.assessment_id,
        version=None,
        rubrics=RubricRegistry(V2, [V1]),
        now=LATER,
    )
    session.commit()

    assert isinstance(started, NewRoundStarted) and started.closed_previous
    first, second = _rounds(session, city)
    assert (first.status, first.completed_at) == (AssessmentStatus.COMPLETED, LATER)
    assert (second.status, second.rubric_version) == (AssessmentStatus.OPEN, "2027.1")


def test_a_finished_round_is_followed_by_the_next_with_the_same_people_in_the_same_areas(
    session: Session,
) -> None:
    city = _city(session)
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)

    started = _start(session, city)

    assert isinstance(started, NewRoundStarted)
    assert (started.round_number, started.version, started.previous_version) == (
        2,
        "2027.1",
        "2026.1",
    )
    assert (started.changed, started.added, started.removed) == (("GOV2",), ("OPS3",), ("LEG1",))
    assert [(m.area_id, m.people) for m in started.kept] == [("GOV", ("Rita",)), ("OPS", ("Rui",))]
    assert [(m.area_id, m.name.en, m.people) for m in started.dropped] == [
        ("LEG", "Legacy systems", ("Rita",))
    ]
    assert started.unassigned == ()
    notices = {n.slack_user_id: n for n in started.notices}
    rita = notices[city.person("rita").slack_user_id]
    assert [a.area_id for a in rita.areas] == ["GOV"]
    assert (rita.questions, rita.fresh) == (2, 1)  # GOV2 changed
    rows = session.exec(select(Assignment).where(Assignment.assessment_id == started.assessment_id))
    assert sorted((a.area_id, a.person_id) for a in rows) == [
        ("GOV", city.person_id("rita")),
        ("OPS", city.person_id("rui")),
    ]
    assert _rounds(session, city)[0].status == AssessmentStatus.COMPLETED  # its plan runs on


def test_last_rounds_answers_to_unchanged_questions_are_counted_as_waiting(
    session: Session,
) -> None:
    city = _city(session)
    _answer(session, city, ["GOV1", "GOV2", "LEG1"])
    _answer(session, city, ["OPS1"], who="rui")
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)

    started = _start(session, city)

    assert isinstance(started, NewRoundStarted)
    carried = {n.slack_user_id: n.carried for n in started.notices}
    assert carried == {city.person("rita").slack_user_id: 1, city.person("rui").slack_user_id: 1}


def test_someone_who_is_not_a_coordinator_changes_nothing(session: Session) -> None:
    city = _city(session)
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)

    refused = _start(session, city, "rita")
    clicked = close_and_start(
        session,
        team_id=city.workspace.slack_team_id,
        user_id=city.person("rui").slack_user_id,
        assessment_id=city.assessment_id,
        version=None,
        rubrics=RubricRegistry(V2, [V1]),
        now=LATER,
    )

    assert refused == Refusal(COORDINATORS_ONLY)
    assert clicked == Refusal(COORDINATORS_ONLY)
    assert len(_rounds(session, city)) == 1


def test_a_stale_close_button_closes_nothing(session: Session) -> None:
    city = _city(session)
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)

    stale = close_and_start(
        session,
        team_id=city.workspace.slack_team_id,
        user_id=city.person("cora").slack_user_id,
        assessment_id=city.assessment_id,
        version=None,
        rubrics=RubricRegistry(V2, [V1]),
        now=LATER,
    )

    assert stale == Refusal(NO_LONGER_OPEN)
    assert len(_rounds(session, city)) == 1


def test_a_named_newer_version_is_used_even_when_the_current_is_older(session: Session) -> None:
    city = _city(session)
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)

    started = _start(session, city, version="2027.1", rubrics=RubricRegistry(V1, [V2]))

    assert isinstance(started, NewRoundStarted) and started.version == "2027.1"


def test_a_new_round_cannot_go_back_to_an_older_version(session: Session) -> None:
    city = build_city(
        session, people=PEOPLE, areas={"GOV": ["rita"]}, rubric_id=V2.id, rubric_version=V2.version
    )
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)

    back = _start(session, city, version="2026.1")
    default = _start(session, city, rubrics=RubricRegistry(V1, [V2]))

    assert isinstance(back, Refusal) and back.reason == OLDER_VERSION
    assert back.params["versions"] == "2026.1, 2027.1"
    assert isinstance(default, NewRoundStarted) and default.version == "2027.1"  # not back


def test_rounds_before_the_previous_one_are_archived(session: Session) -> None:
    city = _city(session)
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)
    second = _start(session, city)
    assert isinstance(second, NewRoundStarted)
    assessments.complete_assessment(session, assessment_id=second.assessment_id, now=LATER)

    third = _start(session, city)

    assert isinstance(third, NewRoundStarted) and third.archived == (1,)
    assert [r.status for r in _rounds(session, city)] == [
        AssessmentStatus.ARCHIVED,
        AssessmentStatus.COMPLETED,
        AssessmentStatus.OPEN,
    ]


def test_a_coordinator_of_several_cities_is_asked_which(session: Session) -> None:
    city = _city(session)
    other = orgs.create_city(
        session,
        workspace_id=city.workspace.id or 0,
        name="Shelbyville",
        timezone="America/Chicago",
        now=NOW,
    )
    orgs.grant_role(
        session,
        city_id=other.id or 0,
        person_id=city.person_id("cora"),
        role=Role.COORDINATOR,
        now=NOW,
    )
    session.commit()

    asked = _start(session, city)
    named = new_round(
        session,
        team_id=city.workspace.slack_team_id,
        user_id=city.person("cora").slack_user_id,
        city_name="shelbyville",
        version=None,
        rubrics=RubricRegistry(V2, [V1]),
        now=LATER,
    )

    assert asked == CityChoice("new-round", ("Shelbyville", "Springfield"))
    assert named == Refusal(NOT_STARTED, {"city": "Shelbyville"})


def test_the_version_comes_first_and_the_city_after() -> None:
    assert parse_new_round_args("") == (None, "")
    assert parse_new_round_args("2027.1") == ("2027.1", "")
    assert parse_new_round_args("2027.1 Springfield") == ("2027.1", "Springfield")
    assert parse_new_round_args(" New  Springfield ") == (None, "New Springfield")
