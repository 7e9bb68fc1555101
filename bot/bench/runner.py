"""The benchmark run: sizes, the shared context, the list of scenarios, and running them.

A scenario is a function `run(ctx: BenchContext) -> ScenarioResult` registered in `SCENARIOS`
with its number, key and title. The context gives it the sizes of this run (full or `--quick`),
the server settings, a working folder for databases and logs, the sandbox Slack process, and a
`progress` callback; a scenario that raises is recorded as failed and the others still run.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.bench import processes
from bot.bench.results import FAILED, ScenarioResult, build_report, load_average

SIMULATED_NOW = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
"""The `now` of the synthetic cohorts: a Monday, so the simulated week is Monday to Sunday."""


@dataclass(frozen=True)
class Sizes:
    """How much work each scenario does."""

    ack_requests: int = 2000
    warmup_requests: int = 200
    concurrencies: tuple[int, ...] = (1, 16, 64)
    answer_requests: int = 2000
    answer_concurrency: int = 16
    postgres: bool = True
    startup_runs: int = 5
    digest_cities: tuple[int, ...] = (100, 1_000, 10_000)
    milestones: int = 100_000
    milestone_cities: int = 10_000
    tick_hours: int = 3
    """Hours between scheduler ticks over the simulated week."""
    tick_budget_s: float = 150.0
    """The scheduler's week stops after this many seconds of sweeping."""


FULL = Sizes()
QUICK = Sizes(
    ack_requests=150,
    warmup_requests=20,
    concurrencies=(1, 4),
    answer_requests=150,
    answer_concurrency=4,
    postgres=False,
    startup_runs=2,
    digest_cities=(10, 20),
    milestones=500,
    milestone_cities=50,
    tick_hours=24,
    tick_budget_s=20.0,
)


@dataclass
class BenchContext:
    """What every scenario gets."""

    sizes: Sizes
    workers: int
    threads: int
    client_processes: int
    workdir: Path
    progress: Callable[[str], None] = print
    shared: dict[str, Any] = field(default_factory=dict)
    """What scenarios share within a run (e.g. the synthetic cohort database)."""
    _stack: ExitStack = field(default_factory=ExitStack)
    _sandbox: processes.Served | None = None

    @property
    def sandbox_url(self) -> str:
        """The sandbox Slack process's root URL (started on first use, stopped at the end)."""
        return self._sandbox_process().url

    @property
    def sandbox_pid(self) -> int:
        """The sandbox Slack process's id (its CPU time is measured beside the apps')."""
        return self._sandbox_process().process.pid

    def _sandbox_process(self) -> processes.Served:
        if self._sandbox is None:
            self._sandbox = self._stack.enter_context(processes.sandbox_process())
        return self._sandbox

    def sandbox(self) -> Any:
        """Driver operations on the sandbox process."""
        from bot.sandbox.remote import RemoteSandbox

        return RemoteSandbox(self.sandbox_url, timeout=60)

    def sqlite_url(self, name: str) -> str:
        """A SQLite file database in the working folder (new unless the name was used)."""
        return f"sqlite:///{self.workdir / (name + '.db')}"

    def log(self, name: str) -> Path:
        """A log file for a child process's output."""
        return self.workdir / f"{name}.log"

    def settings(self) -> dict[str, Any]:
        """The settings recorded with the results."""
        return {
            "sizes": asdict(self.sizes),
            "server": f"gunicorn gthread, {self.workers} worker(s) x {self.threads} threads",
            "client_processes": self.client_processes,
        }


@dataclass(frozen=True)
class Scenario:
    """A registered scenario."""

    number: int
    key: str
    title: str
    run: Callable[[BenchContext], ScenarioResult]


def scenarios() -> list[Scenario]:
    """Every scenario, in the order of the table."""
    from bot.bench.scenarios import ack, answers, queries, scale, startup

    return [
        Scenario(1, "ack", "Acknowledgement latency", ack.run),
        Scenario(2, "answers", "Complete answers per second", answers.run),
        Scenario(3, "digest", "Digest at scale", scale.run_digest),
        Scenario(4, "scheduler", "Scheduler at scale", scale.run_scheduler),
        Scenario(5, "startup", "Start-up", startup.run),
        Scenario(6, "queries", "Queries per interaction", queries.run),
    ]


@contextmanager
def bench_context(
    sizes: Sizes,
    *,
    workers: int,
    threads: int,
    client_processes: int,
    progress: Callable[[str], None],
    keep: Path | None = None,
) -> Iterator[BenchContext]:
    """A context with a fresh working folder (removed afterwards unless `keep` names one)."""
    workdir = keep or Path(tempfile.mkdtemp(prefix="citycheck-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    ctx = BenchContext(sizes, workers, threads, client_processes, workdir, progress)
    try:
        with ctx._stack:
            yield ctx
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


def run_scenarios(ctx: BenchContext, only: set[str] | None = None) -> list[ScenarioResult]:
    """Run the chosen scenarios (all by default); a failure is recorded, not raised."""
    results = []
    for scenario in scenarios():
        if only and scenario.key not in only and str(scenario.number) not in only:
            continue
        ctx.progress(f"[{scenario.number}] {scenario.title} ...")
        started = time.monotonic()
        try:
            result = scenario.run(ctx)
        except Exception as exc:
            result = ScenarioResult(
                scenario.number,
                scenario.key,
                scenario.title,
                FAILED,
                note=f"{type(exc).__name__}: {exc}"[:600],
            )
        result.seconds = round(time.monotonic() - started, 1)
        result.load_average = load_average()
        ctx.progress(
            f"[{scenario.number}] {result.status} in {result.seconds} s "
            f"(load average {result.load_average})"
        )
        results.append(result)
    return results


def run_bench(
    ctx: BenchContext, *, mode: str, started: datetime, only: set[str] | None = None
) -> dict[str, Any]:
    """Run the scenarios and return the result document (dated `started`)."""
    load_at_start = load_average()  # before the run's own processes add to it
    results = run_scenarios(ctx, only)
    return build_report(
        started=started,
        mode=mode,
        settings=ctx.settings(),
        scenarios=results,
        load_at_start=load_at_start,
    )
