"""Whether a nudge may reach a person now: pure policy, no I/O, no clock (`now` comes in).

A nudge (a milestone reminder, a follow-up, a re-check) goes out only inside the person's
window: their chosen days, else their city's working days, from their chosen hour (else the
`AttentionRules.start`, 9:00) until `AttentionRules.end` (17:00), in their own timezone. It is
held back, never dropped, while the person is away (`/citycheck away`), while Slack's
do-not-disturb or a snooze is on, for the rest of a day their Slack status reads as vacation
or out of office, and once they had `weekly_cap` nudges in the ISO week (their calendar);
`attention_decision` says when it may go instead. Coordinators' overdue notices are escalations:
outside the cap, inside everything else.

While a person is away with a deputy, their milestone reminders and follow-ups go to the deputy
(`recipient`), unless the deputy is away too.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from bot.schedule import keys
from bot.schedule.calendar import WEEK, at_local, local_date

DEFAULT_START = time(9, 0)
DEFAULT_END = time(17, 0)
DEFAULT_WEEKLY_CAP = 2

DEPUTY_KINDS = frozenset({keys.MILESTONE_REMINDER, keys.FOLLOWUP})
"""Nudges a deputy gets while the person they cover for is away."""
UNCAPPED_KINDS = frozenset({keys.MILESTONE_OVERDUE})
"""Escalations to coordinators: they do not count toward, nor wait for, the weekly cap."""

AWAY_EMOJI = frozenset({":palm_tree:", ":face_with_thermometer:"})
AWAY_WORDS = re.compile(
    r"\b(?:ooo|vacation|vacations|out of (?:the )?office|on leave|"
    r"vacaciones|fuera de la oficina|de licencia|f[ée]rias|fora do escrit[óo]rio|de licen[çc]a)\b",
    re.IGNORECASE,
)
"""Status text that reads as away (English, Spanish, Portuguese)."""


class Verdict(StrEnum):
    """What to do with a nudge now."""

    SEND = "send"
    DEFER = "defer"
    SKIP = "skip"


class Reason(StrEnum):
    """Why a nudge waits (stored with a held nudge, at most 20 characters)."""

    AWAY = "away"
    STATUS = "status"
    DND = "dnd"
    WEEKLY_CAP = "weekly_cap"
    QUIET_HOURS = "quiet_hours"
    NO_WINDOW = "no_window"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class AttentionRules:
    """The defaults of every person's window and the weekly cap (0: no cap)."""

    start: time = DEFAULT_START
    end: time = DEFAULT_END
    weekly_cap: int = DEFAULT_WEEKLY_CAP


@dataclass(frozen=True)
class Window:
    """When a person may be nudged: these ISO weekdays, from `start` to `end`, local time."""

    days: frozenset[int]
    start: time
    end: time
    tz: str | None

    def contains(self, moment: datetime) -> bool:
        """True when `moment` falls inside the window."""
        return next_allowed(moment, self) == moment


@dataclass(frozen=True)
class Signals:
    """What Slack says about a person now: do-not-disturb's end, and a status that reads away."""

    dnd_until: datetime | None = None
    status_away: bool = False


@dataclass(frozen=True)
class Decision:
    """Send now, defer until `at`, or skip; `reason` says why not now."""

    verdict: Verdict
    reason: Reason | None = None
    at: datetime | None = None


SEND_NOW = Decision(Verdict.SEND)


@dataclass(frozen=True)
class AwayState:
    """A person's current away period, as the policy reads it."""

    person_id: int
    until_at: datetime
    back_on: date
    deputy_id: int | None = None


def rules_from(settings: Any) -> AttentionRules:
    """The rules of the settings (`CITYCHECK_NUDGE_START`, `_END`, `_WEEKLY_CAP`)."""
    return AttentionRules(settings.nudge_start, settings.nudge_end, settings.nudge_weekly_cap)


CALENDAR_CACHE = 4096
"""Calendar answers kept (a sweep asks the same few of them for thousands of nudges)."""


def window_for(
    rules: AttentionRules,
    *,
    tz: str | None,
    working_days: Collection[int],
    days: Collection[int] | None = None,
    at: time | None = None,
) -> Window:
    """A person's window: their chosen days and hour, else the city's working days and the
    rules' start; it ends at the rules' end (an hour after a chosen start that is later)."""
    start = at or rules.start
    end = rules.end
    if start >= end:
        end = min(time(23, 59), (datetime.combine(date.min, start) + timedelta(hours=1)).time())
    return Window(frozenset(days or working_days), start, end, tz)


@lru_cache(maxsize=CALENDAR_CACHE)
def next_allowed(moment: datetime, window: Window) -> datetime | None:
    """The first instant at or after `moment` inside the window; None when it has no day."""
    today = local_date(moment, window.tz)
    for ahead in range(WEEK + 1):
        day = today + timedelta(days=ahead)
        if day.isoweekday() not in window.days:
            continue
        opens, closes = at_local(day, window.start, window.tz), at_local(day, window.end, window.tz)
        if moment < closes:
            return max(moment, opens)
    return None


@lru_cache(maxsize=CALENDAR_CACHE)
def week_start(moment: datetime, tz: str | None) -> datetime:
    """Monday 0:00 of the ISO week of `moment`, in a timezone, as a UTC instant."""
    day = local_date(moment, tz)
    return at_local(day - timedelta(days=day.isoweekday() - 1), time(0, 0), tz)


@lru_cache(maxsize=CALENDAR_CACHE)
def next_day_start(moment: datetime, tz: str | None) -> datetime:
    """0:00 of the local day after `moment`'s."""
    return at_local(local_date(moment, tz) + timedelta(days=1), time(0, 0), tz)


@lru_cache(maxsize=CALENDAR_CACHE)
def next_week_start(moment: datetime, tz: str | None) -> datetime:
    """Monday 0:00 of the ISO week after `moment`'s."""
    day = local_date(moment, tz)
    return at_local(day + timedelta(days=WEEK - day.isoweekday() + 1), time(0, 0), tz)


def attention_decision(
    *,
    now: datetime,
    window: Window,
    away_until: datetime | None = None,
    signals: Signals | None = None,
    sent_this_week: int = 0,
    weekly_cap: int = DEFAULT_WEEKLY_CAP,
    capped: bool = True,
) -> Decision:
    """Send a nudge now, or defer it to the first moment every rule allows, or skip it when the
    person's window has no day at all (nothing could ever be sent).

    `away_until`: the person is away until then. `signals`: Slack's do-not-disturb and status.
    `sent_this_week`: nudges they already got this ISO week (their timezone); `capped` is False
    for escalations outside the cap; `weekly_cap` 0 means no cap.
    """
    bounds: list[tuple[datetime, Reason]] = []
    if away_until is not None and away_until > now:
        bounds.append((away_until, Reason.AWAY))
    if signals is not None:
        if signals.status_away:
            bounds.append((next_day_start(now, window.tz), Reason.STATUS))
        if signals.dnd_until is not None and signals.dnd_until > now:
            bounds.append((signals.dnd_until, Reason.DND))
    if capped and weekly_cap > 0 and sent_this_week >= weekly_cap:
        bounds.append((next_week_start(now, window.tz), Reason.WEEKLY_CAP))
    earliest, reason = max(bounds, key=lambda bound: bound[0], default=(now, Reason.QUIET_HOURS))
    at = next_allowed(earliest, window)
    if at is None:
        return Decision(Verdict.SKIP, Reason.NO_WINDOW)
    if at <= now:
        return SEND_NOW
    return Decision(Verdict.DEFER, reason, at)


def is_away(state: AwayState | None, now: datetime) -> bool:
    """True while an away period runs."""
    return state is not None and state.until_at > now


def recipient(
    kind: str, person_id: int, away: Mapping[int, AwayState], now: datetime
) -> tuple[int, AwayState | None]:
    """Who gets a nudge meant for `person_id`: their deputy (with the away period they cover)
    while they are away, for the kinds a deputy takes and unless the deputy is away too; else
    the person themselves (the policy then holds it while they are away)."""
    state = away.get(person_id)
    if not is_away(state, now) or kind not in DEPUTY_KINDS:
        return person_id, None
    assert state is not None
    deputy = state.deputy_id
    if deputy is None or deputy == person_id or is_away(away.get(deputy), now):
        return person_id, None
    return deputy, state


def nudges_this_week(sent_at: Iterable[datetime], now: datetime, tz: str | None) -> int:
    """How many of these send times fall in the ISO week of `now` (in the timezone), up to now."""
    start = week_start(now, tz)
    return sum(1 for moment in sent_at if start <= moment <= now)


class HeldLike(Protocol):
    """What superseding reads of a held nudge."""

    @property
    def kind(self) -> str: ...

    @property
    def target(self) -> str: ...

    @property
    def period_key(self) -> str: ...

    @property
    def held_at(self) -> datetime: ...


H = TypeVar("H", bound=HeldLike)


def latest_held(held: Iterable[H]) -> tuple[list[H], list[H]]:
    """The newest held nudge of each (kind, target), and the older ones it supersedes (a person
    back after three weeks gets one reminder per milestone, about where it stands now)."""
    newest: dict[tuple[str, str], H] = {}
    older: list[H] = []
    for row in sorted(held, key=lambda r: (r.held_at, r.period_key)):
        before = newest.get((row.kind, row.target))
        if before is not None:
            older.append(before)
        newest[(row.kind, row.target)] = row
    return list(newest.values()), older


def status_reads_away(
    text: str | None, emoji: str | None, expiration: int | None, now: datetime
) -> bool:
    """True when a Slack status (text, emoji, expiry as a Unix time; 0: none) says the person is
    on vacation, out of office, on leave or ill, and has not expired."""
    if expiration and datetime.fromtimestamp(expiration, UTC) <= now:
        return False
    if (emoji or "").strip() in AWAY_EMOJI:
        return True
    return bool(AWAY_WORDS.search(text or ""))


def dnd_until(info: Mapping[str, Any], now: datetime) -> datetime | None:
    """When Slack's do-not-disturb (a snooze, or the scheduled quiet hours in progress) ends,
    from a dnd.info answer; None when it is off now."""
    ends: list[datetime] = []
    snooze = _instant(info.get("snooze_endtime"))
    if info.get("snooze_enabled") and snooze is not None:
        ends.append(snooze)
    start, end = _instant(info.get("next_dnd_start_ts")), _instant(info.get("next_dnd_end_ts"))
    if info.get("dnd_enabled") and start is not None and end is not None and start <= now < end:
        ends.append(end)
    later = [moment for moment in ends if moment > now]
    return max(later) if later else None


def _instant(value: Any) -> datetime | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None
