"""`citycheck db upgrade|downgrade|current`, run as a person would, against both databases."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlmodel import SQLModel

from storage.engine import make_engine
from storage.migrate import head_revision

HEAD = head_revision()
MODEL_TABLES = {table.name for table in SQLModel.metadata.sorted_tables}

pytestmark = pytest.mark.slow  # each case starts the command line in a new process


def citycheck(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SLACK_"))}
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_creates_the_schema_and_downgrade_base_removes_it(
    empty_db_url: str, tmp_path: Path
) -> None:
    assert _tables(empty_db_url) == set()
    upgraded = citycheck("db", "upgrade", database_url=empty_db_url, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"upgraded from no schema (empty) to {HEAD} (head)" in upgraded.stdout
    assert _tables(empty_db_url) >= MODEL_TABLES

    current = citycheck("db", "current", database_url=empty_db_url, cwd=tmp_path)
    assert current.returncode == 0, current.stderr
    assert current.stdout.strip().endswith(f": {HEAD} (head)")

    removed = citycheck("db", "downgrade", "base", database_url=empty_db_url, cwd=tmp_path)
    assert removed.returncode == 0, removed.stderr
    assert f"downgraded from {HEAD} (head) to no schema (empty)" in removed.stdout
    assert _tables(empty_db_url) == set()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://ana:hunter2@127.0.0.1:{port}/citycheck", "cannot reach PostgreSQL at"),
        ("mysql://ana:hunter2@db/citycheck", "unsupported database"),
    ],
)
def test_a_bad_database_url_is_one_line_naming_the_setting(
    url: str, says: str, tmp_path: Path
) -> None:
    result = citycheck("db", "upgrade", database_url=url.format(port=_closed_port()), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: DATABASE_URL")
    assert says in lines[0]
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr + result.stdout


def test_downgrade_needs_a_revision(tmp_path: Path) -> None:
    result = citycheck("db", "downgrade", database_url="sqlite:///x.db", cwd=tmp_path)
    assert result.returncode != 0
    assert "REVISION" in result.stderr.upper()
