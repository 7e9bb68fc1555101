"""`citycheck` commands run as real processes for the deployment tests, their output watched."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.slack.processes import wait_for_health

ROOT = Path(__file__).resolve().parents[2]


class Citycheck:
    """`citycheck ARGS` in its own process: stdout lines kept with the moment each arrived,
    stderr in a file of `logs`."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.errors = logs / f"{name}.stderr"
        self.lines: list[tuple[float, str]] = []
        self._stderr = self.errors.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def wait_for_line(self, contains: str, timeout: float = 60.0) -> float:
        """The moment (time.monotonic) a line containing `contains` was printed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if contains in line:
                    return at
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.02)
        raise AssertionError(
            f"{self.name} printed no line with {contains!r} within {timeout:g}s "
            f"(exit {self.process.poll()}): {[line for _, line in self.lines]} {self.stderr()}"
        )

    def wait_for_log(self, contains: str, timeout: float = 60.0) -> float:
        """The moment (time.monotonic) `contains` was first seen in the process's log (stderr)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if contains in self.stderr():
                return time.monotonic()
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{self.name} logged no {contains!r} in {timeout:g}s: {self.stderr()}")

    def wait_healthy(self, url: str) -> None:
        """Wait until GET url (its /healthz) answers 200."""
        try:
            wait_for_health(url, self.process, timeout=60.0)
        except RuntimeError as exc:
            raise AssertionError(f"{self.name}: {exc} {self.stderr()}") from None

    def stderr(self) -> str:
        """Everything written to stderr so far."""
        if not self._stderr.closed:
            self._stderr.flush()
        return self.errors.read_text(encoding="utf-8")

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine dies."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def finish(self, timeout: float = 60.0) -> int:
        """Wait for the process to end by itself; its exit status."""
        self.process.wait(timeout=timeout)
        return self.stop()

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait; the exit status (killed if it does not stop in time)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        self._stderr.close()
        return int(self.process.returncode)
