"""`citycheck bench`: speed and scale, measured against bare Bolt, in one run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.run_cmd import DEFAULT_THREADS

DEFAULT_OUTPUT = Path("bench/results/latest.json")
QUICK_OUTPUT = Path("bench/results/quick.json")
KEYS = ("ack", "answers", "digest", "scheduler", "startup", "queries")


ONLY_HELP = "Run only this scenario, by number or name (repeatable): " + ", ".join(KEYS) + "."
OUTPUT_HELP = f"Where to write the results (default {DEFAULT_OUTPUT}; {QUICK_OUTPUT} with --quick)."


def bench(
    quick: bool = typer.Option(
        False,
        "--quick",
        help="Small sizes: checks in seconds that every scenario runs (figures not comparable).",
    ),
    only: Annotated[
        list[str] | None, typer.Option("--only", help=ONLY_HELP, show_default=False)
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help=OUTPUT_HELP, show_default=False)
    ] = None,
    workers: int = typer.Option(1, "--workers", min=1, help="Server worker processes (both apps)."),
    threads: int = typer.Option(
        DEFAULT_THREADS, "--threads", min=1, help="Request threads per worker (both apps)."
    ),
    clients: int = typer.Option(
        2, "--client-processes", min=1, help="Processes the load generator spreads clients over."
    ),
    keep: Annotated[
        Path | None,
        typer.Option(
            "--keep",
            help="Keep the databases and the servers' logs in this folder.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the benchmarks: write the results as JSON and print them as a markdown table.

    Each scenario runs the real app over HTTP against the sandbox Slack, with signed requests
    from a load generator in other processes. Figures depend on what else the machine does:
    the load average at the start and the end is recorded with them.
    """
    from datetime import UTC, datetime

    from bot.bench.results import FAILED, markdown, write_report
    from bot.bench.runner import FULL, QUICK, bench_context, run_bench

    chosen = {name.strip().lower() for name in only or []}
    known = set(KEYS) | {str(n) for n in range(1, len(KEYS) + 1)}
    unknown = sorted(chosen - known)
    if unknown:
        print(
            f"citycheck: unknown scenario {', '.join(unknown)}: choose from "
            + ", ".join(f"{n} {k}" for n, k in enumerate(KEYS, start=1)),
            file=sys.stderr,
        )
        raise typer.Exit(2)
    path = output or (QUICK_OUTPUT if quick else DEFAULT_OUTPUT)

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    with bench_context(
        QUICK if quick else FULL,
        workers=workers,
        threads=threads,
        client_processes=clients,
        progress=progress,
        keep=keep,
    ) as ctx:
        report = run_bench(
            ctx, mode="quick" if quick else "full", started=datetime.now(UTC), only=chosen
        )
    write_report(report, path)
    print(markdown(report))
    print(f"\nresults written to {path}", file=sys.stderr)
    if any(s["status"] == FAILED for s in report["scenarios"]):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Attach `bench` to the main command line."""
    app.command("bench")(bench)
