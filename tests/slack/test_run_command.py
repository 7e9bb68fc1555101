"""`citycheck run` as a real process against a sandbox Slack process."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.sandbox.core import DEFAULT_BOT_TOKEN
from bot.sandbox.driver import Workspace
from bot.sandbox.remote import RemoteSandbox
from bot.sandbox.testing import SIGNING_SECRET, strict_sandbox
from tests.slack.processes import (
    clean_env,
    free_port,
    port_is_free,
    run_citycheck,
    sandbox_process,
    wait_for_health,
)

pytestmark = pytest.mark.slow


def _bot_env(api_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        SLACK_BOT_TOKEN=DEFAULT_BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'citycheck.db'}",
        **extra,
    )


def test_run_serves_health_and_commands_then_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    with sandbox_process(tmp_path) as sandbox_url:
        sandbox = RemoteSandbox(sandbox_url)
        bot = run_citycheck(
            ["run", "--host", "127.0.0.1", "--port", str(port)],
            tmp_path,
            _bot_env(sandbox.api_url, tmp_path),
        )
        try:
            wait_for_health(f"http://127.0.0.1:{port}/healthz", bot)
            workspace = Workspace(sandbox, f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)
            ana = workspace.add_user("ana")

            assert workspace.command(ana, "help").status == 200
            workspace.wait_for_message(ana, "citycheck commands", timeout=10)
        finally:
            bot.send_signal(signal.SIGTERM)
            _, errors = bot.communicate(timeout=20)

        assert bot.returncode == 0, errors
        assert port_is_free(port)
        assert sandbox.violations() == []
    assert DEFAULT_BOT_TOKEN not in errors and SIGNING_SECRET not in errors


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN is not set"),
        ("SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET is not set"),
    ],
)
def test_a_missing_secret_is_one_clear_line_and_exit_2(
    tmp_path: Path, missing: str, named: str
) -> None:
    env = _bot_env("http://127.0.0.1:9/api/", tmp_path)
    del env[missing]

    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert named in result.stderr and "Traceback" not in result.stderr


def test_a_token_slack_refuses_stops_the_start(tmp_path: Path) -> None:
    with strict_sandbox(bot_token="xoxb-the-real-one") as sandbox:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "run", "--port", str(free_port())],
            cwd=tmp_path,
            env=_bot_env(sandbox.api_url, tmp_path),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert [v["error"] for v in sandbox.clear_violations()] == ["invalid_auth"]

    assert result.returncode == 2
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in result.stderr
    assert "Traceback" not in result.stderr and DEFAULT_BOT_TOKEN not in result.stderr


def test_socket_mode_without_an_app_token_says_what_to_do(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--socket-mode"],
        cwd=tmp_path,
        env=_bot_env("http://127.0.0.1:9/api/", tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert "SLACK_APP_TOKEN is not set" in result.stderr and "Traceback" not in result.stderr


SERVE_WITH_A_SERVICE = """
import sys
from pathlib import Path
from bot.settings import load_settings
from bot.slack.server import serve_http

log = Path(sys.argv[2])

class Recorder:
    def __init__(self, deps):
        self.deps = deps
    def start(self):
        log.write_text(log.read_text() + "started with a client\\n" if self.deps.client else "")
    def stop(self):
        log.write_text(log.read_text() + "stopped\\n")

serve_http(load_settings(), host="127.0.0.1", port=int(sys.argv[1]), workers=1, threads=4,
           services=[Recorder])
"""


def test_background_services_start_in_the_serving_process_and_stop_on_sigterm(
    tmp_path: Path,
) -> None:
    port, log = free_port(), tmp_path / "service.log"
    log.write_text("")
    with strict_sandbox() as sandbox:
        server = subprocess.Popen(
            [sys.executable, "-c", SERVE_WITH_A_SERVICE, str(port), str(log)],
            cwd=tmp_path,
            env=_bot_env(sandbox.api_url, tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_for_health(f"http://127.0.0.1:{port}/healthz", server)
        finally:
            server.send_signal(signal.SIGTERM)
            server.communicate(timeout=20)

    assert server.returncode == 0
    assert log.read_text().splitlines() == ["started with a client", "stopped"]
