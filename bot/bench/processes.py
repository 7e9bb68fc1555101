"""The processes a benchmark runs: the sandbox Slack, `citycheck run` and the bare Bolt app.

Each is started with `python -m ...` in its own process on a free 127.0.0.1 port, with a clean
environment (no Slack, proxy or database settings of the caller's), and stopped with SIGTERM.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.sandbox.core import DEFAULT_BOT_TOKEN

SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
"""The signing secret shared by the load generator and the apps under test."""

ANNOUNCE = re.compile(r"listening on (http://\S+/) ")
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0


class ProcessFailed(RuntimeError):
    """A benchmark process did not start, did not answer or did not stop."""


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child: the caller's PATH and home, none of its Slack or DB settings."""
    keep = ("PATH", "HOME", "LANG", "TMPDIR", "VIRTUAL_ENV", "SYSTEMROOT")
    return {
        **{k: v for k, v in os.environ.items() if k in keep},
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def bot_env(api_url: str, database_url: str) -> dict[str, str]:
    """The environment of an app under test pointed at the sandbox Slack and a database."""
    return clean_env(
        SLACK_BOT_TOKEN=DEFAULT_BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
    )


def wait_for_health(url: str, process: subprocess.Popen[bytes], timeout: float) -> float:
    """Seconds until GET `url` answers 200; ProcessFailed if the process dies or times out."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            command = " ".join(str(a) for a in process.args[1:4])  # type: ignore[index]
            raise ProcessFailed(f"`{command}` exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return time.monotonic() - started
        except OSError:  # refused, reset or not answered yet
            time.sleep(0.005)
    raise ProcessFailed(f"no answer from {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, then wait (kill after STOP_TIMEOUT_S); returns the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return int(process.returncode)


@dataclass(frozen=True)
class Served:
    """A process under test (an app, or the sandbox Slack): its name, base URL and process."""

    name: str
    url: str
    process: subprocess.Popen[bytes]

    @property
    def events_url(self) -> str:
        """Where Slack would post events, commands and interactions."""
        return self.url + "/slack/events"


@contextmanager
def sandbox_process() -> Iterator[Served]:
    """`python -m bot.sandbox` on a free port; yields it (`url`: its root URL, ending in /)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.sandbox"],
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        line = process.stdout.readline().decode() if process.stdout else ""
        found = ANNOUNCE.search(line)
        if not found:
            raise ProcessFailed(f"the sandbox Slack did not start: {line!r}")
        yield Served("sandbox Slack", found.group(1), process)
    finally:
        stop(process)


def citycheck_command(port: int, workers: int, threads: int) -> list[str]:
    """`citycheck run` in HTTP mode on 127.0.0.1:port, without the scheduler."""
    return [
        sys.executable, "-m", "bot", "run", "--http", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--threads", str(threads), "--no-scheduler",
    ]  # fmt: skip


@contextmanager
def citycheck_process(
    api_url: str, database_url: str, *, workers: int, threads: int, log: Path | None = None
) -> Iterator[Served]:
    """`citycheck run` against the sandbox and a database, ready (healthz 200) when yielded."""
    port = free_port()
    with _log_file(log) as output:
        process = subprocess.Popen(
            citycheck_command(port, workers, threads),
            env=bot_env(api_url, database_url),
            stdout=output,
            stderr=output,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_health(url + "/healthz", process, START_TIMEOUT_S)
            yield Served("citycheck", url, process)
        finally:
            stop(process)


@contextmanager
def bare_bolt_process(
    api_url: str, *, workers: int, threads: int, log: Path | None = None
) -> Iterator[Served]:
    """The bare Bolt app (`python -m bot.slack.baseline`) on the same server settings, ready."""
    port = free_port()
    argv = [
        sys.executable, "-m", "bot.slack.baseline", "--port", str(port),
        "--workers", str(workers), "--threads", str(threads), "--api-url", api_url,
    ]  # fmt: skip
    with _log_file(log) as output:
        process = subprocess.Popen(
            argv, env=bot_env(api_url, "sqlite://"), stdout=output, stderr=output
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_health(url + "/healthz", process, START_TIMEOUT_S)
            yield Served("bare Bolt", url, process)
        finally:
            stop(process)


@contextmanager
def _log_file(path: Path | None) -> Iterator[int]:
    """A file descriptor for a child's output: `path` (appended), or a throwaway file.

    A ProcessFailed raised inside gets the output's last lines added to its message.
    """
    with path.open("a+b") if path is not None else tempfile.TemporaryFile() as handle:
        try:
            yield handle.fileno()
        except ProcessFailed as exc:
            handle.seek(0)
            tail = handle.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ProcessFailed(f"{exc}; its last output: {' | '.join(tail)}") from None
