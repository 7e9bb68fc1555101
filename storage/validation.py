"""Checks of stored values that the database cannot make itself (timezones, languages, weekdays).

Each raises `InvalidValueError`, a ValueError whose message names the field, the value and what
to use instead, so a service can show it to the person who typed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rubric.schema import LANGUAGES


class InvalidValueError(ValueError):
    """A value that cannot be stored; carries the field name and builds a one-line message."""

    def __init__(self, field: str, value: object, hint: str) -> None:
        super().__init__(f"{field} {value!r} is not valid: {hint}")
        self.field = field
        self.value = value


TIMEZONE_MAX = 64
"""IANA names are far shorter; longer text is never looked up as a file."""


def check_timezone(value: str, *, field: str = "timezone") -> str:
    """An IANA timezone name such as `America/Chicago`, or InvalidValueError."""
    name = value.strip() if isinstance(value, str) else value
    try:
        if not isinstance(name, str) or len(name) > TIMEZONE_MAX:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):  # OSError: an odd file name
        raise InvalidValueError(
            field, value, "use an IANA timezone name such as America/Chicago or Europe/Madrid"
        ) from None
    return name


def is_timezone(value: str | None) -> bool:
    """True when `value` is a timezone name this machine knows."""
    if not value:
        return False
    try:
        check_timezone(value)
    except InvalidValueError:
        return False
    return True


def check_language(value: str, *, field: str = "language") -> str:
    """One of the supported language codes (`en`, `es`, `pt`), or InvalidValueError."""
    if value not in LANGUAGES:
        raise InvalidValueError(field, value, f"use one of {', '.join(LANGUAGES)}")
    return value


def check_weekday(value: int, *, field: str = "weekday") -> int:
    """An ISO weekday, 1 (Monday) to 7 (Sunday), or InvalidValueError."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
        raise InvalidValueError(field, value, "use 1 (Monday) to 7 (Sunday)")
    return value


def check_weekdays(values: Iterable[int], *, field: str = "working_days") -> list[int]:
    """A non-empty set of ISO weekdays, sorted, or InvalidValueError."""
    days = sorted({check_weekday(day, field=field) for day in values})
    if not days:
        raise InvalidValueError(field, [], "name at least one day, e.g. [1, 2, 3, 4, 5]")
    return days
