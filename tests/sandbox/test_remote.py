"""The sandbox as its own process (`python -m bot.sandbox`), driven through RemoteSandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.core import DEFAULT_BOT_TOKEN
from bot.sandbox.remote import RemoteSandbox, SandboxUnavailable
from tests.slack.processes import sandbox_process

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteSandbox]:
    with sandbox_process(Path(tmp_path_factory.mktemp("sandbox"))) as url:
        yield RemoteSandbox(url)


def test_workspace_operations_over_the_control_endpoint(remote: RemoteSandbox) -> None:
    remote.reset()
    ana = remote.add_user(name="ana", locale="es-LA")["id"]
    client = WebClient(token=DEFAULT_BOT_TOKEN, base_url=remote.api_url, retry_handlers=[])

    client.chat_postMessage(channel=ana, text="Hola")

    assert [m["text"] for m in remote.messages_for(user_id=ana)] == ["Hola"]
    assert remote.calls(method="chat.postMessage")[0]["args"]["channel"] == ana


def test_faults_and_violations_are_visible_remotely(remote: RemoteSandbox) -> None:
    remote.reset()
    client = WebClient(token=DEFAULT_BOT_TOKEN, base_url=remote.api_url, retry_handlers=[])
    remote.rate_limit("auth.test", retry_after=3)

    with pytest.raises(SlackApiError) as limited:
        client.auth_test()
    with pytest.raises(SlackApiError):
        client.auth_test(colour="blue")

    assert limited.value.response.headers["Retry-After"] == "3"
    assert [v["error"] for v in remote.clear_violations()] == ["invalid_arguments"]
    assert remote.violations() == []


def test_an_unknown_operation_is_refused(remote: RemoteSandbox) -> None:
    with pytest.raises(AttributeError):
        remote.drop_everything  # noqa: B018
    with pytest.raises(SandboxUnavailable, match="no operation 'drop_everything'"):
        remote.call("drop_everything")
