"""The driver can forge what a modal carries, to test that the bot never trusts it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.sandbox.testing import BotUnderTest, running_bot, strict_sandbox

MODAL = {
    "type": "modal",
    "callback_id": "pick_city",
    "private_metadata": "12",
    "title": {"type": "plain_text", "text": "City"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}
RECEIVED: list[dict[str, Any]] = []


def _add_modal(app: App) -> None:
    def open_modal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    def submitted(ack: Ack, view: dict[str, Any]) -> None:
        RECEIVED.append(view)
        ack()

    app.command("/pick")(open_modal)
    app.view_submission("pick_city")(submitted)


@pytest.fixture
def bot() -> Iterator[BotUnderTest]:
    RECEIVED.clear()
    with strict_sandbox() as sandbox, running_bot(sandbox, customize=_add_modal) as served:
        yield served


def test_a_forged_submission_carries_other_private_metadata(bot: BotUnderTest) -> None:
    ana = bot.workspace.add_user("ana")
    bot.workspace.command(ana, command="/pick")
    bot.workspace.wait_for(lambda: bot.workspace.modal(ana), what="the modal")

    result = bot.workspace.submit_modal(ana, {"Name": "Springfield"}, private_metadata="99")

    assert result.closed
    assert RECEIVED[0]["private_metadata"] == "99"
    assert RECEIVED[0]["state"]["values"]["name"]["value"]["value"] == "Springfield"


def test_an_honest_submission_carries_the_views_own(bot: BotUnderTest) -> None:
    ana = bot.workspace.add_user("ana")
    bot.workspace.command(ana, command="/pick")
    bot.workspace.wait_for(lambda: bot.workspace.modal(ana), what="the modal")

    bot.workspace.submit_modal(ana, {"Name": "Springfield"})

    assert RECEIVED[0]["private_metadata"] == "12"
