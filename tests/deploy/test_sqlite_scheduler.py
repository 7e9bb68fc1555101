"""On SQLite a second scheduler is refused, whichever command would run it, with what to do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.testing import SIGNING_SECRET, strict_sandbox
from tests.deploy.processes import ROOT, Citycheck
from tests.slack.processes import clean_env, free_port

pytestmark = pytest.mark.slow


def _citycheck(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _two_schedulers(env: dict[str, str], logs: Path) -> tuple[Any, Any, Any, Citycheck]:
    """A scheduler running; a second `scheduler --once` and a `run` meanwhile; one after."""
    first = Citycheck("first", ["scheduler", "--interval", "3600"], env, logs)
    try:
        first.wait_for_line("scheduler leading")
        again = _citycheck(["scheduler", "--once"], env)
        port = str(free_port())
        serving = _citycheck(["run", "--http", "--host", "127.0.0.1", "--port", port], env)
    finally:
        assert first.stop() == 0
    return again, serving, _citycheck(["scheduler", "--once"], env), first


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
def test_a_second_scheduler_on_one_sqlite_file_is_refused(db_url: str, tmp_path: Path) -> None:
    with strict_sandbox() as sandbox:
        env = clean_env(
            SLACK_BOT_TOKEN=sandbox.bot_token,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=sandbox.api_url,
            DATABASE_URL=db_url,
        )
        again, serving, after, first = _two_schedulers(env, tmp_path)

    for refused in (again, serving):
        assert refused.returncode == 2, refused.stderr
        assert (
            "citycheck: another citycheck scheduler is already running on this SQLite database "
            f"(process {first.process.pid}), holding {db_url.removeprefix('sqlite:///')}"
            ".scheduler.lock: SQLite allows one scheduler."
        ) in refused.stderr
        assert "--no-scheduler" in refused.stderr and "Traceback" not in refused.stderr
    assert after.returncode == 0, after.stderr  # the first one stopped: the lock is free again
    assert after.stdout.startswith("sweep: 0 due")
