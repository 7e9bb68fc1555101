"""Units of work: one Session and one transaction per user action, committed once at the end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session

from storage.engine import BEGIN_OPTION


@contextmanager
def unit_of_work(engine: Engine, *, read_only: bool = False) -> Iterator[Session]:
    """A Session committed when the block succeeds and rolled back when it raises.

    On a SQLite file a writing unit starts with `BEGIN IMMEDIATE`: it waits for the write lock
    up front (busy_timeout), so two writers queue instead of one failing half-way. A
    `read_only=True` unit starts a plain `BEGIN` and never blocks writers. Objects stay readable
    after the block (no expiry on commit), so a service can build its reply from them.
    """
    bind = engine.execution_options(**{BEGIN_OPTION: "DEFERRED" if read_only else "IMMEDIATE"})
    session = Session(bind=bind, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
