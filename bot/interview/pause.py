"""When a pause ends, in the person's own timezone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.interview.model import PauseChoice

RESUME_AT = time(9, 0)
"""Local time of day at which a pause of "tomorrow" or "next week" ends."""

QUIET_DAYS = 28
""""I'll come back myself": no reminders for this many days."""


def pause_until(choice: PauseChoice, now: datetime, timezone: str) -> datetime:
    """The end of a pause (UTC): tomorrow 9:00, next Monday 9:00, or four weeks from now."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if choice is PauseChoice.MYSELF:
        return (now + timedelta(days=QUIET_DAYS)).astimezone(UTC)
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    days = 1 if choice is PauseChoice.TOMORROW else 7 - local.weekday()
    day = local.date() + timedelta(days=days)
    return datetime.combine(day, RESUME_AT, tzinfo=zone).astimezone(UTC)
