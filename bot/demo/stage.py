"""The demo's stage: a temp folder, a database, the sandbox Slack and the real bot, all local.

The sandbox runs in this process; the bot is `citycheck run --http` in a child process on a
free loopback port, the same server as in production, pointed at the sandbox by SLACK_API_URL.
Nothing leaves this machine. `open_stage` yields a `Stage` and takes it all down afterwards.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bot.sandbox.core import DEFAULT_BOT_TOKEN
from bot.sandbox.driver import Workspace
from bot.sandbox.server import LocalSandbox

START_SECONDS = 60.0
STOP_SECONDS = 15.0
PORT_TRIES = 3
LOG_TAIL = 20
DROPPED_ENV = ("SLACK_", "DATABASE_URL", "PORT", "CITYCHECK_", "HTTP_PROXY", "HTTPS_PROXY",
               "ALL_PROXY", "NO_PROXY")  # fmt: skip
"""Settings of the caller's environment the bot must not see (they would point elsewhere)."""


class StageError(RuntimeError):
    """The demo could not start: the message says what went wrong and where the log is."""


@dataclass
class Stage:
    """Everything the demo runs on: where it lives, the sandbox Slack, the bot and the driver."""

    folder: Path
    database_url: str
    database_path: Path | None
    sandbox: LocalSandbox
    workspace: Workspace
    bot_url: str
    bot_log: Path
    keep: bool = False

    def violations(self) -> list[dict[str, Any]]:
        """Every call the bot made that broke Slack's Web API contract."""
        return list(self.sandbox.violations())


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_environment(
    base: dict[str, str], *, api_url: str, signing_secret: str, database_url: str
) -> dict[str, str]:
    """The bot's environment: the caller's, minus its Slack, database and proxy settings."""
    kept = {k: v for k, v in base.items() if not any(k.upper().startswith(p) for p in DROPPED_ENV)}
    return kept | {
        "SLACK_BOT_TOKEN": DEFAULT_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": signing_secret,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "CITYCHECK_LOG_LEVEL": "warning",
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def open_stage(
    *, database_url: str | None = None, keep: bool = False, say: Callable[[str], None] = print
) -> Iterator[Stage]:
    """Start the sandbox and the bot; stop both and remove the temp folder (unless `keep`)."""
    folder = Path(tempfile.mkdtemp(prefix="citycheck-demo-"))
    database_path = None if database_url else folder / "citycheck.db"
    url = database_url or f"sqlite:///{database_path}"
    sandbox = LocalSandbox().start()
    bot: subprocess.Popen[bytes] | None = None
    try:
        secret = secrets.token_hex(16)
        env = bot_environment(
            dict(os.environ), api_url=sandbox.api_url, signing_secret=secret, database_url=url
        )
        bot, bot_url = _start_bot(folder, env)
        workspace = Workspace(sandbox, bot_url + "/slack/events", secret)
        yield Stage(
            folder, url, database_path, sandbox, workspace, bot_url, folder / "bot.log", keep
        )
    finally:
        if bot is not None:
            _stop_bot(bot)
        sandbox.stop()
        if keep:
            say(f"Kept {folder} (the database and the bot's log).")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _start_bot(folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """`citycheck run --http` on a free port, once it answers /healthz (a taken port: retry)."""
    log_path = folder / "bot.log"
    for _ in range(PORT_TRIES):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "bot", "run", "--http", "--host", "127.0.0.1",
                   "--port", str(port), "--workers", "1", "--no-scheduler"]  # fmt: skip
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                command,
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the demo, which stops the bot itself
            )
        if _healthy(url, process):
            return process, url
        if process.poll() is None:
            _stop_bot(process)
        if "Address already in use" not in _tail(log_path):
            break
    raise StageError(f"the bot did not start; its log ({log_path}) ends with:\n{_tail(log_path)}")


def _healthy(url: str, process: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with suppress(OSError), urllib.request.urlopen(url + "/healthz", timeout=1) as answer:
            if answer.status == 200:
                return True
        time.sleep(0.05)
    return False


def _stop_bot(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(path: Path, lines: int = LOG_TAIL) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty)"


class OutputClosed(Exception):
    """Whoever read the demo's output went away (`citycheck demo | head`): stop quietly."""


def echo_to(stream: IO[str]) -> Callable[[str], None]:
    """A `say` function printing whole lines to `stream`, flushed at once; OutputClosed when
    the reader has gone (the stream then leads nowhere, so later writes cannot fail)."""

    def say(line: str) -> None:
        try:
            print(line, file=stream, flush=True)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
            raise OutputClosed from None

    return say
