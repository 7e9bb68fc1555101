"""Requests that Slack did not sign are refused with 401 and change nothing."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from bot.sandbox import payloads
from bot.sandbox.driver import Workspace
from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest


def _help_command_body(workspace: Workspace, sandbox: LocalSandbox, user_id: str) -> bytes:
    fields = payloads.slash_command(
        user=sandbox.user(user_id=user_id),
        channel=sandbox.dm_channel(user_id=user_id),
        command="/citycheck",
        text="help",
        app_id=sandbox.identity()["app_id"],
        response_url=sandbox.issue_response_url(user_id=user_id, channel_id=workspace.dm(user_id)),
        trigger_id=sandbox.issue_trigger(user_id=user_id),
    )
    return urlencode(fields).encode()


def _nothing_happened(bot: BotUnderTest, sandbox: LocalSandbox, user_id: str) -> None:
    bot.drain()  # any work the request started is done now
    assert bot.workspace.messages(user_id) == []
    assert sandbox.calls() == []


def test_wrong_signature_gets_401_and_changes_nothing(
    bot: BotUnderTest, sandbox: LocalSandbox
) -> None:
    workspace = bot.workspace
    ana = workspace.add_user("ana")
    body = _help_command_body(workspace, sandbox, ana)
    forged = "v0=" + "0" * 64

    response = workspace.send(body, "application/x-www-form-urlencoded", signature=forged)

    assert response.status == 401
    _nothing_happened(bot, sandbox, ana)


def test_body_signed_with_another_secret_gets_401(bot: BotUnderTest, sandbox: LocalSandbox) -> None:
    workspace = bot.workspace
    ana = workspace.add_user("ana")
    body = _help_command_body(workspace, sandbox, ana)
    impostor = Workspace(sandbox, workspace.bot_url, "not-the-signing-secret")

    response = impostor.send(body, "application/x-www-form-urlencoded")

    assert response.status == 401
    _nothing_happened(bot, sandbox, ana)


def test_timestamp_older_than_five_minutes_gets_401(
    bot: BotUnderTest, sandbox: LocalSandbox
) -> None:
    workspace = bot.workspace
    ana = workspace.add_user("ana")
    body = _help_command_body(workspace, sandbox, ana)
    six_minutes_ago = int(time.time()) - 6 * 60

    # Correctly signed for that old timestamp: a replayed request.
    response = workspace.send(body, "application/x-www-form-urlencoded", timestamp=six_minutes_ago)

    assert response.status == 401
    _nothing_happened(bot, sandbox, ana)


def test_the_same_request_correctly_signed_now_is_served(
    bot: BotUnderTest, sandbox: LocalSandbox
) -> None:
    workspace = bot.workspace
    ana = workspace.add_user("ana")

    response = workspace.send(
        _help_command_body(workspace, sandbox, ana), "application/x-www-form-urlencoded"
    )

    assert response.status == 200
    workspace.wait_for_message(ana, "citycheck commands")
