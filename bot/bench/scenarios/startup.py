"""Scenario 5: `citycheck run` (HTTP, SQLite file, the sandbox Slack) to a ready `/healthz`.

The first start creates the database (every migration); the measured starts reuse it, as a
restart does. Each is timed from launching the process to the first 200 from `/healthz`, then
stopped with SIGTERM.
"""

from __future__ import annotations

import statistics
import subprocess
import time

from bot.bench.processes import (
    START_TIMEOUT_S,
    bot_env,
    citycheck_command,
    free_port,
    stop,
    wait_for_health,
)
from bot.bench.results import MEASURED, Line, ScenarioResult, judged
from bot.bench.runner import BenchContext

TARGET_S = 2.0


def start_once(api_url: str, database_url: str, ctx: BenchContext) -> float:
    """Seconds from launching `citycheck run` to a 200 from /healthz."""
    port = free_port()
    with ctx.log("startup").open("ab") as output:
        began = time.monotonic()
        process = subprocess.Popen(
            citycheck_command(port, ctx.workers, ctx.threads),
            env=bot_env(api_url, database_url),
            stdout=output,
            stderr=output,
        )
        try:
            wait_for_health(f"http://127.0.0.1:{port}/healthz", process, START_TIMEOUT_S)
            return time.monotonic() - began
        finally:
            stop(process)


def run(ctx: BenchContext) -> ScenarioResult:
    """Start once on a new database, then `startup_runs` times on the existing one."""
    api_url = ctx.sandbox().api_url
    database_url = ctx.sqlite_url("startup")
    first = start_once(api_url, database_url, ctx)
    times = []
    for _ in range(ctx.sizes.startup_runs):
        times.append(start_once(api_url, database_url, ctx))
    median, worst = statistics.median(times), max(times)
    return ScenarioResult(
        5,
        "startup",
        "Start-up",
        MEASURED,
        note="Median judged; the machine's other work shows in the max.",
        figures={
            "first_start_new_database_s": round(first, 3),
            "starts_s": [round(t, 3) for t in times],
            "median_s": round(median, 3),
            "max_s": round(worst, 3),
        },
        lines=[
            Line(
                f"to ready /healthz, median of {len(times)}",
                f"{median:.2f} s",
                f"< {TARGET_S:g} s",
                judged(median < TARGET_S),
            ),
            Line(f"max of {len(times)}", f"{worst:.2f} s"),
            Line("first start, new database (migrations)", f"{first:.2f} s"),
        ],
    )
