"""One scheduler leader among several processes: only the holder of the leader lock sweeps.

Every scheduler (`citycheck scheduler`, and each `citycheck run` process or worker with its
in-process scheduler) runs a `LeaderService`. A follower asks for the lock every
`RETRY_SECONDS`; the one that gets it starts ticking (a fresh `SchedulerService` each time it
becomes leader) and checks every `KEEPALIVE_SECONDS` that it still holds the lock. If it lost
it (its database session ended), it stops sweeping at once (the send in progress finishes) and
becomes a follower again. The lock itself is `storage.leader`: a PostgreSQL advisory lock held
by a database session, released when the leader stops or dies.

Leadership spares Slack and the database a second sweep; it is not what keeps sends single.
Every send is claimed in the ledger first (`INSERT ... ON CONFLICT DO NOTHING`), so two
schedulers that both believed they led (a leader cut off from the database, between losing
the lock and noticing) still could not send anything twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from storage.leader import FileLock, LeaderLock

logger = logging.getLogger("citycheck.schedule")

RETRY_SECONDS = 5.0
"""How often a follower asks for the lock: a dead leader is replaced within this long (plus
the time PostgreSQL takes to notice it died: at once for a killed process)."""
KEEPALIVE_SECONDS = 10.0
"""How often the leader checks, over the lock's own connection, that it still holds it."""


class Ticking(Protocol):
    """What the leader runs: a `SchedulerService`."""

    def start(self) -> None:
        """Start ticking."""

    def stop(self) -> None:
        """Stop ticking (the send in progress finishes)."""


class LeaderService:
    """A `BackgroundService`: sweeps only while this process holds the leader lock."""

    def __init__(
        self,
        lock: LeaderLock,
        lead: Callable[[], Ticking],
        *,
        retry: float = RETRY_SECONDS,
        keepalive: float = KEEPALIVE_SECONDS,
        announce: Callable[[str], None] | None = None,
    ) -> None:
        self.lock = lock
        self.lead = lead
        self.retry = retry
        self.keepalive = keepalive
        self.announce = announce or (lambda line: logger.info("%s", line))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ticking: Ticking | None = None
        self.leading = threading.Event()
        """Set while this process leads."""

    def start(self) -> None:
        """Start following (and leading when the lock is free) in a background thread."""
        self._thread = threading.Thread(target=self._run, name="scheduler-leader", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sweeping, give the lock up, and end the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None
        self._step_down("stopping")

    def _run(self) -> None:
        self.announce(f"scheduler following: asking for the {self.lock.describe()}")
        while not self._stop.is_set():
            if not self.leading.is_set():
                if self.lock.try_acquire():
                    self._take_over()
                    continue
                self._stop.wait(self.retry)
                continue
            if self._stop.wait(self.keepalive):
                break
            if not self.lock.still_held():
                self._step_down("lost the lock")
                self._stop.wait(self.retry)  # then ask again, as a follower

    def _take_over(self) -> None:
        try:
            ticking = self.lead()
            ticking.start()
        except Exception:
            logger.exception("the scheduler could not start; giving the lock up")
            self.lock.release()
            self._stop.wait(self.retry)
            return
        self._ticking = ticking
        self.leading.set()
        self.announce(f"scheduler leading: holds the {self.lock.describe()}")

    def _step_down(self, why: str) -> None:
        ticking, self._ticking = self._ticking, None
        if ticking is not None:
            ticking.stop()
        was_leading = self.leading.is_set()
        self.leading.clear()
        self.lock.release()
        if was_leading:
            self.announce(f"scheduler no longer leading: {why}")


def sqlite_refusal(lock: FileLock) -> str:
    """Why a second scheduler may not start on a SQLite database, and what to do instead."""
    holder = lock.holder()
    who = f" (process {holder})" if holder else ""
    return (
        f"another citycheck scheduler is already running on this SQLite database{who}, "
        f"holding {lock.path}: SQLite allows one scheduler. Stop the other one (a `citycheck "
        "scheduler`, or a `citycheck run` without --no-scheduler), start this one with "
        "--no-scheduler, or move to PostgreSQL to run several (docs/deployment.md)"
    )
