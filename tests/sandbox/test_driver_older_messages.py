"""The driver on older messages: click and tick in a given message, and forged clicks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot, strict_sandbox

CLICKS: list[dict[str, Any]] = []


def _card(n: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "actions",
            "block_id": "ticks",
            "elements": [
                {
                    "type": "checkboxes",
                    "action_id": "pick",
                    "options": [
                        {"text": {"type": "plain_text", "text": t}, "value": t}
                        for t in ("red", "blue")
                    ],
                }
            ],
        },
        {
            "type": "actions",
            "block_id": "go",
            "elements": [
                {
                    "type": "button",
                    "action_id": "choose",
                    "text": {"type": "plain_text", "text": "Choose"},
                    "value": f"card{n}",
                }
            ],
        },
    ]


def _add_cards(app: App) -> None:
    def ack(ack: Ack) -> None:
        ack()

    def post_cards(body: dict[str, Any], client: WebClient) -> None:
        for n in (1, 2):
            client.chat_postMessage(channel=body["user_id"], text=f"card {n}", blocks=_card(n))

    def choose(ack: Ack, body: dict[str, Any]) -> None:
        CLICKS.append(body)
        ack()

    app.command("/cards")(ack=ack, lazy=[post_cards])
    app.action("pick")(ack)
    app.action("choose")(choose)


@pytest.fixture
def cards() -> Iterator[tuple[BotUnderTest, LocalSandbox, str]]:
    CLICKS.clear()
    with strict_sandbox() as sandbox, running_bot(sandbox, customize=_add_cards) as bot:
        ana = bot.workspace.add_user("ana")
        bot.workspace.command(ana, command="/cards")
        bot.workspace.wait_for_message(ana, "card 2")
        yield bot, sandbox, ana


def test_click_and_tick_in_an_older_message(
    cards: tuple[BotUnderTest, LocalSandbox, str],
) -> None:
    bot, _sandbox, ana = cards
    older = bot.workspace.messages(ana)[0]

    bot.workspace.tick(ana, ["blue"], in_message=older)
    bot.workspace.click_in(ana, older, "Choose")

    (clicked,) = CLICKS
    assert clicked["actions"][0]["value"] == "card1"
    assert clicked["container"]["message_ts"] == older["ts"]
    assert [
        o["value"] for o in clicked["state"]["values"]["ticks"]["pick"]["selected_options"]
    ] == ["blue"]
    with pytest.raises(LookupError, match="no button 'Nope'"):
        bot.workspace.click_in(ana, older, "Nope")


def test_a_forged_click_carries_the_value_given(
    cards: tuple[BotUnderTest, LocalSandbox, str],
) -> None:
    bot, _sandbox, ana = cards

    response = bot.workspace.click_forged(ana, "choose", "card99")

    assert response.status == 200
    (clicked,) = CLICKS
    assert clicked["actions"][0]["value"] == "card99"
    assert clicked["user"]["id"] == ana
