"""Stale evidence in the interview: the question asks for it to be refreshed, and giving the
link again with Add evidence dates it anew (the history keeps the old date)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.deps import Deps
from bot.interview.model import AddEvidence, Change, Save
from bot.interview.views import Question, Record
from bot.services.interview import Target, interview_action
from bot.settings import load_settings
from bot.slack.client import build_client
from rubric.loader import load_bundled_rubric
from storage.enums import Role
from storage.repo import answers
from tests.builders import NOW, CitySetup, build_city

RUBRIC = load_bundled_rubric()
TEAM = "T0CITY"
LATER = NOW + timedelta(days=400)  # 13 months on
POLICY = "https://springfield.gov/open-data-policy"


def deps_at(engine: Engine, when: datetime, months: int = 12) -> Deps:
    settings = load_settings(
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s" * 32,
        CITYCHECK_EVIDENCE_MAX_AGE_MONTHS=str(months),
    )
    return Deps(settings=settings, client=build_client(settings), engine=engine, rubric=RUBRIC,
                clock=lambda: when)  # fmt: skip


@pytest.fixture
def city(session: Session, engine: Engine) -> CitySetup:
    made = build_city(session, people={"rita": [Role.RESPONDENT]}, areas={"OD": ["rita"]})
    deps = deps_at(engine, NOW)
    target = Target(TEAM, made.person("rita").slack_user_id, made.assessment_id)
    first = RUBRIC.criterion("OD1").checklist[0].id
    interview_action(deps, target, Save("OD1", frozenset({first})), now=NOW)
    interview_action(deps, target, AddEvidence("OD1", (POLICY,)), now=NOW)
    return made


def question(engine: Engine, city: CitySetup, when: datetime, months: int = 12) -> Question:
    """OD1 asked again ("Change"), as Rita would see it at `when`."""
    rita = Target(TEAM, city.person("rita").slack_user_id, city.assessment_id)
    shown = interview_action(deps_at(engine, when, months), rita, Change("OD1"), now=when)
    (asked,) = shown.replies
    assert isinstance(asked, Question)
    return asked


def test_old_evidence_is_asked_to_be_refreshed_and_giving_it_again_dates_it_anew(
    engine: Engine, city: CitySetup
) -> None:
    rita = Target(TEAM, city.person("rita").slack_user_id, city.assessment_id)
    assert question(engine, city, NOW + timedelta(days=300)).stale_links == ()  # 10 months
    asked = question(engine, city, LATER)
    assert (asked.criterion_id, asked.stale_links, asked.stale_months) == ("OD1", (POLICY,), 12)
    assert question(engine, city, LATER, months=18).stale_links == ()  # a longer maximum age

    interview_action(deps_at(engine, LATER), rita, AddEvidence("OD1", (POLICY,)), now=LATER)

    assert question(engine, city, LATER).stale_links == ()
    with Session(engine) as session:
        row = answers.get_answer(session, assessment_id=city.assessment_id, criterion_id="OD1")
        assert row is not None and row.evidence_at == LATER.astimezone(UTC)
        assert row.evidence == [
            {"url": POLICY, "added_at": LATER.isoformat(), "added_by": city.person_id("rita")}
        ]
        history = answers.answer_history(session, answer_id=row.id or 0)
        assert history[-1].old_value is not None
        assert history[-1].old_value["evidence"][0]["added_at"] == NOW.isoformat()


def test_saving_an_answer_whose_evidence_is_all_stale_says_so(
    engine: Engine, city: CitySetup
) -> None:
    rita = Target(TEAM, city.person("rita").slack_user_id, city.assessment_id)
    both = frozenset(item.id for item in RUBRIC.criterion("OD1").checklist[:2])

    done = interview_action(deps_at(engine, LATER), rita, Save("OD1", both), now=LATER)

    record = done.replies[0]
    assert isinstance(record, Record) and record.stale_links == (POLICY,)
