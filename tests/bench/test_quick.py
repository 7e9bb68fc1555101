"""`citycheck bench --quick` runs every scenario and writes well-formed results (never timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bench.runner import QUICK

STATUSES = {"measured", "placeholder", "pending"}
RESULTS = {"", "pass", "miss", "pending"}


@pytest.mark.slow
def test_quick_run_completes_and_writes_every_scenario(tmp_path: Path) -> None:
    output = tmp_path / "results" / "quick.json"
    run = subprocess.run(
        [sys.executable, "-m", "bot", "bench", "--quick", "--output", str(output),
         "--keep", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip

    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(output.read_text())
    assert report["mode"] == "quick"
    machine = report["machine"]
    for key in (
        "cpu",
        "cores",
        "memory_gib",
        "python",
        "sqlite",
        "postgresql",
        "load_average_at_start",
        "load_average_at_end",
    ):
        assert key in machine
    assert machine["cores"] >= 1 and machine["python"].startswith("3.")
    scenarios = {s["number"]: s for s in report["scenarios"]}
    assert sorted(scenarios) == [1, 2, 3, 4, 5, 6]
    for scenario in scenarios.values():
        assert scenario["status"] in STATUSES, scenario["note"]
        assert len(scenario["load_average"]) == 3  # the machine's load as the scenario ended
        assert scenario["lines"], scenario["key"]
        assert {line["result"] for line in scenario["lines"]} <= RESULTS

    ack = scenarios[1]["figures"]
    assert ack["placeholder"] == (scenarios[1]["status"] == "placeholder")
    assert [level["concurrency"] for level in ack["levels"]] == list(QUICK.concurrencies)
    for level in ack["levels"]:
        for app in ("bare", "citycheck"):
            assert level[app]["requests"] == level[app]["ok"] == QUICK.ack_requests
            assert level[app]["p50_ms"] <= level[app]["p99_ms"]
        assert level["citycheck_settled"] == QUICK.ack_requests + QUICK.warmup_requests
        assert set(level["cpu_ms_per_request"]) == {"bare", "citycheck", "sandbox"}
    sqlite = scenarios[2]["figures"]["runs"]["sqlite"]
    assert sqlite["complete"] == QUICK.answer_requests and sqlite["failed"] == 0
    assert set(sqlite["cpu_ms_per_answer"]) == {"citycheck", "sandbox", "load generator"}
    assert sqlite["stored"] == QUICK.answer_requests + QUICK.warmup_requests  # one per click
    for number in (1, 2, 6):
        assert scenarios[number]["figures"]["interaction"].startswith("answer click")
    assert len(scenarios[5]["figures"]["starts_s"]) == QUICK.startup_runs
    assert scenarios[6]["figures"]["status"] == 200

    table = run.stdout
    assert "| # | Scenario | Measure | Figure | Target | Result |" in table
    for number in range(1, 7):
        assert f"\n| {number} | " in table


def test_an_unknown_scenario_is_named_with_the_choices() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bot", "bench", "--only", "latency"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert run.returncode == 2
    assert "unknown scenario latency: choose from 1 ack, 2 answers" in run.stderr
