"""The test command behind `make test`: lint, type-check, then pytest on SQLite and PostgreSQL.

PostgreSQL: CITYCHECK_TEST_DATABASE_URL, when set, names the server to test against; otherwise,
where `initdb` is on PATH, a throwaway server is started for the run (storage.pgtemp) and
removed afterwards; otherwise only SQLite is tested, and one line says so. With
CITYCHECK_REQUIRE_POSTGRES=1 (CI) a run without PostgreSQL fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

POSTGRES_URL_VARIABLE = "CITYCHECK_TEST_DATABASE_URL"
REQUIRE_POSTGRES_VARIABLE = "CITYCHECK_REQUIRE_POSTGRES"


def _step(title: str, argv: list[str], env: dict[str, str] | None = None) -> None:
    print(f"== {title}", flush=True)
    result = subprocess.run(argv, env=env)
    if result.returncode != 0:
        print(f"== {title}: failed (exit {result.returncode})", flush=True)
        sys.exit(result.returncode)


@contextmanager
def _postgres_url() -> Iterator[str | None]:
    """The PostgreSQL URL for this run (given, or a throwaway server's), or None for SQLite only."""
    required = os.environ.get(REQUIRE_POSTGRES_VARIABLE, "") == "1"
    given = os.environ.get(POSTGRES_URL_VARIABLE, "").strip()
    if given:
        from storage.engine import DatabaseUrlError, describe_url, parse_database_url

        try:
            where = describe_url(parse_database_url(given))
        except DatabaseUrlError as exc:
            print(f"PostgreSQL: {str(exc).replace('DATABASE_URL', POSTGRES_URL_VARIABLE)}")
            sys.exit(1)
        print(f"PostgreSQL: {POSTGRES_URL_VARIABLE} at {where}", flush=True)
        yield given
        return
    if shutil.which("initdb") is None:
        if required:
            print(
                f"PostgreSQL: initdb not found and {POSTGRES_URL_VARIABLE} is not set, but "
                f"{REQUIRE_POSTGRES_VARIABLE}=1: install PostgreSQL's server or set the variable"
            )
            sys.exit(1)
        print("PostgreSQL: initdb not found; running SQLite only", flush=True)
        yield None
        return
    from storage.pgtemp import PostgresNotAvailableError, temporary_postgres

    try:
        with temporary_postgres() as url:
            print(f"PostgreSQL: throwaway server at {url}", flush=True)
            yield url
    except PostgresNotAvailableError as exc:
        print(f"PostgreSQL: {exc}")
        sys.exit(1)


def main() -> None:
    """Run every check a change must pass; exit non-zero on the first failure."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop a throwaway server
    py = sys.executable
    _step("ruff", [py, "-m", "ruff", "check", "."])
    _step("ruff format", [py, "-m", "ruff", "format", "--check", "."])
    _step("mypy", [py, "-m", "mypy"])
    with _postgres_url() as url:
        env = dict(os.environ)
        if url is not None:
            env[POSTGRES_URL_VARIABLE] = url
        _step("pytest", [py, "-m", "pytest", *sys.argv[1:]], env=env)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("== interrupted", flush=True)
        sys.exit(130)
