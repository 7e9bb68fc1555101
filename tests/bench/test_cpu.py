"""CPU accounting of the processes under test: a process tree's user and system time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.bench.cpu import CpuMeter, descendants, tree_cpu_seconds

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_the_meter_counts_the_cpu_a_process_spent_between_start_and_stop() -> None:
    meter = CpuMeter({"this process": os.getpid()}).start()
    _spin(0.1)
    spent = meter.stop()["this process"]

    assert spent is not None and spent > 0
    per_request = meter.per_request_ms(10)["this process"]
    assert per_request == pytest.approx(spent * 100, abs=0.01)


def test_a_tree_includes_its_children_and_a_vanished_process_reads_as_none() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in descendants(os.getpid())
        assert (tree_cpu_seconds(os.getpid()) or 0) >= (tree_cpu_seconds(child.pid) or 0)
    finally:
        child.kill()
        child.wait()

    meter = CpuMeter({"gone": child.pid}).start()
    assert meter.stop() == {"gone": None}
    assert meter.per_request_ms(5) == {"gone": None}
