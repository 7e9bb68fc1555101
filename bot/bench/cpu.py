"""CPU time spent by the processes under test: what a request costs, whatever the wall clock says.

On a shared machine latency and throughput move with other people's work; the CPU a process
spent does much less. `CpuMeter({"citycheck": pid, "sandbox": pid})` reads each process's user
and system time, its descendants included (gunicorn's workers), from /proc when started and
stopped; `per_request_ms(n)` divides by the requests served. On a system without /proc every
figure is None.
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def _ticks() -> int:
    try:
        return int(os.sysconf("SC_CLK_TCK"))
    except (AttributeError, ValueError, OSError):
        return 100


def process_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of one process (None when it cannot be read)."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _ticks()


def descendants(pid: int) -> list[int]:
    """The process's children, their children, and so on (those alive now)."""
    found: list[int] = []
    pending = [pid]
    while pending:
        parent = pending.pop()
        try:
            tasks = list((PROC / str(parent) / "task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except (OSError, ValueError):
                continue
            found += children
            pending += children
    return found


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU seconds of a process and its descendants alive now (None without /proc)."""
    own = process_cpu_seconds(pid)
    if own is None:
        return None
    return own + sum(process_cpu_seconds(child) or 0.0 for child in descendants(pid))


class CpuMeter:
    """CPU spent by named process trees between `start()` and `stop()`."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = dict(pids)
        self._before: dict[str, float | None] = {}
        self.spent: dict[str, float | None] = {}

    def start(self) -> CpuMeter:
        """Read every process's CPU time now."""
        self._before = {name: tree_cpu_seconds(pid) for name, pid in self.pids.items()}
        return self

    def stop(self) -> dict[str, float | None]:
        """CPU seconds each spent since `start()` (None where it could not be read)."""
        for name, pid in self.pids.items():
            now, before = tree_cpu_seconds(pid), self._before.get(name)
            self.spent[name] = None if now is None or before is None else max(0.0, now - before)
        return self.spent

    def per_request_ms(self, requests: int) -> dict[str, float | None]:
        """Milliseconds of CPU per request for each process (after `stop()`)."""
        return {
            name: None if spent is None or requests <= 0 else round(spent * 1000 / requests, 3)
            for name, spent in self.spent.items()
        }
