"""SQLite writes: commits in the WAL (flushed to disk when the URL asks), writers queued."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import migrate
from storage.engine import DatabaseUrlError, make_engine
from storage.models import NotificationLedger
from storage.session import unit_of_work, writer_lock
from tests.builders import NOW


def pragma(url: str, name: str) -> int | str:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            value = connection.execute(text(f"PRAGMA {name}")).scalar_one()
            return value if isinstance(value, str) else int(value)
    finally:
        engine.dispose()


def test_commits_are_flushed_to_disk_when_the_url_asks_for_full(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'citycheck.db'}"
    assert pragma(url, "journal_mode") == "wal"
    assert pragma(url, "synchronous") == 2  # FULL: an acknowledged answer survives a power cut
    assert pragma(url + "?synchronous=normal", "synchronous") == 1  # NORMAL, asked for
    assert pragma(url + "?synchronous=NORMAL", "synchronous") == 1
    with pytest.raises(DatabaseUrlError, match=r"use \?synchronous=full or \?synchronous=normal"):
        make_engine(url + "?synchronous=off")


def test_writers_of_one_process_queue_and_none_fails(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'citycheck.db'}?synchronous=normal"
    migrate.upgrade(url)
    engine = make_engine(url, sqlite_busy_timeout_ms=50)  # SQLite's own wait would give up soon
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(25):
                with unit_of_work(engine) as session:
                    session.add(
                        NotificationLedger(
                            kind="k", target=f"t{n}-{i}", period_key="p", claimed_at=NOW
                        )
                    )
                    session.flush()
                    threading.Event().wait(0.001)  # hold the write lock a little
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert failures == []
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM notification_ledger")).scalar_one()
    assert count == 200
    assert writer_lock(engine) is writer_lock(engine.execution_options(isolation_level=None))
    assert writer_lock(make_engine("sqlite://")) is None
    engine.dispose()
