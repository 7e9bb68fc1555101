"""DATABASE_URL handling and the connection settings of each database."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.engine import (
    DatabaseUnavailableError,
    DatabaseUrlError,
    check_connection,
    make_engine,
    parse_database_url,
)


@pytest.mark.parametrize(
    "url",
    [
        "postgres://ana:pw@db.example.org:5432/citycheck",
        "postgresql://ana:pw@db.example.org:5432/citycheck",
        "postgresql+psycopg://ana:pw@db.example.org:5432/citycheck",
    ],
)
def test_postgresql_urls_use_psycopg_3(url: str) -> None:
    engine = make_engine(url)
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.dialect.driver == "psycopg"
    assert (engine.url.host, engine.url.port, engine.url.database) == (
        "db.example.org",
        5432,
        "citycheck",
    )


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "use sqlite:///"),
        ("", "use sqlite:///"),
        ("mysql://root:hunter2@db/citycheck", "unsupported database 'mysql'"),
        ("postgresql+psycopg2://ana:hunter2@db/citycheck", "psycopg 3"),
        ("postgresql://ana:hunter2@db:5432/", "names no PostgreSQL database"),
        ("postgresql://ana:hun@ter2@db/citycheck", "percent-encode"),
        ("postgresql://ana:hunter2@db:port/citycheck", "use sqlite:///"),
    ],
)
def test_a_malformed_url_is_one_line_naming_the_setting_without_the_password(
    url: str, says: str
) -> None:
    with pytest.raises(DatabaseUrlError) as raised:
        make_engine(url)
    message = str(raised.value)
    assert message.startswith("DATABASE_URL")
    assert says in message
    assert "\n" not in message
    assert "hunter2" not in message and "ter2" not in message


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_server_is_one_line_with_host_port_and_database() -> None:
    port = _closed_port()
    engine = make_engine(f"postgresql://ana:hunter2@127.0.0.1:{port}/citycheck")
    with pytest.raises(DatabaseUnavailableError) as raised:
        check_connection(engine)
    message = str(raised.value)
    assert message.startswith("DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:")
    assert str(port) in message and "'citycheck'" in message
    assert "\n" not in message and "hunter2" not in message


def test_a_sqlite_file_in_a_missing_folder_says_so(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'citycheck.db'}")
    with pytest.raises(DatabaseUnavailableError, match="cannot open the SQLite database"):
        check_connection(engine)


def test_sqlite_files_run_in_wal_mode_with_foreign_keys_and_a_busy_timeout(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}", sqlite_busy_timeout_ms=1234)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 1234


def test_in_memory_sqlite_is_one_database_for_every_thread() -> None:
    engine = make_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (7)"))
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    seen: list[int] = []

    def read() -> None:
        with engine.connect() as connection:
            seen.append(int(connection.execute(text("SELECT x FROM t")).scalar_one()))

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert seen == [7]


def test_parse_keeps_a_sqlite_path_as_given() -> None:
    assert parse_database_url("sqlite:///citycheck.db").database == "citycheck.db"
