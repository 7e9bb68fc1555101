"""The Web API client's retry policy, against the sandbox's faults."""

from __future__ import annotations

import socket
from urllib.error import URLError

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import HttpRequest, RetryState

from bot.sandbox.server import LocalSandbox
from bot.settings import load_settings
from bot.slack.client import SafeConnectionErrorRetryHandler, api_method_of, build_client


def _client(sandbox: LocalSandbox):  # type: ignore[no-untyped-def]
    settings = load_settings(
        SLACK_BOT_TOKEN=sandbox.bot_token,
        SLACK_SIGNING_SECRET="x" * 32,
        SLACK_API_URL=sandbox.api_url,
    )
    return build_client(settings)


def test_client_uses_the_configured_base_url(sandbox: LocalSandbox) -> None:
    assert _client(sandbox).auth_test()["user_id"] == sandbox.identity()["bot_user_id"]


def test_post_message_is_not_retried_after_a_500(sandbox: LocalSandbox) -> None:
    user = sandbox.add_user(name="ana")["id"]
    sandbox.server_error("chat.postMessage", times=1)

    with pytest.raises(SlackApiError) as caught:
        _client(sandbox).chat_postMessage(channel=user, text="hello")

    assert caught.value.response.status_code == 500
    assert len(sandbox.calls("chat.postMessage")) == 1
    assert sandbox.messages_for(user_id=user) == []


def test_update_is_retried_after_a_500(sandbox: LocalSandbox) -> None:
    user = sandbox.add_user(name="ana")["id"]
    client = _client(sandbox)
    posted = client.chat_postMessage(channel=user, text="draft")
    sandbox.server_error("chat.update", times=1)

    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="final")

    assert [c.get("ok", False) for c in sandbox.calls("chat.update")] == [False, True]
    assert sandbox.messages_for(user_id=user)[-1]["text"] == "final"


def test_rate_limited_post_message_is_retried(sandbox: LocalSandbox) -> None:
    user = sandbox.add_user(name="ana")["id"]
    sandbox.rate_limit("chat.postMessage", retry_after=0, times=2)

    _client(sandbox).chat_postMessage(channel=user, text="hello")

    assert len(sandbox.calls("chat.postMessage")) == 3
    assert [m["text"] for m in sandbox.messages_for(user_id=user)] == ["hello"]


def _request(method: str) -> HttpRequest:
    return HttpRequest(method="POST", url=f"https://slack.com/api/{method}", headers={})


@pytest.mark.parametrize(
    ("error", "method", "retried"),
    [
        (URLError(ConnectionRefusedError()), "chat.postMessage", True),  # never reached Slack
        (URLError(socket.gaierror()), "chat.postMessage", True),
        (TimeoutError(), "chat.postMessage", False),  # may have been posted
        (ConnectionResetError(), "chat.postMessage", False),
        (TimeoutError(), "users.info", True),
        (ConnectionResetError(), "chat.update", True),
        (ValueError(), "users.info", False),
    ],
)
def test_connection_errors_are_retried_only_when_safe(
    error: Exception, method: str, retried: bool
) -> None:
    handler = SafeConnectionErrorRetryHandler(max_retry_count=2)

    assert handler.can_retry(state=RetryState(), request=_request(method), error=error) is retried


def test_api_method_of_url() -> None:
    assert api_method_of("https://slack-gov.com/api/chat.update?x=1") == "chat.update"
