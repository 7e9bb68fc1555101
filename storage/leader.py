"""Who leads the scheduler: a PostgreSQL advisory lock, or a file lock beside a SQLite database.

PostgreSQL (`AdvisoryLock`): a session-level `pg_try_advisory_lock` taken on a connection of
its own, kept open while the process leads. The lock lives exactly as long as that database
session: the leader releases it when it stops, and PostgreSQL releases it the moment the
session ends for any other reason (the process was killed: its socket closes; its machine or
network died: the server's TCP keepalives, set short on this session, end it within about half
a minute). `still_held()` asks the server, through the same connection, whether the session
still holds it: the keepalive. The key is `hashtextextended('citycheck.scheduler:' ||
current_schema(), 0)`, so each citycheck schema (database) has its own leader.

Why a session lock on a dedicated connection rather than `pg_try_advisory_xact_lock` per tick:
a sweep runs for minutes (a thousand reminders paced per channel); holding a transaction open
that long would pin a pooled connection, hold back vacuum and trip
`idle_in_transaction_session_timeout`. The dedicated connection is idle between keepalives.

SQLite (`FileLock`): `fcntl.flock` on `<database>.scheduler.lock`, released by the operating
system when the process ends. It refuses a second scheduler on the same file: SQLite serves one
machine, so there is no leader to elect. POSIX only (Linux, macOS); Windows is not a target.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import URL, Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from storage.engine import is_memory_sqlite, make_engine

logger = logging.getLogger("citycheck.leader")

LOCK_NAME = "citycheck.scheduler"
APPLICATION_NAME = "citycheck-scheduler"
SERVER_KEEPALIVES = {
    "tcp_keepalives_idle": 10,
    "tcp_keepalives_interval": 5,
    "tcp_keepalives_count": 3,
    "tcp_user_timeout": 25000,
    "statement_timeout": 5000,
}
"""Settings of the lock's own session: the server drops it ~25 s after its client vanished."""
CLIENT_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}
"""libpq keepalives: the leader notices a vanished server as fast."""


class LeaderLock(Protocol):
    """A lock at most one scheduler process holds."""

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True when this process holds it now."""

    def still_held(self) -> bool:
        """True while this process still holds the lock (False once it was lost)."""

    def release(self) -> None:
        """Give the lock up (safe to call when not held)."""

    def describe(self) -> str:
        """Where the lock is, for log lines and messages."""


class AdvisoryLock:
    """PostgreSQL session-level advisory lock on a dedicated connection (see module doc)."""

    def __init__(self, url: URL, name: str = LOCK_NAME) -> None:
        self.url = url
        self.name = name
        self.key: int | None = None
        self._engine: Engine | None = None
        self._connection: Connection | None = None

    def describe(self) -> str:
        """The lock's name and key."""
        key = f" (key {self.key})" if self.key is not None else ""
        return f"PostgreSQL advisory lock {self.name!r}{key}"

    def try_acquire(self) -> bool:
        """Connect if needed, then `pg_try_advisory_lock`; False (never raises) if not taken."""
        try:
            connection = self._connect()
            taken = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})
            if taken.scalar():
                return True
        except DBAPIError as exc:
            logger.warning("could not ask PostgreSQL for the scheduler lock: %s", _first_line(exc))
            self._close()
        return False

    def still_held(self) -> bool:
        """Ask the server whether this session holds the lock; False on any failure."""
        if self._connection is None or self.key is None:
            return False
        unsigned = self.key & 0xFFFFFFFFFFFFFFFF
        query = text(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND pid = pg_backend_pid() AND classid = CAST(:high AS oid)"
            " AND objid = CAST(:low AS oid) AND objsubid = 1)"
        )
        try:
            params = {"high": unsigned >> 32, "low": unsigned & 0xFFFFFFFF}
            return bool(self._connection.execute(query, params).scalar())
        except DBAPIError as exc:
            logger.warning("lost the connection holding the scheduler lock: %s", _first_line(exc))
            self._close()
            return False

    def release(self) -> None:
        """Unlock and close the dedicated connection (ending the session releases it anyway)."""
        if self._connection is not None and self.key is not None:
            with contextlib.suppress(DBAPIError):
                self._connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
        self._close()

    def _connect(self) -> Connection:
        if self._connection is not None:
            return self._connection
        if self._engine is None:
            self._engine = make_engine(
                self.url,
                poolclass=NullPool,
                connect_args={"application_name": APPLICATION_NAME, **CLIENT_KEEPALIVES},
            )
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        for setting, value in SERVER_KEEPALIVES.items():
            try:  # autocommit: a setting this server lacks costs nothing but itself
                connection.execute(text(f"SET {setting} = {int(value)}"))
            except DBAPIError as exc:
                logger.info("scheduler lock session: %s not set: %s", setting, _first_line(exc))
        self.key = int(
            connection.execute(
                text("SELECT hashtextextended(:name || ':' || current_schema(), 0)"),
                {"name": self.name},
            ).scalar_one()
        )
        self._connection = connection
        return connection

    def _close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(DBAPIError):
                self._connection.close()
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


class FileLock:
    """`flock` on a file beside a SQLite database; the OS drops it when the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def describe(self) -> str:
        """The lock file's path."""
        return f"lock file {self.path}"

    def holder(self) -> str | None:
        """The process id written by the holder, if it wrote one."""
        try:
            return self.path.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def try_acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        import fcntl

        if self._file is not None:
            return True
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def still_held(self) -> bool:
        """True while held: nothing can take an flock from its holder."""
        return self._file is not None

    def release(self) -> None:
        """Unlock and close the file (it stays, empty, for the next holder)."""
        import fcntl

        if self._file is None:
            return
        self._file.seek(0)
        self._file.truncate()
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None


class AlwaysLeader:
    """An in-memory SQLite database lives in one process: it always leads."""

    def describe(self) -> str:
        """Nothing to lock."""
        return "no lock (in-memory database)"

    def try_acquire(self) -> bool:
        """Always taken."""
        return True

    def still_held(self) -> bool:
        """Always held."""
        return True

    def release(self) -> None:
        """Nothing to release."""


def scheduler_lock(url: URL) -> AdvisoryLock | FileLock | AlwaysLeader:
    """The scheduler's lock for the database at `url`."""
    if url.get_backend_name() == "postgresql":
        return AdvisoryLock(url)
    if is_memory_sqlite(url):
        return AlwaysLeader()
    return FileLock(Path(f"{url.database}.scheduler.lock"))


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig or exc).strip().splitlines()[0]
