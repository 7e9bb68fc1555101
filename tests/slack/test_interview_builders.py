"""The interview's messages, modal and Home: valid Block Kit within Slack's limits, with text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import translator
from bot.interview.evidence import read_evidence
from bot.interview.model import Kind, PauseChoice
from bot.interview.views import (
    AllDone,
    AreaDone,
    AreaProgress,
    AskPause,
    EvidenceAdded,
    HelpReply,
    Hint,
    HintKind,
    Intro,
    Paused,
    Question,
    Record,
    Reply,
    StatusReport,
    WentBack,
)
from bot.sandbox import checks
from bot.services.home import HomeModel, RespondentInterview
from bot.slack import ids
from bot.slack.builders.evidence import build_evidence_modal, evidence_errors
from bot.slack.builders.home import build_home_view
from bot.slack.builders.interview import build_refusal, build_reply, progress_bar
from bot.slack.builders.question import (
    OPTION_TEXT_LIMIT,
    build_question_message,
    parse_button_value,
    record_line,
)
from rubric.loader import load_bundled_rubric
from rubric.planning import area_nudges
from rubric.scoring import CriterionStatus, score

RUBRIC = load_bundled_rubric()
LANGS = ["en", "es", "pt"]


def _question(cid: str, ticked: frozenset[str] = frozenset(), **extra: object) -> Question:
    area = RUBRIC.area_of(cid)
    in_area = [c.id for c in area.criteria]
    everyone = [c.id for c in RUBRIC.criteria()]
    return Question(
        assessment_id=12,
        criterion_id=cid,
        area_id=area.id,
        area_position=in_area.index(cid) + 1,
        area_total=len(in_area),
        position=everyone.index(cid) + 1,
        total=len(everyone),
        ticked=ticked,
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("lang", LANGS)
def test_every_question_is_valid_with_short_labels_and_a_text_fallback(lang: str) -> None:
    tr = translator(lang)
    for criterion in RUBRIC.criteria():
        first = frozenset({criterion.checklist[0].id})
        message = build_question_message(tr, RUBRIC, _question(criterion.id, first))

        assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == [], criterion.id
        assert message.text and criterion.id in message.text
        items = next(b for b in message.blocks if b["block_id"] == ids.BLOCK_QUESTION_ITEMS)
        box = items["elements"][0]
        assert all(len(o["text"]["text"]) <= OPTION_TEXT_LIMIT for o in box["options"])
        assert [o["value"] for o in box["initial_options"]] == [criterion.checklist[0].id]


def test_the_question_says_where_it_is_and_what_meets_it() -> None:
    message = build_question_message(translator("en"), RUBRIC, _question("OD2"))

    place = message.blocks[0]["elements"][0]["text"]
    rule = message.blocks[4]["elements"][0]["text"]
    buttons = [e["text"]["text"] for e in message.blocks[5]["elements"]]
    assert place == "*Open Data · 2 of 4 · 18 of 43 overall*"
    assert rule.startswith("*Met when at least 3 of 4 are in place.* Evidence:")
    assert buttons == [
        "Save", "None of these", "Not sure", "Skip", "Back", "Add evidence", "Pause"
    ]  # fmt: skip
    values = {e["value"] for e in message.blocks[5]["elements"]}
    assert values == {"12:OD2", "12"}
    assert "initial_options" not in message.blocks[3]["elements"][0]


def test_a_revisited_question_counts_the_skipped_ones_left() -> None:
    message = build_question_message(
        translator("en"), RUBRIC, _question("OD1", given=Kind.SKIPPED, skipped_left=2)
    )

    assert "skipped earlier · 2 skipped questions left" in message.blocks[0]["elements"][0]["text"]


@pytest.mark.parametrize(
    ("record", "line"),
    [
        (
            Record(1, "DM2", Kind.ANSWERED, frozenset({"a", "b", "c"}), CriterionStatus.MET, 3, 4),
            "✅ DM2 · 3 of 4 ticked · met",
        ),
        (
            Record(1, "DM2", Kind.ANSWERED, frozenset({"a"}), CriterionStatus.PARTLY_MET, 3, 4,
                   changed=True, evidence_count=2),
            "🟡 DM2 · 1 of 4 ticked · partly met · changed · 📎 2",
        ),
        (
            Record(1, "OD3", Kind.ANSWERED, frozenset({"a", "b", "c"}), CriterionStatus.MET, 3, 3,
                   blocked_by=("OD1",)),
            "✅ OD3 · 3 of 3 ticked · met · counts once OD1 is met",
        ),
        (
            Record(1, "DM2", Kind.UNSURE, frozenset(), CriterionStatus.UNKNOWN, 3, 4),
            "❓ DM2 · 0 of 4 ticked · not sure",
        ),
        (
            Record(1, "DM2", Kind.SKIPPED, frozenset(), CriterionStatus.UNKNOWN, 3, 4),
            "⏭️ DM2 · skipped: asked again later",
        ),
    ],
)  # fmt: skip
def test_answer_records(record: Record, line: str) -> None:
    assert record_line(translator("en"), record) == line


def _every_reply() -> list[Reply]:
    result = score(RUBRIC, {})
    paused_at = datetime(2027, 3, 2, 15, tzinfo=UTC)
    replies: list[Reply] = [
        Intro(13, (("DM", 9), ("OD", 4)), 0, resumed=False),
        Intro(13, (("DM", 9), ("OD", 4)), 5, resumed=True),
        Record(3, "DM1", Kind.ANSWERED, frozenset({"written-strategy"}), CriterionStatus.PARTLY_MET,
               5, 5),
        WentBack(3, "DM2", "DM1"),
        AllDone((("DM", 3, 9), ("OD", 1, 4)), unsure=2),
        AllDone((("DM", 3, 9),), unsure=0, again=True),
        StatusReport((AreaProgress("DM", 3, 1, 9),), 3, 13, "DM5", 5, paused_at, "America/Chicago"),
        HelpReply(),
        AskPause(3, "DM5", 5, 13),
        Paused(3, PauseChoice.TOMORROW, paused_at, "DM5", 5, 13, "America/Chicago"),
        Paused(3, PauseChoice.MYSELF, paused_at, None, None, 13),
        EvidenceAdded("DM1", 1, 2, True),
        *(Hint(kind, 4, "DM1") for kind in HintKind),
    ]  # fmt: skip
    for area in RUBRIC.areas:
        rows = tuple((c.id, result.criteria[c.id].status) for c in area.criteria)
        nudges = area_nudges(RUBRIC, result, area.id)
        replies.append(AreaDone(area.id, 0, len(area.criteria), rows, nudges))
    return replies


@pytest.mark.parametrize("lang", LANGS)
def test_every_other_reply_is_valid_with_a_text_fallback(lang: str) -> None:
    tr = translator(lang)
    for reply in _every_reply():
        message = build_reply(tr, RUBRIC, reply)

        assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == [], reply
        assert message.text.strip(), reply


def test_area_summary_lists_each_criterion_and_three_next_steps() -> None:
    result = score(RUBRIC, {})
    area = RUBRIC.area("DM")
    rows = tuple((c.id, result.criteria[c.id].status) for c in area.criteria)
    done = AreaDone("DM", 0, 9, rows, area_nudges(RUBRIC, result, "DM"))

    message = build_reply(translator("en"), RUBRIC, done)

    assert message.blocks[0]["text"]["text"] == "Data Management done: 0 of 9 met"
    assert message.blocks[1]["text"]["text"].count("\n") == 8
    steps = message.blocks[2]["text"]["text"].splitlines()
    assert steps[0] == "*Next steps*" and len(steps) == 4


def test_the_pause_question_offers_three_choices_with_the_assessment_id() -> None:
    message = build_reply(translator("en"), RUBRIC, AskPause(3, "DM5", 5, 13))

    buttons = message.blocks[1]["elements"]
    assert [b["text"]["text"] for b in buttons] == [
        "Tomorrow",
        "Next week",
        "I'll come back myself",
    ]
    assert {b["value"] for b in buttons} == {"3"}


def test_paused_until_is_shown_in_the_persons_timezone() -> None:
    paused = Paused(3, PauseChoice.TOMORROW, datetime(2027, 3, 2, 15, tzinfo=UTC), "DM5", 5, 13,
                    "America/Chicago")  # fmt: skip

    message = build_reply(translator("en"), RUBRIC, paused)

    assert "Tuesday, March 2, 2027 at 9:00" in message.text
    assert message.blocks[1]["elements"][0]["action_id"] == ids.INTERVIEW_RESUME


def test_hints_use_the_persons_own_words() -> None:
    hint = Hint(HintKind.NOT_UNDERSTOOD, 4, "DM1")

    assert "`no sé`" in build_reply(translator("es"), RUBRIC, hint).text
    assert "`not sure`" in build_reply(translator("en"), RUBRIC, hint).text


def test_refusals_are_translated_messages_and_escaped() -> None:
    message = build_refusal(translator("en"), "That belongs to <another> city.")

    assert message.text == "That belongs to <another> city."
    assert "&lt;another&gt;" in message.blocks[0]["text"]["text"]


@pytest.mark.parametrize("lang", LANGS)
def test_evidence_modal_is_a_valid_modal_with_ids_only_in_its_metadata(lang: str) -> None:
    view = build_evidence_modal(
        translator(lang),
        RUBRIC,
        assessment_id=12,
        criterion_id="DM1",
        links=("https://a.example",),
        note="n" * 5000,
    )

    assert checks.check_view(view, "modal") == []
    assert view["private_metadata"] == "12:DM1"


def test_evidence_problems_become_field_errors() -> None:
    found = read_evidence("https://ok.example\nnot a link\n" + "https://" + "x" * 2001, "n" * 3001)

    errors = evidence_errors(translator("en"), found.problems)

    assert errors == {
        ids.BLOCK_EVIDENCE_LINKS: "Line 2: put one link per line, without spaces.",
        ids.BLOCK_EVIDENCE_NOTE: "The note has 3001 characters; keep it to 3000.",
    }
    assert read_evidence("", "").problems["links"].message.startswith("Add at least one link")
    assert read_evidence("javascript:alert(1)", None).problems["links"].values == {"line": 1}
    good = read_evidence(" https://a.example \nhttp://b.example\nhttps://a.example", " ok ")
    assert (good.links, good.note, good.problems) == (
        ("https://a.example", "http://b.example"),
        "ok",
        {},
    )


def _mine(aid: int, name: str = "Springfield", done: bool = False) -> RespondentInterview:
    areas = tuple(AreaProgress(a.id, 1, 0, len(a.criteria)) for a in RUBRIC.areas)
    return RespondentInterview(aid, name, areas, 8, 43, "DM2", 2, started=True, done=done)


def test_home_shows_the_welcome_to_someone_with_no_role() -> None:
    view = build_home_view(translator("en"), [], HomeModel("en"), RUBRIC)

    assert view["blocks"][0]["text"]["text"] == "Welcome to citycheck"
    assert checks.check_view(view, "home") == []


def test_home_respondent_section_has_progress_and_resume() -> None:
    model = HomeModel("en", respondent=(_mine(4, "<!here> City"), _mine(5, done=True)))

    view = build_home_view(translator("en"), [], model, RUBRIC)

    assert checks.check_view(view, "home") == []
    first = view["blocks"][1]
    assert first["text"]["text"].startswith("*&lt;!here&gt; City* · 8 of 43 answered · next: DM2")
    assert first["accessory"]["action_id"] == ids.INTERVIEW_RESUME
    assert first["accessory"]["value"] == "4"
    assert "accessory" not in view["blocks"][3]


def test_home_stays_under_a_hundred_blocks() -> None:
    model = HomeModel("en", respondent=tuple(_mine(n) for n in range(60)))

    view = build_home_view(translator("en"), [], model, RUBRIC)

    assert len(view["blocks"]) <= 100
    assert checks.check_view(view, "home") == []


def test_progress_bar_and_button_values() -> None:
    assert progress_bar(0, 4) == "▱" * 10
    assert progress_bar(4, 4) == "▰" * 10
    assert progress_bar(1, 4) == "▰▰▰" + "▱" * 7
    assert parse_button_value("12:OD1") == (12, "OD1")
    for forged in ["", "12", ":OD1", "x:OD1", "12:OD1;DROP", "12:" + "A" * 40, None]:
        assert parse_button_value(forged) is None
