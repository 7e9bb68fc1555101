"""Fault injection: 429 with Retry-After, 5xx, or a Slack error, for the next N calls."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.server import LocalSandbox


def test_rate_limit_answers_429_with_retry_after_then_recovers(
    sandbox: LocalSandbox, client: WebClient
) -> None:
    sandbox.rate_limit("auth.test", retry_after=7, times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as caught:
            client.auth_test()
        assert caught.value.response.status_code == 429
        assert caught.value.response.headers["Retry-After"] == "7"
        assert caught.value.response["error"] == "ratelimited"

    assert client.auth_test()["ok"]
    assert [c.get("fault", {}).get("status") for c in sandbox.calls("auth.test")] == [
        429,
        429,
        None,
    ]


def test_server_error_answers_the_status_once(sandbox: LocalSandbox, client: WebClient) -> None:
    sandbox.server_error("users.list", status=503)

    with pytest.raises(SlackApiError) as caught:
        client.users_list()

    assert caught.value.response.status_code == 503
    assert client.users_list()["ok"]


def test_slack_error_answers_ok_false(sandbox: LocalSandbox, client: WebClient) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    sandbox.slack_error("chat.postMessage", "channel_not_found", times=1)

    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=ana, text="hi")

    assert caught.value.response.status_code == 200
    assert caught.value.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel=ana, text="hi")["ok"]


def test_faults_touch_only_their_method(sandbox: LocalSandbox, client: WebClient) -> None:
    sandbox.server_error("users.list")

    assert client.auth_test()["ok"]
    with pytest.raises(SlackApiError):
        client.users_list()


def test_a_faulted_call_is_still_checked(sandbox: LocalSandbox, client: WebClient) -> None:
    sandbox.rate_limit("users.list")

    with pytest.raises(SlackApiError) as caught:
        client.users_list(limt=10)

    assert caught.value.response["error"] == "invalid_arguments"
    assert sandbox.clear_violations()[0]["problems"] == ["users.list takes no argument 'limt'"]
