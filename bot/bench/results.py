"""Benchmark results: the machine they ran on, each scenario's figures and targets, JSON and table.

A scenario returns a `ScenarioResult`: its status, raw `figures` (kept in the JSON as measured)
and `lines`, the rows of the printed table, each a measure with its figure and, where the
project has a target for it, the target and whether it was met (`pass`, `miss`, or `pending`
while the figure comes from a placeholder or the code it measures does not exist yet).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

MEASURED = "measured"
PLACEHOLDER = "placeholder"
PENDING = "pending"
FAILED = "failed"
SKIPPED = "skipped"

PASS, MISS = "pass", "miss"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Line:
    """One row of the table: a measure, its figure, and the target it is held to (if any)."""

    measure: str
    figure: str
    target: str = ""
    result: str = ""
    """`pass`, `miss`, `pending`, or empty when the measure has no target."""


@dataclass
class ScenarioResult:
    """What one scenario measured."""

    number: int
    key: str
    title: str
    status: str
    note: str = ""
    figures: dict[str, Any] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    seconds: float = 0.0
    load_average: list[float] | None = None
    """The machine's load average (1, 5, 15 min) when the scenario ended: its own processes
    count in it, with whatever else the machine was doing."""


def judged(ok: bool, *, provisional: bool = False) -> str:
    """`pass`/`miss`, or `pending` when the figure is only provisional (a placeholder)."""
    if provisional:
        return PENDING
    return PASS if ok else MISS


def _first_line(argv: list[str]) -> str | None:
    if shutil.which(argv[0]) is None:
        return None
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip().splitlines()[0] if result.stdout.strip() else None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError):
        pass
    return None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def load_average() -> list[float] | None:
    """The load average over 1, 5 and 15 minutes (None where the system has none)."""
    if not hasattr(os, "getloadavg"):
        return None
    return [round(x, 2) for x in os.getloadavg()]


def machine_info(load_at_start: list[float] | None = None) -> dict[str, Any]:
    """CPU, cores, memory, OS, Python, SQLite, PostgreSQL and library versions, load average
    (`load_at_start` when the run recorded it before its first scenario, else now)."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _first_line(["postgres", "--version"])
        or _first_line(["pg_ctl", "--version"]),
        "slack_bolt": _version("slack-bolt"),
        "gunicorn": _version("gunicorn"),
        "sqlalchemy": _version("sqlalchemy"),
        "load_average_at_start": load_at_start or load_average(),
    }


def build_report(
    *,
    started: datetime,
    mode: str,
    settings: dict[str, Any],
    scenarios: list[ScenarioResult],
    load_at_start: list[float] | None = None,
) -> dict[str, Any]:
    """The whole result document written to latest.json."""
    machine = machine_info(load_at_start)
    machine["load_average_at_end"] = load_average()
    return {
        "schema": SCHEMA_VERSION,
        "date": started.isoformat(timespec="seconds"),
        "mode": mode,
        "machine": machine,
        "settings": settings,
        "scenarios": [asdict(s) for s in scenarios],
    }


def write_report(report: dict[str, Any], path: Path) -> None:
    """Write the result document as indented JSON (the folder is created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(report: dict[str, Any]) -> str:
    """The result as a markdown table, headed by the machine and date."""
    m = report["machine"]
    head = (
        f"Run {report['date']} ({report['mode']}) on {m['cpu']}, {m['cores']} cores, "
        f"{m['memory_gib']} GiB, Python {m['python']}, SQLite {m['sqlite']}, "
        f"{m['postgresql'] or 'no PostgreSQL'}; load average at start "
        f"{m['load_average_at_start']}, at end {m.get('load_average_at_end')}."
    )
    rows = [
        "| # | Scenario | Measure | Figure | Target | Result |",
        "|---|---|---|---|---|---|",
    ]
    for scenario in report["scenarios"]:
        title = scenario["title"]
        if scenario["status"] not in (MEASURED,):
            title += f" ({scenario['status']})"
        lines = scenario["lines"] or [{"measure": "", "figure": "", "target": "", "result": ""}]
        for index, line in enumerate(lines):
            first = index == 0
            rows.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        str(scenario["number"]) if first else "",
                        title if first else "",
                        line["measure"],
                        line["figure"],
                        line["target"],
                        line["result"],
                    )
                )
                + " |"
            )
    notes = [
        f"- {s['number']}. {s['title']}: {s['note']}" for s in report["scenarios"] if s["note"]
    ]
    loads = [
        f"{s['number']} {s['key']} {s['load_average']}"
        for s in report["scenarios"]
        if s.get("load_average")
    ]
    if loads:
        notes.append(
            "- Load average after each scenario (its own processes included): "
            + "; ".join(loads)
            + "."
        )
    return "\n".join([head, "", *rows, *(["", *notes] if notes else [])])
