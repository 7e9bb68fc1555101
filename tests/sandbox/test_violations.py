"""Each kind of contract violation is refused with a Slack-style error and recorded."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import SandboxViolations, assert_no_violations

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Question 1 of 12"}}


def _refused(sandbox: LocalSandbox, call) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(SlackApiError) as caught:
        call()
    recorded = sandbox.clear_violations()
    assert len(recorded) == 1, recorded
    return caught.value.response["error"], recorded[0]["problems"]


@pytest.fixture
def ana(sandbox: LocalSandbox) -> str:
    return sandbox.add_user(name="ana")["id"]


def test_a_method_slack_sdk_does_not_have(sandbox: LocalSandbox, client: WebClient) -> None:
    error, problems = _refused(
        sandbox, lambda: client.api_call("chat.postMesage", json={"channel": "C1"})
    )

    assert error == "unknown_method"
    assert "chat.postMesage is not a Web API method" in problems[0]


def test_an_argument_the_method_does_not_take(
    sandbox: LocalSandbox, client: WebClient, ana: str
) -> None:
    error, problems = _refused(
        sandbox, lambda: client.chat_postMessage(channel=ana, text="hi", thread="1.2")
    )

    assert error == "invalid_arguments"
    assert problems == ["chat.postMessage takes no argument 'thread'"]


def test_invalid_blocks(sandbox: LocalSandbox, client: WebClient, ana: str) -> None:
    too_long = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    misspelt = {"type": "section", "txt": "x", "text": {"type": "mrkdwn", "text": "a"}}

    error, problems = _refused(
        sandbox,
        lambda: client.chat_postMessage(
            channel=ana, text="t", blocks=[too_long, misspelt, {"type": "sektion"}]
        ),
    )

    assert error == "invalid_blocks"
    assert problems == [
        "blocks[0]: text attribute cannot exceed 3000 characters",
        "blocks[1].txt: unknown field",
        "blocks[2]: unknown block type 'sektion'",
    ]


def test_blocks_checked_before_are_still_checked_for_their_own_texts_and_values(
    sandbox: LocalSandbox, client: WebClient, ana: str
) -> None:
    def buttons(value: str, label: str) -> list[dict[str, object]]:
        button = {"type": "button", "action_id": "save", "value": value}
        return [{"type": "actions", "elements": [{**button, "text": _plain(label)}]}]

    client.chat_postMessage(channel=ana, text="t", blocks=buttons("1:DM1", "Save"))
    client.chat_postMessage(channel=ana, text="t", blocks=buttons("2:DM1", "Keep"))
    error, problems = _refused(
        sandbox,
        lambda: client.chat_postMessage(channel=ana, text="t", blocks=buttons("9" * 2001, "Save")),
    )
    long_label, label_problems = _refused(
        sandbox,
        lambda: client.chat_postMessage(channel=ana, text="t", blocks=buttons("3:DM1", "S" * 76)),
    )

    assert error == long_label == "invalid_blocks"
    assert problems == ["blocks[0]: value attribute cannot exceed 2000 characters"]
    assert label_problems == ["blocks[0]: text attribute cannot exceed 75 characters"]
    assert len(sandbox.messages_for(user_id=ana)) == 2


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def test_more_than_fifty_blocks_in_a_message(
    sandbox: LocalSandbox, client: WebClient, ana: str
) -> None:
    error, problems = _refused(
        sandbox, lambda: client.chat_postMessage(channel=ana, text="t", blocks=[SECTION] * 51)
    )

    assert error == "invalid_blocks"
    assert problems == ["blocks: 51 blocks, more than the 50 allowed"]


def test_blocks_without_a_text_fallback(sandbox: LocalSandbox, client: WebClient, ana: str) -> None:
    with pytest.warns(UserWarning, match="`text` argument is missing"):
        error, problems = _refused(
            sandbox, lambda: client.chat_postMessage(channel=ana, blocks=[SECTION])
        )

    assert error == "invalid_blocks"
    assert problems == ["blocks were sent without a text fallback"]


def test_more_than_a_hundred_blocks_on_the_home_tab(
    sandbox: LocalSandbox, client: WebClient, ana: str
) -> None:
    blocks = [{**SECTION, "block_id": f"b{i}"} for i in range(101)]

    error, problems = _refused(
        sandbox, lambda: client.views_publish(user_id=ana, view={"type": "home", "blocks": blocks})
    )

    assert error == "invalid_arguments"
    assert "view.blocks: 101 blocks, more than the 100 allowed" in problems


def test_a_modal_with_inputs_and_no_submit(
    sandbox: LocalSandbox, client: WebClient, ana: str
) -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Evidence"},
        "blocks": [
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "Link"},
                "element": {"type": "plain_text_input", "action_id": "link"},
            }
        ],
    }
    trigger = sandbox.issue_trigger(user_id=ana)

    error, problems = _refused(sandbox, lambda: client.views_open(trigger_id=trigger, view=view))

    assert error == "invalid_arguments"
    assert problems == ["view: a modal with input blocks needs a submit button"]


def test_a_token_that_is_not_the_bot_token(sandbox: LocalSandbox) -> None:
    user_token_client = WebClient(token="xoxp-1-2-3", base_url=sandbox.api_url, retry_handlers=[])

    error, problems = _refused(sandbox, user_token_client.auth_test)

    assert error == "invalid_auth"
    assert "xoxp- token" in problems[0]


def test_no_token(sandbox: LocalSandbox) -> None:
    anonymous = WebClient(base_url=sandbox.api_url, retry_handlers=[])

    error, _ = _refused(sandbox, anonymous.auth_test)

    assert error == "not_authed"


def test_a_broken_response_url_message_is_recorded(sandbox: LocalSandbox, ana: str) -> None:
    url = sandbox.issue_response_url(user_id=ana, channel_id=sandbox.dm_channel(user_id=ana)["id"])
    body = json.dumps({"blocks": [SECTION], "response_typ": "ephemeral"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)

    assert caught.value.code == 400
    problems = sandbox.clear_violations()[0]["problems"]
    assert problems == [
        "response: unknown field 'response_typ'",
        "blocks were sent without a text fallback",
    ]


def test_violations_fail_the_check_that_fixtures_run_at_teardown(
    sandbox: LocalSandbox, client: WebClient
) -> None:
    with pytest.raises(SlackApiError):
        client.api_call("nope.nothing")

    with pytest.raises(SandboxViolations, match="1 sandbox violation"):
        assert_no_violations(sandbox)
    sandbox.clear_violations()
    assert_no_violations(sandbox)


def test_a_sound_call_records_nothing(sandbox: LocalSandbox, client: WebClient, ana: str) -> None:
    posted = client.chat_postMessage(channel=ana, text="Question 1", blocks=[SECTION])

    assert posted["message"]["blocks"][0]["text"]["text"] == "Question 1 of 12"
    assert sandbox.violations() == []
