"""`defer`: Slack calls after the ack, with failures reaching the error handler."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot
from bot.slack.deferred import defer


def _post(client: WebClient, user_id: str, text: str) -> None:
    if text == "fail":
        raise RuntimeError("the plan could not be read")
    client.chat_postMessage(channel=user_id, text=f"Echo: {text}")


def _add_echo(app: App) -> None:
    def echo(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        defer(context, body, _post, client=client, user_id=body["user_id"], text=body["text"])

    app.command("/echo")(echo)


@pytest.fixture
def echo_bot(sandbox: LocalSandbox) -> Iterator[BotUnderTest]:
    with running_bot(sandbox, customize=_add_echo) as served:
        yield served


def test_deferred_work_runs_after_the_ack(echo_bot: BotUnderTest) -> None:
    workspace = echo_bot.workspace
    ana = workspace.add_user("ana")

    response = workspace.command(ana, "hello", command="/echo")

    assert response.status == 200 and response.body == ""
    workspace.wait_for_message(ana, "Echo: hello")


def test_a_deferred_failure_tells_the_person(echo_bot: BotUnderTest) -> None:
    workspace = echo_bot.workspace
    ana = workspace.add_user("ana")

    workspace.command(ana, "fail", command="/echo")

    shown = workspace.wait_for_message(ana, "Nothing you saved before was lost")
    assert shown["ephemeral_to"] == ana
