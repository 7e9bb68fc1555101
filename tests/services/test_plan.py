"""The plan from a scored round: proposals, review, storage, levels, and milestone actions."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from bot.services import milestones as ms
from bot.services.access import AccessDenied, Actor, find_actor
from bot.services.plan import (
    NOT_AN_OWNER,
    CreatedPlan,
    MilestoneChoice,
    PlanProposal,
    PlanView,
    ReviewProblems,
    create_plan,
    proposal_for,
)
from rubric.schema import Rubric
from storage.enums import MilestoneStatus
from storage.repo import plans
from tests.builders import NOW, CitySetup, build_city
from tests.schedule.world import GAP, MET, TO_GOLD, answer_all, rubric, title_of

PEOPLE = {"cora": ["coordinator"], "rita": ["respondent"], "leo": ["leader"], "lia": ["leader"]}


@pytest.fixture
def bundled() -> Rubric:
    return rubric()


def scored_city(session: Session, bundled: Rubric, timezone: str = "America/Chicago") -> CitySetup:
    setup = build_city(session, people=PEOPLE, areas={"DM": ["rita"]}, timezone=timezone)
    answer_all(
        session,
        rubric=bundled,
        assessment_id=setup.assessment_id,
        person_id=setup.person_id("rita"),
        criteria=MET,
        now=NOW,
    )
    session.commit()
    return setup


def actor(session: Session, setup: CitySetup, name: str) -> Actor:
    return find_actor(session, team_id="T0CITY", user_id=setup.person(name).slack_user_id)


def test_proposals_close_the_gap_first_then_cover_every_other_unmet_criterion(
    session: Session, bundled: Rubric
) -> None:
    setup = scored_city(session, bundled)
    proposal = proposal_for(
        session,
        rubric=bundled,
        actor=actor(session, setup, "cora"),
        assessment_id=setup.assessment_id,
        now=NOW,
    )
    assert isinstance(proposal, PlanProposal)
    ids = [m.criterion_id for m in proposal.milestones]
    unmet = [c.id for c in bundled.criteria() if c.id not in MET]
    assert ids[0] == GAP and proposal.milestones[0].in_gap
    assert ids[1:] == [c for c in unmet if c != GAP]  # the rest in the rubric's order
    assert (proposal.current_level, proposal.target_level) == (None, "Silver")
    first = proposal.milestones[0]
    step = bundled.criterion(GAP).next_steps[0]
    assert first.title == f"{step.action.en}: {step.deliverable.en} (PA1)"
    assert first.due_on == date(2027, 9, 1)  # six months from 1 March in Chicago
    # Leaders take the milestones in turn.
    leaders = {setup.person("leo").slack_user_id, setup.person("lia").slack_user_id}
    assert set(proposal.owners.values()) == leaders
    assert proposal.owner_names == ("Leo", "Lia")


def test_due_dates_count_from_today_in_the_citys_timezone(
    session: Session, bundled: Rubric
) -> None:
    setup = scored_city(session, bundled, timezone="Pacific/Auckland")
    proposal = proposal_for(
        session,
        rubric=bundled,
        actor=actor(session, setup, "cora"),
        assessment_id=setup.assessment_id,
        now=NOW,
    )
    assert isinstance(proposal, PlanProposal)
    assert NOW.astimezone(ZoneInfo("Pacific/Auckland")).date() == date(2027, 3, 2)
    assert proposal.today == date(2027, 3, 2)
    assert proposal.milestones[0].due_on == date(2027, 9, 2)


def choices(setup: CitySetup, keep: tuple[str, ...], owner: str = "leo") -> list[MilestoneChoice]:
    return [
        MilestoneChoice(cid, True, setup.person(owner).slack_user_id, date(2027, 6, 1))
        for cid in keep
    ]


def test_the_review_refuses_bad_choices_and_stores_a_good_one_once(
    session: Session, bundled: Rubric
) -> None:
    setup = scored_city(session, bundled)
    cora = actor(session, setup, "cora")
    bad = [
        MilestoneChoice("PA1", True, setup.person("rita").slack_user_id, date(2027, 6, 1)),
        MilestoneChoice("PA4", True, setup.person("leo").slack_user_id, date(2027, 2, 1)),
        MilestoneChoice("PA5", True, None, None),
    ]
    found = create_plan(
        session, rubric=bundled, actor=cora, assessment_id=setup.assessment_id, choices=bad, now=NOW
    )
    assert isinstance(found, ReviewProblems)
    assert {key: message for key, (message, _) in found.problems.items()} == {
        ("PA1", "owner"): NOT_AN_OWNER,
        ("PA4", "due"): "Choose a due date from today on.",
        ("PA5", "owner"): "Choose who owns this milestone.",
        ("PA5", "due"): "Choose a due date.",
    }
    assert found.problems[("PA1", "owner")][1] == {"city": "Springfield", "names": "Leo, Lia"}
    nothing = [MilestoneChoice("PA1", False, None, None)]
    none_ticked = create_plan(
        session,
        rubric=bundled,
        actor=cora,
        assessment_id=setup.assessment_id,
        choices=nothing,
        now=NOW,
    )
    assert isinstance(none_ticked, ReviewProblems) and ("", "include") in none_ticked.problems
    assert plans.latest_plan(session, assessment_id=setup.assessment_id) is None

    made = create_plan(
        session,
        rubric=bundled,
        actor=cora,
        assessment_id=setup.assessment_id,
        choices=choices(setup, TO_GOLD),
        now=NOW,
    )
    assert isinstance(made, CreatedPlan)
    assert [o.display_name for o in made.owners] == ["Leo"]
    view = made.view
    assert (view.done, view.total, view.level_now, view.level_all_done) == (0, 9, None, "Gold")
    assert [m.title for m in view.milestones][:1] == [title_of(bundled, "PA1")]

    again = create_plan(
        session,
        rubric=bundled,
        actor=cora,
        assessment_id=setup.assessment_id,
        choices=choices(setup, ("PA4",)),
        now=NOW,
    )
    assert isinstance(again, PlanView) and again.plan_id == view.plan_id and again.total == 9
    shown = proposal_for(
        session, rubric=bundled, actor=cora, assessment_id=setup.assessment_id, now=NOW
    )
    assert isinstance(shown, PlanView) and shown.plan_id == view.plan_id


def test_only_coordinators_draw_up_a_plan(session: Session, bundled: Rubric) -> None:
    setup = scored_city(session, bundled)
    for name in ("leo", "rita"):
        with pytest.raises(AccessDenied):
            proposal_for(
                session,
                rubric=bundled,
                actor=actor(session, setup, name),
                assessment_id=setup.assessment_id,
                now=NOW,
            )
    with pytest.raises(AccessDenied):
        proposal_for(
            session, rubric=bundled, actor=actor(session, setup, "cora"), assessment_id=999, now=NOW
        )


def test_done_raises_the_level_reached_and_keeps_the_evidence(
    session: Session, bundled: Rubric
) -> None:
    setup = scored_city(session, bundled)
    made = create_plan(
        session,
        rubric=bundled,
        actor=actor(session, setup, "cora"),
        assessment_id=setup.assessment_id,
        choices=choices(setup, TO_GOLD),
        now=NOW,
    )
    assert isinstance(made, CreatedPlan)
    pa1 = next(m.id for m in made.view.milestones if m.criterion_id == "PA1")
    outcome = ms.complete(
        session,
        rubric=bundled,
        actor=actor(session, setup, "leo"),
        milestone_id=pa1,
        evidence="https://data.springfield.gov/performance",
        now=NOW + timedelta(days=2),
    )
    assert (outcome.plan.done, outcome.plan.total) == (1, 9)
    assert (outcome.plan.level_now, outcome.plan.level_all_done) == ("Silver", "Gold")
    stored = plans.get_milestone(session, milestone_id=pa1)
    assert stored.status == MilestoneStatus.DONE
    assert stored.evidence_url == "https://data.springfield.gov/performance"
    again = ms.complete(
        session,
        rubric=bundled,
        actor=actor(session, setup, "cora"),
        milestone_id=pa1,
        evidence=None,
        now=NOW,
    )
    assert again.already_done and again.plan.done == 1


@pytest.mark.parametrize(
    "typed",
    [
        "ftp://files.example.gov/x",
        "javascript:alert(1)",
        "www.example.gov",
        "https://",
        "https://a b",
    ],
)
def test_evidence_must_be_a_web_link(typed: str) -> None:
    with pytest.raises(ms.InvalidEvidence):
        ms.evidence_link(typed)


def test_evidence_may_be_left_out() -> None:
    assert ms.evidence_link("   ") is None
    assert ms.evidence_link(" https://example.gov/a?b=1 ") == "https://example.gov/a?b=1"


def test_only_the_owner_or_a_coordinator_acts_on_a_milestone(
    session: Session, bundled: Rubric
) -> None:
    setup = scored_city(session, bundled)
    made = create_plan(
        session,
        rubric=bundled,
        actor=actor(session, setup, "cora"),
        assessment_id=setup.assessment_id,
        choices=choices(setup, ("PA1",)),
        now=NOW,
    )
    assert isinstance(made, CreatedPlan)
    mid = made.view.milestones[0].id
    for name in ("lia", "rita"):  # another leader, a respondent
        with pytest.raises(AccessDenied) as refused:
            ms.snooze(session, actor=actor(session, setup, name), milestone_id=mid, now=NOW)
        assert refused.value.reason == ms.NOT_YOUR_MILESTONE
    other = build_city(
        session, name="Shelbyville", team_id="T0OTHER", people={"otto": ["coordinator"]}, areas={}
    )
    outsider = find_actor(session, team_id="T0OTHER", user_id=other.person("otto").slack_user_id)
    with pytest.raises(AccessDenied):
        ms.ask_for_help(session, actor=outsider, milestone_id=mid, now=NOW)
    snoozed = ms.snooze(session, actor=actor(session, setup, "leo"), milestone_id=mid, now=NOW)
    # A week from Monday 1 March in Chicago: reminders resume as Monday 8 March begins there.
    assert snoozed.snoozed and snoozed.until == date(2027, 3, 8)
    stored = plans.get_milestone(session, milestone_id=mid)
    assert stored.snoozed_until is not None
    assert stored.snoozed_until.astimezone(ZoneInfo("America/Chicago")).isoformat() == (
        "2027-03-08T00:00:00-06:00"
    )
    help_request = ms.ask_for_help(
        session, actor=actor(session, setup, "cora"), milestone_id=mid, now=NOW
    )
    assert [p.display_name for p in help_request.coordinators] == ["Cora"]
    assert (help_request.asker_name, help_request.owner_name) == ("Cora", "Leo")
