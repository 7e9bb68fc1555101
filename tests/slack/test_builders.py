"""Block Kit builders: valid for Slack, with a text fallback, in the person's language."""

from __future__ import annotations

from bot.i18n import translator
from bot.sandbox import checks
from bot.slack.builders.blocks import clip, escape
from bot.slack.builders.failure import build_failure_message
from bot.slack.builders.help import CommandHelp, build_help_message
from bot.slack.builders.home import build_home_view

COMMANDS = [
    CommandHelp("help", "Show this list of commands"),
    CommandHelp("assign", "Give an area", "<area> @person"),
]


def test_help_message_is_valid_blocks_with_a_text_fallback() -> None:
    message = build_help_message(translator("en"), COMMANDS)

    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []
    assert "/citycheck assign <area> @person: Give an area" in message.text
    assert "`/citycheck assign &lt;area&gt; @person`" in message.blocks[1]["text"]["text"]


def test_help_for_an_unknown_command_leads_with_the_hint() -> None:
    message = build_help_message(translator("en"), COMMANDS, unknown="asign", suggestion="assign")

    assert message.blocks[0]["block_id"] == "help_hint"
    assert message.text.startswith(
        "I don't know `/citycheck asign`. Did you mean `/citycheck assign`?"
    )


def test_what_a_person_typed_cannot_break_the_markup() -> None:
    message = build_help_message(translator("en"), COMMANDS, unknown="<!channel> `x` " + "y" * 100)

    hint = message.blocks[0]["text"]["text"]
    assert "<!channel>" not in hint and "&lt;!channel&gt;" in hint
    assert "`x`" not in hint
    assert len(hint) < 200


def test_home_view_is_a_valid_home_tab() -> None:
    view = build_home_view(translator("pt-BR"), COMMANDS)

    assert checks.check_view(view, "home") == []


def test_failure_notice_says_nothing_was_lost() -> None:
    message = build_failure_message(translator("es"))

    assert checks.check_blocks(message.blocks, checks.MESSAGE_BLOCKS) == []
    assert message.text and "No se perdió nada de lo que guardó antes" in message.text


def test_escape_and_clip() -> None:
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert clip("abcdef", 4) == "abc…"
    assert clip("abc", 4) == "abc"
