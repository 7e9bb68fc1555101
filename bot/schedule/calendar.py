"""Local calendars: working days, "9:00 local" as a UTC instant, weeks and months. Pure.

Every instant is an aware datetime; local dates and times are read in an IANA timezone with
`zoneinfo`, so 9:00 stays 9:00 on both sides of a daylight-saving change (the UTC instant moves).
Working days are ISO weekdays (Monday 1 ... Sunday 7), as stored on the city.
"""

from __future__ import annotations

import calendar as _calendar
import functools
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

WEEK = 7


@functools.cache
def zone(name: str | None) -> ZoneInfo:
    """The timezone of this IANA name; UTC for None or a name this machine does not know."""
    if not name:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@functools.cache
def known_zones() -> frozenset[str]:
    """Every timezone name this machine's timezone database knows (read once)."""
    return frozenset(available_timezones()) | {"UTC"}


def local_date(moment: datetime, tz: str | None) -> date:
    """The calendar date of an instant in a timezone."""
    return moment.astimezone(zone(tz)).date()


def at_local(day: date, at: time, tz: str | None) -> datetime:
    """The UTC instant of a local date and time of day (e.g. 9:00 in America/Santiago)."""
    local = datetime.combine(day, at.replace(tzinfo=None), tzinfo=zone(tz))
    return local.astimezone(UTC)


def is_working_day(day: date, working_days: Collection[int]) -> bool:
    """True when the date's ISO weekday is one of the working days."""
    return day.isoweekday() in working_days


def previous_working_day(day: date, working_days: Collection[int]) -> date:
    """The date itself when it is a working day, else the nearest working day before it."""
    for back in range(WEEK):
        candidate = day - timedelta(days=back)
        if is_working_day(candidate, working_days):
            return candidate
    return day  # no working day at all: the calendar gives no better answer


def next_working_day(day: date, working_days: Collection[int]) -> date:
    """The date itself when it is a working day, else the nearest working day after it."""
    for ahead in range(WEEK):
        candidate = day + timedelta(days=ahead)
        if is_working_day(candidate, working_days):
            return candidate
    return day


def working_days_after(start: date, end: date, working_days: Collection[int]) -> int:
    """How many working days fall after `start`, up to and including `end` (0 if end <= start)."""
    if end <= start:
        return 0
    span = (end - start).days
    weeks, rest = divmod(span, WEEK)
    count = weeks * sum(1 for d in range(1, 8) if d in working_days)
    for offset in range(1, rest + 1):
        count += is_working_day(start + timedelta(days=offset), working_days)
    return count


def latest_working_slot(
    now: datetime, at: time, tz: str | None, working_days: Collection[int]
) -> datetime | None:
    """The latest `at` local time on a working day at or before `now` (within the last week)."""
    today = local_date(now, tz)
    for back in range(WEEK + 1):
        day = today - timedelta(days=back)
        if not is_working_day(day, working_days):
            continue
        slot = at_local(day, at, tz)
        if slot <= now:
            return slot
    return None


def latest_weekly_slot(now: datetime, weekday: int, at: time, tz: str | None) -> datetime:
    """The latest occurrence of an ISO weekday at a local time, at or before `now`."""
    today = local_date(now, tz)
    back = (today.isoweekday() - weekday) % WEEK
    slot = at_local(today - timedelta(days=back), at, tz)
    if slot > now:
        slot = at_local(today - timedelta(days=back + WEEK), at, tz)
    return slot


def iso_week(day: date) -> str:
    """The ISO week of a date, e.g. `2027-W09`."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, the month's last day when it is shorter (Jan 31 + 1: Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))
