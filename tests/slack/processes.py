"""Starting and stopping real processes for tests: the sandbox and `citycheck run`."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ANNOUNCE = re.compile(r"listening on (http://\S+/) ")


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int) -> bool:
    """True when the port can be bound again (the server let it go)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child: no Slack, proxy or database settings of the caller's."""
    keep = {
        k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR", "SYSTEMROOT")
    }
    return {**keep, "PYTHONUNBUFFERED": "1", **extra}


@contextmanager
def sandbox_process(cwd: Path) -> Iterator[str]:
    """`python -m bot.sandbox` on a free port; yields its root URL; stops it with SIGTERM."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.sandbox"],
        cwd=cwd,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        found = ANNOUNCE.search(line)
        if not found:
            raise RuntimeError(
                f"sandbox did not start: {line!r} {process.stderr.read() if process.stderr else ''}"
            )
        yield found.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def wait_for_health(url: str, process: subprocess.Popen[str], timeout: float = 20.0) -> float:
    """Seconds until GET url answers 200; raises with the process's output if it never does."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(
                f"exited with {process.returncode}: "
                f"{process.stderr.read() if process.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return time.monotonic() - started
        except OSError:  # refused, reset, or not answered yet
            time.sleep(0.02)
    process.kill()
    raise RuntimeError(f"no answer from {url} within {timeout}s: {process.communicate()[1]}")


def run_citycheck(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start `citycheck ARGS` (as `python -m bot`) with this environment."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
