"""conversations.open with several people opens one multi-person DM with the bot, as Slack does,
and the driver clicks buttons in it only as one of its members."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot, strict_sandbox

CLICKS: list[dict[str, Any]] = []


def _error(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


def test_several_people_get_one_group_dm_with_the_bot(
    sandbox: LocalSandbox, client: WebClient
) -> None:
    ana, ben, cy = (sandbox.add_user(name=n)["id"] for n in ("ana", "ben", "cy"))

    first = client.conversations_open(users=f"{ana},{ben},{cy}")["channel"]
    same = client.conversations_open(users=[cy, ana, ben], return_im=True)["channel"]
    other = client.conversations_open(users=[ana, ben])["channel"]
    client.chat_postMessage(channel=first["id"], text="Let's talk it over")

    assert same["id"] == first["id"] and other["id"] != first["id"]
    assert same["is_mpim"] and same["name"] == "mpdm-ana--ben--cy-1"
    bot = sandbox.identity()["bot_user_id"]
    assert sorted(sandbox.channel_members(channel_id=first["id"])) == sorted([ana, ben, cy, bot])
    assert [c["id"] for c in sandbox.group_dms(user_id=cy)] == [first["id"]]
    assert [m["text"] for m in sandbox.history(channel_id=first["id"])] == ["Let's talk it over"]
    assert sandbox.messages_for(user_id=ana) == []  # a group DM is not ana's DM with the bot


def test_conversations_open_refuses_what_slack_refuses(
    sandbox: LocalSandbox, client: WebClient
) -> None:
    people = [sandbox.add_user(name=f"p{n}")["id"] for n in range(9)]
    bot = sandbox.identity()["bot_user_id"]

    assert _error(lambda: client.conversations_open(users=",".join(people))) == "too_many_users"
    assert _error(lambda: client.conversations_open(users=[people[0], bot])) == "cannot_dm_bot"
    assert _error(lambda: client.conversations_open(users=[people[0], "U0NOBODY"])) == (
        "user_not_found"
    )
    assert _error(lambda: client.conversations_open(users="")) == "users_list_not_supplied"


def _add_group_button(app: App) -> None:
    def ack(ack: Ack) -> None:
        ack()

    def open_group(body: dict[str, Any], client: WebClient) -> None:
        users = body["text"].split()
        channel = client.conversations_open(users=",".join(users))["channel"]["id"]
        client.chat_postMessage(
            channel=channel,
            text="Agree?",
            blocks=[
                {
                    "type": "actions",
                    "block_id": "agree",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "agree",
                            "text": {"type": "plain_text", "text": "We agree"},
                            "value": "1",
                        }
                    ],
                }
            ],
        )

    def agreed(body: dict[str, Any]) -> None:
        CLICKS.append(body)

    app.command("/group")(ack=ack, lazy=[open_group])
    app.action("agree")(ack=ack, lazy=[agreed])


@pytest.fixture
def group() -> Iterator[tuple[BotUnderTest, dict[str, str], str]]:
    CLICKS.clear()
    with strict_sandbox() as sandbox, running_bot(sandbox, customize=_add_group_button) as bot:
        people = {n: bot.workspace.add_user(n) for n in ("ana", "ben", "otto")}
        bot.workspace.command(
            people["ana"], command="/group", text=f"{people['ana']} {people['ben']}"
        )
        [channel] = bot.workspace.wait_for(
            lambda: sandbox.group_dms(user_id=people["ana"]), what="the group DM"
        )
        yield bot, people, channel["id"]


def test_a_member_clicks_in_the_group_dm_and_a_stranger_cannot(
    group: tuple[BotUnderTest, dict[str, str], str],
) -> None:
    bot, people, channel = group

    assert bot.workspace.click_in_channel(people["ben"], channel, "We agree").status == 200
    bot.workspace.wait_for(lambda: CLICKS, what="the click")
    assert CLICKS[0]["channel"]["id"] == channel and CLICKS[0]["user"]["id"] == people["ben"]
    with pytest.raises(LookupError, match="is not in"):
        bot.workspace.click_in_channel(people["otto"], channel, "We agree")
