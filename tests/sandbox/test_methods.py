"""The Web API methods answer as Slack does and keep the workspace's state."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.server import LocalSandbox

HOME = {
    "type": "home",
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Progress: 3 of 12"}}],
}


@pytest.fixture
def ana(sandbox: LocalSandbox) -> str:
    return sandbox.add_user(name="ana", locale="pt-BR", tz="America/Sao_Paulo")["id"]


def _error(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


def test_auth_test_names_the_bot(sandbox: LocalSandbox, client: WebClient) -> None:
    answer = client.auth_test()

    assert answer["user_id"] == sandbox.identity()["bot_user_id"]
    assert answer["bot_id"] == sandbox.identity()["bot_id"]
    assert answer["team_id"] == sandbox.identity()["team_id"]


def test_post_update_and_delete_a_dm(sandbox: LocalSandbox, client: WebClient, ana: str) -> None:
    dm = client.conversations_open(users=[ana])["channel"]["id"]
    first = client.chat_postMessage(channel=dm, text="Question 1")
    reply = client.chat_postMessage(channel=dm, text="a note", thread_ts=first["ts"])

    client.chat_update(channel=dm, ts=first["ts"], text="Question 1 (answered)")

    history = sandbox.history(channel_id=dm)
    assert [m["text"] for m in history] == ["Question 1 (answered)", "a note"]
    assert history[0]["history"] == [{"text": "Question 1", "blocks": []}]
    assert history[0]["edited"]["user"] == sandbox.identity()["bot_user_id"]
    assert history[0]["reply_count"] == 1 and history[1]["thread_ts"] == first["ts"]
    assert float(reply["ts"]) > float(first["ts"])

    client.chat_delete(channel=dm, ts=reply["ts"])
    assert [m["text"] for m in sandbox.history(channel_id=dm)] == ["Question 1 (answered)"]
    assert (
        _error(lambda: client.chat_update(channel=dm, ts=reply["ts"], text="x"))
        == "message_not_found"
    )


def test_posting_to_a_user_id_lands_in_their_dm(
    sandbox: LocalSandbox, client: WebClient, ana: str
) -> None:
    posted = client.chat_postMessage(channel=ana, text="Welcome")

    assert posted["channel"] == sandbox.dm_channel(user_id=ana)["id"]
    assert sandbox.messages_for(user_id=ana)[0]["text"] == "Welcome"


def test_the_bot_must_be_in_a_channel_to_post(
    sandbox: LocalSandbox, client: WebClient, ana: str
) -> None:
    outside = sandbox.add_channel(name="general", members=[ana], bot_member=False)["id"]
    digest = sandbox.add_channel(name="assessment", members=[ana])["id"]

    assert (
        _error(lambda: client.chat_postMessage(channel=outside, text="digest")) == "not_in_channel"
    )
    assert client.chat_postMessage(channel=digest, text="digest")["ok"]
    assert _error(lambda: client.chat_postMessage(channel="C404", text="x")) == "channel_not_found"


def test_ephemeral_reaches_only_that_person(
    sandbox: LocalSandbox, client: WebClient, ana: str
) -> None:
    ben = sandbox.add_user(name="ben")["id"]
    channel = sandbox.add_channel(name="assessment", members=[ana, ben])["id"]

    client.chat_postEphemeral(channel=channel, user=ana, text="only for Ana")

    assert [m["text"] for m in sandbox.messages_for(user_id=ana)] == ["only for Ana"]
    assert sandbox.messages_for(user_id=ben) == []
    assert sandbox.history(channel_id=channel) == []


def test_users_info_gives_locale_only_when_asked(client: WebClient, ana: str) -> None:
    assert "locale" not in client.users_info(user=ana)["user"]
    person = client.users_info(user=ana, include_locale=True)["user"]
    assert (person["locale"], person["tz"]) == ("pt-BR", "America/Sao_Paulo")
    assert _error(lambda: client.users_info(user="U404")) == "user_not_found"


def test_users_list_pages_with_a_cursor(sandbox: LocalSandbox, client: WebClient) -> None:
    for name in ("ana", "ben", "caro"):
        sandbox.add_user(name=name)

    first = client.users_list(limit=2)
    second = client.users_list(limit=2, cursor=first["response_metadata"]["next_cursor"])

    names = [m["name"] for m in first["members"] + second["members"]]
    assert names == ["citycheck", "ana", "ben", "caro"]
    assert second["response_metadata"]["next_cursor"] == ""


def test_conversations_info_of_a_dm(client: WebClient, ana: str) -> None:
    dm = client.conversations_open(users=ana)["channel"]["id"]

    info = client.conversations_info(channel=dm)["channel"]

    assert info["is_im"] and info["user"] == ana


def test_home_publish_keeps_one_view_and_checks_the_hash(
    sandbox: LocalSandbox, client: WebClient, ana: str
) -> None:
    first = client.views_publish(user_id=ana, view=HOME)["view"]
    second = client.views_publish(user_id=ana, view=HOME, hash=first["hash"])["view"]

    assert second["id"] == first["id"] and second["hash"] != first["hash"]
    assert (
        _error(lambda: client.views_publish(user_id=ana, view=HOME, hash=first["hash"]))
        == "hash_conflict"
    )
    assert sandbox.home_view(user_id=ana)["blocks"][0]["text"]["text"] == "Progress: 3 of 12"


def test_views_update_by_id(sandbox: LocalSandbox, client: WebClient, ana: str) -> None:
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Step 1"},
        "blocks": HOME["blocks"],
    }
    opened = client.views_open(trigger_id=sandbox.issue_trigger(user_id=ana), view=modal)["view"]

    updated = client.views_update(
        view_id=opened["id"], view={**modal, "title": {"type": "plain_text", "text": "Step 2"}}
    )

    assert updated["view"]["id"] == opened["id"]
    assert sandbox.open_modal(user_id=ana)["title"]["text"] == "Step 2"


def test_file_upload_with_slack_sdks_v2_flow(
    sandbox: LocalSandbox, client: WebClient, ana: str
) -> None:
    channel = sandbox.add_channel(name="assessment", members=[ana])["id"]

    result = client.files_upload_v2(
        channel=channel,
        content="area,level\nGOV,2\n",
        filename="report.csv",
        initial_comment="The report",
    )

    shared = sandbox.history(channel_id=channel)[-1]
    assert shared["text"] == "The report"
    assert shared["files"][0]["name"] == "report.csv"
    assert shared["files"][0]["size"] == len("area,level\nGOV,2\n")
    assert result["file"]["id"] == shared["files"][0]["id"]


def test_completing_an_upload_that_never_happened_fails(client: WebClient) -> None:
    announced = client.files_getUploadURLExternal(filename="x.csv", length=3)

    assert (
        _error(lambda: client.files_completeUploadExternal(files=[{"id": announced["file_id"]}]))
        == "file_not_found"
    )
