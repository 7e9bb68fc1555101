"""Statements that differ between SQLite and PostgreSQL, written once."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ClauseElement
from sqlmodel import Session, SQLModel

from storage.repo import RecordNotFoundError

M = TypeVar("M", bound=SQLModel)


def insert_or_ignore(
    session: Session,
    model: type[M],
    *,
    values: Mapping[str, Any],
    conflict: Sequence[str],
    where: Any = None,
) -> M | None:
    """INSERT ... ON CONFLICT (conflict) DO NOTHING RETURNING the row; None when it existed.

    `where` names the condition of a partial unique index on the `conflict` columns."""
    dialect = session.get_bind().dialect.name
    if where is None and not any(isinstance(v, ClauseElement) for v in values.values()):
        built = _insert_ignoring(model, dialect, tuple(values), tuple(conflict))
        bound = {f"v_{name}": value for name, value in values.items()}
        return session.scalars(built, bound).one_or_none()
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict), index_where=where)
        .returning(model)
    )
    return session.scalars(statement).one_or_none()


@functools.cache
def _insert_ignoring(
    model: type[M], dialect: str, names: tuple[str, ...], conflict: tuple[str, ...]
) -> Any:
    """The statement of `insert_or_ignore` for these columns, built once: building it on each
    call (an answer click makes one) costs more than running it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(model)
        .values({name: bindparam(f"v_{name}") for name in names})
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(model)
    )


def get_or_raise(session: Session, model: type[M], key: int, *, for_update: bool = False) -> M:
    """The row with this primary key (locked when asked), or RecordNotFoundError."""
    row = session.get(model, key, with_for_update=for_update, populate_existing=for_update)
    if row is None:
        raise RecordNotFoundError(model.__tablename__, key)  # type: ignore[arg-type]
    return row
