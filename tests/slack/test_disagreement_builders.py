"""Disagreements and single-criterion assignments as Slack shows them: valid Block Kit within
Slack's limits, every answer with its note and evidence, buttons that carry ids only."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.i18n import translator
from bot.sandbox import checks
from bot.services.assign_one import CriterionAssigned, CriterionNotice
from bot.services.disagreement_views import CityDisagreements, DisagreementView, RespondentView
from bot.services.disagreements import ALREADY_TALKING, Refused, Settled, TalkRequest
from bot.services.home import HomeModel
from bot.slack import ids
from bot.slack.builders.assign_one import (
    build_criterion_assigned_reply,
    build_criterion_assignment_message,
)
from bot.slack.builders.disagreements import (
    build_disagreement_home_section,
    build_disagreement_refusal,
    build_settled_notice,
    build_talk_message,
    digest_disagreement_blocks,
)
from bot.slack.builders.home import build_home_view
from rubric.loader import load_bundled_rubric
from rubric.schema import Text
from storage.enums import AnswerStatus, Role

RUBRIC = load_bundled_rubric()
AT = datetime(2027, 3, 1, 15, tzinfo=UTC)
EN = translator("en")
LONG_NAME = "Maria de los Ángeles Fernández-Castellanos y Rodríguez"


def answer(name: str, n: int, status: AnswerStatus = AnswerStatus.ANSWERED, *, items: int = 0,
           note: str | None = None, links: int = 0) -> RespondentView:  # fmt: skip
    checklist = RUBRIC.criterion("OD2").checklist
    return RespondentView(
        answer_id=n,
        name=name,
        slack_user_id=f"U{n:04d}",
        status=status,
        ticked=tuple(item.text for item in checklist[:items]),
        note=note,
        evidence=tuple(f"https://springfield.gov/doc{i}" for i in range(links)),
        answered_at=AT,
    )


def view(n: int = 1, *answers: RespondentView, talked: datetime | None = None) -> DisagreementView:
    criterion = RUBRIC.criterion("OD2")
    return DisagreementView(
        disagreement_id=n,
        assessment_id=7,
        city_id=3,
        city_name="Springfield",
        criterion_id="OD2",
        statement=criterion.statement,
        items=len(criterion.checklist),
        answers=answers or (answer("Rita", 10, items=4), answer("Rui", 11, items=1)),
        opened_at=AT,
        talk_started_at=talked,
    )


def accessories(blocks: list[dict[str, object]]) -> list[dict[str, object]]:
    return [b["accessory"] for b in blocks if "accessory" in b]  # type: ignore[misc]


def test_each_answer_shows_its_items_note_and_links_and_its_accept_button() -> None:
    rita = answer("Rita", 10, items=2, note="Published on the portal " * 40, links=7)
    rui = answer("Rui", 11, AnswerStatus.UNSURE, items=1)
    nobody = answer("Ana", 12)
    blocks, text = digest_disagreement_blocks(EN, [view(1, rita, rui, nobody)])

    shown = "\n".join(str(b.get("text", {}).get("text", "")) for b in blocks)  # type: ignore[union-attr]
    labels = " · ".join(item.text.en for item in RUBRIC.criterion("OD2").checklist[:2])
    assert f"*Rita*: 2 of 4 items\n   _{labels}_" in shown
    assert "*Rui*: not sure (1 item ticked)" in shown and "*Ana*: none of the items" in shown
    assert "Note: Published on the portal" in shown and "…" in shown  # a long note is cut
    assert shown.count("https://springfield.gov/doc") == 2 * 5  # five links, as <url|text>
    assert [a["value"] for a in accessories(blocks)] == ["1:10", "1:11", "1:12"]
    assert [a["action_id"] for a in accessories(blocks)] == [ids.DISAGREEMENT_ACCEPT] * 3
    assert text == "*1 disagreement to settle*: OD2"
    assert checks.check_blocks(blocks, checks.MESSAGE_BLOCKS) == []


def test_a_long_name_still_fits_its_button_and_talking_it_over_is_offered_once() -> None:
    blocks, _ = digest_disagreement_blocks(
        EN, [view(1, answer(LONG_NAME, 10, items=4), answer("Rui", 11)), view(2, talked=AT)]
    )

    first = accessories(blocks)[0]["text"]
    assert len(first["text"]) <= 75 and first["text"].startswith("Accept Maria de los")  # type: ignore[index]
    talks = [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]  # type: ignore[attr-defined]
    ]
    assert [(t["action_id"], t["value"]) for t in talks] == [(ids.DISAGREEMENT_TALK, "1")]
    assert "Asked to talk it over on Mar 1, 2027." in str(blocks)


def test_the_home_section_counts_every_city_and_stays_within_the_home_limit() -> None:
    cities = [
        CityDisagreements(c, f"City {c}", tuple(view(c * 10 + n) for n in range(5)), 9)
        for c in range(1, 4)
    ]
    section = build_disagreement_home_section(EN, cities)
    home = build_home_view(
        EN, [], HomeModel("en", coordinator=(), disagreements=tuple(cities), roles=frozenset(
            {Role.COORDINATOR})), RUBRIC,
    )  # fmt: skip

    assert section[0]["text"]["text"] == "27 disagreements to settle"  # type: ignore[index]
    assert "…and 4 more: settle these first." in str(section)
    assert len(home["blocks"]) <= 100
    block_ids = [b["block_id"] for b in home["blocks"] if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))
    assert checks.check_view(home, "home") == []


def test_the_talk_message_shows_the_answers_and_lets_each_respondent_change_theirs() -> None:
    talk = TalkRequest("en", 5, 1, ("U0010", "U0011", "U0001"), view(), "Cora", "en")

    message = build_talk_message(EN, talk)

    assert message.text.startswith(
        "Cora asks you to talk over *OD2* for Springfield: your answers differ."
    )
    [actions] = [b for b in message.blocks if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (ids.DISAGREEMENT_CHANGE, "7:OD2")
    ]
    assert "*Rita*" in str(message.blocks) and "*Rui*" in str(message.blocks)
    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []


def test_the_settled_notice_and_a_refusal_say_what_happened() -> None:
    settled = Settled("en", "Springfield", "en", "OD2", "Rita", "Cora", (), None)
    refused = Refused("en", ALREADY_TALKING, on=AT)

    assert build_settled_notice(EN, settled).text == (
        "Cora settled *OD2* for Springfield: Rita's answer counts."
    )
    assert build_disagreement_refusal(EN, refused).text == (
        "You already asked them to talk it over on Mar 1, 2027; the conversation is in your "
        "messages."
    )


def test_a_criterion_assignment_tells_the_new_respondent_who_else_answers_it() -> None:
    notice = CriterionNotice("U0010", "en", "Springfield", 7, "OD3", Text(en="Data is open."),
                             "Cora", ("Rita", "Rui"))  # fmt: skip
    done = CriterionAssigned("Springfield", "OD3", Text(en="Open Data"), "en", ("Rita", "Rui"),
                             ("Tom",), (notice,), ())  # fmt: skip

    message = build_criterion_assignment_message(EN, notice)
    reply = build_criterion_assigned_reply(EN, done)

    assert "*OD3* Data is open." in message.text and "Rita, Rui answer it too" in message.text
    [actions] = [b for b in message.blocks if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (ids.INTERVIEW_RESUME, "7")
    ]
    assert reply.text.startswith("*OD3* of Springfield is answered by Rita, Rui, Tom, each on")
    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []
