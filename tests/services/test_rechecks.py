"""Re-checks after a milestone on both databases: who is asked, once; who may answer; what a
kept or changed answer stores; what the scheduler reads as pending."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.deps import Deps
from bot.schedule import keys
from bot.services import access, milestones
from bot.services.rechecks import (
    ALREADY_ANSWERED,
    NOT_YOUR_RECHECK,
    NOTHING_TO_KEEP,
    ROUND_ARCHIVED,
    Choice,
    RecheckOutcome,
    answer_recheck,
)
from bot.settings import load_settings
from bot.slack.client import build_client
from rubric.loader import load_bundled_rubric
from rubric.scoring import CriterionStatus
from storage.enums import AnswerSource, NotificationStatus, RecheckStatus, Role
from storage.models import Recheck
from storage.repo import answers, assessments, ledger, plans, rechecks
from tests.builders import NOW, CitySetup, build_city

RUBRIC = load_bundled_rubric()
TEAM = "T0CITY"
PEOPLE = {
    "rita": [Role.RESPONDENT],
    "rui": [Role.RESPONDENT],
    "cora": [Role.COORDINATOR],
    "leo": [Role.LEADER],
}
AREAS = {"OD": ["rita"], "DM": ["rui"]}
DONE = NOW + timedelta(days=30)
LINK = "https://springfield.gov/open-data-policy"


@pytest.fixture
def deps(engine: Engine) -> Deps:
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s" * 32)
    return Deps(settings=settings, client=build_client(settings), engine=engine, rubric=RUBRIC,
                clock=lambda: DONE)  # fmt: skip


@pytest.fixture
def city(session: Session) -> CitySetup:
    made = build_city(session, people=PEOPLE, areas=AREAS)
    first = RUBRIC.criterion("OD1").checklist[0].id
    answers.record_answer(
        session, assessment_id=made.assessment_id, criterion_id="OD1",
        person_id=made.person_id("rita"), ticked=[first], status="answered",
        note="Drafted", evidence=[LINK], now=NOW, source="click",
    )  # fmt: skip
    plan = plans.create_plan(session, assessment_id=made.assessment_id, created_by_id=None, now=NOW)
    for cid in ("OD1", "DM2", "PA1", "ZZ9"):
        plans.add_milestone(
            session, plan_id=plan.id or 0, criterion_id=cid, title=f"Work on {cid}",
            due_on=date(2027, 6, 1), owner_id=made.person_id("leo"), now=NOW,
        )  # fmt: skip
    session.commit()
    return made


def milestone_of(session: Session, city: CitySetup, cid: str) -> int:
    plan = plans.latest_plan(session, assessment_id=city.assessment_id)
    assert plan is not None and plan.id is not None
    found = [m for m in plans.milestones_of_plan(session, plan_id=plan.id) if m.criterion_id == cid]
    return found[0].id or 0


def mark_done(session: Session, city: CitySetup, cid: str, who: str = "leo") -> None:
    actor = access.find_actor(session, team_id=TEAM, user_id=city.person(who).slack_user_id)
    milestone_id = milestone_of(session, city, cid)
    milestones.complete(
        session, rubric=RUBRIC, actor=actor, milestone_id=milestone_id, evidence=None, now=DONE
    )
    session.commit()


def recheck_of(session: Session, cid: str) -> Recheck:
    session.expire_all()
    return session.exec(select(Recheck).where(Recheck.criterion_id == cid)).one()


def answer(
    deps: Deps, city: CitySetup, who: str, cid: str, choice: Choice, *items: int
) -> RecheckOutcome:
    with Session(deps.engine) as session:
        recheck_id = recheck_of(session, cid).id or 0
    checklist = RUBRIC.criterion(cid).checklist
    return answer_recheck(
        deps, team_id=TEAM, user_id=city.person(who).slack_user_id, recheck_id=recheck_id,
        choice=choice, ticked=frozenset(checklist[n - 1].id for n in items), now=DONE,
    )  # fmt: skip


def test_a_done_milestone_asks_who_last_answered_else_an_assignee_else_a_coordinator(
    session: Session, city: CitySetup
) -> None:
    for cid in ("OD1", "DM2", "PA1", "ZZ9"):
        mark_done(session, city, cid)
    mark_done(session, city, "OD1", who="cora")  # done again, by a coordinator: asked once

    asked = {r.criterion_id: r.person_id for r in session.exec(select(Recheck))}
    assert asked == {
        "OD1": city.person_id("rita"),  # she answered it
        "DM2": city.person_id("rui"),  # unanswered: the person assigned its area
        "PA1": city.person_id("cora"),  # nobody assigned: a coordinator
    }  # ZZ9 is no criterion of the rubric: nothing to ask
    assert {r.status for r in session.exec(select(Recheck))} == {RecheckStatus.PENDING}


def test_only_the_person_asked_or_a_coordinator_may_answer(
    session: Session, city: CitySetup, deps: Deps
) -> None:
    mark_done(session, city, "OD1")

    refused = answer(deps, city, "leo", "OD1", Choice.SAME)
    by_coordinator = answer(deps, city, "cora", "OD1", Choice.SAME)

    assert refused.refusal == NOT_YOUR_RECHECK
    assert by_coordinator.refusal is None and by_coordinator.confirmed
    assert recheck_of(session, "OD1").answered_by_id == city.person_id("cora")


def test_still_the_same_needs_an_answer_to_keep(
    session: Session, city: CitySetup, deps: Deps
) -> None:
    mark_done(session, city, "PA1")

    outcome = answer(deps, city, "cora", "PA1", Choice.SAME)

    assert outcome.refusal == NOTHING_TO_KEEP
    assert recheck_of(session, "PA1").status == RecheckStatus.PENDING  # still to answer


def test_a_changed_answer_keeps_its_note_and_evidence_and_stores_the_score_change(
    session: Session, city: CitySetup, deps: Deps
) -> None:
    mark_done(session, city, "OD1")
    count = len(RUBRIC.criterion("OD1").checklist)

    outcome = answer(deps, city, "rita", "OD1", Choice.SAVE, *range(1, count + 1))
    again = answer(deps, city, "rita", "OD1", Choice.NONE)

    change = outcome.change
    assert change is not None and not outcome.confirmed
    assert (change.before.status, change.after.status) == (
        CriterionStatus.PARTLY_MET,
        CriterionStatus.MET,
    )
    assert (change.before.met + 1, change.before.total) == (change.after.met, change.after.total)
    assert [c[1] for c in change.coordinators] == [city.person("cora").slack_user_id]
    assert again.refusal == ALREADY_ANSWERED
    session.expire_all()
    row = answers.get_answer(session, assessment_id=city.assessment_id, criterion_id="OD1")
    assert row is not None and len(row.ticked) == count
    assert (row.note, [link["url"] for link in row.evidence]) == ("Drafted", [LINK])
    assert row.evidence[0]["added_at"] == NOW.isoformat()  # the link keeps when it was given
    history = answers.answer_history(session, answer_id=row.id or 0)
    assert [h.source for h in history] == [AnswerSource.CLICK, AnswerSource.RECHECK]
    stored = recheck_of(session, "OD1")
    assert stored.status == RecheckStatus.CHANGED and stored.result is not None
    assert stored.result["status"] == ["partly_met", "met"]
    assert stored.result["met"] == [change.before.met, change.after.met]


def test_a_recheck_of_an_archived_round_is_cancelled(
    session: Session, city: CitySetup, deps: Deps
) -> None:
    mark_done(session, city, "OD1")
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=DONE)
    assessments.archive_assessment(session, assessment_id=city.assessment_id, now=DONE)
    session.commit()

    outcome = answer(deps, city, "rita", "OD1", Choice.SAME)

    assert outcome.refusal == ROUND_ARCHIVED
    assert recheck_of(session, "OD1").status == RecheckStatus.CANCELLED


def test_the_scheduler_reads_pending_rechecks_until_sent_or_answered(
    session: Session, city: CitySetup, deps: Deps
) -> None:
    mark_done(session, city, "OD1")
    mark_done(session, city, "DM2")

    pending = rechecks.pending_rechecks(session, kind=keys.RECHECK, period_key="done")

    assert [(p.criterion_id, p.slack_user_id) for p in pending] == [
        ("OD1", city.person("rita").slack_user_id),
        ("DM2", city.person("rui").slack_user_id),
    ]
    od1 = pending[0]
    assert (od1.answer_status, od1.ticked, od1.evidence_count) == (
        "answered",
        (RUBRIC.criterion("OD1").checklist[0].id,),
        1,
    )
    assert (pending[1].answer_status, pending[1].ticked) == (None, ())
    target = keys.milestone_target(city.city.id or 0, od1.milestone_id)
    sent = ledger.claim_notification(
        session, kind=keys.RECHECK, target=target, period_key="done", now=DONE
    )
    assert sent is not None and sent.id is not None
    ledger.mark_sent(session, ledger_id=sent.id, now=DONE)
    session.commit()
    assert [p.criterion_id for p in rechecks.pending_rechecks(
        session, kind=keys.RECHECK, period_key="done")] == ["DM2"]  # fmt: skip
    answer(deps, city, "rui", "DM2", Choice.NONE)
    assert rechecks.pending_rechecks(session, kind=keys.RECHECK, period_key="done") == []
    assert sent.status == NotificationStatus.SENT


def test_stale_evidence_is_found_by_the_newest_links_date(
    session: Session, city: CitySetup
) -> None:
    later = NOW + timedelta(days=200)
    answers.record_answer(
        session, assessment_id=city.assessment_id, criterion_id="OD2",
        person_id=city.person_id("rita"), ticked=[], status="answered", note=None,
        evidence=["https://springfield.gov/old"], now=NOW, source="click",
    )  # fmt: skip
    answers.record_answer(
        session, assessment_id=city.assessment_id, criterion_id="OD1",
        person_id=city.person_id("rita"), ticked=[], status="answered", note=None,
        evidence=[LINK, "https://springfield.gov/new"], now=later, source="click",
    )  # fmt: skip
    session.commit()

    found = rechecks.stale_evidence(
        session, assessment_ids=[city.assessment_id], before=NOW + timedelta(days=100)
    )

    assert found == {city.assessment_id: ["OD2"]}  # OD1 has a link newer than the cutoff
    assert (
        rechecks.stale_evidence(
            session, assessment_ids=[city.assessment_id], before=datetime(2020, 1, 1, tzinfo=UTC)
        )
        == {}
    )
