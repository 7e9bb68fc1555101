"""The coordinator's surfaces: valid Block Kit within Slack's limits, in the person's language."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import translator
from bot.sandbox import checks
from bot.services.assign import (
    AreaBrief,
    AreaSlot,
    AssignDone,
    AssignForm,
    AssignmentNotice,
    Handover,
    RemovalNotice,
)
from bot.services.coordinator import CityChoice, Problem, Refusal
from bot.services.postpone import Postponed
from bot.services.results import AreaRow, ResultAnnouncement, StepRow
from bot.services.setup import BAD_POPULATION, EMPTY_NAME, SetupDone, SetupForm
from bot.services.status import (
    AreaProgress,
    AssigneeProgress,
    Blocker,
    Outsider,
    OwnArea,
    OwnProgress,
    Projection,
    StatusView,
    TeamOverview,
)
from bot.slack import ids
from bot.slack.builders.access import build_city_choice_message, build_notice_modal
from bot.slack.builders.assign import (
    build_assign_modal,
    build_assign_saved_message,
    build_assignment_message,
    build_later_message,
    build_unassigned_message,
)
from bot.slack.builders.result import build_result_message
from bot.slack.builders.setup import build_setup_modal, build_start_notice, setup_errors
from bot.slack.builders.status import ago, build_coordinator_home_section, build_status_message
from rubric.loader import load_bundled_rubric
from rubric.schema import Text

RUBRIC = load_bundled_rubric()
NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
LANGS = ["en", "es", "pt"]


def _texts(blocks: list[dict[str, Any]]) -> str:
    found = []
    for block in blocks:
        for key in ("text", "label"):
            if isinstance(block.get(key), dict):
                found.append(block[key]["text"])
        for element in block.get("elements", []):
            found.append(element.get("text", {}).get("text", "") if "type" in element else "")
    return "\n".join(found)


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return dict(block["element"])


# ---- setup ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_setup_modal_is_valid_and_fits_slacks_menus(lang: str) -> None:
    view = build_setup_modal(
        translator(lang),
        SetupForm(None, timezone="America/Chicago", channel_id="C0DIGEST", coordinators=("U1",)),
    )

    assert checks.check_view(view, "modal") == []
    assert len(view["title"]["text"]) <= 24
    for block_id in (ids.BLOCK_SETUP_TIMEZONE, ids.BLOCK_SETUP_COUNTRY):
        groups = _element(view, block_id)["option_groups"]
        assert len(groups) <= 100 and all(len(g["options"]) <= 100 for g in groups)


def test_a_new_citys_form_proposes_the_coordinators_own_settings() -> None:
    view = build_setup_modal(
        translator("en"),
        SetupForm(None, country="BR", timezone="America/Sao_Paulo", channel_id="C0DIGEST",
                  coordinators=("U0ANA",)),
    )  # fmt: skip

    assert view["private_metadata"] == ""
    assert (
        _element(view, ids.BLOCK_SETUP_TIMEZONE)["initial_option"]["value"] == "America/Sao_Paulo"
    )
    assert _element(view, ids.BLOCK_SETUP_COUNTRY)["initial_option"]["text"]["text"] == "Brazil"
    assert _element(view, ids.BLOCK_SETUP_CHANNEL)["initial_conversation"] == "C0DIGEST"
    assert _element(view, ids.BLOCK_SETUP_COORDINATORS)["initial_users"] == ["U0ANA"]
    assert "initial_value" not in _element(view, ids.BLOCK_SETUP_NAME)


def test_an_existing_citys_form_is_filled_in_and_carries_only_its_id() -> None:
    form = SetupForm(
        7, name="Springfield", state="Illinois", country="US", population=114394,
        timezone="America/Chicago", channel_id="C0DIGEST", coordinators=("U1", "U2"),
        leaders=("U3",),
    )  # fmt: skip

    view = build_setup_modal(translator("es"), form)

    assert view["private_metadata"] == "7"
    assert _element(view, ids.BLOCK_SETUP_NAME)["initial_value"] == "Springfield"
    assert _element(view, ids.BLOCK_SETUP_POPULATION)["initial_value"] == "114394"
    assert _element(view, ids.BLOCK_SETUP_COUNTRY)["initial_option"]["text"]["text"] == (
        "Estados Unidos"
    )
    assert _element(view, ids.BLOCK_SETUP_LEADERS)["initial_users"] == ["U3"]


def test_a_timezone_outside_the_list_is_still_offered() -> None:
    view = build_setup_modal(translator("en"), SetupForm(None, timezone="US/Central"))

    select = _element(view, ids.BLOCK_SETUP_TIMEZONE)
    assert select["initial_option"]["value"] == "US/Central"
    assert select["option_groups"][0]["label"]["text"] == "Current"


def test_field_problems_land_on_their_blocks_in_the_persons_language() -> None:
    errors = setup_errors(
        translator("en"), {"name": Problem(EMPTY_NAME), "population": Problem(BAD_POPULATION)}
    )

    assert errors == {
        ids.BLOCK_SETUP_NAME: "Enter the city's name.",
        ids.BLOCK_SETUP_POPULATION: (
            "Enter the population as a whole number from 1 to 100,000,000, such as 120000."
        ),
    }


DONE = SetupDone(
    created=True, city_id=1, city_name="Springfield <&>", city_language="en",
    channel_id="C0DIGEST", coordinators=("U0ANA",), leaders=("U0LEO", "U0MAY"),
    submitter_id="U0ANA", submitter_language="en-US", assessment_id=3,
    rubric_title=RUBRIC.title, area_count=8, criteria_count=43,
)  # fmt: skip


def test_the_start_notice_says_what_who_and_what_next() -> None:
    notice = build_start_notice(translator("en"), DONE)

    assert checks.check_blocks(notice.blocks, checks.MESSAGE_BLOCKS) == []
    assert (
        "Springfield &lt;&amp;&gt; is starting its data-practices self-assessment"
        in (notice.blocks[0]["text"]["text"])
    )
    assert "43 criteria in 8 practice areas" in notice.text
    assert "Coordinator: <@U0ANA>." in notice.text
    assert "Leaders: <@U0LEO>, <@U0MAY>." in notice.text
    assert "result and the next steps are posted here" in notice.text


# ---- refusals and choices ---------------------------------------------------------------------


def test_a_refused_submission_is_answered_with_a_modal_that_explains() -> None:
    view = build_notice_modal(
        translator("en"), Refusal("Only your city's coordinators can do that.")
    )

    assert checks.check_view(view, "modal") == []
    assert "coordinators can do that" in view["blocks"][0]["text"]["text"]
    assert "submit" not in view


def test_a_coordinator_of_many_cities_gets_a_short_list() -> None:
    cities = tuple(f"City {n:02d}" for n in range(25))

    message = build_city_choice_message(translator("en"), CityChoice("assign", cities))

    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []
    assert "`/citycheck assign City 00`" in message.text
    assert "City 19" in message.text and "City 20" not in message.text
    assert "…and 5 more" in message.text


# ---- assign ---------------------------------------------------------------------------------


def _assign_form() -> AssignForm:
    slots = tuple(
        AreaSlot(area.id, area.name, len(area.criteria), ("U0RITA",) if area.id == "OD" else ())
        for area in RUBRIC.areas
    )
    return AssignForm(city_id=5, city_name="Springfield", assessment_id=9, areas=slots)


@pytest.mark.parametrize("lang", LANGS)
def test_the_assign_modal_has_one_picker_of_three_per_area(lang: str) -> None:
    view = build_assign_modal(translator(lang), _assign_form())

    assert checks.check_view(view, "modal") == []
    assert view["private_metadata"] == "5"
    pickers = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in pickers] == [f"assign_area_{a.id}" for a in RUBRIC.areas]
    assert all(b["element"]["max_selected_items"] == 3 and b["optional"] for b in pickers)
    od = next(b for b in pickers if b["block_id"] == "assign_area_OD")
    assert od["element"]["initial_users"] == ["U0RITA"]


def test_the_assign_modals_labels_read_in_spanish() -> None:
    view = build_assign_modal(translator("es"), _assign_form())

    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels[0] == f"{RUBRIC.areas[0].name.es} (9 preguntas)"
    assert RUBRIC.areas[0].name.es != RUBRIC.areas[0].name.en


NOTICE = AssignmentNotice(
    slack_user_id="U0RITA", language="en-US", city_name="Springfield", assessment_id=9,
    rubric_title=RUBRIC.title, coordinator_name="Cora",
    areas=(AreaBrief("DM", RUBRIC.area("DM").name, 9),
           AreaBrief("EVAL", RUBRIC.area("EVAL").name, 3)),
    new_area_ids=("EVAL",), questions=12,
)  # fmt: skip


def test_the_assignment_message_says_what_which_and_how_long_with_start_and_later() -> None:
    message = build_assignment_message(translator("en"), NOTICE)

    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []
    assert "Cora asked you to help with *Springfield's data-practices self-assessment*" in (
        message.text
    )
    assert "• *Data Management* (9 questions)" in message.text
    assert "• *Evaluations* (3 questions) · _new_" in message.text
    assert "12 questions, about 15 minutes in all." in message.text
    buttons = message.blocks[-1]["elements"]
    assert [(b["text"]["text"], b["action_id"], b["value"]) for b in buttons] == [
        ("Start", ids.INTERVIEW_RESUME, "9"),
        ("Later", ids.ASSIGNMENT_LATER, "9"),
    ]


def test_a_removed_person_is_told_who_takes_over_and_thanked() -> None:
    message = build_unassigned_message(
        translator("en"),
        RemovalNotice(
            "U0RITA", "en", "Springfield",
            (Handover(RUBRIC.area("OD").name, ("Tom",)), Handover(RUBRIC.area("CI").name, ())),
        ),
    )  # fmt: skip

    assert "Tom now answers Open Data for Springfield; thanks for your help!" in message.text
    assert "Community Impact is no longer yours to answer for Springfield; thanks!" in message.text
    assert "stays saved" in message.text


def test_the_coordinator_hears_what_changed() -> None:
    done = AssignDone("Springfield", "U0CORA", "en", (NOTICE,), (), changes=2)

    assert "2 changes" in build_assign_saved_message(translator("en"), done).text
    unchanged = build_assign_saved_message(translator("en"), replace(done, added=(), changes=0))
    assert "No assignments changed for Springfield" in unchanged.text


def test_later_says_when_the_reminder_comes() -> None:
    until = datetime(2027, 3, 2, 9, 0, tzinfo=ZoneInfo("America/Chicago"))

    message = build_later_message(translator("en"), Postponed(until, "en"))

    assert "I'll remind you on Tuesday, March 2, 2027 at 9:00" in message.text
    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []


# ---- status and home ------------------------------------------------------------------------


def _team(not_started: tuple[str, ...] = ("Tom",)) -> TeamOverview:
    rita = AssigneeProgress("Rita", "U0RITA", NOW - timedelta(days=2), True)
    tom = AssigneeProgress("Tom", "U0TOM", None, False)
    areas = tuple(
        AreaProgress(
            area.id,
            area.name,
            2 if area.id == "OD" else 0,
            len(area.criteria),
            {"OD": (rita,), "DM": (tom,)}.get(area.id, ()),
        )
        for area in RUBRIC.areas
    )
    projection = Projection(
        met=2, total=43, percent=Decimal("4.6"), level=None, level_by_percent=None,
        blockers=(Blocker("DM1", RUBRIC.criterion("DM1").statement, False),
                  Blocker("PA1", RUBRIC.criterion("PA1").statement, True)),
        first_level=RUBRIC.levels[0].name, first_level_percent=Decimal(51),
    )  # fmt: skip
    return TeamOverview(
        city_id=4, city_name="Springfield", assessment_id=9, round_number=1, completed=False,
        rubric_title=RUBRIC.title, areas=areas, not_started=not_started, projection=projection,
        now=NOW,
    )  # fmt: skip


def test_ago_reads_like_a_person_would_say_it() -> None:
    tr = translator("en")

    assert ago(tr, NOW - timedelta(days=2), NOW) == "2 days ago"
    assert ago(tr, NOW - timedelta(hours=3), NOW) == "3 hours ago"
    assert ago(tr, NOW - timedelta(seconds=20), NOW) == "just now"
    assert ago(translator("es"), NOW - timedelta(days=2), NOW) == "hace 2 días"


def test_the_coordinators_status_shows_areas_people_level_and_who_waits() -> None:
    message = build_status_message(translator("en"), StatusView("en", team=_team()))

    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []
    text = _texts(message.blocks)
    assert "Springfield · assessment progress" in text
    assert "*Open Data* 2/4 · Rita (2 days ago)" in text
    assert "*Data Management* 0/9 · Tom (not started)" in text
    assert "*Evaluations* 0/4 · _nobody assigned_" in text
    assert "*Level so far:* none yet · 2 of 43 criteria met (4.6%)" in text
    assert "core criterion DM1 is not answered yet; core criterion PA1 is not met" in text
    assert "*Not started yet:* Tom" in text


def test_a_respondents_status_has_their_areas_and_a_resume_button() -> None:
    own = OwnProgress(
        "Springfield",
        9,
        (OwnArea(RUBRIC.area("OD").name, 1, 4), OwnArea(RUBRIC.area("CI").name, 3, 3)),
    )

    message = build_status_message(translator("en"), StatusView("en", own=(own,)))

    text = _texts(message.blocks)
    assert "• Open Data: 1/4" in text and "• Community Impact: 3/3 ✓" in text
    button = message.blocks[-1]["elements"][0]
    assert (button["text"]["text"], button["action_id"], button["value"]) == (
        "Resume", ids.INTERVIEW_RESUME, "9",
    )  # fmt: skip
    done = replace(own, areas=(OwnArea(RUBRIC.area("CI").name, 3, 3),))
    finished = build_status_message(translator("en"), StatusView("en", own=(done,)))
    assert all(b["type"] != "actions" for b in finished.blocks)
    assert "Thank you" in finished.text or "Thank you" in _texts(finished.blocks)


def test_an_outsider_is_told_how_to_get_involved() -> None:
    message = build_status_message(
        translator("en"),
        StatusView(None, outsider=Outsider("You are not part of a city's assessment team here.")),
    )

    assert "ask your city's coordinator to assign you a practice area" in message.text
    assert "`/citycheck setup`" in message.text


def test_the_home_section_is_compact_and_valid_on_a_home_tab() -> None:
    blocks = build_coordinator_home_section(_team(), translator("pt"))

    assert len(blocks) == 3
    assert checks.check_view({"type": "home", "blocks": blocks}, "home") == []
    assert blocks[0]["text"]["text"].startswith("*Springfield* · 2 de 43 perguntas respondidas")
    assert "Dados Abertos 2/4 · Rita" in blocks[1]["text"]["text"]
    assert "Ainda não começaram: Tom" in blocks[2]["elements"][0]["text"]
    everyone = build_coordinator_home_section(_team(not_started=()))
    assert "Everyone assigned has started." in everyone[-1]["elements"][0]["text"]


# ---- result ---------------------------------------------------------------------------------


def _result(steps: int = 3, level: Text | None = None) -> ResultAnnouncement:
    gap_ids = [c.id for c in RUBRIC.criteria()][:steps]
    return ResultAnnouncement(
        assessment_id=9, ledger_id=1, city_name="Springfield", language="en",
        channel_id="C0DIGEST", coordinators=("U0CORA",), rubric_title=RUBRIC.title,
        round_number=1, met=21, total=43, percent=Decimal("48.8"), level=level,
        level_by_percent=None,
        blockers=() if level else (Blocker("PA1", RUBRIC.criterion("PA1").statement, True),),
        first_level=RUBRIC.levels[0].name, first_level_percent=Decimal(51), unsure=2,
        areas=tuple(
            AreaRow(a.id, a.name, 1, len(a.criteria), a.id != "EVAL") for a in RUBRIC.areas
        ),
        target=RUBRIC.levels[0].name, reaches=RUBRIC.levels[0].name,
        steps=tuple(
            StepRow(
                criterion_id=cid, statement=RUBRIC.criterion(cid).statement,
                area=RUBRIC.area_of(cid).name, core=RUBRIC.criterion(cid).core,
                needed_for=None, action=RUBRIC.criterion(cid).next_steps[0].action,
                deliverable=RUBRIC.criterion(cid).next_steps[0].deliverable,
                effort=RUBRIC.criterion(cid).next_steps[0].effort,
                owner=RUBRIC.criterion(cid).next_steps[0].owner,
                horizon_months=RUBRIC.criterion(cid).next_steps[0].horizon_months,
            )
            for cid in gap_ids
        ),
    )  # fmt: skip


def test_the_result_shows_score_blocker_areas_gap_and_the_plan_button() -> None:
    message = build_result_message(translator("en"), _result())

    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []
    text = _texts(message.blocks)
    assert "Springfield's assessment is complete" in text
    assert "*Level:* none yet · 21 of 43 criteria met (48.8%)" in text
    assert "core criterion PA1 is not met" in text
    assert "2 criteria were answered as unsure and count as not met." in text
    assert "Evaluations 1/4 · _not assigned, not assessed_" in text
    assert "*To reach Silver: meet 3 more criteria.*" in text
    dm1 = next(b for b in message.blocks if b.get("block_id") == "result_step_DM1")["text"]["text"]
    step = RUBRIC.criterion("DM1").next_steps[0]
    assert "*DM1* · Data Management · core" in dm1
    assert f"*Next step:* {step.action.en}" in dm1
    assert f"First deliverable: {step.deliverable.en}" in dm1 and f"Owner: {step.owner.en}" in dm1
    assert f"within {step.horizon_months} months" in dm1
    button = message.blocks[-1]["elements"][0]
    assert (button["action_id"], button["value"]) == (ids.PLAN_CREATE, "9")
    assert message.text.startswith("Springfield's assessment is complete: 21 of 43 criteria met")


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_gap_is_cut_to_fit_and_says_how_many_more(lang: str) -> None:
    message = build_result_message(translator(lang), _result(steps=40))

    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []
    assert len(message.blocks) < 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in message.blocks)
    steps = [b for b in message.blocks if b.get("block_id", "").startswith("result_step_")]
    assert len(steps) == 10
    more = next(b for b in message.blocks if b.get("block_id") == ids.BLOCK_RESULT_MORE)
    assert "30" in more["elements"][0]["text"]


def test_a_city_at_the_top_level_gets_no_gap() -> None:
    top = replace(_result(steps=0, level=RUBRIC.levels[-1].name), target=None, reaches=None)

    message = build_result_message(translator("en"), top)

    assert "*Level:* Platinum" in _texts(message.blocks)
    assert "is at the top level" in message.text


def test_a_result_sent_to_a_coordinator_says_why() -> None:
    message = build_result_message(translator("en"), _result(), missed_channel="C0GONE")

    assert "I could not post this result in <#C0GONE>" in message.blocks[0]["text"]["text"]
