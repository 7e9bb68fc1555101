"""The terminal renderer: surfaces as readable text, typed choices turned into clicks."""

from __future__ import annotations

import pytest

from bot.sandbox.render import Choice, parse_choice, plain_text, render_message, render_view
from tests.sandbox.test_driver import EVIDENCE_MODAL, SURVEY_BLOCKS

QUESTION = {
    "ts": "1.000001",
    "text": "Question 3",
    "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "Open data policy"}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "Does the city have a <https://x.gov|policy>? &amp; who owns it?",
            },
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Question 3 of 12"}]},
        {"type": "divider"},
        *SURVEY_BLOCKS[1:],
    ],
}


def test_a_message_reads_as_text_with_numbered_controls() -> None:
    screen = render_message(QUESTION)

    assert screen.text.splitlines() == [
        "--- citycheck ---",
        "OPEN DATA POLICY",
        "================",
        "Does the city have a policy (https://x.gov)? & who owns it?",
        "  · Question 3 of 12",
        "----------------------------------------",
        "[1] Start   [2] Later",
        "  [3] [ ] Policy",
        "  [4] [ ] Budget",
        "  [5] [ ] Staff",
    ]
    assert [n.label for n in screen.numbered] == ["Start", "Later", "Policy", "Budget", "Staff"]


def test_an_ephemeral_message_says_so() -> None:
    assert render_message({"ts": "1", "text": "Only you", "ephemeral_to": "U1"}).text.startswith(
        "--- only you can see this"
    )


def test_a_modal_shows_inputs_with_values_and_its_buttons() -> None:
    view = {
        **EVIDENCE_MODAL,
        "state": {
            "values": {"link": {"value": {"type": "plain_text_input", "value": "https://a.gov"}}}
        },
    }

    screen = render_view(view)

    lines = screen.text.splitlines()
    assert lines[0] == "+== Evidence ==+"
    assert "Link *" in lines and "  [1] > https://a.gov" in lines
    assert "  [2] ( ) One" in lines and "Notes" in lines
    assert lines[-1] == "[submit] Save   [close] Cancel"
    assert screen.is_modal


def test_typed_choices() -> None:
    message = render_message(QUESTION)
    modal = render_view({**EVIDENCE_MODAL, "state": {"values": {}}})

    assert parse_choice("1", message) == Choice("click", label="Start")
    assert parse_choice("tick 3 5", message) == Choice("tick", labels=("Policy", "Staff"))
    assert parse_choice("1 https://city.gov/x", modal) == Choice(
        "fill", label="Link", text="https://city.gov/x"
    )
    assert parse_choice("3", modal) == Choice("fill", label="Level", labels=("Two",))
    assert parse_choice("submit", modal) == Choice("submit")
    assert parse_choice("how do I resume?", message) == Choice("type", text="how do I resume?")


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("9", "choose 1 to 5"), ("tick 1", "checkbox options"), ("tick x", "not a number")],
)
def test_choices_that_make_no_sense_say_why(typed: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_choice(typed, render_message(QUESTION))


def test_plain_text_of_mentions_and_entities() -> None:
    assert plain_text("<@U123> &lt;3 <#C1|general>") == "@U123 <3 @general"
