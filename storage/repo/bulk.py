"""Bulk reads: many ids as one parameter, and rows straight from the database driver.

`in_values` writes `column IN (many values)` with the values as one bound parameter: SQLite
reads them from a JSON array (`IN (SELECT value FROM json_each(?))`), PostgreSQL from an array
(`= ANY(?)`). Unlike an `IN (?, ?, ...)` list, the statement is the same for ten values or a
hundred thousand: it is compiled once, and never split into chunks.

`raw_rows` runs a statement and returns the driver's own tuples, without SQLAlchemy's row
objects and type conversions: about a third less time for a hundred thousand rows. Values come
as the driver gives them: on SQLite, dates, times and JSON as text, enums as their string;
on PostgreSQL (psycopg), dates and JSON decoded. The callers convert what they use.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Executable,
    String,
    any_,
    bindparam,
    func,
    literal_column,
)
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session


def in_values(
    session: Session, column: Any, values: Iterable[int] | Iterable[str]
) -> ColumnElement[bool]:
    """`column IN values` with the values sent as one parameter (ints, or all strings)."""
    distinct = list(dict.fromkeys(values))
    strings = any(isinstance(v, str) for v in distinct)
    found: ColumnElement[bool]
    if session.get_bind().dialect.name == "postgresql":
        element = String() if strings else BigInteger()
        found = column == any_(bindparam(None, distinct, type_=ARRAY(element)))
    else:
        array = bindparam(None, json.dumps(distinct), type_=String())
        found = column.in_(sa_select(literal_column("value")).select_from(func.json_each(array)))
    return found


def raw_rows(session: Session, statement: Executable) -> list[tuple[Any, ...]]:
    """Every row of `statement` as the driver returns it (see the module doc)."""
    result = session.connection().execute(statement)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def utc(value: datetime | str) -> datetime:
    """A timestamp column's raw value (text on SQLite, stored in UTC) as an aware datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)


def utc_or_none(value: datetime | str | None) -> datetime | None:
    """`utc` of a timestamp that may be missing."""
    return None if value is None else utc(value)


def as_date(value: date | str) -> date:
    """A date column's raw value (text on SQLite) as a date."""
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


def as_time(value: time | str) -> time:
    """A time column's raw value (text on SQLite) as a time."""
    return value if isinstance(value, time) else time.fromisoformat(value)


def as_json(value: Any) -> Any:
    """A JSON column's raw value (text on SQLite, decoded by psycopg) as Python data."""
    return json.loads(value) if isinstance(value, str) else value
