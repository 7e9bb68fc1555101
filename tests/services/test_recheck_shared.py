"""Re-checks of a criterion several people answer, on both databases: a respondent's new answer
is their own and is compared with the others'; a coordinator's settles the criterion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.deps import Deps
from bot.interview.model import Save
from bot.services import access, milestones
from bot.services.interview import Target, interview_action
from bot.services.rechecks import Choice, RecheckOutcome, answer_recheck
from bot.settings import load_settings
from bot.slack.client import build_client
from rubric.loader import load_bundled_rubric
from rubric.scoring import CriterionStatus
from storage.enums import AnswerSource, AnswerStatus, RecheckStatus, Resolution, Role
from storage.models import Answer, Disagreement, Recheck, RespondentAnswer
from storage.repo import answers, plans
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
AREAS = {"OD": ["rita", "rui"]}
DONE = NOW + timedelta(days=30)


@pytest.fixture
def deps(engine: Engine) -> Deps:
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s" * 32)
    return Deps(settings=settings, client=build_client(settings), engine=engine, rubric=RUBRIC,
                clock=lambda: DONE)  # fmt: skip


@pytest.fixture
def city(session: Session) -> CitySetup:
    made = build_city(session, team_id=TEAM, people=PEOPLE, areas=AREAS)
    plan = plans.create_plan(session, assessment_id=made.assessment_id, created_by_id=None, now=NOW)
    plans.add_milestone(
        session, plan_id=plan.id or 0, criterion_id="OD1", title="Publish the policy",
        due_on=date(2027, 6, 1), owner_id=made.person_id("leo"), now=NOW,
    )  # fmt: skip
    session.commit()
    return made


def items(*numbers: int) -> frozenset[str]:
    checklist = RUBRIC.criterion("OD1").checklist
    return frozenset(checklist[n - 1].id for n in numbers)


def save(deps: Deps, city: CitySetup, who: str, *numbers: int) -> None:
    where = Target(TEAM, city.person(who).slack_user_id, city.assessment_id, "OD1")
    outcome = interview_action(deps, where, Save("OD1", items(*numbers)), now=NOW)
    assert outcome.refusal is None, outcome.refusal


def mark_done(session: Session, city: CitySetup) -> Recheck:
    actor = access.find_actor(session, team_id=TEAM, user_id=city.person("leo").slack_user_id)
    plan = plans.latest_plan(session, assessment_id=city.assessment_id)
    assert plan is not None and plan.id is not None
    (milestone,) = plans.milestones_of_plan(session, plan_id=plan.id)
    milestones.complete(
        session, rubric=RUBRIC, actor=actor, milestone_id=milestone.id or 0, evidence=None, now=DONE
    )
    session.commit()
    return session.exec(select(Recheck)).one()


def answer(
    deps: Deps, city: CitySetup, who: str, recheck: Recheck, *numbers: int
) -> RecheckOutcome:
    outcome = answer_recheck(
        deps, team_id=TEAM, user_id=city.person(who).slack_user_id, recheck_id=recheck.id or 0,
        choice=Choice.SAVE, ticked=items(*numbers), now=DONE,
    )  # fmt: skip
    assert outcome.refusal is None, outcome.refusal
    return outcome


def city_answer(engine: Engine, city: CitySetup) -> Answer:
    with Session(engine) as fresh:
        found = answers.get_answer(fresh, assessment_id=city.assessment_id, criterion_id="OD1")
        assert found is not None
        return found


def last_source(engine: Engine, city: CitySetup) -> tuple[AnswerSource, int | None]:
    """Where the city's answer's latest change came from, and who made it."""
    stored = city_answer(engine, city)
    with Session(engine) as fresh:
        last = answers.answer_history(fresh, answer_id=stored.id or 0)[-1]
    return AnswerSource(last.source), last.changed_by_id


def own_rows(engine: Engine, city: CitySetup, who: str) -> list[RespondentAnswer]:
    with Session(engine) as fresh:
        query = select(RespondentAnswer).where(
            RespondentAnswer.person_id == city.person_id(who),
            RespondentAnswer.criterion_id == "OD1",
        )
        return list(fresh.exec(query.order_by(col(RespondentAnswer.id))))


def disagreements(engine: Engine) -> list[Disagreement]:
    with Session(engine) as fresh:
        return list(fresh.exec(select(Disagreement).order_by(col(Disagreement.id))))


def recheck_status(engine: Engine, recheck: Recheck) -> RecheckStatus:
    with Session(engine) as fresh:
        stored = fresh.get(Recheck, recheck.id)
        assert stored is not None
        return RecheckStatus(stored.status)


def test_a_respondents_new_answer_that_differs_is_a_disagreement_not_the_citys_answer(
    deps: Deps, city: CitySetup, session: Session, engine: Engine
) -> None:
    save(deps, city, "rita", 1, 2)
    save(deps, city, "rui", 1, 2)
    assert last_source(engine, city)[0] == AnswerSource.AGREED
    recheck = mark_done(session, city)
    assert recheck.person_id == city.person_id("rui")  # the city's answer is his agreement

    outcome = answer(deps, city, "rui", recheck, 1, 2, 3, 4)

    assert [(r.source, set(r.ticked)) for r in own_rows(engine, city, "rui")][-1] == (
        AnswerSource.RECHECK, set(items(1, 2, 3, 4))
    )  # fmt: skip
    assert [set(r.ticked) for r in own_rows(engine, city, "rita")] == [set(items(1, 2))]
    stored = city_answer(engine, city)
    assert stored.status == AnswerStatus.SKIPPED
    assert last_source(engine, city)[0] == AnswerSource.DISPUTED
    assert [d.resolution for d in disagreements(engine)] == [None]  # open, for the coordinators
    assert outcome.record is not None and outcome.record.ticked == items(1, 2, 3, 4)  # his own
    assert outcome.change is not None  # the city's answer was set aside: the score changed
    assert outcome.change.after.status is CriterionStatus.UNKNOWN
    assert recheck_status(engine, recheck) == RecheckStatus.CHANGED


def test_a_respondents_new_answer_that_matches_the_others_settles_the_disagreement(
    deps: Deps, city: CitySetup, session: Session, engine: Engine
) -> None:
    save(deps, city, "rita", 1, 2, 3, 4)
    save(deps, city, "rui", 1)
    assert [d.resolution for d in disagreements(engine)] == [None]
    recheck = mark_done(session, city)
    assert recheck.person_id == city.person_id("rita")  # no city's answer: the first assigned

    outcome = answer(deps, city, "rita", recheck, 1)

    stored = city_answer(engine, city)
    assert (stored.status, set(stored.ticked)) == (AnswerStatus.ANSWERED, set(items(1)))
    assert last_source(engine, city)[0] == AnswerSource.AGREED
    assert [d.resolution for d in disagreements(engine)] == [Resolution.AGREED]
    assert outcome.change is not None
    assert outcome.change.before.status is CriterionStatus.UNKNOWN
    assert outcome.change.after.status is not CriterionStatus.UNKNOWN
    assert recheck_status(engine, recheck) == RecheckStatus.CHANGED


def test_a_coordinators_answer_settles_a_shared_criterion_and_leaves_the_respondents_own(
    deps: Deps, city: CitySetup, session: Session, engine: Engine
) -> None:
    save(deps, city, "rita", 1, 2, 3, 4)
    save(deps, city, "rui", 1)
    recheck = mark_done(session, city)

    outcome = answer(deps, city, "cora", recheck, 1, 2)

    stored = city_answer(engine, city)
    assert set(stored.ticked) == set(items(1, 2))
    assert stored.answered_by_id == city.person_id("cora")
    (closed,) = disagreements(engine)
    assert (closed.resolution, closed.settled_by_id) == (
        Resolution.ACCEPTED, city.person_id("cora")
    )  # fmt: skip
    assert [set(r.ticked) for r in own_rows(engine, city, "rui")] == [set(items(1))]
    assert own_rows(engine, city, "cora") == []  # she answers for the city, not as a respondent
    assert outcome.change is not None
    assert outcome.change.before.status is CriterionStatus.UNKNOWN
    assert outcome.change.after.status is not CriterionStatus.UNKNOWN
    assert last_source(engine, city) == (AnswerSource.SETTLED, city.person_id("cora"))
    with Session(engine) as fresh:
        still_open = disagreement_repo.open_of(
            fresh, assessment_id=city.assessment_id, criterion_id="OD1"
        )
    assert still_open is None
