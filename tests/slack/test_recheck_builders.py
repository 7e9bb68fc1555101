"""The re-check's messages: the interview's question with the re-check's buttons, its record,
the coordinators' notice, and the digest's stale-evidence line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import Block

from bot.i18n import Translator
from bot.interview.model import Kind
from bot.interview.views import Record
from bot.schedule.recheck_view import RecheckView
from bot.schedule.views import DigestView
from bot.services.rechecks import RecheckOutcome
from bot.services.score_change import ScoreChange, ScoreSide
from bot.slack import ids
from bot.slack.builders.rechecks import (
    build_recheck_message,
    build_recheck_record,
    build_score_change,
    stale_digest_lines,
)
from rubric.loader import load_bundled_rubric
from rubric.scoring import CriterionStatus

RUBRIC = load_bundled_rubric()
TR = Translator()
SILVER, GOLD = RUBRIC.levels[0], RUBRIC.levels[1]


def view(**changes: Any) -> RecheckView:
    first = RUBRIC.criterion("OD1").checklist[0].id
    base = RecheckView(
        recheck_id=42, assessment_id=7, criterion_id="OD1",
        milestone_title="Adopt an open data policy (OD1)", city_name="Springfield", lang="en",
        rubric=RUBRIC, ticked=frozenset({first}), answer_status="answered", evidence_count=2,
    )  # fmt: skip
    return replace(base, **changes)


def buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    (actions,) = [b for b in blocks if b.get("block_id") == ids.BLOCK_RECHECK_ACTIONS]
    return [(e["text"]["text"], e["action_id"], e["value"]) for e in actions["elements"]]


def test_the_recheck_is_the_question_pre_filled_with_its_own_buttons() -> None:
    message = build_recheck_message(view())

    Block.parse_all(message.blocks)  # each block as Slack's SDK validates it
    block_ids = [b["block_id"] for b in message.blocks]
    assert block_ids[0] == ids.BLOCK_RECHECK_INTRO
    assert ids.BLOCK_QUESTION_ITEMS in block_ids and ids.BLOCK_QUESTION_ACTIONS not in block_ids
    assert message.text.startswith(
        "✅ Milestone done: Adopt an open data policy (OD1). Is Springfield's answer still the "
        f"same (1 of {len(RUBRIC.criterion('OD1').checklist)} in place · 📎 2)?"
    )
    (rule,) = [b for b in message.blocks if b["block_id"] == ids.BLOCK_QUESTION_RULE]
    assert len(rule["elements"]) == 1  # typed replies belong to the interview, not here
    (items,) = [b for b in message.blocks if b["block_id"] == ids.BLOCK_QUESTION_ITEMS]
    checkboxes = items["elements"][0]
    assert checkboxes["action_id"] == ids.INTERVIEW_ITEMS
    assert [o["value"] for o in checkboxes["initial_options"]] == [
        RUBRIC.criterion("OD1").checklist[0].id
    ]
    assert buttons(message.blocks) == [
        ("Still the same", ids.RECHECK_SAME, "42"),
        ("Save", ids.RECHECK_SAVE, "42"),
        ("None of these", ids.RECHECK_NONE, "42"),
        ("Not sure", ids.RECHECK_UNSURE, "42"),
    ]


def test_without_an_answer_in_the_round_there_is_nothing_to_keep() -> None:
    message = build_recheck_message(view(answer_status=None, ticked=frozenset()))

    assert "has no answer to this question in this round yet" in message.text
    assert [label for label, _, _ in buttons(message.blocks)] == [
        "Save",
        "None of these",
        "Not sure",
    ]


def test_the_record_says_kept_or_that_the_coordinators_see_the_change() -> None:
    record = Record(7, "OD1", Kind.ANSWERED, frozenset({"a"}), CriterionStatus.PARTLY_MET, 3, 4)

    kept = build_recheck_record(TR, RecheckOutcome("en", RUBRIC, record, confirmed=True))

    assert kept.text == "🟡 OD1 · 1 of 4 ticked · partly met · still the same"
    assert [b["block_id"] for b in kept.blocks] == [ids.BLOCK_RECHECK_RECORD]


def test_the_coordinators_see_the_criterion_the_score_and_the_level_then_and_now() -> None:
    change = ScoreChange(
        recheck_id=42, city_id=1, city_name="Springfield", city_language="en",
        channel_id="C1", coordinators=(), milestone_id=3,
        milestone_title="Adopt an open data policy (OD1)", criterion_id="OD1",
        statement=RUBRIC.criterion("OD1").statement, answered_by="Rita",
        before=ScoreSide(CriterionStatus.PARTLY_MET, 26, 43, Decimal("60.4"), SILVER.name),
        after=ScoreSide(CriterionStatus.MET, 27, 43, Decimal("62.7"), GOLD.name),
    )  # fmt: skip

    message = build_score_change(TR, change)

    first = message.text.splitlines()[0]
    assert first == (
        "✅ OD1 is now met (was partly met): score 60.4% → 62.7% · "
        f"level {SILVER.name.en} → {GOLD.name.en}"
    )
    assert message.text.endswith(
        "Rita answered it again after the milestone Adopt an open data policy (OD1) was done."
    )


def test_the_digest_names_the_criteria_to_refresh() -> None:
    base = DigestView(
        city_id=1, city_name="Springfield", lang="en", week="2027-W10", day=date(2027, 3, 8),
        areas=(), behind=(), done=0, total=0, level_now=None, level_all_done=None,
        level_now_id=None, level_all_done_id=None, previous=None, due_soon=(), overdue=(),
        errors=(), has_plan=False,
    )  # fmt: skip
    day = date(2026, 3, 8)

    one = stale_digest_lines(TR, replace(base, stale_evidence=("OD1",), stale_before=day))
    two = stale_digest_lines(TR, replace(base, stale_evidence=("OD1", "DM2"), stale_before=day))

    assert one == [
        "• 1 criterion rests only on evidence given before Mar 8, 2026: OD1. Ask for a current "
        "link (Add evidence); the next round asks for it too."
    ]
    assert two[0].startswith("• 2 criteria rest only on evidence given before Mar 8, 2026: ")
    assert stale_digest_lines(TR, base) == []
