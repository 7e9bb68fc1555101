"""Scenario 2: complete answers per second, on SQLite and on PostgreSQL.

A complete answer is a click acknowledged, the answer stored, the question message replaced by
its record and the next question posted in the sandbox: throughput counts the interactions
whose settling calls (`settles_on`) all reached the sandbox, from the release of the clients to
the last such call. The answers the database holds afterwards are counted too, and the CPU each
process spent per complete answer (citycheck's acks and Slack calls, the sandbox Slack answering
them, the load generator): with one core per citycheck process (Python runs one thread at a
time) and all of them sharing the machine's cores, those costs bound the rate.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from bot.bench.cpu import CpuMeter
from bot.bench.drive import send, target_for, wait_settled
from bot.bench.interactions import Interaction, answer_click
from bot.bench.processes import citycheck_process
from bot.bench.results import MEASURED, PLACEHOLDER, Line, ScenarioResult, judged
from bot.bench.runner import BenchContext

TARGET_SQLITE = 300
"""Complete answers per second on SQLite at 16 clients."""


def _databases(ctx: BenchContext) -> list[tuple[str, AbstractContextManager[str]]]:
    found: list[tuple[str, AbstractContextManager[str]]] = [
        ("sqlite", nullcontext(ctx.sqlite_url("answers")))
    ]
    if ctx.sizes.postgres and shutil.which("initdb"):
        from storage.pgtemp import temporary_postgres

        found.append(("postgresql", temporary_postgres(fast=False)))
    return found


def run(ctx: BenchContext) -> ScenarioResult:
    """Measure complete interactions per second on each database."""
    from storage import migrate

    interaction = answer_click()
    runs: dict[str, dict[str, Any]] = {}
    for name, database in _databases(ctx):
        with database as url:
            migrate.upgrade(url)  # `citycheck run` leaves a PostgreSQL schema to `db upgrade`
            runs[name] = _measure(ctx, interaction, name, url)
    return _result(runs, ctx.sizes.answer_concurrency, interaction.label, interaction.placeholder)


def _measure(ctx: BenchContext, interaction: Interaction, name: str, url: str) -> dict[str, Any]:
    """Warm up, then send the measured requests and wait until every one has settled."""
    sizes, sandbox = ctx.sizes, ctx.sandbox()
    with citycheck_process(
        sandbox.api_url, url, workers=ctx.workers, threads=ctx.threads,
        log=ctx.log(f"answers-{name}"),
    ) as bot:  # fmt: skip
        ctx.progress(f"    {name}: {interaction.label}")
        sandbox.reset()
        total = sizes.warmup_requests + sizes.answer_requests
        requests = interaction.prepare(target_for(sandbox, bot, url), total)
        warm = requests[: sizes.warmup_requests]
        if warm:
            since = time.time()
            send(bot, warm, concurrency=sizes.answer_concurrency, warmup=0,
                 client_processes=ctx.client_processes)  # fmt: skip
            wait_settled(sandbox, interaction, len(warm), since=since)
        cpu = CpuMeter({"citycheck": bot.process.pid, "sandbox": ctx.sandbox_pid}).start()
        measured, _ = send(
            bot,
            requests[sizes.warmup_requests :],
            concurrency=sizes.answer_concurrency,
            warmup=0,
            client_processes=ctx.client_processes,
        )
        settled = wait_settled(
            sandbox, interaction, sizes.answer_requests, since=measured.started_at
        )
        cpu.stop()
    elapsed = settled.last_at - measured.started_at
    per_answer = cpu.per_request_ms(sizes.answer_requests)
    per_answer["load generator"] = measured.summary()["client_cpu_us_per_request"] / 1000
    return {
        "cpu_ms_per_answer": per_answer,
        "workers": ctx.workers,
        "acks": measured.summary(),
        "stored": stored_answers(url),
        "complete": settled.done,
        "failed": settled.failed,
        "seconds": round(elapsed, 3),
        "complete_per_s": round(settled.done / elapsed, 1) if elapsed > 0 else 0.0,
    }


def stored_answers(url: str) -> int:
    """How many answers the database holds (one per complete click, warm-up included)."""
    from sqlalchemy import func, select

    from storage.engine import make_engine
    from storage.models import Answer

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(Answer)).scalar_one())
    finally:
        engine.dispose()


def cpu_ceiling(run: dict[str, Any]) -> str:
    """The CPU one complete answer cost each process, and the rate those costs allow."""
    cpu = run.get("cpu_ms_per_answer") or {}
    bot, sandbox = cpu.get("citycheck"), cpu.get("sandbox")
    if not bot or sandbox is None:
        return ""
    client = cpu.get("load generator") or 0.0
    cores = os.cpu_count() or 1
    workers = min(int(run.get("workers") or 1), cores)
    return (
        f"citycheck {bot:.2f} + sandbox Slack {sandbox:.2f} + load generator {client:.2f} ms: "
        f"at most {1000 * workers / bot:,.0f}/s ({workers} citycheck process, one core each), "
        f"{1000 * cores / (bot + sandbox + client):,.0f}/s (all on {cores} cores)"
    )


def _result(
    runs: dict[str, dict[str, Any]], concurrency: int, label: str, placeholder: bool
) -> ScenarioResult:
    lines = []
    for name, run in runs.items():
        shown = (
            f"{run['complete_per_s']:,.0f}/s ({run['complete']} complete, {run['failed']} failed, "
            f"{run['stored']} answers stored)"
        )
        if name == "sqlite":
            lines.append(
                Line(
                    f"{name}, c={concurrency}",
                    shown,
                    f">= {TARGET_SQLITE}/s at c=16",
                    judged(
                        run["complete_per_s"] >= TARGET_SQLITE and run["failed"] == 0,
                        provisional=placeholder or concurrency != 16,
                    ),
                )
            )
        else:
            lines.append(Line(f"{name}, c={concurrency}", shown, "reported"))
        limit = cpu_ceiling(run)
        if limit:
            lines.append(Line(f"{name}: CPU per complete answer", limit))
    if "postgresql" not in runs:
        lines.append(Line("postgresql", "not run (no initdb, or --quick)"))
    return ScenarioResult(
        2,
        "answers",
        "Complete answers per second",
        PLACEHOLDER if placeholder else MEASURED,
        note=f"citycheck was sent {label}." if placeholder else "",
        figures={"interaction": label, "placeholder": placeholder, "runs": runs},
        lines=lines,
    )
