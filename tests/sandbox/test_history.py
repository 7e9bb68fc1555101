"""conversations.history in the sandbox: newest first, pages, metadata only when asked."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.server import LocalSandbox


def test_history_pages_newest_first_with_metadata_on_request(
    sandbox: LocalSandbox, client: WebClient
) -> None:
    user = sandbox.add_user(name="ana")["id"]
    for n in range(5):
        client.chat_postMessage(
            channel=user,
            text=f"message {n}",
            metadata={"event_type": "test_event", "event_payload": {"n": n}},
        )
    dm = client.conversations_open(users=user)["channel"]["id"]
    first = client.conversations_history(channel=dm, limit=3, include_all_metadata=True)
    assert [m["text"] for m in first["messages"]] == ["message 4", "message 3", "message 2"]
    assert first["messages"][0]["metadata"] == {
        "event_type": "test_event",
        "event_payload": {"n": 4},
    }
    assert first["has_more"] is True
    rest = client.conversations_history(
        channel=dm, limit=3, cursor=first["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in rest["messages"]] == ["message 1", "message 0"]
    assert "metadata" not in rest["messages"][0]
    assert rest["has_more"] is False


def test_history_of_a_channel_the_bot_is_not_in_is_refused(
    sandbox: LocalSandbox, client: WebClient
) -> None:
    user = sandbox.add_user(name="ana")["id"]
    channel = sandbox.add_channel(name="elsewhere", members=[user], bot_member=False)["id"]
    with pytest.raises(SlackApiError) as refused:
        client.conversations_history(channel=channel)
    assert refused.value.response["error"] == "not_in_channel"
