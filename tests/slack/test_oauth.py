"""OAuth distribution: installs through /slack/install, each workspace served with its own token.

The real app (OAuth mode, the installation store on a real database) over HTTP against the
sandbox, which plays several workspaces and Slack's side of the OAuth exchange.
"""

from __future__ import annotations

import html
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from sqlalchemy import Engine, func, select

from bot.deps import Deps, WorkspaceNotInstalledError
from bot.sandbox.driver import Workspace
from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import (
    CLIENT_ID,
    CLIENT_SECRET,
    SIGNING_SECRET,
    BotUnderTest,
    running_bot,
    strict_sandbox,
)
from bot.schedule.sending import Outgoing, SendError
from bot.schedule.views import ReminderView
from bot.settings import DEFAULT_SCOPES, SettingsError, load_settings
from bot.slack.client import build_client
from bot.slack.installations import InstalledClients
from bot.slack.oauth import authorization_url, install_url
from bot.slack.outbox import SlackSender
from storage.engine import make_engine
from storage.slack_tables import slack_bots, slack_oauth_states
from tests.slack.processes import clean_env

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Distributed:
    sandbox: LocalSandbox
    bot: BotUnderTest
    engine: Engine
    deps: Deps

    def workspace(self, name: str) -> Workspace:
        """A new workspace of the sandbox, with its driver (the app not installed yet)."""
        team = self.sandbox.add_workspace(name=name)
        return self.bot.workspace_for(team["team_id"])

    def stored_tokens(self, team_id: str) -> int:
        with self.engine.connect() as connection:
            query = select(func.count()).where(slack_bots.c.team_id == team_id)
            return int(connection.execute(query).scalar_one())


@pytest.fixture
def served(db_url: str) -> Iterator[Distributed]:
    engine = make_engine(db_url)
    try:
        with strict_sandbox() as sandbox, running_bot(sandbox, engine=engine, oauth=True) as bot:
            yield Distributed(sandbox, bot, engine, bot.deps)
    finally:
        engine.dispose()


def _help_text(workspace: Workspace, user: str) -> str:
    workspace.command(user, "help")
    return str(workspace.wait_for_message(user, "commands")["text"])


def test_an_install_stores_the_workspace_and_says_what_to_do_next(served: Distributed) -> None:
    springfield = served.workspace("Springfield")
    cora = springfield.add_user("cora")

    page = springfield.install(cora)

    assert page.status == 200 and page.url.split("?")[0].endswith("/slack/oauth_redirect")
    text = html.unescape(page.body)
    assert "citycheck is now installed in Springfield." in text
    assert "type /citycheck setup to set up your city" in text
    consent = urlsplit(page.visited[1][1])
    assert consent.path == "/oauth/v2/authorize"
    asked = parse_qs(consent.query)
    assert asked["client_id"] == [CLIENT_ID]
    assert asked["scope"] == [DEFAULT_SCOPES]
    assert served.stored_tokens(springfield.team["id"]) == 1
    with served.engine.connect() as connection:  # the one-time state was used up
        assert (
            connection.execute(select(func.count()).select_from(slack_oauth_states)).scalar() == 0
        )


def test_each_workspace_is_answered_with_its_own_token(served: Distributed) -> None:
    springfield, shelbyville = served.workspace("Springfield"), served.workspace("Shelbyville")
    cora, bea = springfield.add_user("cora"), shelbyville.add_user("cora")
    springfield.install(cora)
    shelbyville.install(bea)

    assert "/citycheck setup" in _help_text(springfield, cora)
    assert "/citycheck setup" in _help_text(shelbyville, bea)

    users_info = served.sandbox.calls("users.info")
    teams = {call["args"]["user"]: call["team"] for call in users_info}
    assert teams == {cora: springfield.team["id"], bea: shelbyville.team["id"]}


def test_a_workspace_without_an_installation_is_told_to_install_again(
    served: Distributed,
) -> None:
    never = served.workspace("Ogdenville")
    otto = never.add_user("otto")

    never.command(otto, "help")

    told = never.wait_for_message(otto, "not installed")
    assert "citycheck is not installed in this workspace any more" in told["text"]
    assert "nothing your city saved was lost" in told["text"]
    assert [c for c in served.sandbox.calls() if c.get("team") == never.team["id"]] == []


def test_the_schedulers_client_carries_the_workspaces_token_until_it_uninstalls(
    served: Distributed,
) -> None:
    springfield = served.workspace("Springfield")
    cora = springfield.add_user("cora")
    springfield.install(cora)

    client = served.deps.client_for(springfield.team["id"])
    client.chat_postMessage(channel=cora, text="Your reminder")
    assert served.deps.client_for(springfield.team["id"]) is client  # cached per team
    assert client.token != served.sandbox.bot_token

    answers = springfield.uninstall()

    assert [a.status for a in answers] == [200, 200]
    assert served.stored_tokens(springfield.team["id"]) == 0
    with pytest.raises(WorkspaceNotInstalledError):
        served.deps.client_for(springfield.team["id"])
    springfield.command(cora, "help")
    springfield.wait_for_message(cora, "not installed")

    springfield.install(cora)  # installed again: a new token, found without a restart
    again = served.deps.client_for(springfield.team["id"])
    assert again.token not in (None, client.token)
    again.chat_postMessage(channel=cora, text="Welcome back")
    texts = [m["text"] for m in springfield.messages(cora) if "ephemeral_to" not in m]
    assert texts == ["Your reminder", "Welcome back"]


def test_a_revoked_bot_token_is_deleted(served: Distributed) -> None:
    springfield = served.workspace("Springfield")
    springfield.install(springfield.add_user("cora"))
    revoked = {"type": "tokens_revoked", "tokens": {"bot": [springfield.identity["bot_user_id"]]}}

    response = springfield.send_event(revoked)

    assert response.status == 200
    assert served.stored_tokens(springfield.team["id"]) == 0


def test_a_cancelled_install_says_how_to_start_again(served: Distributed) -> None:
    springfield = served.workspace("Springfield")

    page = springfield.install(springfield.add_user("cora"), approve=False)

    text = html.unescape(page.body)
    assert "citycheck was not installed" in text
    assert "The installation was cancelled in Slack." in text
    assert "Start again from /slack/install" in text
    assert served.stored_tokens(springfield.team["id"]) == 0


def test_a_forged_return_from_slack_installs_nothing(served: Distributed) -> None:
    springfield = served.workspace("Springfield")
    cora = springfield.add_user("cora")
    code_url = served.sandbox.authorize(
        user_id=cora, client_id=CLIENT_ID, scope="commands", state="made-up"
    )
    query = urlsplit(code_url).query

    from bot.sandbox.browser import Browser

    page = Browser().get(f"{served.bot.url}/slack/oauth_redirect?{query}")

    assert page.status == 400 and "another browser" in html.unescape(page.body)
    assert served.stored_tokens(springfield.team["id"]) == 0


def test_a_stale_client_of_another_process_picks_up_a_new_install(served: Distributed) -> None:
    springfield = served.workspace("Springfield")
    cora = springfield.add_user("cora")
    springfield.install(cora)
    scheduler = Deps(  # a scheduler process: its own cache, on the same database
        settings=served.deps.settings,
        client=build_client(served.deps.settings),
        engine=served.engine,
        team_clients=InstalledClients.on_database(served.deps.settings, served.engine),
    )
    stale = scheduler.client_for(springfield.team["id"])
    springfield.uninstall()  # reaches the HTTP process only
    springfield.install(cora)
    view = ReminderView(
        milestone_id=1, title="Publish the open data policy", city_name="Springfield",
        due_on=date(2027, 3, 17), days_left=0, lang="en",
    )  # fmt: skip

    SlackSender(scheduler).send(Outgoing(1, springfield.team["id"], cora, view))

    assert scheduler.client_for(springfield.team["id"]).token != stale.token
    posts = served.sandbox.calls("chat.postMessage")
    assert [p.get("error") or "ok" for p in posts] == ["token_revoked", "ok"]
    springfield.uninstall()
    with pytest.raises(SendError) as gone:
        SlackSender(scheduler).send(Outgoing(2, springfield.team["id"], cora, view))
    assert (gone.value.code, gone.value.permanent) == ("not_installed", True)


def test_the_default_scopes_are_the_manifests_bot_scopes() -> None:
    manifest = yaml.safe_load((ROOT / "app.yaml").read_text(encoding="utf-8"))
    assert DEFAULT_SCOPES.split(",") == manifest["oauth_config"]["scopes"]["bot"]


def test_oauth_settings_say_what_is_missing_or_malformed() -> None:
    base = {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_BOT_TOKEN": "", "SLACK_APP_TOKEN": ""}
    half = load_settings(**base, SLACK_CLIENT_ID=CLIENT_ID)
    with pytest.raises(
        SettingsError, match="SLACK_CLIENT_SECRET is not set: installing in several"
    ):
        half.check_slack()
    both = load_settings(**base, SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    both.check_slack()  # no bot token needed
    assert both.oauth_enabled and "sandbox-client-secret" not in repr(both)
    with pytest.raises(SettingsError, match="SLACK_CLIENT_ID is not valid: must look like"):
        load_settings(SLACK_CLIENT_ID="my-app")
    with pytest.raises(SettingsError, match="SLACK_SCOPES is not valid: 'chat write'"):
        load_settings(SLACK_SCOPES="commands,chat write")
    with pytest.raises(SettingsError, match="SLACK_REDIRECT_URI is not valid: must be the bot's"):
        load_settings(SLACK_REDIRECT_URI="https://bot.example.gov/callback")


def test_run_says_what_an_oauth_setup_lacks(tmp_path: Path) -> None:
    def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
        variables = clean_env(
            SLACK_SIGNING_SECRET=SIGNING_SECRET, DATABASE_URL=f"sqlite:///{tmp_path}/x.db", **env
        )
        return subprocess.run(
            [sys.executable, "-m", "bot", "run", *args],
            cwd=ROOT, env=variables, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    half = run(["--http"], SLACK_CLIENT_ID=CLIENT_ID)
    socket = run(
        ["--socket-mode"],
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
        SLACK_APP_TOKEN="xapp-1-A1-1-abc",
    )

    assert half.returncode == 2 and "SLACK_CLIENT_SECRET is not set" in half.stderr
    assert socket.returncode == 2
    assert "needs HTTP mode, where Slack sends installers back to /slack/oauth_redirect" in (
        socket.stderr
    )
    assert CLIENT_SECRET not in socket.stderr + socket.stdout


def test_installs_go_to_the_consent_screen_of_the_slack_in_use() -> None:
    gov = load_settings(SLACK_API_URL="https://slack-gov.com/api/")
    assert authorization_url(gov) == "https://slack-gov.com/oauth/v2/authorize"
    assert authorization_url(load_settings(SLACK_API_URL="")) == (
        "https://slack.com/oauth/v2/authorize"
    )
    assert install_url("https://bot.example.gov/citycheck/slack/oauth_redirect") == (
        "https://bot.example.gov/citycheck/slack/install"
    )
