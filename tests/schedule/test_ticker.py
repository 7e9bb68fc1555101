"""The ticker (APScheduler 3, in-memory job store) and the per-channel pacing of sends."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from apscheduler.jobstores.memory import MemoryJobStore

from bot.schedule.sending import Pacer, interleave
from bot.schedule.ticker import JOB_ID, SchedulerService


def wait_until(probe: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe():
            return True
        time.sleep(0.01)
    return False


def test_the_first_sweep_runs_at_start_and_none_runs_after_stop() -> None:
    calls: list[float] = []
    service = SchedulerService(lambda: calls.append(time.monotonic()), interval=0.05)
    service.start()
    try:
        assert wait_until(lambda: len(calls) >= 3)
        scheduler = service._scheduler
        assert scheduler is not None
        job = scheduler.get_job(JOB_ID)
        assert job is not None and (job.coalesce, job.max_instances) == (True, 1)
        assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
    finally:
        service.stop()
    stopped_at = len(calls)
    time.sleep(0.2)
    assert len(calls) == stopped_at


def test_a_long_sweep_is_never_run_twice_at_once() -> None:
    running = 0
    most = 0
    done = 0
    lock = threading.Lock()

    def slow_sweep() -> None:
        nonlocal running, most, done
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.15)
        with lock:
            running -= 1
            done += 1

    service = SchedulerService(slow_sweep, interval=0.02)
    service.start()
    try:
        assert wait_until(lambda: done >= 3)
    finally:
        service.stop()
    assert most == 1


class RecordingStop(threading.Event):
    """A stop event whose waits are recorded instead of slept."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(round(timeout or 0.0, 3))
        return self.is_set()


def test_posts_to_one_channel_are_spaced_and_others_do_not_wait() -> None:
    clock = [100.0]
    stop = RecordingStop()
    pacer = Pacer(1.0, stop=stop, monotonic=lambda: clock[0])
    for channel in ("U1", "U2", "U1"):
        assert pacer.wait_turn(channel)
        pacer.sent(channel)
        clock[0] += 0.25
    assert stop.waits == [0.5]  # U1's second post waits out the rest of its second
    stop.set()
    assert not pacer.wait_turn("U1")  # a stop during the wait ends it


def test_sends_are_ordered_round_robin_over_channels() -> None:
    items = ["a1", "a2", "a3", "b1", "c1", "c2"]
    assert list(interleave(items, key=lambda s: s[0])) == ["a1", "b1", "c1", "a2", "c2", "a3"]
