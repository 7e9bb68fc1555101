"""The test command behind `make test`: lint, type-check, then pytest on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys


def _step(title: str, argv: list[str], env: dict[str, str] | None = None) -> None:
    print(f"== {title}", flush=True)
    result = subprocess.run(argv, env=env)
    if result.returncode != 0:
        print(f"== {title}: failed (exit {result.returncode})", flush=True)
        sys.exit(result.returncode)


def main() -> None:
    """Run every check a change must pass; exit non-zero on the first failure."""
    py = sys.executable
    _step("ruff", [py, "-m", "ruff", "check", "."])
    _step("ruff format", [py, "-m", "ruff", "format", "--check", "."])
    _step("mypy", [py, "-m", "mypy"])
    _step("pytest", [py, "-m", "pytest", *sys.argv[1:]], env=dict(os.environ))


if __name__ == "__main__":
    main()
