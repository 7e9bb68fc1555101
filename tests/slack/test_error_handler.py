"""The one error handler: the traceback in the log with ids, a polite notice in Slack."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from slack_bolt import Ack, App

from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import SIGNING_SECRET, BotUnderTest, running_bot
from bot.slack.errors import guarded, request_ids

NOTICE = "Nothing you saved before was lost"


class StorageDown(RuntimeError):
    """Stands for a fault while storing an answer before the ack."""


def _add_failing_commands(app: App) -> None:
    def fail_before_ack(ack: Ack) -> None:
        raise StorageDown("answer 42 could not be stored")

    def ack_only(ack: Ack) -> None:
        ack()

    def fail_after_ack(body: dict) -> None:
        raise StorageDown("plan 7 could not be read")

    app.command("/boom-ack")(fail_before_ack)
    app.command("/boom-lazy")(ack=ack_only, lazy=[guarded(fail_after_ack)])


@pytest.fixture
def failing_bot(sandbox: LocalSandbox) -> Iterator[BotUnderTest]:
    with running_bot(sandbox, customize=_add_failing_commands) as served:
        yield served


def test_failure_before_the_ack_answers_with_the_notice(
    failing_bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    workspace = failing_bot.workspace
    ana = workspace.add_user("ana")

    with caplog.at_level(logging.INFO):
        response = workspace.command(ana, "now", command="/boom-ack")

    assert response.status == 200
    assert response.json()["response_type"] == "ephemeral"
    shown = workspace.latest(ana)
    assert shown is not None and NOTICE in shown["text"]
    failure = next(r for r in caplog.records if r.getMessage().startswith("action failed"))
    assert '"command": "/boom-ack"' in failure.getMessage()
    assert f'"user": "{ana}"' in failure.getMessage()
    assert failure.exc_info is not None and failure.exc_info[0] is StorageDown


def test_failure_in_a_lazy_listener_reaches_the_handler_and_the_person(
    failing_bot: BotUnderTest, caplog: pytest.LogCaptureFixture, sandbox: LocalSandbox
) -> None:
    workspace = failing_bot.workspace
    ana = workspace.add_user("ana")

    with caplog.at_level(logging.INFO):
        assert workspace.command(ana, "", command="/boom-lazy").status == 200
        shown = workspace.wait_for_message(ana, NOTICE)
        failing_bot.drain()

    assert shown["ephemeral_to"] == ana
    assert sandbox.calls("response_url")[-1]["args"]["response_type"] == "ephemeral"
    failure = next(r for r in caplog.records if r.getMessage().startswith("action failed"))
    assert failure.exc_info is not None and "plan 7" in str(failure.exc_info[1])


def test_logs_never_carry_the_tokens(
    failing_bot: BotUnderTest, caplog: pytest.LogCaptureFixture, sandbox: LocalSandbox
) -> None:
    workspace = failing_bot.workspace
    ana = workspace.add_user("ana")

    with caplog.at_level(logging.DEBUG):
        workspace.command(ana, "", command="/boom-lazy")
        workspace.wait_for_message(ana, NOTICE)
        failing_bot.drain()

    logged = caplog.text
    assert sandbox.bot_token not in logged
    assert SIGNING_SECRET not in logged


def test_request_ids_name_the_request_without_its_text() -> None:
    body = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "actions": [{"action_id": "answer_yes", "value": "secret note"}],
        "view": {"id": "V1", "callback_id": "evidence"},
    }

    found = request_ids(body)

    assert found == {
        "type": "block_actions",
        "actions": ["answer_yes"],
        "callback_id": "evidence",
        "view_id": "V1",
    }
    assert "secret note" not in str(found)
