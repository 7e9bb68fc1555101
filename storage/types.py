"""Column types that behave the same on SQLite and PostgreSQL.

- `UTCDateTime`: takes aware datetimes only, stores UTC, returns aware UTC datetimes on both
  databases (a plain `DateTime(timezone=True)` comes back naive on SQLite).
- `StrEnumType`: a Python `StrEnum` stored as a short string, checked on the way in; adding a
  value needs no migration.
- `ID`: integer primary and foreign keys, BIGINT on PostgreSQL.
- `JSONValue`: JSON, stored as JSONB on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

ID: TypeEngine[int] = Integer().with_variant(BigInteger(), "postgresql")
"""Primary and foreign keys: INTEGER on SQLite (its rowid alias), BIGINT on PostgreSQL."""

JSONValue: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")
"""A JSON document: JSON text on SQLite, JSONB on PostgreSQL."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC; naive datetimes are refused so local time never sneaks in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()}: pass an aware one, e.g. datetime.now(UTC)"
            )
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StrEnumType(TypeDecorator[StrEnum]):
    """A `StrEnum` stored as its value in a VARCHAR; unknown values are refused on write."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[StrEnum], length: int = 20) -> None:
        super().__init__(length=length)
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        try:
            return self.enum_class(value).value
        except ValueError:
            allowed = ", ".join(member.value for member in self.enum_class)
            raise ValueError(
                f"{value!r} is not a valid {self.enum_class.__name__}: use one of {allowed}"
            ) from None

    def process_result_value(self, value: str | None, dialect: Dialect) -> StrEnum | None:
        if value is None:
            return None
        return self.enum_class(value)

    @property
    def python_type(self) -> type[Any]:
        return self.enum_class
