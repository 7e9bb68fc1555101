"""The work scenarios 3 and 4 measure, run inside the measuring process (`bot.bench.measure`).

`DIGEST_BUILDER` and `SWEEPER` name the scheduler's code; `digest_job` and `scheduler_job`
call it the way the scheduler does, on a database the scenario filled.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from bot.bench.measure import resolve
from rubric.schema import Rubric

DIGEST_BUILDER = "bot.schedule.digest:build_digests"
"""Builds the digests of a batch of cities: `(session, *, rubric, due, now) -> {city id: view}`."""
SWEEPER = "bot.schedule.sweep:Sweeper"
"""The scheduler's sweep: `Sweeper(engine, rubric, sender, clock=, pacer=).sweep()`."""


def digest_job(engine: Engine, *, rubric: Rubric, now: datetime) -> dict[str, Any]:
    """Build every city's digest of the week at once, as a sweep does (the measuring process)."""
    from bot.schedule.due import due_digests
    from storage.repo import sweeps
    from storage.session import unit_of_work

    build = resolve(DIGEST_BUILDER)
    with unit_of_work(engine, read_only=True) as session:
        due = due_digests(now, sweeps.all_cities(session))
        built = len(build(session, rubric=rubric, due=due, now=now))
    return {"due": len(due), "built": built}


class _Recorder:
    """A sender that posts nothing and counts each ledger row it was asked to send."""

    def __init__(self) -> None:
        self.sent: Counter[int] = Counter()

    def send(self, outgoing: Any) -> None:
        self.sent[outgoing.ledger_id] += 1

    def was_delivered(self, outgoing: Any) -> bool:
        return self.sent[outgoing.ledger_id] > 0


def scheduler_job(
    engine: Engine, *, rubric: Rubric, now: datetime, hours: int, budget_s: float, days: int = 7
) -> dict[str, Any]:
    """Sweep every `hours` over `days` from `now`, then repeat the last sweep; count duplicates.

    Sends go to a recorder (no Slack) without per-channel pacing, so a tick's time is the
    sweep's own work: loading, deciding, claiming in the ledger, recording. After `budget_s`
    seconds the sweeper is told to stop and the week ends there (`stopped`).
    """
    from bot.schedule.sending import Pacer

    sweeper_class = resolve(SWEEPER)
    recorder, stop = _Recorder(), threading.Event()
    moment = [now]
    sweeper = sweeper_class(
        engine, rubric, recorder, clock=lambda: moment[0], pacer=Pacer(interval=0.0, stop=stop)
    )
    timer = threading.Timer(budget_s, stop.set)
    timer.daemon = True
    timer.start()
    times, due = [], []
    try:
        for tick in range(days * 24 // hours):
            moment[0] = now + timedelta(hours=hours * tick)
            started = time.perf_counter()
            report = sweeper.sweep()
            times.append(time.perf_counter() - started)
            due.append(report.due)
            if stop.is_set():
                break
        repeated = 0 if stop.is_set() else sweeper.sweep().sent  # the last tick, once more
    finally:
        timer.cancel()
    return {
        "ticks": len(times),
        "stopped": stop.is_set(),
        "max_tick_s": round(max(times), 4),
        "median_tick_s": round(statistics.median(times), 4),
        "tick_s": [round(t, 4) for t in times],
        "due_per_tick": due,
        "claimed": sum(recorder.sent.values()),
        "duplicates": sum(n - 1 for n in recorder.sent.values() if n > 1) + repeated,
    }
