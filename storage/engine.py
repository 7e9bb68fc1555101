"""Engines for the two supported databases: SQLite (the default) and PostgreSQL via psycopg 3.

`make_engine(url)` checks the URL and configures the connection; `check_connection(engine)` turns
"the server is not there" into one line a person can act on. Neither message ever shows the
password.

SQLite file databases run in WAL mode with foreign keys on and a busy timeout; SQLAlchemy, not
the sqlite3 module, opens their transactions, so that a unit of work can ask for
`BEGIN IMMEDIATE` (take the write lock first, wait for it instead of failing half-way; see
`storage.session`). Every commit is flushed to the disk (`synchronous=FULL`): an acknowledged
answer is a stored answer even if the machine loses power right after the ack. That fsync is
part of every answer click on SQLite (a median of 0.15 ms and a p99 of 5 ms
measured here); a deployment that accepts losing the last commits on a power cut may add
`?synchronous=normal` to the URL (SQLite's advice for WAL mode: the database never corrupts and
a commit still survives the bot's process being killed; see docs/install.md). In-memory databases
(`sqlite://`) share one connection across threads and keep the sqlite3 module's own
transaction handling: they are for tests.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import StaticPool

SQLITE_BUSY_TIMEOUT_MS = 5000
"""How long a SQLite writer waits for another's lock before giving up."""

POSTGRES_CONNECT_TIMEOUT_S = 5
"""How long to wait for a PostgreSQL server before calling it unreachable."""

BEGIN_OPTION = "citycheck_sqlite_begin"
"""Execution option read by the SQLite `begin` hook: `"IMMEDIATE"` or `"DEFERRED"`."""

SQLITE_SYNCHRONOUS = ("full", "normal")
"""The `?synchronous=` values a SQLite URL may ask for (the first is the default)."""

_URL_HELP = (
    "use sqlite:///path/to/citycheck.db or postgresql+psycopg://USER:PASSWORD@HOST:5432/DBNAME"
)


class DatabaseUrlError(ValueError):
    """DATABASE_URL cannot be used; the message is one line and never contains the password."""


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be reached or opened; one line naming where, never the password."""


def parse_database_url(url: str) -> URL:
    """Parse and normalise a database URL: PostgreSQL always through psycopg 3."""
    try:
        parsed = make_url(url.strip())
    except (ArgumentError, ValueError):
        raise DatabaseUrlError(f"DATABASE_URL is not a database URL: {_URL_HELP}") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgres", "postgresql"):
        if driver not in ("", "psycopg"):
            raise DatabaseUrlError(
                f"DATABASE_URL uses the PostgreSQL driver {driver!r}; citycheck uses psycopg 3: "
                "write postgresql+psycopg://..."
            )
        parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.host and "@" in parsed.host:
            raise DatabaseUrlError(
                "DATABASE_URL has more than one '@': percent-encode special characters in the "
                "user name and password (@ as %40, : as %3A, / as %2F)"
            )
        if not parsed.database:
            raise DatabaseUrlError(
                "DATABASE_URL names no PostgreSQL database: add it after the host, "
                "e.g. postgresql+psycopg://USER@HOST:5432/citycheck"
            )
        try:
            _ = parsed.port
        except ValueError:
            raise DatabaseUrlError(f"DATABASE_URL has an invalid port: {_URL_HELP}") from None
        return parsed
    if backend == "sqlite":
        if driver not in ("", "pysqlite"):
            raise DatabaseUrlError(f"DATABASE_URL uses the SQLite driver {driver!r}: {_URL_HELP}")
        synchronous = parsed.query.get("synchronous", SQLITE_SYNCHRONOUS[0])
        if not isinstance(synchronous, str) or synchronous.lower() not in SQLITE_SYNCHRONOUS:
            raise DatabaseUrlError(
                f"DATABASE_URL asks for synchronous={synchronous!r}: use "
                + " or ".join(f"?synchronous={value}" for value in SQLITE_SYNCHRONOUS)
            )
        return parsed
    raise DatabaseUrlError(f"DATABASE_URL uses the unsupported database {backend!r}: {_URL_HELP}")


def describe_url(url: URL | str) -> str:
    """The URL as it may be shown to a person: the password masked."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.render_as_string(hide_password=True)


def is_memory_sqlite(url: URL) -> bool:
    """True for an in-memory SQLite database (`sqlite://` or `sqlite:///:memory:`)."""
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def make_engine(
    url: str | URL, *, sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS, **kwargs: Any
) -> Engine:
    """An Engine for DATABASE_URL, configured for its database; extra kwargs go to create_engine."""
    parsed = parse_database_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, sqlite_busy_timeout_ms, kwargs)
    connect_args = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S, "application_name": "citycheck"}
    connect_args.update(kwargs.pop("connect_args", {}))
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, connect_args=connect_args, **kwargs)


def _sqlite_engine(url: URL, busy_timeout_ms: int, kwargs: dict[str, Any]) -> Engine:
    memory = is_memory_sqlite(url)
    synchronous = str(url.query.get("synchronous", SQLITE_SYNCHRONOUS[0])).upper()
    if synchronous.lower() not in SQLITE_SYNCHRONOUS:
        raise DatabaseUrlError(f"DATABASE_URL: unknown synchronous={synchronous.lower()!r}")
    url = url.difference_update_query(["synchronous"])
    connect_args: dict[str, Any] = {"check_same_thread": False}
    connect_args.update(kwargs.pop("connect_args", {}))
    if memory:
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not memory:
            # Let SQLAlchemy emit BEGIN itself (see the `begin` hook below).
            dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            if not memory:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute(f"PRAGMA synchronous = {synchronous}")
        finally:
            cursor.close()

    if not memory:

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {'IMMEDIATE' if mode == 'IMMEDIATE' else ''}")

    return engine


def check_connection(engine: Engine) -> None:
    """Open one connection and run `SELECT 1`; raise DatabaseUnavailableError if that fails."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        raise DatabaseUnavailableError(_unavailable_message(engine.url, exc)) from None


def _unavailable_message(url: URL, exc: DBAPIError) -> str:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    password = url.password
    if password:
        reason = reason.replace(str(password), "***")
    if url.get_backend_name() == "sqlite":
        return (
            f"DATABASE_URL: cannot open the SQLite database {url.database!r}: {reason} "
            "(does its folder exist, and may this user write there?)"
        )
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    return (
        f"DATABASE_URL: cannot reach PostgreSQL at {where}, database {url.database!r} "
        f"as user {url.username!r}: {reason}"
    )
