"""`citycheck scheduler`, run as an operator would: one sweep with --once, clear refusals."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.cli.run_cmd import _background_services
from bot.sandbox.testing import strict_sandbox
from bot.slack.outbox import scheduler_service
from storage.engine import make_engine
from storage.session import unit_of_work
from tests.schedule.conftest import make_world
from tests.schedule.world import add_plan
from tests.slack.processes import clean_env

pytestmark = pytest.mark.slow


def citycheck(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_once_sends_what_is_due_and_says_so(tmp_path: Path, db_url: str) -> None:
    engine: Engine = make_engine(db_url)
    try:
        with strict_sandbox() as sandbox:
            world = make_world(sandbox, engine, digest=False)
            with unit_of_work(engine) as session:
                add_plan(
                    session,
                    rubric=world.rubric,
                    assessment_id=world.assessment_id,
                    owner_ids=[world.pid("leo")],
                    due=[date(2027, 3, 17)],
                    criteria=["PA1"],
                    now=world.clock.now,
                )
            env = clean_env(
                SLACK_BOT_TOKEN=sandbox.bot_token,
                SLACK_API_URL=sandbox.api_url,
                DATABASE_URL=db_url,
            )
            early = citycheck(
                ["scheduler", "--once", "--now", "2027-03-17T12:59:00Z"], env, tmp_path
            )
            assert early.returncode == 0, early.stderr
            assert early.stdout.strip() == (
                "sweep: 0 due, 0 sent, 0 found already sent, 0 skipped, 0 held, 0 failed, "
                "0 permanent errors"
            )
            on_time = citycheck(
                ["scheduler", "--once", "--now", "2027-03-17T13:00:00Z"], env, tmp_path
            )
            assert on_time.returncode == 0, on_time.stderr
            assert on_time.stdout.startswith("sweep: 1 due, 1 sent")
            again = citycheck(
                ["scheduler", "--once", "--now", "2027-03-17T13:30:00Z"], env, tmp_path
            )
            assert again.stdout.startswith("sweep: 0 due")
            assert len(sandbox.messages_for(user_id=world.user("leo"))) == 1
            assert sandbox.bot_token not in on_time.stderr + on_time.stdout
    finally:
        engine.dispose()


def test_it_says_what_is_missing_or_malformed(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    missing = citycheck(["scheduler", "--once"], env, tmp_path)
    assert missing.returncode == 2
    assert "SLACK_BOT_TOKEN is not set" in missing.stderr and "Traceback" not in missing.stderr
    env["SLACK_BOT_TOKEN"] = "xoxb-1-2-abc"
    bad_time = citycheck(["scheduler", "--once", "--now", "next tuesday"], env, tmp_path)
    assert bad_time.returncode == 2
    assert "--now 'next tuesday' is not a time: write e.g. 2027-03-15T13:00:00Z" in bad_time.stderr


def test_run_starts_the_scheduler_unless_told_not_to() -> None:
    assert _background_services(no_scheduler=False) == [scheduler_service]
    assert _background_services(no_scheduler=True) == []


def test_the_clock_override_runs_on_from_the_given_time() -> None:
    from bot.cli.scheduler_cmd import _clock

    clock = _clock("2027-03-17T13:00:00Z")
    first, second = clock(), clock()
    assert first >= datetime(2027, 3, 17, 13, tzinfo=UTC) and second >= first
    assert first.date() == date(2027, 3, 17)  # not this machine's date
