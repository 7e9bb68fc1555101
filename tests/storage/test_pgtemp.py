"""The throwaway PostgreSQL server starts, serves, and is gone afterwards, even after Ctrl-C."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from storage.engine import make_engine
from storage.pgtemp import SERVER_USER, temporary_postgres

pytestmark = pytest.mark.slow

if shutil.which("initdb") is None and os.environ.get("CITYCHECK_REQUIRE_POSTGRES") != "1":
    pytest.skip("initdb is not installed here", allow_module_level=True)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _settings(url: str) -> dict[str, str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            names = ("fsync", "synchronous_commit", "full_page_writes", "data_directory")
            return {n: str(connection.execute(text(f"SHOW {n}")).scalar()) for n in names}
    finally:
        engine.dispose()


def test_the_server_is_stopped_and_removed_even_after_ctrl_c() -> None:
    with pytest.raises(KeyboardInterrupt), temporary_postgres(dbname="scratch") as url:
        parsed = make_url(url)
        assert parsed.drivername == "postgresql+psycopg" and parsed.host == "127.0.0.1"
        assert parsed.database == "scratch"
        port = int(parsed.port or 0)
        shown = _settings(url)
        assert (shown["fsync"], shown["synchronous_commit"], shown["full_page_writes"]) == (
            "off",
            "off",
            "off",
        )
        folder = Path(shown["data_directory"]).parent
        assert (folder / "data" / "postmaster.pid").exists()
        if os.geteuid() == 0:
            assert folder.stat().st_uid == pwd.getpwnam(SERVER_USER).pw_uid
            assert (folder / "data").stat().st_uid != 0
        raise KeyboardInterrupt
    assert not _port_open(port)
    assert not folder.exists()


def test_durable_settings_for_benchmarks() -> None:
    with temporary_postgres(fast=False) as url:
        shown = _settings(url)
        port = int(make_url(url).port or 0)
        assert (shown["fsync"], shown["synchronous_commit"], shown["full_page_writes"]) == (
            "on",
            "on",
            "on",
        )
    assert not _port_open(port)
    assert not Path(shown["data_directory"]).exists()
