"""Several respondents on a criterion, through the services on both databases: each answers
blind, agreement settles it, a disagreement is unknown to the score until a coordinator
settles it, and every answer stays on record."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.deps import Deps
from bot.interview.model import Save
from bot.services import access
from bot.services.assign import AssignSubmission, save_assignments
from bot.services.disagreements import (
    ALREADY_SETTLED,
    ALREADY_TALKING,
    ANSWER_CHANGED,
    Refused,
    Settled,
    TalkRequest,
    accept_answer,
    request_talk,
    talk_opened,
)
from bot.services.evidence import evidence_form, submit_evidence
from bot.services.interview import Target, interview_action, snapshot_of
from bot.services.scores import score_assessment
from bot.settings import load_settings
from bot.slack.client import build_client
from rubric.loader import load_bundled_rubric
from rubric.scoring import CriterionStatus
from storage.enums import AnswerSource, AnswerStatus, Resolution, Role
from storage.models import Disagreement, NotificationLedger, RespondentAnswer
from storage.repo import answers, interviews
from storage.repo import disagreements as disagreement_repo
from tests.builders import NOW, CitySetup, build_city

RUBRIC = load_bundled_rubric()
TEAM = "T0CITY"
PEOPLE = {
    "rita": [Role.RESPONDENT],
    "rui": [Role.RESPONDENT],
    "cora": [Role.COORDINATOR],
    "leo": [Role.LEADER],
}
AREAS = {"OD": ["rita", "rui"], "BF": ["rita"]}
LATER = NOW + timedelta(hours=1)


@pytest.fixture
def deps(engine: Engine) -> Deps:
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s" * 32)
    return Deps(
        settings=settings, client=build_client(settings), engine=engine, rubric=RUBRIC,
        clock=lambda: NOW,
    )  # fmt: skip


@pytest.fixture
def city(session: Session) -> CitySetup:
    return build_city(session, team_id=TEAM, people=PEOPLE, areas=AREAS)


def items(cid: str, *numbers: int) -> frozenset[str]:
    checklist = RUBRIC.criterion(cid).checklist
    return frozenset(checklist[n - 1].id for n in numbers or range(1, len(checklist) + 1))


def target(city: CitySetup, who: str, cid: str | None = None) -> Target:
    return Target(TEAM, city.person(who).slack_user_id, city.assessment_id, cid)


def save(deps: Deps, city: CitySetup, who: str, cid: str, *numbers: int) -> None:
    outcome = interview_action(deps, target(city, who), Save(cid, items(cid, *numbers)), now=NOW)
    assert outcome.refusal is None, outcome.refusal


def evidence(deps: Deps, city: CitySetup, who: str, cid: str, link: str, note: str) -> None:
    done = submit_evidence(deps, target(city, who, cid), links_text=link, note_text=note, now=NOW)
    assert done.outcome is not None and done.outcome.refusal is None


def status_of(engine: Engine, city: CitySetup, cid: str) -> CriterionStatus:
    with Session(engine) as session:
        score = score_assessment(session, rubric=RUBRIC, assessment=city.assessment)
    return score.criteria[cid].status


def answer_of(engine: Engine, city: CitySetup, cid: str) -> object:
    with Session(engine) as session:
        return answers.get_answer(session, assessment_id=city.assessment_id, criterion_id=cid)


def own_rows(engine: Engine, city: CitySetup, cid: str) -> list[RespondentAnswer]:
    with Session(engine) as session:
        query = select(RespondentAnswer).where(RespondentAnswer.criterion_id == cid)
        return list(session.exec(query.order_by(col(RespondentAnswer.id))))


def open_disagreement(engine: Engine, city: CitySetup, cid: str) -> Disagreement | None:
    with Session(engine) as session:
        return disagreement_repo.open_of(
            session, assessment_id=city.assessment_id, criterion_id=cid
        )


def latest_id(engine: Engine, city: CitySetup, who: str, cid: str) -> int:
    person_id = city.person_id(who)
    return max(r.id or 0 for r in own_rows(engine, city, cid) if r.person_id == person_id)


def history(engine: Engine, city: CitySetup, cid: str) -> list[object]:
    with Session(engine) as session:
        found = answers.get_answer(session, assessment_id=city.assessment_id, criterion_id=cid)
        assert found is not None and found.id is not None
        return list(answers.answer_history(session, answer_id=found.id))


def test_one_respondent_answers_straight_into_the_citys_answer(
    deps: Deps, city: CitySetup, engine: Engine
) -> None:
    save(deps, city, "rita", "BF1", 1, 2, 3)

    stored = answer_of(engine, city, "BF1")
    assert stored is not None and stored.ticked == sorted(items("BF1"))  # type: ignore[attr-defined]
    assert own_rows(engine, city, "BF1") == []
    assert status_of(engine, city, "BF1") is CriterionStatus.MET


def test_each_respondent_sees_only_their_own_answer_until_both_have_answered(
    deps: Deps, city: CitySetup, engine: Engine
) -> None:
    save(deps, city, "rita", "OD1", 1, 2)
    evidence(deps, city, "rita", "OD1", "https://data.springfield.gov", "From the portal")

    assert answer_of(engine, city, "OD1") is None  # nothing is the city's until both answer
    with Session(engine) as session:
        for who, expected in (("rita", items("OD1", 1, 2)), ("rui", None)):
            rows = interviews.load_interview(
                session, slack_team_id=TEAM, slack_user_id=city.person(who).slack_user_id,
                assessment_id=city.assessment_id,
            )  # fmt: skip
            assert rows is not None
            given = snapshot_of(rows, RUBRIC).given("OD1")
            assert (given.ticked if given else None) == expected
    form = evidence_form(deps, target(city, "rui", "OD1"))
    assert (form.links, form.note) == ((), None)
    assert status_of(engine, city, "OD1") is CriterionStatus.UNKNOWN


def test_the_same_status_and_ticks_settle_it_as_agreed_with_every_note_and_link(
    deps: Deps, city: CitySetup, engine: Engine
) -> None:
    save(deps, city, "rita", "OD1", 1, 2, 3, 4)
    evidence(deps, city, "rita", "OD1", "https://data.springfield.gov", "From the portal")
    save(deps, city, "rui", "OD1", 1, 2, 3, 4)
    evidence(deps, city, "rui", "OD1", "https://springfield.gov/open", "Council minutes")

    stored = answer_of(engine, city, "OD1")
    assert stored is not None
    assert stored.note == "From the portal\n\nCouncil minutes"  # type: ignore[attr-defined]
    assert [link["url"] for link in stored.evidence] == [  # type: ignore[attr-defined]
        "https://data.springfield.gov",
        "https://springfield.gov/open",
    ]
    changes = history(engine, city, "OD1")
    assert {c.source for c in changes} == {AnswerSource.AGREED}  # type: ignore[attr-defined]
    assert changes[-1].respondent_answer_id == latest_id(engine, city, "rui", "OD1")  # type: ignore[attr-defined]
    assert open_disagreement(engine, city, "OD1") is None
    assert status_of(engine, city, "OD1") is CriterionStatus.MET


def test_different_ticks_are_a_disagreement_that_counts_as_unknown(
    deps: Deps, city: CitySetup, engine: Engine
) -> None:
    save(deps, city, "rita", "OD1", 1, 2, 3, 4)
    save(deps, city, "rui", "OD1", 1, 2)

    assert open_disagreement(engine, city, "OD1") is not None
    assert answer_of(engine, city, "OD1") is None
    assert status_of(engine, city, "OD1") is CriterionStatus.UNKNOWN
    with Session(engine) as session:
        tally = disagreement_repo.tally(session, assessment_id=city.assessment_id)
    assert (tally.settled, tally.unsettled, tally.unsettled_ids) == (0, 1, ("OD1",))


def test_an_agreed_answer_changed_by_one_respondent_is_set_aside_until_settled(
    deps: Deps, city: CitySetup, engine: Engine
) -> None:
    save(deps, city, "rita", "OD2", 1, 2, 3)
    save(deps, city, "rui", "OD2", 1, 2, 3)
    assert status_of(engine, city, "OD2") is CriterionStatus.MET

    save(deps, city, "rui", "OD2", 1)

    assert open_disagreement(engine, city, "OD2") is not None
    assert status_of(engine, city, "OD2") is CriterionStatus.UNKNOWN
    changes = history(engine, city, "OD2")
    assert [c.source for c in changes] == [AnswerSource.AGREED, AnswerSource.DISPUTED]  # type: ignore[attr-defined]
    assert changes[-1].old_value["ticked"] == sorted(items("OD2", 1, 2, 3))  # type: ignore[attr-defined]


def test_accepting_an_answer_scores_it_and_keeps_every_answer_on_record(
    deps: Deps, city: CitySetup, engine: Engine
) -> None:
    save(deps, city, "rita", "OD1", 1, 2, 3, 4)
    save(deps, city, "rui", "OD1", 1)
    found = open_disagreement(engine, city, "OD1")
    assert found is not None and found.id is not None
    ritas = latest_id(engine, city, "rita", "OD1")

    settled = accept_answer(deps, team_id=TEAM, user_id=city.person("cora").slack_user_id,
                            disagreement_id=found.id, answer_id=ritas, now=LATER)  # fmt: skip

    assert isinstance(settled, Settled)
    assert (settled.accepted_name, settled.criterion_id) == ("Rita", "OD1")
    assert {sid for sid, _ in settled.respondents} == {
        city.person("rita").slack_user_id,
        city.person("rui").slack_user_id,
    }
    assert status_of(engine, city, "OD1") is CriterionStatus.MET
    stored = answer_of(engine, city, "OD1")
    assert stored.answered_by_id == city.person_id("rita")  # type: ignore[attr-defined]
    last = history(engine, city, "OD1")[-1]
    assert last.source == AnswerSource.SETTLED  # type: ignore[attr-defined]
    assert last.changed_by_id == city.person_id("cora")  # type: ignore[attr-defined]
    assert last.respondent_answer_id == ritas  # type: ignore[attr-defined]
    assert {r.person_id for r in own_rows(engine, city, "OD1")} == {
        city.person_id("rita"),
        city.person_id("rui"),
    }
    with Session(engine) as session:
        closed = session.get(Disagreement, found.id)
        assert closed is not None and closed.resolution == Resolution.ACCEPTED
        assert closed.accepted_id == ritas and closed.settled_by_id == city.person_id("cora")

    evidence(deps, city, "rui", "OD1", "https://springfield.gov/x", "I still think so")
    assert open_disagreement(engine, city, "OD1") is None  # a note alone reopens nothing
    save(deps, city, "rui", "OD1", 1, 2)
    assert open_disagreement(engine, city, "OD1") is not None  # new ticks do
    assert status_of(engine, city, "OD1") is CriterionStatus.UNKNOWN


def test_only_the_citys_coordinators_settle_and_a_stale_or_settled_one_is_refused(
    deps: Deps, city: CitySetup, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    save(deps, city, "rita", "OD1", 1, 2, 3, 4)
    save(deps, city, "rui", "OD1", 1)
    found = open_disagreement(engine, city, "OD1")
    assert found is not None and found.id is not None
    ritas = latest_id(engine, city, "rita", "OD1")
    cora, leo = city.person("cora").slack_user_id, city.person("leo").slack_user_id
    caplog.set_level(logging.INFO, logger="citycheck.security")

    by_leader = accept_answer(deps, team_id=TEAM, user_id=leo, disagreement_id=found.id,
                              answer_id=ritas, now=LATER)  # fmt: skip
    unknown = accept_answer(deps, team_id=TEAM, user_id=cora, disagreement_id=found.id + 99,
                            answer_id=ritas, now=LATER)  # fmt: skip
    talk_by_leader = request_talk(deps, team_id=TEAM, user_id=leo, disagreement_id=found.id,
                                  now=LATER)  # fmt: skip

    assert isinstance(by_leader, Refused) and by_leader.reason == access.COORDINATORS_ONLY
    assert isinstance(unknown, Refused) and unknown.reason == access.NOT_YOURS
    assert isinstance(talk_by_leader, Refused)
    assert len([r for r in caplog.records if r.name == "citycheck.security"]) == 3
    assert open_disagreement(engine, city, "OD1") is not None

    save(deps, city, "rita", "OD1", 1, 2)  # she changes her answer after the list was made
    stale = accept_answer(deps, team_id=TEAM, user_id=cora, disagreement_id=found.id,
                          answer_id=ritas, now=LATER)  # fmt: skip
    assert isinstance(stale, Refused) and stale.reason == ANSWER_CHANGED
    assert stale.params == {"name": "Rita"}
    assert answer_of(engine, city, "OD1") is None

    newest = latest_id(engine, city, "rita", "OD1")
    done = accept_answer(deps, team_id=TEAM, user_id=cora, disagreement_id=found.id,
                         answer_id=newest, now=LATER)  # fmt: skip
    again = accept_answer(deps, team_id=TEAM, user_id=cora, disagreement_id=found.id,
                          answer_id=newest, now=LATER)  # fmt: skip
    assert isinstance(done, Settled)
    assert isinstance(again, Refused) and again.reason == ALREADY_SETTLED


def test_talking_it_over_is_claimed_once_and_names_everyone_involved(
    deps: Deps, city: CitySetup, engine: Engine
) -> None:
    save(deps, city, "rita", "OD1", 1, 2, 3, 4)
    save(deps, city, "rui", "OD1", 1)
    found = open_disagreement(engine, city, "OD1")
    assert found is not None and found.id is not None
    cora = city.person("cora").slack_user_id

    first = request_talk(deps, team_id=TEAM, user_id=cora, disagreement_id=found.id, now=LATER)
    second = request_talk(deps, team_id=TEAM, user_id=cora, disagreement_id=found.id, now=LATER)

    assert isinstance(first, TalkRequest)
    assert first.users == (
        city.person("rita").slack_user_id,
        city.person("rui").slack_user_id,
        cora,
    )
    assert [a.name for a in first.view.answers] == ["Rita", "Rui"]
    assert isinstance(second, Refused) and second.reason == ALREADY_TALKING
    talk_opened(deps, request=first, channel_id="G0TALK", error=None, now=LATER)
    with Session(engine) as session:
        row = session.get(Disagreement, found.id)
        assert row is not None and row.talk_channel_id == "G0TALK"
        assert row.talk_started_by_id == city.person_id("cora")
        sent = session.exec(select(NotificationLedger)).all()
        assert [(s.kind, s.status) for s in sent] == [("disagreement_talk", "sent")]
        assert sent[0].target == f"city:{city.city_id}/disagreement:{found.id}"


def test_a_disagreement_left_with_one_respondent_is_settled_with_their_answer(
    deps: Deps, city: CitySetup, engine: Engine, session: Session
) -> None:
    save(deps, city, "rita", "OD1", 1, 2, 3, 4)
    save(deps, city, "rui", "OD1", 1)
    found = open_disagreement(engine, city, "OD1")
    assert found is not None
    rita = city.person("rita").slack_user_id

    outcome = save_assignments(
        session,
        team_id=TEAM,
        user_id=city.person("cora").slack_user_id,
        submission=AssignSubmission(str(city.city_id), {"OD": (rita,)}),
        profiles=[],
        rubric=RUBRIC,
        now=LATER,
    )
    session.commit()

    assert outcome.done is not None and outcome.done.changes == 1
    assert open_disagreement(engine, city, "OD1") is None
    assert status_of(engine, city, "OD1") is CriterionStatus.MET
    with Session(engine) as fresh:
        closed = fresh.get(Disagreement, found.id)
        assert closed is not None and closed.resolution == Resolution.REASSIGNED
    last = history(engine, city, "OD1")[-1]
    assert (last.source, last.changed_by_id) == (AnswerSource.SETTLED, city.person_id("cora"))  # type: ignore[attr-defined]


def test_a_second_respondent_is_compared_with_the_answer_given_alone(
    deps: Deps, city: CitySetup, engine: Engine, session: Session
) -> None:
    save(deps, city, "rita", "BF1", 1, 2, 3)
    assert status_of(engine, city, "BF1") is CriterionStatus.MET
    rita, rui = city.person("rita").slack_user_id, city.person("rui").slack_user_id

    save_assignments(
        session, team_id=TEAM, user_id=city.person("cora").slack_user_id,
        submission=AssignSubmission(str(city.city_id), {"BF": (rita, rui)}),
        profiles=[], rubric=RUBRIC, now=LATER,
    )  # fmt: skip
    session.commit()
    kept = own_rows(engine, city, "BF1")
    assert [(r.person_id, r.source) for r in kept] == [
        (city.person_id("rita"), AnswerSource.BEFORE_SHARING)
    ]
    assert status_of(engine, city, "BF1") is CriterionStatus.MET  # it stands until rui answers

    save(deps, city, "rui", "BF1", 1)

    assert open_disagreement(engine, city, "BF1") is not None
    assert status_of(engine, city, "BF1") is CriterionStatus.UNKNOWN
    stored = answer_of(engine, city, "BF1")
    assert stored is not None and stored.status == AnswerStatus.SKIPPED  # type: ignore[attr-defined]


def test_a_skip_is_not_an_answer_to_compare(deps: Deps, city: CitySetup, engine: Engine) -> None:
    from bot.interview.model import Skip

    save(deps, city, "rita", "OD1", 1, 2, 3, 4)
    interview_action(deps, target(city, "rui"), Skip("OD1"), now=NOW)

    assert open_disagreement(engine, city, "OD1") is None  # Rui's skip is no answer yet
    assert answer_of(engine, city, "OD1") is None
    assert [r.status for r in own_rows(engine, city, "OD1")] == [
        AnswerStatus.ANSWERED,
        AnswerStatus.SKIPPED,
    ]
