"""Several workspaces in one sandbox: each its own token and people, and Slack's OAuth exchange."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.server import LocalSandbox
from tests.sandbox.conftest import FakeClock

CLIENT_ID = "1111111111.2222222222"
SECRET = "app-secret"
REDIRECT = "https://bot.example.gov/slack/oauth_redirect"


def _web(sandbox: LocalSandbox, token: str | None = None) -> WebClient:
    return WebClient(token=token, base_url=sandbox.api_url, retry_handlers=[])


def _install(sandbox: LocalSandbox, user_id: str) -> str:
    """Approve as `user_id` and trade the code for the workspace's bot token."""
    sandbox.register_app(client_id=CLIENT_ID, client_secret=SECRET, redirect_urls=[REDIRECT])
    back = sandbox.authorize(user_id=user_id, client_id=CLIENT_ID, scope="chat:write", state="s1")
    code = parse_qs(urlsplit(back).query)["code"][0]
    answer = _web(sandbox).oauth_v2_access(client_id=CLIENT_ID, client_secret=SECRET, code=code)
    return str(answer["access_token"])


def test_a_code_becomes_a_token_of_the_installers_workspace_only(sandbox: LocalSandbox) -> None:
    other = sandbox.add_workspace(name="Shelbyville")
    bea = sandbox.add_user(name="bea", team_id=other["team_id"])["id"]
    sandbox.register_app(client_id=CLIENT_ID, client_secret=SECRET, redirect_urls=[REDIRECT])

    back = sandbox.authorize(user_id=bea, client_id=CLIENT_ID, scope="chat:write", state="s1")
    assert back.startswith(REDIRECT + "?") and parse_qs(urlsplit(back).query)["state"] == ["s1"]
    code = parse_qs(urlsplit(back).query)["code"][0]
    answer = _web(sandbox).oauth_v2_access(client_id=CLIENT_ID, client_secret=SECRET, code=code)

    assert answer["team"] == {"id": other["team_id"], "name": "Shelbyville"}
    assert answer["bot_user_id"] == other["bot_user_id"]
    assert answer["authed_user"] == {"id": bea} and answer["scope"] == "chat:write"
    who = _web(sandbox, answer["access_token"]).auth_test()
    assert (who["team_id"], who["bot_id"]) == (other["team_id"], other["bot_id"])
    assert answer["access_token"] != sandbox.bot_token
    with pytest.raises(SlackApiError) as reused:
        _web(sandbox).oauth_v2_access(client_id=CLIENT_ID, client_secret=SECRET, code=code)
    assert reused.value.response["error"] == "code_already_used"


def test_wrong_credentials_and_late_codes_are_refused(
    sandbox: LocalSandbox, clock: FakeClock
) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    sandbox.register_app(client_id=CLIENT_ID, client_secret=SECRET, redirect_urls=[REDIRECT])

    def code() -> str:
        back = sandbox.authorize(user_id=ana, client_id=CLIENT_ID, scope="commands")
        return parse_qs(urlsplit(back).query)["code"][0]

    def error(**kwargs: str) -> str:
        with pytest.raises(SlackApiError) as refused:
            _web(sandbox).oauth_v2_access(**kwargs)
        return str(refused.value.response["error"])

    assert error(client_id=CLIENT_ID, client_secret="guess", code=code()) == "bad_client_secret"
    assert error(client_id="9.9", client_secret=SECRET, code=code()) == "invalid_client_id"
    late = code()
    clock.advance(601)
    assert error(client_id=CLIENT_ID, client_secret=SECRET, code=late) == "invalid_code"
    assert sandbox.violations() == []  # Slack errors, not broken contracts


def test_a_token_used_on_another_workspaces_channel_is_a_violation(sandbox: LocalSandbox) -> None:
    other = sandbox.add_workspace(name="Shelbyville")
    bea = sandbox.add_user(name="bea", team_id=other["team_id"])["id"]
    ana = sandbox.add_user(name="ana")["id"]
    theirs = sandbox.add_channel(name="data", members=[bea], team_id=other["team_id"])["id"]
    token = _install(sandbox, bea)

    _web(sandbox, token).chat_postMessage(channel=theirs, text="for Shelbyville")
    with pytest.raises(SlackApiError) as refused:
        _web(sandbox, sandbox.bot_token).chat_postMessage(channel=theirs, text="leak")
    with pytest.raises(SlackApiError):
        _web(sandbox, token).chat_postMessage(channel=ana, text="leak")

    found = sandbox.clear_violations()
    assert refused.value.response["error"] == "channel_not_found"
    assert [v["problems"][0] for v in found] == [
        f"channel {theirs} belongs to workspace {other['team_id']}, but the token sent is "
        f"workspace {sandbox.identity()['team_id']}'s",
        f"channel {ana} belongs to workspace {sandbox.identity()['team_id']}, but the token "
        f"sent is workspace {other['team_id']}'s",
    ]
    assert [m["text"] for m in sandbox.history(channel_id=theirs)] == ["for Shelbyville"]


def test_ids_are_unique_across_workspaces_and_find_their_workspace(sandbox: LocalSandbox) -> None:
    other = sandbox.add_workspace(name="Shelbyville")
    ana = sandbox.add_user(name="rita")
    bea = sandbox.add_user(name="rita", team_id=other["team_id"])

    assert ana["id"] != bea["id"]
    assert (ana["team_id"], bea["team_id"]) == (sandbox.identity()["team_id"], other["team_id"])
    assert (
        sandbox.dm_channel(user_id=bea["id"])["id"] != sandbox.dm_channel(user_id=ana["id"])["id"]
    )
    assert sandbox.user(user_id=bea["id"])["team_id"] == other["team_id"]
    assert other["app_id"] == sandbox.identity()["app_id"]  # one app, installed twice
    assert other["bot_user_id"] != sandbox.identity()["bot_user_id"]


def test_an_uninstalled_workspaces_token_is_revoked_not_a_violation(sandbox: LocalSandbox) -> None:
    other = sandbox.add_workspace(name="Shelbyville")
    bea = sandbox.add_user(name="bea", team_id=other["team_id"])["id"]
    token = _install(sandbox, bea)

    assert sandbox.uninstall(team_id=other["team_id"]) == 1
    with pytest.raises(SlackApiError) as refused:
        _web(sandbox, token).chat_postMessage(channel=bea, text="still here?")

    assert refused.value.response["error"] == "token_revoked"
    assert sandbox.violations() == []
    assert _web(sandbox, sandbox.bot_token).auth_test()["ok"]  # the first workspace is untouched


def _get(url: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location") or exc.read().decode()


def test_the_consent_screen_answers_the_signed_in_person(sandbox: LocalSandbox) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    sandbox.register_app(client_id=CLIENT_ID, client_secret=SECRET, redirect_urls=[REDIRECT])
    page = sandbox.url + f"oauth/v2/authorize?client_id={CLIENT_ID}&scope=commands&state=s9"

    assert _get(page) == (401, "not signed in to a sandbox workspace")
    status, approved = _get(page, f"sandbox_user={ana}")
    status_denied, denied = _get(page, f"sandbox_user={ana}; sandbox_decision=deny")
    assert _get(page.replace(CLIENT_ID, "0.0"), f"sandbox_user={ana}") == (400, "invalid_client_id")

    assert status == 302 and approved.startswith(REDIRECT + "?code=")
    assert parse_qs(urlsplit(approved).query)["state"] == ["s9"]
    assert status_denied == 302 and denied == REDIRECT + "?error=access_denied&state=s9"
