"""Schema migrations (Alembic) as functions: upgrade, downgrade, current, ensure_schema.

Every function takes an Engine or a DATABASE_URL string. The whole migration runs in one
transaction (PostgreSQL has transactional DDL; SQLite takes its write lock first). On SQLite,
foreign keys are switched off while tables are rebuilt and checked before the commit.

Alembic is imported only when it has work to do: `ensure_schema`, run at every start, first
compares the database's revision with the newest one named in the revision files' headers
(`shipped_head`), which costs a few milliseconds where loading Alembic costs a few hundred.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from storage.engine import BEGIN_OPTION, make_engine

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.util.exc import CommandError

STORAGE_DIR = Path(__file__).resolve().parent
ALEMBIC_INI = STORAGE_DIR / "alembic.ini"
MIGRATIONS_DIR = STORAGE_DIR / "migrations"


class MigrationError(RuntimeError):
    """A migration command could not run (e.g. an unknown revision); one line to act on."""


class SchemaOutdatedError(RuntimeError):
    """The database schema is not the one this version of citycheck needs."""


def alembic_config() -> Config:
    """The Alembic configuration of the installed package."""
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision this version of citycheck knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise MigrationError("no migration revisions found in " + str(MIGRATIONS_DIR))
    return head


def known_revisions() -> set[str]:
    """Every revision id this version of citycheck ships."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config()).walk_revisions()
    return {script.revision for script in scripts}


def upgrade(engine_or_url: Engine | str, rev: str = "head") -> None:
    """Migrate the database up to `rev` (default: the newest revision)."""
    from alembic import command

    _run_command(engine_or_url, lambda config: command.upgrade(config, rev))


def downgrade(engine_or_url: Engine | str, rev: str) -> None:
    """Migrate the database down to `rev`; `"base"` removes every table of citycheck."""

    from alembic import command

    def run(config: Config) -> None:
        command.downgrade(config, rev)
        if rev == "base":  # leave no trace, not even Alembic's empty bookkeeping table
            config.attributes["connection"].execute(text("DROP TABLE IF EXISTS alembic_version"))

    _run_command(engine_or_url, run)


def current(engine_or_url: Engine | str) -> str | None:
    """The database's revision, or None when citycheck's schema is not there."""
    from alembic.runtime.migration import MigrationContext

    with _engine(engine_or_url) as engine, engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        connection.rollback()
        return revision


def ensure_schema(engine: Engine) -> None:
    """Make sure the schema is current: upgrade SQLite, refuse an outdated PostgreSQL schema."""
    shipped = shipped_head()
    if shipped is not None and stored_revisions(engine) == (shipped,):
        return  # the usual start: current, and Alembic need not be loaded
    revision = current(engine)
    head = head_revision()
    if revision == head:
        return
    if revision is not None and revision not in known_revisions():
        raise SchemaOutdatedError(
            f"the database schema is at revision {revision}, which this version of citycheck "
            f"does not know (it needs {head}): a newer citycheck migrated it; upgrade citycheck"
        )
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    found = revision or "none (an empty database)"
    raise SchemaOutdatedError(
        f"the database schema is at revision {found} but this version of citycheck needs "
        f"{head}: run `citycheck db upgrade`"
    )


@contextmanager
def _engine(engine_or_url: Engine | str) -> Iterator[Engine]:
    if isinstance(engine_or_url, Engine):
        yield engine_or_url
        return
    engine = make_engine(engine_or_url)
    try:
        yield engine
    finally:
        engine.dispose()


def shipped_head() -> str | None:
    """The newest revision, read from the `revision` and `down_revision` lines of the revision
    files without Alembic; None unless they form one line of revisions (Alembic then decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(found["revision"])
            parent = ast.literal_eval(found["down_revision"])
        except (KeyError, ValueError, SyntaxError):
            return None
        if not isinstance(revision, str) or not (parent is None or isinstance(parent, str)):
            return None  # a merge or branch point: not one line
        revisions.add(revision)
        parents |= {parent} if parent else set()
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def stored_revisions(engine: Engine) -> tuple[str, ...]:
    """The revisions in the database's `alembic_version` table (none when it has no such table)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            connection.rollback()
    except DBAPIError:
        return ()
    return tuple(sorted(str(row[0]) for row in rows))


_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)


def _run_command(engine_or_url: Engine | str, run: Callable[[Config], Any]) -> None:
    from alembic.util.exc import CommandError

    config = alembic_config()
    with _engine(engine_or_url) as engine:
        writer = engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        with writer.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                _sqlite_foreign_keys(connection, on=False)
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    try:
                        run(config)
                    except CommandError as exc:
                        raise MigrationError(_command_message(exc)) from None
                    if sqlite:
                        _sqlite_check_foreign_keys(connection)
            finally:
                if sqlite:
                    _sqlite_foreign_keys(connection, on=True)


def _command_message(exc: CommandError) -> str:
    message = str(exc).strip().splitlines()[0]
    if "Can't locate revision" in message or "No such revision" in message:
        known = ", ".join(sorted(known_revisions()))
        return f"{message}: use head, base or one of the revisions {known}"
    return message


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    # PRAGMA foreign_keys has no effect inside a transaction: run it on the driver directly.
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def _sqlite_check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise MigrationError(
            f"the migration left rows whose foreign keys point nowhere in {', '.join(tables)}; "
            "nothing was changed"
        )
