"""APScheduler 3 as a ticker: it only calls the sweep every `interval` seconds.

No business state lives in APScheduler: its job store is the in-memory one, holding the one
sweep job, recreated at every start. What is due is read from the database on each tick, so a
tick missed while the process was down is simply made up by the next sweep. `coalesce` and
`max_instances=1` keep ticks from piling up behind a long sweep.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.deps import utc_now

logger = logging.getLogger("citycheck.schedule")

TICK_SECONDS = 60.0
JOB_ID = "sweep"


class SchedulerService:
    """A `BackgroundService`: ticks a sweep in a background thread until stopped."""

    def __init__(
        self,
        sweep: Callable[[], None],
        *,
        interval: float = TICK_SECONDS,
        stop: threading.Event | None = None,
    ) -> None:
        self.sweep = sweep
        self.interval = interval
        self.stop_event = stop or threading.Event()
        self._scheduler: BackgroundScheduler | None = None

    def start(self) -> None:
        """Start ticking; the first sweep runs at once (it makes up what fell due while down)."""
        # No line per tick, nor per tick skipped while a long sweep runs (coalesced anyway).
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(int(self.interval), 1),
            },
            timezone="UTC",
        )
        scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=self.interval, timezone="UTC"),
            id=JOB_ID,
            next_run_time=utc_now(),
            replace_existing=True,
        )
        scheduler.start()
        self._scheduler = scheduler
        logger.info("scheduler started: a sweep every %g s", self.interval)

    def stop(self) -> None:
        """Stop ticking; a sweep in progress finishes its current send, then ends."""
        self.stop_event.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
            logger.info("scheduler stopped")

    def _tick(self) -> None:
        if not self.stop_event.is_set():
            self.sweep()
