"""No secret reaches a log line or a message: a whole assessment with known secrets, at DEBUG.

`citycheck run` (a real process: gunicorn, Bolt, slack_sdk, SQLAlchemy, all at DEBUG) serves a
city through setup, assignment, every answer, the result, the plan and a failed reply; then
`citycheck scheduler --once` sweeps (the weekly digest). The bot token, the signing secret, the
app token and, on PostgreSQL, the database password are known values; none of them, nor a
recognisable piece of one, may appear in any line either process wrote, in any call or message
sent to Slack, or in any answer the bot gave.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url

from bot.bench.processes import clean_env, free_port, stop, wait_for_health
from bot.sandbox.driver import Workspace
from bot.sandbox.server import LocalSandbox
from bot.slack import ids
from tests.e2e.journeys import assign, make_team, set_up

BOT_TOKEN = "xoxb-7070707070-8080808080-SecretBotTokenValue1234"
SIGNING_SECRET = "s1gn1ng-Secret-Value-ZXCVBNMASDFGHJ-0042"
APP_TOKEN = "xapp-1-A0SECRET00-9090909090-SecretAppTokenValue5678"
DB_PASSWORD = "pgPassw0rd-Secret-8472"
NEXT_DIGEST = "2030-01-07T15:00:00Z"
"""A Monday, 9:00 in Chicago: the city's weekly digest is due."""

LAUNCH = (
    "import logging, sys; logging.getLogger('sqlalchemy').setLevel(logging.DEBUG); "
    "sys.argv = ['citycheck', *sys.argv[1:]]; from bot.cli import main; main()"
)
"""`citycheck ...` with SQLAlchemy's loggers at DEBUG too (it sets itself to WARNING on import
unless a level is set first): every statement and its parameters are logged."""

pytestmark = pytest.mark.slow


def _fragments(secret: str) -> list[str]:
    return [secret, secret[-12:], secret[:16]]


def _env(sandbox: LocalSandbox, database_url: str) -> dict[str, str]:
    return clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=sandbox.api_url,
        DATABASE_URL=database_url,
        CITYCHECK_LOG_LEVEL="DEBUG",
    )


def _assessment(workspace: Workspace, sandbox: LocalSandbox, cora: str, rita: str) -> list[str]:
    """Setup, assign, every answer, the result, the plan, a failed reply; the bot's answers."""
    answers: list[str] = []
    team_channel = workspace.add_channel("springfield-data", [cora, rita])
    set_up(workspace, cora, team_channel)
    assign(workspace, cora, {"OD": [rita]})
    answers.append(workspace.click(rita, "Start", wait=10).body)
    for number in range(1, 5):  # Open Data has four questions
        question = workspace.wait_for_message(rita, f"OD{number} ", timeout=10)
        answers.append(workspace.click_in(rita, question, "None of these").body)
    workspace.wait_for(
        lambda: any(
            "Create improvement plan" in str(m.get("blocks"))
            for m in sandbox.history(channel_id=team_channel)
        ),
        timeout=15,
        what="the result in the channel",
    )
    [result] = [
        m
        for m in sandbox.history(channel_id=team_channel)
        if ids.PLAN_CREATE in str(m.get("blocks"))
    ]
    value = next(
        e["value"]
        for b in result["blocks"]
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id") == ids.PLAN_CREATE
    )
    answers.append(workspace.click_forged(cora, ids.PLAN_CREATE, value).body)
    workspace.wait_for(lambda: workspace.modal(cora), timeout=10, what="the plan review")
    submitted = workspace.submit_modal(cora, {})
    answers.append(submitted.response.body if submitted.response else "")
    workspace.wait_for_message(cora, "Plan created", timeout=10)
    sandbox.server_error("chat.postMessage", status=500)  # the next reply fails
    answers.append(workspace.type(rita, "status").body)
    workspace.wait_for_message(rita, "Nothing you saved before was lost", timeout=10)
    answers.append(workspace.command(cora, "status").body)
    return answers


def test_no_secret_in_any_log_line_or_message(db_url: str, db_backend: str, tmp_path: Path) -> None:
    secrets = [BOT_TOKEN, SIGNING_SECRET, APP_TOKEN]
    if db_backend == "postgresql":
        db_url = make_url(db_url).set(password=DB_PASSWORD).render_as_string(hide_password=False)
        secrets.append(DB_PASSWORD)
    log = tmp_path / "citycheck.log"
    port = free_port()
    with LocalSandbox(bot_token=BOT_TOKEN) as sandbox:
        env = _env(sandbox, db_url)
        with log.open("wb") as output:
            bot = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    LAUNCH,
                    "run",
                    "--http",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                    "--no-scheduler",
                ],
                env=env,
                stdout=output,
                stderr=output,
            )
            try:
                url = f"http://127.0.0.1:{port}"
                wait_for_health(url + "/healthz", bot, 60)
                workspace = Workspace(sandbox, url + "/slack/events", SIGNING_SECRET, timeout=20)
                team = make_team(workspace, ("cora", "rita"))
                answers = _assessment(workspace, sandbox, team["cora"], team["rita"])
            finally:
                stop(bot)
            sweep = subprocess.run(
                [sys.executable, "-c", LAUNCH, "scheduler", "--once", "--now", NEXT_DIGEST],
                env=env,
                stdout=output,
                stderr=output,
                timeout=120,
            )
        calls = sandbox.calls()

    written = log.read_text(encoding="utf-8", errors="replace")
    assert sweep.returncode == 0, written[-2000:]
    assert any(c["method"] == "chat.postMessage" and "Weekly" in str(c["args"]) for c in calls)
    for logger_name in ("slack_bolt", "slack_sdk", "sqlalchemy.engine", "gunicorn", "DEBUG"):
        assert logger_name in written, f"nothing from {logger_name} was captured"
    everything = {
        "the logs": written,
        "Slack calls": repr(calls),
        "the bot's answers": repr(answers),
    }
    for where, text in everything.items():
        for secret in secrets:
            for fragment in _fragments(secret):
                assert fragment not in text, f"a piece of a secret is in {where}: {fragment!r}"
