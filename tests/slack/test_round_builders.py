"""Messages of a later round: the question with last round's answer or the changed-question note,
the offer to close an open round, the new round's notices; valid Block Kit with a text fallback."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import translator
from bot.interview.model import Kind
from bot.interview.views import LastAnswer, Question, Record
from bot.reports.history import RoundResult
from bot.sandbox import checks
from bot.services.assign import AreaBrief
from bot.services.round_team import AreaMove, RoundNotice
from bot.services.rounds import NewRoundStarted, OfferToClose
from bot.slack import ids
from bot.slack.builders.question import build_question_message, record_line
from bot.slack.builders.rounds import (
    build_close_offer,
    build_round_dm,
    build_round_notice,
    build_round_started,
    close_value,
    parse_close_value,
    previous_round_line,
)
from rubric.diff import ChangeKind
from rubric.schema import Text
from rubric.scoring import CriterionStatus
from storage.enums import AssessmentStatus
from tests.builders import NOW
from tests.rubric.versions import v2

RUBRIC = v2()
LANGS = ["en", "es", "pt"]
TR = translator("en")


def _question(cid: str, **extra: object) -> Question:
    return Question(12, cid, RUBRIC.area_of(cid).id, 1, 2, 1, 5, **extra)  # type: ignore[arg-type]


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    actions = next(b for b in blocks if b["block_id"] == ids.BLOCK_QUESTION_ACTIONS)
    return list(actions["elements"])


def _started(**changes: object) -> NewRoundStarted:
    values: dict[str, object] = {
        "city_name": "Springfield",
        "city_language": "en",
        "channel_id": "C1",
        "coordinator_language": None,
        "assessment_id": 31,
        "round_number": 2,
        "previous_round": 1,
        "closed_previous": False,
        "archived": (),
        "rubric_title": RUBRIC.title,
        "version": "2027.1",
        "previous_version": "2026.1",
        "changed": ("GOV2",),
        "added": ("OPS3",),
        "removed": ("LEG1",),
        "kept": (AreaMove("GOV", Text(en="Governance"), ("Rita",)),),
        "dropped": (AreaMove("LEG", Text(en="Legacy systems"), ("Rita", "Rui")),),
        "unassigned": (Text(en="Operations"),),
    }
    return NewRoundStarted(**{**values, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", LANGS)
def test_last_rounds_answer_comes_with_still_true_first_and_the_checklist_ticked(
    lang: str,
) -> None:
    last = LastAnswer(Kind.ANSWERED, frozenset({"written", "approved"}), CriterionStatus.MET, 2)
    q = _question("GOV1", ticked=last.ticked, last=last)

    message = build_question_message(translator(lang), RUBRIC, q)

    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []
    first, save = _buttons(message.blocks)[:2]
    assert (first["action_id"], first["value"], first.get("style")) == (
        ids.INTERVIEW_STILL_TRUE,
        "12:GOV1",
        "primary",
    )
    assert save["action_id"] == ids.INTERVIEW_SAVE and "style" not in save
    if lang == "en":
        assert "Last round: ✅ 2 of 2 in place · met · 📎 2." in message.text


def test_an_unsure_answer_last_round_reads_not_sure() -> None:
    last = LastAnswer(Kind.UNSURE, frozenset(), CriterionStatus.UNKNOWN)

    message = build_question_message(TR, RUBRIC, _question("GOV1", last=last))

    assert "Last round: ❓ 0 of 2 in place · not sure." in message.text


@pytest.mark.parametrize(
    ("fresh", "note"),
    [
        (ChangeKind.CHANGED, "🔄 This question changed since last round: answer it afresh."),
        (ChangeKind.ADDED, "🆕 This question is new since last round."),
    ],
)
def test_a_changed_or_new_question_says_so_and_offers_no_still_true(
    fresh: ChangeKind, note: str
) -> None:
    message = build_question_message(TR, RUBRIC, _question("GOV2", fresh=fresh))

    block = next(b for b in message.blocks if b["block_id"] == ids.BLOCK_QUESTION_CHANGED)
    assert note in str(block) and note in message.text
    labels = [b["text"]["text"] for b in _buttons(message.blocks)]
    assert "Still true" not in labels and labels[0] == "Save"


def test_a_record_kept_from_last_round_says_still_true() -> None:
    record = Record(
        12,
        "GOV1",
        Kind.ANSWERED,
        frozenset({"written", "approved"}),
        CriterionStatus.MET,
        2,
        2,
        still_true=True,
    )

    assert record_line(TR, record) == "✅ GOV1 · 2 of 2 ticked · met · still true from last round"


def test_the_offer_to_close_carries_the_round_and_version_and_reads_them_back() -> None:
    offer = OfferToClose("Springfield", 7, 1, 12, 43, "2027.1")

    message = build_close_offer(TR, offer)

    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []
    assert "12 of its 43 questions are unanswered" in message.text
    button = message.blocks[1]["elements"][0]
    assert (button["action_id"], button["value"]) == (ids.NEW_ROUND_CLOSE, "7:2027.1")
    assert parse_close_value(close_value(offer)) == (7, "2027.1")
    assert parse_close_value("7:") == (7, None)
    for forged in ("x:2027.1", "7", "7:2027 1", "7:<b>", None):
        assert parse_close_value(forged) is None


@pytest.mark.parametrize("lang", LANGS)
def test_the_notices_of_a_new_round_are_valid_with_a_text_fallback(lang: str) -> None:
    tr = translator(lang)
    started = _started()
    notice = RoundNotice(
        "U1",
        lang,
        "Springfield",
        31,
        2,
        RUBRIC.title,
        (AreaBrief("GOV", Text(en="Governance"), 2),),
        2,
        1,
        1,
    )

    for message in (
        build_round_notice(tr, started),
        build_round_dm(tr, notice),
        build_round_started(tr, started, posted=False),
    ):
        assert message.text
        assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []
    dm = build_round_dm(tr, notice)
    start = dm.blocks[-1]["elements"][0]
    assert (start["action_id"], start["value"]) == (ids.INTERVIEW_RESUME, "31")


def test_the_channel_hears_who_answers_what_and_what_was_dropped() -> None:
    message = build_round_notice(TR, _started())

    areas = str(message.blocks[1])
    assert "*Governance*: Rita" in areas
    assert "Legacy systems is no longer in the rubric: Rita, Rui will not be asked it." in areas
    assert "Nobody answers Operations yet: assign them with `/citycheck assign`." in areas
    assert "(1 question changed, 1 new, 1 dropped)" in message.text


def test_the_coordinator_is_told_when_the_channel_could_not_be_posted_to() -> None:
    same_version = _started(version="2026.1", closed_previous=True)

    message = build_round_started(TR, same_version, posted=False)

    assert "Round 1 was closed as it stood." in message.text
    assert "I could not post in the digest channel" in message.text
    assert "rubric changed" not in message.text


def test_last_round_on_the_status_reads_its_date_version_and_level() -> None:
    unscored = RoundResult(1, 1, AssessmentStatus.COMPLETED, NOW, NOW, "r", "2026.1", None, None)

    line = previous_round_line(TR, unscored)

    assert line == "Round 1 (Mar 1, 2027, rubric 2026.1): its rubric version is not loaded"
