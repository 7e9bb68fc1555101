"""When each send falls due: pure functions of `now` and the stored rows. No I/O, no clock.

Kinds, targets and period keys (the notification ledger's unique key, see `keys`):

- `milestone_reminder`, target `city:C/milestone:M`, to the owner. Period keys `d14@DUE`,
  `d3@DUE`, `d0@DUE` (14 and 3 days before the due date DUE and on it, moved back to a working
  day), `overN@DUE` (every 7 days overdue, moved on to a working day), `snooze:DAY@DUE` (the
  first working day after a snooze ends, unless another reminder falls then).
- `milestone_overdue`, target `city:C/milestone:M/person:P`, to each coordinator P, with the
  owner's `overN@DUE` reminders from N = 2 on.
- `digest`, target `city:C`, period key the ISO week of the digest day (`2027-W09`): the city's
  digest weekday and time.
- `followup`, target `city:C/assessment:A/person:P`, period key the local date (`2027-03-04`):
  a working day's 9:00 in the respondent's timezone, after 3 working days without activity and
  3 working days since the last follow-up.

A reminder is sent at the city's time of day (`City.digest_time`, 9:00 unless set otherwise) in
the city's timezone; follow-ups at 9:00 in the respondent's own timezone (the city's when Slack
gave none). Only the latest stage that has fallen due counts, and only while it is recent
(`REMINDER_CATCH_UP`): after downtime a missed reminder goes out on start if it is at most a day
late, and a digest any time before the next one is due; older ones are skipped, never doubled.
Due dates in period keys re-arm the reminders when a milestone's due date changes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.schedule.calendar import (
    at_local,
    iso_week,
    latest_weekly_slot,
    latest_working_slot,
    local_date,
    next_working_day,
    previous_working_day,
    working_days_after,
)

REMINDER_CATCH_UP = timedelta(days=1)
"""A reminder or follow-up that fell due longer ago than this is skipped (it would be stale)."""

RECHECK_AFTER = timedelta(days=14)
"""A milestone with no reminder stage in this long is read again after it anyway."""

BEFORE_DUE = ((14, "d14"), (3, "d3"), (0, "d0"))
"""Reminders before the due date: days before, stage name."""

OVERDUE_EVERY_DAYS = 7
COORDINATORS_FROM_OVERDUE = 2
"""Coordinators hear of an overdue milestone from its owner's second overdue reminder on."""

FOLLOWUP_AT = time(9, 0)
IDLE_WORKING_DAYS = 3
"""A respondent is followed up after this many working days without activity..."""
FOLLOWUP_EVERY_WORKING_DAYS = 3
"""...and at most once in this many working days."""


@dataclass(frozen=True)
class Stage:
    """One reminder about a milestone: its name in the period key and when it is sent."""

    name: str
    send_at: datetime
    overdue: int = 0
    """Which overdue reminder this is (1, 2, ...); 0 before and on the due date."""

    def period_key(self, due_on: date) -> str:
        """The ledger period key: the stage and the due date it was computed for."""
        return f"{self.name}@{due_on.isoformat()}"


def reminder_stages(
    *,
    due_on: date,
    snoozed_until: datetime | None,
    until: datetime,
    tz: str,
    working_days: Collection[int],
    at: time,
) -> list[Stage]:
    """Every reminder stage of a milestone sent at or before `until`, in sending order."""
    stages = []
    for days, name in BEFORE_DUE:
        day = previous_working_day(due_on - timedelta(days=days), working_days)
        stages.append(Stage(name, at_local(day, at, tz)))
    last = local_date(until, tz)
    weeks = max((last - due_on).days // OVERDUE_EVERY_DAYS, 0)
    for n in range(1, weeks + 1):
        day = next_working_day(due_on + timedelta(days=n * OVERDUE_EVERY_DAYS), working_days)
        stages.append(Stage(f"over{n}", at_local(day, at, tz), overdue=n))
    if snoozed_until is not None:
        stages = [s for s in stages if s.send_at >= snoozed_until]
        day = next_working_day(local_date(snoozed_until, tz), working_days)
        send_at = at_local(day, at, tz)
        if send_at < snoozed_until:  # the snooze ends after that day's reminder time
            day = next_working_day(day + timedelta(days=1), working_days)
            send_at = at_local(day, at, tz)
        if all(s.send_at != send_at for s in stages):
            overdue = max((s.overdue for s in stages if s.send_at < send_at), default=0)
            stages.append(Stage(f"snooze:{day.isoformat()}", send_at, overdue=overdue))
    due = [s for s in stages if s.send_at <= until]
    return sorted(due, key=lambda s: (s.send_at, s.overdue))


def milestone_reminder_due(
    now: datetime,
    *,
    due_on: date,
    snoozed_until: datetime | None,
    tz: str,
    working_days: Collection[int],
    at: time,
) -> Stage | None:
    """The reminder to send about an open milestone at `now`, if one is due and still fresh."""
    stages = reminder_stages(
        due_on=due_on,
        snoozed_until=snoozed_until,
        until=now,
        tz=tz,
        working_days=working_days,
        at=at,
    )
    if not stages:
        return None
    latest = stages[-1]
    if now - latest.send_at >= REMINDER_CATCH_UP:
        return None
    return latest


def next_reminder_at(
    now: datetime,
    *,
    due_on: date,
    snoozed_until: datetime | None,
    tz: str,
    working_days: Collection[int],
    at: time,
) -> datetime:
    """When to look at an open milestone again: its first reminder stage after `now`, at the
    latest `RECHECK_AFTER` from now (a milestone is never left unread longer)."""
    later = now + RECHECK_AFTER
    stages = reminder_stages(
        due_on=due_on,
        snoozed_until=snoozed_until,
        until=later,
        tz=tz,
        working_days=working_days,
        at=at,
    )
    return min((s.send_at for s in stages if s.send_at > now), default=later)


def tells_coordinators(stage: Stage) -> bool:
    """True when the coordinators get a copy of this reminder (the 2nd overdue one on)."""
    return stage.name.startswith("over") and stage.overdue >= COORDINATORS_FROM_OVERDUE


def digest_due(
    now: datetime, *, tz: str, weekday: int, at: time, since: datetime | None = None
) -> tuple[datetime, str] | None:
    """This week's digest (when, period key), due from its weekday and time until the next one.

    An occurrence before `since` (e.g. before the city was set up) is not due.
    """
    slot = latest_weekly_slot(now, weekday, at, tz)
    if since is not None and slot < since:
        return None
    return slot, iso_week(local_date(slot, tz))


def followup_due(
    now: datetime,
    *,
    tz: str | None,
    working_days: Collection[int],
    last_activity: datetime,
    last_followup_on: date | None,
    at: time = FOLLOWUP_AT,
) -> date | None:
    """The local date of a follow-up due at `now` to an idle respondent, or None.

    Due at a working day's `at` (in the respondent's timezone), at most a day late, once the
    respondent has been idle for `IDLE_WORKING_DAYS` working days and the last follow-up is
    `FOLLOWUP_EVERY_WORKING_DAYS` working days old.
    """
    day = followup_day(now, tz=tz, working_days=working_days, at=at)
    if day is None:
        return None
    return (
        day
        if followup_due_on(day, local_date(last_activity, tz), last_followup_on, working_days)
        else None
    )


def followup_day(
    now: datetime, *, tz: str | None, working_days: Collection[int], at: time = FOLLOWUP_AT
) -> date | None:
    """The local date whose follow-ups may go out at `now` in a timezone (its working day's
    `at` has come, at most a day ago), or None."""
    slot = latest_working_slot(now, at, tz, working_days)
    if slot is None or now - slot >= REMINDER_CATCH_UP:
        return None
    return local_date(slot, tz)


def followup_due_on(
    day: date, active_on: date, last_followup_on: date | None, working_days: Collection[int]
) -> bool:
    """True when a respondent last active on `active_on` is due a follow-up on `day`."""
    if working_days_after(active_on, day, working_days) < IDLE_WORKING_DAYS:
        return False
    since_last = (
        working_days_after(last_followup_on, day, working_days)
        if last_followup_on is not None
        else FOLLOWUP_EVERY_WORKING_DAYS
    )
    return since_last >= FOLLOWUP_EVERY_WORKING_DAYS
