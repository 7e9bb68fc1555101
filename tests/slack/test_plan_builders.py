"""The plan's and the scheduler's messages stay within Slack's limits, however big the plan."""

from __future__ import annotations

import json
from datetime import date

from bot.i18n import translator
from bot.sandbox.checks import MESSAGE_BLOCKS, check_blocks, check_view
from bot.schedule.views import (
    AreaLine,
    BehindLine,
    DigestView,
    ErrorLine,
    MilestoneLine,
    PreviousDigest,
)
from bot.services.milestones import LeaderHomeView
from bot.services.plan import MilestoneView, PlanProposal, PlanView, ProposedMilestone
from bot.slack.builders.milestones import (
    build_done_modal,
    build_leader_home_section,
    build_owner_message,
)
from bot.slack.builders.notifications import build_digest
from bot.slack.builders.plan import REVIEW_LIMIT, build_plan_message, build_review_modal
from storage.enums import MilestoneStatus
from tests.schedule.world import rubric, title_of

LONG = "A very long milestone title that goes on and on " * 6


def proposal() -> PlanProposal:
    bundled = rubric()
    milestones = tuple(
        ProposedMilestone(
            c.id,
            bundled.area_of(c.id).id,
            title_of(bundled, c.id),
            date(2027, 9, 1),
            6,
            i < 3,
            c.core,
        )
        for i, c in enumerate(bundled.criteria())
    )
    return PlanProposal(
        assessment_id=7,
        city_name="Springfield",
        lang="en",
        today=date(2027, 3, 1),
        milestones=milestones,
        owners={m.criterion_id: "U0LEO" for m in milestones},
        owner_names=("Leo", "Lia"),
        current_level=None,
        target_level="Silver",
    )


def milestone(n: int, status: MilestoneStatus = MilestoneStatus.OPEN) -> MilestoneView:
    return MilestoneView(
        id=n,
        criterion_id=f"DM{n % 9 + 1}",
        area_id="DM",
        area_name="Data Management",
        title=f"{LONG} {n}",
        owner_id=1,
        owner_name="Leo",
        owner_slack_id="U0LEO",
        due_on=date(2027, 6, 1),
        status=status,
        days_left=n - 20,
    )


def plan(count: int) -> PlanView:
    return PlanView(
        plan_id=1,
        assessment_id=7,
        city_id=1,
        city_name="Springfield",
        lang="en",
        milestones=tuple(milestone(n) for n in range(count)),
        done=0,
        total=count,
        level_current=None,
        level_now=None,
        level_all_done="Gold",
    )


def test_the_review_modal_shows_the_first_thirty_within_a_hundred_blocks() -> None:
    view = build_review_modal(proposal())
    assert check_view(view, "modal") == []
    assert len(view["blocks"]) <= 100
    assert len(json.loads(view["private_metadata"])["c"]) == REVIEW_LIMIT
    note = view["blocks"][1]["elements"][0]["text"]
    assert note == "13 more unmet criteria are left out to keep the plan focused."
    intro = view["blocks"][0]["text"]["text"]
    assert intro.startswith("The first 3 milestones close the gap to Silver;")


def test_big_plans_fit_in_a_message() -> None:
    for message in (build_plan_message(plan(43)), build_owner_message(plan(43), owner_id=1)):
        assert check_blocks(message.blocks, MESSAGE_BLOCKS) == []
        assert message.text
    owner = build_owner_message(plan(43), owner_id=1)
    assert owner.blocks[-1]["elements"][0]["text"].startswith("23 more are in the plan.")


def test_the_done_modal_and_the_home_section_are_valid() -> None:
    assert check_view(build_done_modal(translator("es"), 3, LONG), "modal") == []
    section = build_leader_home_section(
        LeaderHomeView(lang="en", milestones=tuple(milestone(n) for n in range(8)), more=4)
    )
    home = {"type": "home", "blocks": section}
    assert check_view(home, "home") == []
    assert section[-1]["elements"][0]["text"] == "And 4 more: `/citycheck plan` lists them all."


def test_a_long_digest_stays_within_the_limits() -> None:
    lines = tuple(MilestoneLine(f"{LONG} {n}", "Leo", date(2027, 3, 1), -n) for n in range(40))
    view = DigestView(
        city_id=1,
        city_name="Springfield",
        lang="pt",
        week="2027-W11",
        day=date(2027, 3, 15),
        areas=tuple(AreaLine(f"Area {n}", n, 9, 1, 3) for n in range(8)),
        behind=tuple(BehindLine(f"Person {n}", 5, None) for n in range(30)),
        done=1,
        total=40,
        level_now="Prata",
        level_all_done="Ouro",
        level_now_id="silver",
        level_all_done_id="gold",
        previous=PreviousDigest(date(2027, 3, 8), None, "Ouro", 0, 40),
        due_soon=lines,
        overdue=lines,
        errors=tuple(
            ErrorLine("followup", "Rita", None, "user_not_found", date(2027, 3, 9))
            for _ in range(20)
        ),
        has_plan=True,
    )
    message = build_digest(view)
    assert check_blocks(message.blocks, MESSAGE_BLOCKS) == []
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in message.blocks)
    assert "…e mais 28" in message.text
