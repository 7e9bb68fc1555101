"""A throwaway PostgreSQL server for tests and benchmarks.

`temporary_postgres()` runs `initdb` into a new temporary folder, starts the server on a free
127.0.0.1 port (its unix socket inside that folder, so nothing outside is touched), creates a
database and yields its `postgresql+psycopg://` URL. When the block ends, however it ends (an
error, Ctrl-C, SIGTERM turned into SystemExit), the server is stopped and the folder removed.
`temporary_postgres_server()` yields the server itself, which can be stopped and started again
(the database going away under a running bot).

PostgreSQL refuses to run as root: when run as root, the folder is given to the `postgres` OS
user and every server command runs as that user (`runuser`, else `su`).

    python -m storage.pgtemp -- citycheck db upgrade     # run one command against a fresh server
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import psycopg

FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
"""Durability the tests do not need (the data is thrown away); benchmarks pass fast=False."""

SERVER_USER = "postgres"
"""The OS user the server runs as when the caller is root."""

START_ATTEMPTS = 3
"""A free port can be taken between choosing it and binding it; try again this many times."""


class PostgresNotAvailableError(RuntimeError):
    """The throwaway server could not be started; the message says why and what to do."""


class PostgresServer:
    """A running throwaway server: its URL, and `stop()` / `start()` on the same port and data.

    For tests of the database going away while the bot runs; `temporary_postgres_server()` makes
    one and removes it afterwards.
    """

    def __init__(self, *, pg_ctl: str, data: Path, log: Path, options: list[str],
                 as_user: pwd.struct_passwd | None, root: Path, url: str,
                 startup_timeout_s: int) -> None:  # fmt: skip
        self.url = url
        self._pg_ctl, self._data, self._log, self._options = pg_ctl, data, log, options
        self._as_user, self._root, self._timeout = as_user, root, startup_timeout_s

    @property
    def running(self) -> bool:
        """True while the server's pid file exists."""
        return (self._data / "postmaster.pid").exists()

    def stop(self) -> None:
        """Stop the server at once (connections are cut); its data stays for `start()`."""
        _stop(self._pg_ctl, self._data, self._as_user, self._root)

    def start(self) -> None:
        """Start the server again on the same port, with the same data."""
        server = ["-D", str(self._data), "-l", str(self._log), "-o", " ".join(self._options)]
        start = [self._pg_ctl, *server, "-w", "-t", str(self._timeout), "start"]
        _run(start, self._as_user, self._root, "pg_ctl start", log=self._log)


@contextlib.contextmanager
def temporary_postgres(
    *, fast: bool = True, dbname: str = "citycheck", startup_timeout_s: int = 60
) -> Iterator[str]:
    """Run a throwaway PostgreSQL server and yield the URL of a fresh database on it."""
    with temporary_postgres_server(
        fast=fast, dbname=dbname, startup_timeout_s=startup_timeout_s
    ) as server:
        yield server.url


@contextlib.contextmanager
def temporary_postgres_server(
    *, fast: bool = True, dbname: str = "citycheck", startup_timeout_s: int = 60
) -> Iterator[PostgresServer]:
    """Run a throwaway PostgreSQL server with a fresh database; yield it (URL, stop, start)."""
    initdb = shutil.which("initdb")
    pg_ctl = shutil.which("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise PostgresNotAvailableError(
            "initdb/pg_ctl not found on PATH: install PostgreSQL's server binaries "
            "or set CITYCHECK_TEST_DATABASE_URL to a running server"
        )
    as_user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="citycheck-pg-"))
    data = root / "data"
    log = root / "server.log"
    try:
        if as_user is not None:
            os.chown(root, as_user.pw_uid, as_user.pw_gid)
        init_options = ["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]
        _run([initdb, "-D", str(data), *init_options], as_user, root, "initdb")
        settings = FAST_SETTINGS if fast else ()
        for attempt in range(1, START_ATTEMPTS + 1):
            port = _free_port()
            options = [f"-p {port}", "-h 127.0.0.1", f"-k {root}"]
            options += [f"-c {setting}" for setting in settings]
            server = PostgresServer(
                pg_ctl=pg_ctl, data=data, log=log, options=options, as_user=as_user, root=root,
                url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/{dbname}",
                startup_timeout_s=startup_timeout_s,
            )  # fmt: skip
            try:
                server.start()
            except PostgresNotAvailableError:
                if attempt == START_ATTEMPTS:
                    raise
                continue
            break
        _create_database(port, dbname)
        yield server
    finally:
        if (data / "postmaster.pid").exists():
            _stop(pg_ctl, data, as_user, root)
        shutil.rmtree(root, ignore_errors=True)


def _server_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PostgresNotAvailableError(
            f"running as root, but there is no {SERVER_USER!r} OS user to run PostgreSQL as: "
            "create it, run as another user, or set CITYCHECK_TEST_DATABASE_URL"
        ) from None


def _as(user: pwd.struct_passwd | None, argv: Sequence[str]) -> list[str]:
    if user is None:
        return list(argv)
    if shutil.which("runuser"):
        return ["runuser", "-u", user.pw_name, "--", *argv]
    return ["su", user.pw_name, "-s", "/bin/sh", "-c", shlex.join(argv)]


def _run(
    argv: Sequence[str],
    user: pwd.struct_passwd | None,
    cwd: Path,
    what: str,
    *,
    log: Path | None = None,
) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
    result = subprocess.run(
        _as(user, argv), cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        if log is not None and log.exists():
            detail += log.read_text(errors="replace").strip().splitlines()[-5:]
        raise PostgresNotAvailableError(f"{what} failed: " + " | ".join(detail))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _create_database(port: int, dbname: str) -> None:
    conninfo = f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f'CREATE DATABASE "{dbname}"')


def _stop(pg_ctl: str, data: Path, user: pwd.struct_passwd | None, cwd: Path) -> None:
    """Stop the server at once (its data is thrown away); kill it if pg_ctl cannot."""
    with contextlib.suppress(PostgresNotAvailableError):
        _run([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], user, cwd, "pg_ctl stop")
        return
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((data / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGKILL)


def main(argv: Sequence[str]) -> int:
    """Run one command with DATABASE_URL set to a throwaway server's database."""
    command = list(argv[1:] if argv and argv[0] == "--" else argv)
    if not command:
        print("usage: python -m storage.pgtemp -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with temporary_postgres() as url:
            print(f"PostgreSQL: throwaway server at {url}", file=sys.stderr, flush=True)
            return subprocess.run(command, env={**os.environ, "DATABASE_URL": url}).returncode
    except PostgresNotAvailableError as exc:
        print(f"PostgreSQL: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
