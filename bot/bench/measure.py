"""Measuring one piece of work: its time, its SQL statements and its peak memory.

`StatementCounter` counts (and keeps the start of) every statement an Engine sends, with
SQLAlchemy's `before_cursor_execute` event. `measure_in_subprocess("module:function", ...)` runs
a job in a fresh `python -m bot.bench.measure` process, so that its peak resident memory
(`ru_maxrss`) is its own: the child opens the database, loads the rubric, then times
`function(engine, rubric=..., now=..., **params)` with the counter attached and prints one JSON
line (`seconds`, `statements`, `peak_rss_mb`, `rss_before_mb`, `outcome`: what the job returned).
"""

from __future__ import annotations

import importlib
import json
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

KEEP_STATEMENTS = 50
"""How many statements a counter keeps the text of (the start of each)."""


class Pending(Exception):
    """The code a scenario measures is not part of this installation yet."""


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class StatementCounter:
    """Counts the SQL statements sent through an engine while attached.

    `count` is the queries (reads and writes); transaction control sent as a statement (SQLite's
    `BEGIN IMMEDIATE`, savepoints) is counted apart in `control`, as PostgreSQL's driver sends
    BEGIN without a statement and the two databases would otherwise count differently.
    """

    engine: Engine
    count: int = 0
    control: int = 0
    statements: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        text = " ".join(statement.split())
        with self._lock:
            if text.upper().startswith(TRANSACTION_CONTROL):
                self.control += 1
                return
            self.count += 1
            if len(self.statements) < KEEP_STATEMENTS:
                self.statements.append(text[:160])

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def reset(self) -> None:
        """Start counting again from zero."""
        with self._lock:
            self.count = self.control = 0
            self.statements = []


def resolve(path: str) -> Callable[..., Any]:
    """The function at `module:name`; Pending when its module is not installed."""
    module_name, _, name = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            raise Pending(f"{module_name} is not part of this installation yet") from None
        raise
    found = getattr(module, name, None)
    if found is None:
        raise Pending(f"{module_name} has no {name} yet")
    return found  # type: ignore[no-any-return]


def _rss_mb() -> float:
    """This process's resident memory now, in MB (Linux), else its peak so far."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * resource.getpagesize() / 1e6
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def run_job(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one job as described by `spec` in this process and measure it."""
    from rubric.loader import load_bundled_rubric
    from storage.engine import make_engine

    job = resolve(spec["job"])
    engine = make_engine(spec["database_url"])
    rubric = load_bundled_rubric()
    now = datetime.fromisoformat(spec["now"])
    rss_before = _rss_mb()
    with StatementCounter(engine) as counter:
        started = time.perf_counter()
        outcome = job(engine, rubric=rubric, now=now, **(spec.get("params") or {}))
        seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "seconds": round(seconds, 4),
        "statements": counter.count,
        "transaction_control": counter.control,
        "first_statements": counter.statements[:10],
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3, 1),
        "outcome": outcome,
    }


def measure_in_subprocess(
    job: str, *, database_url: str, now: datetime, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run `job` in a fresh process and return its measurement; Pending passes through."""
    spec = {"job": job, "database_url": database_url, "now": now.isoformat(), "params": params}
    result = subprocess.run(
        [sys.executable, "-m", "bot.bench.measure", json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        last = " | ".join(result.stderr.strip().splitlines()[-3:])
        raise RuntimeError(f"measuring {job} failed: {last}")
    answer: dict[str, Any] = json.loads(lines[-1])
    if "pending" in answer:
        raise Pending(answer["pending"])
    return answer


def main(argv: list[str]) -> int:
    """`python -m bot.bench.measure SPEC_JSON`: print one JSON line with the measurement."""
    spec = json.loads(argv[0])
    try:
        print(json.dumps(run_job(spec), default=str), flush=True)
    except Pending as exc:
        print(json.dumps({"pending": str(exc)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
