"""Scenario 1: acknowledgement latency of citycheck's answer click against a bare Bolt app.

Both apps run at once on the same server settings, against the sandbox Slack process. At each
concurrency the answer clicks are prepared (respondents with a question waiting), then the bare
app is sent those very requests (it acks them and does nothing else), then citycheck is (warm-up
first, then the measured requests), and citycheck's work after the acks is left to finish
before the next level.

Beside the latencies, the CPU each process spent per measured request (user plus system, from
/proc): the bare app's for its acks; citycheck's for its acks and the Slack calls after them,
and the sandbox Slack's for answering those calls. On a machine shared with other work the
latencies move; the CPU per request says what the click costs.
"""

from __future__ import annotations

import time
from typing import Any

from bot.bench.cpu import CpuMeter
from bot.bench.drive import send, target_for, wait_settled
from bot.bench.interactions import answer_click
from bot.bench.processes import bare_bolt_process, citycheck_process
from bot.bench.results import MEASURED, PLACEHOLDER, Line, ScenarioResult, judged
from bot.bench.runner import BenchContext

TARGET_RATIO = 1.3
"""citycheck's p99 may be at most this many times bare Bolt's, at every concurrency."""


def run(ctx: BenchContext) -> ScenarioResult:
    """Measure both apps at every concurrency of the run's sizes."""
    sizes, interaction = ctx.sizes, answer_click()
    sandbox = ctx.sandbox()
    levels: list[dict[str, Any]] = []
    settings = {"workers": ctx.workers, "threads": ctx.threads}
    with (
        bare_bolt_process(sandbox.api_url, log=ctx.log("ack-bare"), **settings) as bare,
        citycheck_process(
            sandbox.api_url, ctx.sqlite_url("ack"), log=ctx.log("ack-citycheck"), **settings
        ) as bot,
    ):
        total, warm = sizes.warmup_requests + sizes.ack_requests, sizes.warmup_requests
        for concurrency in sizes.concurrencies:
            ctx.progress(f"    c={concurrency}: preparing {total:,} {interaction.label}s")
            sandbox.reset()
            requests = interaction.prepare(target_for(sandbox, bot, ctx.sqlite_url("ack")), total)
            load = {"concurrency": concurrency, "client_processes": ctx.client_processes}
            ctx.progress(f"    c={concurrency}: bare Bolt")
            send(bare, requests[:warm], warmup=0, **load)
            bare_cpu = CpuMeter({"bare": bare.process.pid}).start()
            base, _ = send(bare, requests[warm:], warmup=0, **load)
            bare_cpu.stop()
            ctx.progress(f"    c={concurrency}: citycheck")
            since = time.time()
            send(bot, requests[:warm], warmup=0, **load)
            warmed = wait_settled(sandbox, interaction, warm, since=since)
            cpu = CpuMeter({"citycheck": bot.process.pid, "sandbox": ctx.sandbox_pid}).start()
            measured, _ = send(bot, requests[warm:], warmup=0, **load)
            settled = wait_settled(
                sandbox, interaction, sizes.ack_requests, since=measured.started_at
            )
            cpu.stop()
            levels.append(
                {
                    "concurrency": concurrency,
                    "bare": base.summary(),
                    "citycheck": measured.summary(),
                    "citycheck_settled": warmed.done + settled.done,
                    "citycheck_settle_failures": warmed.failed + settled.failed,
                    "p50_ratio": _ratio(measured.summary()["p50_ms"], base.summary()["p50_ms"]),
                    "p99_ratio": _ratio(measured.summary()["p99_ms"], base.summary()["p99_ms"]),
                    "cpu_ms_per_request": {
                        **bare_cpu.per_request_ms(sizes.ack_requests),
                        **cpu.per_request_ms(sizes.ack_requests),
                    },
                }
            )
    return _result(levels, interaction.label, interaction.placeholder)


def _ratio(value: float, base: float) -> float | None:
    return round(value / base, 2) if base > 0 else None


def _result(levels: list[dict[str, Any]], label: str, placeholder: bool) -> ScenarioResult:
    lines = []
    for level in levels:
        c, bare, city = level["concurrency"], level["bare"], level["citycheck"]
        ratio = level["p99_ratio"]
        lines += [
            Line(f"c={c} p50 bare / citycheck", f"{bare['p50_ms']} / {city['p50_ms']} ms"),
            Line(
                f"c={c} p99 bare / citycheck",
                f"{bare['p99_ms']} / {city['p99_ms']} ms ({ratio}x)",
                f"<= {TARGET_RATIO}x bare",
                judged(ratio is not None and ratio <= TARGET_RATIO, provisional=placeholder),
            ),
            Line(
                f"c={c} throughput bare / citycheck",
                f"{bare['throughput_rps']:,.0f} / {city['throughput_rps']:,.0f} req/s",
            ),
        ]
        cpu = level.get("cpu_ms_per_request") or {}
        if cpu.get("bare") is not None and cpu.get("citycheck") is not None:
            lines.append(
                Line(
                    f"c={c} CPU per click bare / citycheck",
                    f"{cpu['bare']:.2f} / {cpu['citycheck']:.2f} ms "
                    f"(+ {cpu.get('sandbox') or 0:.2f} ms in the sandbox Slack)",
                )
            )
        errors = (bare["requests"] - bare["ok"]) + (city["requests"] - city["ok"])
        if errors or bare["failures"] or city["failures"]:
            lines.append(Line(f"c={c} errors", f"{errors} non-200, see figures"))
    note = f"citycheck was sent {label}." if placeholder else ""
    return ScenarioResult(
        1,
        "ack",
        "Acknowledgement latency",
        PLACEHOLDER if placeholder else MEASURED,
        note=note,
        figures={"interaction": label, "placeholder": placeholder, "levels": levels},
        lines=lines,
    )
