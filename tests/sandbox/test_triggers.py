"""trigger_ids: usable once, within three seconds of the interaction."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.server import LocalSandbox
from tests.sandbox.conftest import FakeClock

MODAL = {
    "type": "modal",
    "callback_id": "evidence",
    "title": {"type": "plain_text", "text": "Evidence"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Add a link"}}],
}


def _open(client: WebClient, trigger: str) -> str:
    try:
        client.views_open(trigger_id=trigger, view=MODAL)
    except SlackApiError as exc:
        return str(exc.response["error"])
    return "ok"


def test_a_fresh_trigger_opens_a_modal_once(sandbox: LocalSandbox, client: WebClient) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    trigger = sandbox.issue_trigger(user_id=ana)

    assert _open(client, trigger) == "ok"
    assert sandbox.open_modal(user_id=ana)["callback_id"] == "evidence"
    assert _open(client, trigger) == "exchanged_trigger_id"


def test_a_trigger_expires_after_three_seconds(
    sandbox: LocalSandbox, client: WebClient, clock: FakeClock
) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    in_time, too_late = sandbox.issue_trigger(user_id=ana), sandbox.issue_trigger(user_id=ana)

    clock.advance(2.9)
    assert _open(client, in_time) == "ok"
    clock.advance(0.2)
    assert _open(client, too_late) == "expired_trigger_id"


def test_an_unknown_trigger_is_invalid(client: WebClient) -> None:
    assert _open(client, "123.456.abc") == "invalid_trigger_id"


def test_views_push_needs_an_open_modal_and_stops_at_three(
    sandbox: LocalSandbox, client: WebClient
) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    with pytest.raises(SlackApiError):
        client.views_push(trigger_id=sandbox.issue_trigger(user_id=ana), view=MODAL)

    client.views_open(trigger_id=sandbox.issue_trigger(user_id=ana), view=MODAL)
    client.views_push(trigger_id=sandbox.issue_trigger(user_id=ana), view=MODAL)
    third = client.views_push(trigger_id=sandbox.issue_trigger(user_id=ana), view=MODAL)["view"]

    assert third["previous_view_id"] and third["root_view_id"] != third["id"]
    with pytest.raises(SlackApiError) as caught:
        client.views_push(trigger_id=sandbox.issue_trigger(user_id=ana), view=MODAL)
    assert caught.value.response["error"] == "push_limit_reached"
