"""Units of work: one Session and one transaction per user action, committed once at the end."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from storage.engine import BEGIN_OPTION, SQLITE_BUSY_TIMEOUT_MS, is_memory_sqlite

_writers: weakref.WeakKeyDictionary[Any, threading.RLock] = weakref.WeakKeyDictionary()
_writers_guard = threading.Lock()


@contextmanager
def unit_of_work(engine: Engine, *, read_only: bool = False) -> Iterator[Session]:
    """A Session committed when the block succeeds and rolled back when it raises.

    On a SQLite file a writing unit starts with `BEGIN IMMEDIATE`: it waits for the write lock
    up front (busy_timeout), so two writers queue instead of one failing half-way. A
    `read_only=True` unit starts a plain `BEGIN` and never blocks writers. Objects stay readable
    after the block (no expiry on commit), so a service can build its reply from them.

    The writers of one process queue on a lock of their own first (see `writer_lock`).
    """
    lock = None if read_only else writer_lock(engine)
    queued = lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000) if lock is not None else False
    try:
        bind = engine.execution_options(**{BEGIN_OPTION: "DEFERRED" if read_only else "IMMEDIATE"})
        session = Session(bind=bind, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
    finally:
        if queued and lock is not None:
            lock.release()


def writer_lock(engine: Engine) -> threading.RLock | None:
    """The lock this process's writers of a SQLite file take before `BEGIN IMMEDIATE`.

    SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps in
    growing steps (up to 100 ms) between tries, so under load a writer could sleep long after
    the lock was free. Queued on a lock in the process, the next writer starts as soon as the
    previous one commits; other processes still queue in SQLite's busy handler. None for
    PostgreSQL and in-memory SQLite.
    """
    if engine.dialect.name != "sqlite" or is_memory_sqlite(engine.url):
        return None
    with _writers_guard:
        lock = _writers.get(engine.pool)
        if lock is None:
            lock = _writers[engine.pool] = threading.RLock()
        return lock
