"""Scenarios 3 and 4: every city's weekly digest, and scheduler ticks, over a synthetic cohort.

One cohort database serves both: it grows to each digest size (100, 1,000, 10,000 cities, ten
milestones each by default) and the scheduler sweeps the largest. Each measurement runs in its
own process (`bot.bench.measure`): time, SQL statements, peak resident memory. While the
scheduler's code (`jobs.DIGEST_BUILDER`, `jobs.SWEEPER`) is not installed, the scenario reports
"pending" and only checks the data generator on a small cohort.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

from bot.bench.measure import Pending, measure_in_subprocess, resolve
from bot.bench.results import MEASURED, PENDING, Line, ScenarioResult, judged
from bot.bench.runner import SIMULATED_NOW, BenchContext
from bot.bench.scenarios.jobs import DIGEST_BUILDER, SWEEPER
from bot.bench.synthetic import generate_cohort

DIGEST_TARGET_S = 2.0
DIGEST_TARGET_CITIES = 10_000
DIGEST_DAY = SIMULATED_NOW + timedelta(days=5)
"""The digests are built on the Saturday of the simulated week: every city's slot has passed."""
TICK_TARGET_S = 1.0
TICK_TARGET_MB = 300.0
TICK_TARGET_MILESTONES = 100_000
PENDING_CHECK_CITIES = 20
"""Cities generated while the measured code is pending (checks the generator only)."""


def cohort(ctx: BenchContext, cities: int) -> str:
    """The URL of the run's cohort database, grown to at least `cities` cities."""
    from rubric.loader import load_bundled_rubric
    from storage import migrate
    from storage.engine import make_engine

    state: dict[str, Any] = ctx.shared.setdefault("cohort", {"cities": 0, "seconds": 0.0})
    url = ctx.sqlite_url("cohort")
    if cities <= state["cities"]:
        return url
    per_city = ctx.sizes.milestones // max(ctx.sizes.milestone_cities, 1)
    engine = make_engine(url)
    try:
        if state["cities"] == 0:
            migrate.upgrade(engine)
        ctx.progress(f"    generating a cohort of {cities:,} cities")
        started = time.perf_counter()
        added = cities - state["cities"]
        generate_cohort(
            engine,
            rubric=load_bundled_rubric(),
            now=SIMULATED_NOW,
            cities=added,
            milestones=added * per_city,
            seed=cities,
        )
        state["seconds"] += time.perf_counter() - started
        state["cities"] = cities
    finally:
        engine.dispose()
    return url


def _pending(ctx: BenchContext, number: int, key: str, title: str, reason: str) -> ScenarioResult:
    """A pending scenario: the generator is still run on a small cohort, and its rows shown."""
    from rubric.loader import load_bundled_rubric
    from storage import migrate
    from storage.engine import make_engine

    engine = make_engine(ctx.sqlite_url(f"{key}-pending"))
    try:
        migrate.upgrade(engine)
        started = time.perf_counter()
        summary = generate_cohort(
            engine,
            rubric=load_bundled_rubric(),
            now=SIMULATED_NOW,
            cities=PENDING_CHECK_CITIES,
            milestones=PENDING_CHECK_CITIES * 10,
        )
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    rows = ", ".join(f"{n:,} {name}" for name, n in summary.rows.items() if n)
    return ScenarioResult(
        number,
        key,
        title,
        PENDING,
        note=f"{reason}; the synthetic data generator was checked on a small cohort.",
        figures={"generated_rows": summary.rows, "generation_s": round(seconds, 3)},
        lines=[Line("synthetic cohort (generator check)", rows, "", PENDING)],
    )


def run_digest(ctx: BenchContext) -> ScenarioResult:
    """Digest time, statements and peak memory at each cohort size."""
    try:
        resolve(DIGEST_BUILDER)
    except Pending as exc:
        return _pending(ctx, 3, "digest", "Digest at scale", str(exc))
    sizes: dict[int, dict[str, Any]] = {}
    for cities in sorted(ctx.sizes.digest_cities):
        url = cohort(ctx, cities)
        ctx.progress(f"    digests of {cities:,} cities")
        sizes[cities] = measure_in_subprocess(
            "bot.bench.scenarios.jobs:digest_job", database_url=url, now=DIGEST_DAY
        )
    largest, smallest = max(sizes), min(sizes)
    provisional = largest < DIGEST_TARGET_CITIES
    lines = [
        Line(
            f"{cities:,} cities",
            f"{m['outcome']['built']:,} digests in {m['seconds']:.2f} s, "
            f"{m['statements']} statements, {m['peak_rss_mb']:.0f} MB peak",
        )
        for cities, m in sizes.items()
    ]
    top, low = sizes[largest], sizes[smallest]
    lines += [
        Line(
            f"time at {largest:,} cities",
            f"{top['seconds']:.2f} s",
            f"< {DIGEST_TARGET_S:g} s at 10,000",
            judged(top["seconds"] < DIGEST_TARGET_S, provisional=provisional),
        ),
        Line(
            f"statements, {smallest:,} -> {largest:,} cities",
            f"{low['statements']} -> {top['statements']}",
            "not growing",
            judged(top["statements"] <= low["statements"], provisional=provisional),
        ),
    ]
    figures = {"sizes": sizes, "cohort_generation_s": round(ctx.shared["cohort"]["seconds"], 1)}
    return ScenarioResult(3, "digest", "Digest at scale", MEASURED, figures=figures, lines=lines)


def run_scheduler(ctx: BenchContext) -> ScenarioResult:
    """Ticks over a simulated week of milestones: time per tick, memory, claims, duplicates."""
    sizes = ctx.sizes
    try:
        resolve(SWEEPER)
    except Pending as exc:
        return _pending(ctx, 4, "scheduler", "Scheduler at scale", str(exc))
    url = cohort(ctx, sizes.milestone_cities)
    ctx.progress(
        f"    sweeping every {sizes.tick_hours} h for a week (at most {sizes.tick_budget_s:g} s)"
    )
    m = measure_in_subprocess(
        "bot.bench.scenarios.jobs:scheduler_job",
        database_url=url,
        now=SIMULATED_NOW,
        params={"hours": sizes.tick_hours, "budget_s": sizes.tick_budget_s},
    )
    outcome, provisional = m["outcome"], sizes.milestones < TICK_TARGET_MILESTONES
    ticks = list(zip(outcome["tick_s"], outcome["due_per_tick"], strict=True))
    worst_due = max(ticks)[1]
    quiet = [t for t, due in ticks if due == 0]
    slowest = (
        f"{outcome['max_tick_s']:.2f} s with {worst_due:,} sends due "
        f"(median {outcome['median_tick_s']:.2f} s)"
    )
    if outcome["stopped"]:
        slowest += f", stopped after {sizes.tick_budget_s:g} s"
    lines = [
        Line(
            f"slowest of {outcome['ticks']} ticks, {sizes.milestones:,} milestones",
            slowest,
            f"< {TICK_TARGET_S:g} s",
            judged(
                outcome["max_tick_s"] < TICK_TARGET_S and not outcome["stopped"],
                provisional=provisional,
            ),
        ),
        Line(
            f"ticks with nothing due ({len(quiet)})",
            f"slowest {max(quiet):.2f} s, median {statistics.median(quiet):.2f} s"
            if quiet
            else "none",
        ),
        Line(
            "busiest ticks: time per send due",
            _per_send(ticks),
        ),
        Line(
            "peak memory",
            f"{m['peak_rss_mb']:.0f} MB",
            f"< {TICK_TARGET_MB:g} MB",
            judged(m["peak_rss_mb"] < TICK_TARGET_MB, provisional=provisional),
        ),
        Line("sends claimed", f"{outcome['claimed']:,}"),
        Line("duplicates", str(outcome["duplicates"]), "0", judged(outcome["duplicates"] == 0)),
    ]
    note = (
        "The week was cut short by the time budget: the ticks did not finish."
        if outcome["stopped"]
        else ""
    )
    return ScenarioResult(
        4,
        "scheduler",
        "Scheduler at scale",
        MEASURED,
        note=note,
        figures={"measurement": m},
        lines=lines,
    )


def _per_send(ticks: list[tuple[float, int]]) -> str:
    """Milliseconds per send due over the ticks with the most due (a quarter of them)."""
    busy = sorted(ticks, key=lambda tick: tick[1], reverse=True)[: max(len(ticks) // 4, 1)]
    sends = sum(due for _, due in busy)
    if not sends:
        return "no sends due"
    seconds = sum(t for t, _ in busy)
    return f"{seconds * 1000 / sends:.2f} ms over {len(busy)} ticks, {sends:,} sends"
