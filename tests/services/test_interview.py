"""The interview's services on both databases: one unit of work per click, checked, stored."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from bot.deps import Deps
from bot.interview.model import NotSure, Pause, PauseChoice, PauseFor, Save, Skip
from bot.interview.views import AllDone, AreaDone, Intro, Question, Record
from bot.services import access
from bot.services.evidence import evidence_form, submit_evidence
from bot.services.home import home_model
from bot.services.interview import (
    CLOSED,
    NOT_YOUR_AREA,
    NOTHING_ASSIGNED,
    Target,
    interview_action,
    resume_interview,
    typed_reply,
)
from bot.services.scores import RubricMismatchError
from bot.settings import load_settings
from bot.slack.client import build_client
from rubric.loader import load_bundled_rubric
from storage.enums import AnswerSource, AssessmentStatus, Role
from storage.models import Assessment
from storage.repo import answers, assessments, interviews, progress
from tests.builders import NOW, CitySetup, build_city

RUBRIC = load_bundled_rubric()
TEAM = "T0CITY"
PEOPLE = {
    "rita": [Role.RESPONDENT],
    "cora": [Role.COORDINATOR, Role.RESPONDENT],
    "leo": [Role.LEADER],
    "nina": [],
}
AREAS = {"OD": ["rita"], "BF": ["cora"]}


@pytest.fixture
def deps(engine: Engine) -> Deps:
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s" * 32)
    return Deps(
        settings=settings, client=build_client(settings), engine=engine, rubric=RUBRIC,
        clock=lambda: NOW,
    )  # fmt: skip


@pytest.fixture
def city(session: Session) -> CitySetup:
    return build_city(session, people=PEOPLE, areas=AREAS)


def target(city: CitySetup, who: str, team: str | None = TEAM, aid: int | None = None) -> Target:
    return Target(team, city.person(who).slack_user_id, aid or city.assessment_id)


def items(cid: str, *numbers: int) -> frozenset[str]:
    checklist = RUBRIC.criterion(cid).checklist
    return frozenset(checklist[n - 1].id for n in numbers or range(1, len(checklist) + 1))


def save(deps: Deps, city: CitySetup, who: str, cid: str, *numbers: int) -> object:
    return interview_action(deps, target(city, who), Save(cid, items(cid, *numbers)), now=NOW)


def test_a_click_stores_the_answer_with_its_history_and_moves_the_place(
    deps: Deps, city: CitySetup, engine: Engine
) -> None:
    resume_interview(deps, team_id=TEAM, user_id=city.person("rita").slack_user_id,
                     assessment_id=None, now=NOW)  # fmt: skip

    outcome = save(deps, city, "rita", "OD1", 1, 2)

    assert [type(r) for r in outcome.replies] == [Record, Question]  # type: ignore[attr-defined]
    with Session(engine) as session:
        row = answers.get_answer(session, assessment_id=city.assessment_id, criterion_id="OD1")
        assert row is not None and row.ticked == sorted(items("OD1", 1, 2))
        assert row.answered_by_id == city.person_id("rita")
        (change,) = answers.answer_history(session, answer_id=row.id or 0)
        assert change.source == AnswerSource.CLICK and change.old_value is None
        place = progress.get_progress(
            session, person_id=city.person_id("rita"), assessment_id=city.assessment_id
        )
        assert place is not None and place.current_criterion_id == "OD2"
        assert place.last_activity_at == NOW


def test_an_edit_through_an_old_question_keeps_both_values_and_the_place(
    deps: Deps, city: CitySetup, engine: Engine
) -> None:
    save(deps, city, "rita", "OD1", 1)
    save(deps, city, "rita", "OD2")

    outcome = save(deps, city, "rita", "OD1")

    (record,) = outcome.replies  # type: ignore[attr-defined]
    assert isinstance(record, Record) and record.changed
    with Session(engine) as session:
        row = answers.get_answer(session, assessment_id=city.assessment_id, criterion_id="OD1")
        assert row is not None
        first, second = answers.answer_history(session, answer_id=row.id or 0)
        assert second.source == AnswerSource.EDIT
        assert second.old_value == first.new_value
        assert second.new_value["ticked"] == sorted(items("OD1"))
        place = progress.get_progress(
            session, person_id=city.person_id("rita"), assessment_id=city.assessment_id
        )
        assert place is not None and place.current_criterion_id == "OD3"


@pytest.mark.parametrize(
    ("who", "team", "criterion", "reason"),
    [
        ("rita", "T0OTHER", "OD1", access.NOT_A_MEMBER),
        ("rita", None, "OD1", access.NOT_A_MEMBER),
        ("rita", TEAM, "BF1", NOT_YOUR_AREA),
        ("rita", TEAM, "ZZ9", access.NOT_YOURS),
        ("leo", TEAM, "OD1", access.NOT_YOURS),
        ("mia", TEAM, "OD1", access.NOT_YOURS),
    ],
)
def test_refused_clicks_change_nothing_and_are_logged(
    deps: Deps,
    city: CitySetup,
    session: Session,
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
    who: str,
    team: str | None,
    criterion: str,
    reason: str,
) -> None:
    other = build_city(session, name="Shelbyville", people={"mia": [Role.RESPONDENT]},
                       areas={"OD": ["mia"]})  # fmt: skip
    people = {**city.people, **other.people}
    caplog.set_level(logging.WARNING, logger="citycheck.security")

    outcome = interview_action(
        deps,
        Target(team, people[who].slack_user_id, city.assessment_id),
        Save(criterion, frozenset()),
        now=NOW,
    )

    assert outcome.refusal == reason and outcome.replies == ()
    with Session(engine) as check:
        assert answers.answers_for_assessment(check, assessment_id=city.assessment_id) == []
    (logged,) = [r for r in caplog.records if r.name == "citycheck.security"]
    assert f"assessment:{city.assessment_id}" in logged.getMessage()


def test_no_such_assessment_and_a_closed_one_are_refused(
    deps: Deps, city: CitySetup, session: Session
) -> None:
    missing = interview_action(deps, target(city, "rita", aid=9999), Skip("OD1"), now=NOW)
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)
    session.commit()

    closed = save(deps, city, "rita", "OD1")

    assert missing.refusal == access.NOT_YOURS
    assert closed.refusal == CLOSED  # type: ignore[attr-defined]


def test_a_round_on_another_rubric_version_is_a_fault(deps: Deps, session: Session) -> None:
    city = build_city(session, people={"rita": [Role.RESPONDENT]}, areas={"OD": ["rita"]},
                      rubric_version="1999.1")  # fmt: skip

    with pytest.raises(RubricMismatchError, match=r"1999\.1"):
        save(deps, city, "rita", "OD1")


def test_pause_keeps_the_place_and_resume_returns_to_it(
    deps: Deps, city: CitySetup, engine: Engine
) -> None:
    save(deps, city, "rita", "OD1")
    asked = interview_action(deps, target(city, "rita"), Pause(), now=NOW)

    interview_action(deps, target(city, "rita"), PauseFor(PauseChoice.NEXT_WEEK), now=NOW)

    with Session(engine) as session:
        place = progress.get_progress(
            session, person_id=city.person_id("rita"), assessment_id=city.assessment_id
        )
        assert place is not None and place.current_criterion_id == "OD2"
        assert place.paused_until == datetime(2027, 3, 8, 15, 0, tzinfo=UTC)  # Monday 9:00
    assert asked.refusal is None and asked.replies
    resumed = resume_interview(
        deps, team_id=TEAM, user_id=city.person("rita").slack_user_id, assessment_id=None,
        now=NOW,
    )  # fmt: skip
    intro, question = resumed.replies
    assert isinstance(intro, Intro) and intro.resumed
    assert isinstance(question, Question) and question.criterion_id == "OD2"
    with Session(engine) as session:
        place = progress.get_progress(
            session, person_id=city.person_id("rita"), assessment_id=city.assessment_id
        )
        assert place is not None and place.paused_until is None


def test_resume_with_no_areas_says_so(deps: Deps, city: CitySetup) -> None:
    outcome = resume_interview(
        deps, team_id=TEAM, user_id=city.person("nina").slack_user_id, assessment_id=None,
        now=NOW,
    )  # fmt: skip

    assert outcome.refusal == NOTHING_ASSIGNED


def test_a_typed_reply_is_claimed_once(deps: Deps, city: CitySetup, engine: Engine) -> None:
    user = city.person("rita").slack_user_id
    resume_interview(deps, team_id=TEAM, user_id=user, assessment_id=None, now=NOW)

    first = typed_reply(deps, team_id=TEAM, user_id=user, text="1 2", event_id="Ev1", now=NOW)
    again = typed_reply(deps, team_id=TEAM, user_id=user, text="1 2", event_id="Ev1", now=NOW)
    stranger = typed_reply(deps, team_id=TEAM, user_id="U0NOBODY", text="hi", event_id="Ev2",
                           now=NOW)  # fmt: skip

    assert first is not None and isinstance(first.replies[0], Record)
    assert again is None
    assert stranger is not None and stranger.no_interview
    with Session(engine) as session:
        row = answers.get_answer(session, assessment_id=city.assessment_id, criterion_id="OD1")
        assert row is not None
        (change,) = answers.answer_history(session, answer_id=row.id or 0)
        assert change.source == AnswerSource.TYPED


def test_the_last_area_announces_the_result_once(
    deps: Deps, city: CitySetup, engine: Engine
) -> None:
    for cid in ("OD1", "OD2", "OD3"):
        save(deps, city, "rita", cid)
    rita_done = interview_action(deps, target(city, "rita"), NotSure("OD4"), now=NOW)
    save(deps, city, "cora", "BF1")
    save(deps, city, "cora", "BF2")

    cora_done = save(deps, city, "cora", "BF3")

    assert any(isinstance(r, AreaDone) for r in rita_done.replies)
    assert isinstance(rita_done.replies[-1], AllDone) and rita_done.announcement is None
    assert cora_done.announcement is not None  # type: ignore[attr-defined]
    with Session(engine) as session:
        done = session.get(Assessment, city.assessment_id)
        assert done is not None and done.status == AssessmentStatus.COMPLETED


def test_evidence_form_and_submission(deps: Deps, city: CitySetup, engine: Engine) -> None:
    mine = Target(TEAM, city.person("rita").slack_user_id, city.assessment_id, "OD1")
    theirs = Target(TEAM, city.person("rita").slack_user_id, city.assessment_id, "BF1")

    refused = evidence_form(deps, theirs)
    problems = submit_evidence(deps, mine, links_text="www.example.gov", note_text=None, now=NOW)
    stored = submit_evidence(
        deps, mine, links_text="https://example.gov/a", note_text="Policy", now=NOW
    )
    form = evidence_form(deps, mine)

    assert refused.refusal == NOT_YOUR_AREA
    assert set(problems.problems) == {"links"} and problems.lang == "en-US"
    assert stored.outcome is not None and stored.outcome.refusal is None
    assert (form.links, form.note, form.refusal) == (("https://example.gov/a",), "Policy", None)


def test_load_interview_is_one_query_with_areas_and_answers(
    deps: Deps, city: CitySetup, session: Session, engine: Engine
) -> None:
    assessments.assign_area(session, assessment_id=city.assessment_id, area_id="DM",
                            person_id=city.person_id("rita"), now=NOW)  # fmt: skip
    session.commit()
    save(deps, city, "rita", "OD1")
    save(deps, city, "cora", "BF1")
    sent: list[str] = []

    def seen(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with Session(engine) as fresh:
            rows = interviews.load_interview(
                fresh, slack_team_id=TEAM, slack_user_id=city.person("rita").slack_user_id,
                assessment_id=city.assessment_id,
            )  # fmt: skip
    finally:
        event.remove(engine, "before_cursor_execute", seen)

    assert len(sent) == 1
    assert rows is not None and rows.area_ids == ("DM", "OD")
    assert sorted(a.criterion_id for a in rows.answers) == ["BF1", "OD1"]
    # DM comes first in her areas: OD1 answered out of order moves no cursor
    assert rows.progress is not None and rows.progress.current_criterion_id is None
    with Session(engine) as fresh:
        assert interviews.load_interview(
            fresh, slack_team_id=TEAM, slack_user_id="U0NOBODY", assessment_id=1
        ) is None  # fmt: skip
        nothing = interviews.load_interview(
            fresh, slack_team_id=TEAM, slack_user_id=city.person("rita").slack_user_id,
            assessment_id=9999,
        )  # fmt: skip
        assert nothing is not None and nothing.assessment is None and nothing.area_ids == ()


def test_open_interviews_lists_the_latest_activity_first(
    deps: Deps, city: CitySetup, session: Session
) -> None:
    later = build_city(session, name="Ogdenville", people={"rita2": [Role.RESPONDENT]},
                       areas={})  # fmt: skip
    assessments.assign_area(session, assessment_id=later.assessment_id, area_id="DM",
                            person_id=city.person_id("rita"), now=NOW)  # fmt: skip
    session.commit()

    first = interviews.open_interviews(session, person_id=city.person_id("rita"))
    save(deps, city, "rita", "OD1")
    second = interviews.open_interviews(session, person_id=city.person_id("rita"))

    assert first == [later.assessment_id, city.assessment_id]  # newest round first
    assert second == [city.assessment_id, later.assessment_id]  # then the one worked on


def test_home_model_has_a_section_per_role(deps: Deps, city: CitySetup) -> None:
    save(deps, city, "rita", "OD1")

    rita = home_model(deps, team_id=TEAM, user_id=city.person("rita").slack_user_id, now=NOW)
    cora = home_model(deps, team_id=TEAM, user_id=city.person("cora").slack_user_id, now=NOW)
    leo = home_model(deps, team_id=TEAM, user_id=city.person("leo").slack_user_id, now=NOW)
    nina = home_model(deps, team_id=TEAM, user_id=city.person("nina").slack_user_id, now=NOW)
    stranger = home_model(deps, team_id=TEAM, user_id="U0NOBODY", now=NOW)

    (mine,) = rita.respondent
    assert (mine.settled, mine.total, mine.current, mine.position) == (1, 4, "OD2", 2)
    assert [(a.area_id, a.settled, a.total) for a in mine.areas] == [("OD", 1, 4)]
    assert not rita.coordinator and rita.leader is None
    assert cora.respondent[0].total == 3 and not cora.respondent[0].started
    assert len(cora.coordinator) == 1
    assert leo.leader is not None and not leo.respondent
    assert not nina.has_sections and not stranger.has_sections
