"""Last round's answers in the next round: what is carried over, and "Still true" as stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.deps import Deps
from bot.interview.model import Kind, StillTrue
from bot.interview.views import Question, Record
from bot.services.carry import NOTHING, carry_over
from bot.services.interview import Target, interview_action, resume_interview
from bot.settings import load_settings
from bot.slack.client import build_client
from rubric.diff import ChangeKind
from rubric.registry import RubricRegistry
from storage.enums import AnswerSource, AnswerStatus, Role
from storage.models import Assessment
from storage.repo import answers, assessments
from tests.builders import NOW, CitySetup, build_city
from tests.rubric.versions import v1, v2
from tests.slack.interview_world import count_statements

LATER = NOW + timedelta(days=365)
V1, V2 = v1(), v2()
LINK = "https://springfield.gov/strategy.pdf"


@pytest.fixture
def city(session: Session) -> CitySetup:
    """Round one on 2026.1, answered: GOV1 with a link and a note, GOV2 unsure, OPS1 skipped."""
    city = build_city(
        session,
        people={"rita": [Role.RESPONDENT]},
        areas={"GOV": ["rita"], "OPS": ["rita"], "LEG": ["rita"]},
        rubric_id=V1.id,
        rubric_version=V1.version,
    )
    given = {
        "GOV1": (["written", "approved"], AnswerStatus.ANSWERED, [LINK], "Adopted"),
        "GOV2": (["method"], AnswerStatus.UNSURE, [], None),
        "OPS1": ([], AnswerStatus.SKIPPED, [], None),
        "OPS2": (["report"], AnswerStatus.ANSWERED, [], None),
        "LEG1": (["listed"], AnswerStatus.ANSWERED, [], None),
    }
    for cid, (ticked, status, links, note) in given.items():
        answers.record_answer(
            session,
            assessment_id=city.assessment_id,
            criterion_id=cid,
            person_id=city.person_id("rita"),
            ticked=ticked,
            status=status,
            note=note,
            evidence=links,
            now=NOW,
            source="click",
        )
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)
    session.commit()
    return city


def _next_round(session: Session, city: CitySetup, version: str) -> Assessment:
    second = assessments.start_assessment(
        session, city_id=city.city_id, rubric_id=V1.id, rubric_version=version, now=LATER
    )
    for area in ("GOV", "OPS"):
        assessments.assign_area(
            session,
            assessment_id=second.id or 0,
            area_id=area,
            person_id=city.person_id("rita"),
            now=LATER,
        )
    session.commit()
    return second


def test_a_first_round_carries_nothing_and_asks_the_database_nothing(
    session: Session, city: CitySetup, engine: Engine
) -> None:
    session.refresh(city.assessment)  # loaded, as the interview has it
    with count_statements(engine) as sent:
        found = carry_over(session, assessment=city.assessment, rubric=V1)

    assert found is NOTHING
    assert sent.count == 0


def test_on_the_same_version_every_settled_answer_is_carried_skipped_ones_are_not(
    session: Session, city: CitySetup
) -> None:
    second = _next_round(session, city, V1.version)

    found = carry_over(session, assessment=second, rubric=V1)

    assert found.previous_round == 1
    assert sorted(found.answers) == ["GOV1", "GOV2", "LEG1", "OPS2"]
    assert found.answers["GOV2"].kind is Kind.UNSURE
    assert (found.answers["GOV1"].note, found.answers["GOV1"].evidence) == ("Adopted", (LINK,))
    given = {"url": LINK, "added_at": NOW.isoformat(), "added_by": city.person_id("rita")}
    assert found.evidence_dates["GOV1"] == {LINK: given}
    assert found.fresh == {}


def test_on_a_newer_version_only_unchanged_questions_carry_the_others_are_fresh(
    session: Session, city: CitySetup
) -> None:
    second = _next_round(session, city, V2.version)

    found = carry_over(session, assessment=second, rubric=V2, rubrics=RubricRegistry(V2, [V1]))

    assert sorted(found.answers) == ["GOV1", "OPS2"]
    assert found.fresh == {"GOV2": ChangeKind.CHANGED, "OPS3": ChangeKind.ADDED}


def test_when_last_rounds_version_is_not_loaded_nothing_is_carried(
    session: Session, city: CitySetup
) -> None:
    second = _next_round(session, city, V2.version)

    found = carry_over(session, assessment=second, rubric=V2, rubrics=RubricRegistry(V2))

    assert (found.previous_round, dict(found.answers), dict(found.fresh)) == (1, {}, {})


def test_still_true_stores_last_rounds_answer_with_its_link_dated_as_given_then(
    session: Session, city: CitySetup, engine: Engine
) -> None:
    second = _next_round(session, city, V2.version)
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s" * 32)
    deps = Deps(
        settings=settings,
        client=build_client(settings),
        engine=engine,
        rubrics=RubricRegistry(V2, [V1]),
        clock=lambda: LATER,
    )
    slack_id = city.person("rita").slack_user_id
    started = resume_interview(
        deps, team_id="T0CITY", user_id=slack_id, assessment_id=None, now=LATER
    )
    (_, question) = started.replies
    assert isinstance(question, Question) and question.last is not None

    done = interview_action(
        deps, Target("T0CITY", slack_id, second.id or 0), StillTrue("GOV1"), now=LATER
    )

    assert isinstance(done.replies[0], Record) and done.replies[0].still_true
    assert done.rubric is not None and done.rubric.version == "2027.1"  # to render the replies
    with Session(engine) as fresh:
        row = answers.get_answer(fresh, assessment_id=second.id or 0, criterion_id="GOV1")
        assert row is not None and row.ticked == ["approved", "written"]
        given = {"url": LINK, "added_at": NOW.isoformat(), "added_by": city.person_id("rita")}
        assert (row.note, row.evidence) == ("Adopted", [given])  # as Rita gave it in round one
        (change,) = answers.answer_history(fresh, answer_id=row.id or 0)
        assert (change.source, change.changed_at) == (AnswerSource.CARRY_OVER, LATER)
