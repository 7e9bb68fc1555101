"""Fixtures for every test: real databases, SQLite always and PostgreSQL when configured.

Each database fixture is parametrised over the back-ends: `sqlite`, and `postgresql` when
CITYCHECK_TEST_DATABASE_URL is set (`make test` sets it to a throwaway server; see tests/run.py).
PostgreSQL cases carry the `postgres` marker. If the variable is set but the server cannot be
reached, those cases fail with one line saying so; they are never skipped.

Every test gets an empty database at the newest schema (built by the migrations):
- `engine`: SQLite in memory, new for each test (one connection shared by every session: use
  it from the test's own thread). PostgreSQL: one engine per test run on this worker's own
  schema, emptied with TRUNCATE before each test.
- `session`: a Session on `engine`, closed after the test. Repository functions never commit:
  call `session.commit()` where the test needs the rows stored (e.g. before calling a service
  that opens its own `unit_of_work(engine)`).
- `db_url`: the URL of an empty migrated database that other engines, threads or subprocesses
  can open: SQLite, a file in the test's tmp_path (WAL, not the database of `engine`);
  PostgreSQL, the same database as `engine`. Use it for concurrency and `citycheck` runs.
- `empty_db_url`: the URL of a database with no schema at all, for migration and CLI tests.
- `db_backend`: "sqlite" or "postgresql", for the rare test that must know.

Builders for cities, people and assessments are in `tests.builders`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL, Engine, text
from sqlmodel import Session, SQLModel

from storage import migrate
from storage.engine import (
    DatabaseUnavailableError,
    DatabaseUrlError,
    check_connection,
    describe_url,
    make_engine,
    parse_database_url,
)

POSTGRES_URL_VARIABLE = "CITYCHECK_TEST_DATABASE_URL"
_POSTGRES_URL = os.environ.get(POSTGRES_URL_VARIABLE, "").strip()

BACKENDS: list[Any] = ["sqlite"]
if _POSTGRES_URL:
    BACKENDS.append(pytest.param("postgresql", marks=pytest.mark.postgres))


def pytest_report_header() -> str:
    """Say which databases this run covers."""
    if not _POSTGRES_URL:
        return f"databases: sqlite only ({POSTGRES_URL_VARIABLE} is not set)"
    try:
        where = describe_url(parse_database_url(_POSTGRES_URL))
    except DatabaseUrlError:
        where = "an invalid URL"
    return f"databases: sqlite, postgresql at {where}"


@pytest.fixture(params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    """The back-end of this test case: "sqlite" or "postgresql"."""
    return str(request.param)


# ---- SQLite -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _sqlite_template() -> Iterator[sqlite3.Connection]:
    """An in-memory database migrated once; each test copies it (sqlite3 backup, instant)."""
    engine = make_engine("sqlite://")
    migrate.upgrade(engine)
    raw = engine.raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    yield driver
    raw.close()
    engine.dispose()


def _sqlite_memory_engine(template: sqlite3.Connection) -> Engine:
    engine = make_engine("sqlite://")
    raw = engine.raw_connection()
    target = raw.driver_connection
    assert isinstance(target, sqlite3.Connection)
    template.backup(target)
    raw.close()
    return engine


def _sqlite_file_url(template: sqlite3.Connection, path: Path) -> str:
    target = sqlite3.connect(path)
    try:
        template.backup(target)
    finally:
        target.close()
    return f"sqlite:///{path}"


# ---- PostgreSQL ---------------------------------------------------------------------------


def _worker_schema(prefix: str) -> str:
    return f"{prefix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def _with_schema(url: URL, schema: str) -> URL:
    return url.update_query_dict({"options": f"-csearch_path={schema}"})


@pytest.fixture(scope="session")
def _pg_admin() -> Iterator[Engine]:
    """An engine on CITYCHECK_TEST_DATABASE_URL itself, checked once; fails loudly if unusable."""
    problem = None
    try:
        engine = make_engine(_POSTGRES_URL)
        check_connection(engine)
    except (DatabaseUrlError, DatabaseUnavailableError) as exc:
        problem = str(exc).replace("DATABASE_URL", POSTGRES_URL_VARIABLE)
    if problem is not None:
        pytest.fail(f"{problem} (PostgreSQL tests were asked for, so they fail)", pytrace=False)
    yield engine
    engine.dispose()


def _recreate_schema(admin: Engine, schema: str) -> None:
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))


def _drop_schema(admin: Engine, schema: str) -> None:
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture(scope="session")
def _pg_engine(_pg_admin: Engine) -> Iterator[Engine]:
    """This worker's own schema, migrated once per run, and an engine whose search_path is it."""
    schema = _worker_schema("citycheck_test")
    _recreate_schema(_pg_admin, schema)
    engine = make_engine(_with_schema(_pg_admin.url, schema))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    _drop_schema(_pg_admin, schema)


def _truncate_all(engine: Engine) -> None:
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        try:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        except Exception as exc:
            raise RuntimeError(
                "could not empty the test database: a session or connection of the previous "
                f"test still holds a lock; close every session a test opens ({exc!r:.200})"
            ) from exc


# ---- the fixtures tests use ---------------------------------------------------------------


@pytest.fixture
def engine(db_backend: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An Engine on an empty database at the newest schema (see the module docstring)."""
    if db_backend == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        memory = _sqlite_memory_engine(template)
        yield memory
        memory.dispose()
        return
    shared: Engine = request.getfixturevalue("_pg_engine")
    _truncate_all(shared)
    yield shared


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A Session on `engine`; the test commits when it needs to, the fixture closes it."""
    with Session(engine) as session:
        yield session


@pytest.fixture
def db_url(db_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty migrated database that other engines and processes can open."""
    if db_backend == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        return _sqlite_file_url(template, tmp_path / "citycheck.db")
    shared: Engine = request.getfixturevalue("_pg_engine")
    _truncate_all(shared)
    return shared.url.render_as_string(hide_password=False)


@pytest.fixture
def empty_db_url(db_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database without any schema (a fresh PostgreSQL schema, a new SQLite file)."""
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin: Engine = request.getfixturevalue("_pg_admin")
    schema = _worker_schema("citycheck_empty")
    _recreate_schema(admin, schema)
    yield _with_schema(admin.url, schema).render_as_string(hide_password=False)
    _drop_schema(admin, schema)
