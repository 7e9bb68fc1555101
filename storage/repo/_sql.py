"""Statements that differ between SQLite and PostgreSQL, written once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from storage.repo import RecordNotFoundError

M = TypeVar("M", bound=SQLModel)


def insert_or_ignore(
    session: Session, model: type[M], *, values: Mapping[str, Any], conflict: Sequence[str]
) -> M | None:
    """INSERT ... ON CONFLICT (conflict) DO NOTHING RETURNING the row; None when it existed."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(model)
    )
    return session.scalars(statement).one_or_none()


def get_or_raise(session: Session, model: type[M], key: int, *, for_update: bool = False) -> M:
    """The row with this primary key (locked when asked), or RecordNotFoundError."""
    row = session.get(model, key, with_for_update=for_update, populate_existing=for_update)
    if row is None:
        raise RecordNotFoundError(model.__tablename__, key)  # type: ignore[arg-type]
    return row
