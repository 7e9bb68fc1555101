"""When sends fall due, with an injected clock: 9:00 local on both sides of a DST change.

New York moves its clocks on 14 March and 7 November 2027; Santiago on 4 April and 5 September
2027. Each test walks a clock through the days around a change, five minutes at a time, and
records the first moment each reminder is due: it must be 9:00 local time, on a working day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule.calendar import add_months, working_days_after
from bot.schedule.due import due_reminder_stages, reminder_sends
from bot.schedule.policies import (
    digest_due,
    followup_due,
    milestone_reminder_due,
    reminder_stages,
    tells_coordinators,
)
from bot.schedule.views import OverdueNoticeView
from storage.repo.sweeps import CityRow, MilestoneRow, PersonRow

WEEKDAYS = (1, 2, 3, 4, 5)
NINE = time(9, 0)
STEP = timedelta(minutes=5)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def first_due(
    *,
    due_on: date,
    tz: str,
    start: datetime,
    end: datetime,
    snoozed_until: datetime | None = None,
    working_days: tuple[int, ...] = WEEKDAYS,
) -> dict[str, datetime]:
    """Walk the clock from start to end; the first moment each reminder stage is due."""
    seen: dict[str, datetime] = {}
    now = start
    while now <= end:
        stage = milestone_reminder_due(
            now,
            due_on=due_on,
            snoozed_until=snoozed_until,
            tz=tz,
            working_days=working_days,
            at=NINE,
        )
        if stage is not None:
            seen.setdefault(stage.period_key(due_on), now)
        now += STEP
    return seen


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


@pytest.mark.parametrize(
    ("tz", "due_on", "before_change", "after_change"),
    [
        # New York springs forward on Sunday 14 March 2027: EST (UTC-5) to EDT (UTC-4).
        ("America/New_York", date(2027, 3, 17), utc(2027, 3, 12, 14), utc(2027, 3, 17, 13)),
        # Santiago falls back on Sunday 4 April 2027: UTC-3 to UTC-4.
        ("America/Santiago", date(2027, 4, 6), utc(2027, 4, 2, 12), utc(2027, 4, 6, 13)),
        # Santiago springs forward on Sunday 5 September 2027: UTC-4 to UTC-3.
        ("America/Santiago", date(2027, 9, 8), utc(2027, 9, 3, 13), utc(2027, 9, 8, 12)),
    ],
)
def test_reminders_go_out_at_nine_local_on_both_sides_of_a_dst_change(
    tz: str, due_on: date, before_change: datetime, after_change: datetime
) -> None:
    seen = first_due(
        due_on=due_on,
        tz=tz,
        start=datetime.combine(due_on - timedelta(days=16), time(0), tzinfo=UTC),
        end=datetime.combine(due_on + timedelta(days=16), time(0), tzinfo=UTC),
    )

    assert list(seen) == [
        f"d14@{due_on}",
        f"d3@{due_on}",
        f"d0@{due_on}",
        f"over1@{due_on}",
        f"over2@{due_on}",
    ]
    for moment in seen.values():
        assert local(moment, tz).time() == NINE
        assert local(moment, tz).isoweekday() in WEEKDAYS
    # Three days before falls on the Sunday of the change: sent on the Friday before it, at
    # 9:00 local, which is a different hour in UTC than the due-date reminder after it.
    assert seen[f"d3@{due_on}"] == before_change
    assert seen[f"d0@{due_on}"] == after_change
    assert before_change.hour != after_change.hour


def test_the_two_cities_change_clocks_on_different_dates() -> None:
    offsets = {
        day: (
            local(utc(2027, *day, 12), "America/New_York").utcoffset(),
            local(utc(2027, *day, 12), "America/Santiago").utcoffset(),
        )
        for day in [(3, 12), (3, 15), (4, 2), (4, 5)]
    }
    hours = {day: tuple(o.total_seconds() / 3600 for o in pair) for day, pair in offsets.items()}
    assert hours == {
        (3, 12): (-5, -3),
        (3, 15): (-4, -3),  # New York has changed, Santiago not yet
        (4, 2): (-4, -3),
        (4, 5): (-4, -4),  # now Santiago has too
    }


def test_weekend_reminders_move_to_working_days_of_the_city_and_never_double_up() -> None:
    # Due on Sunday 4 July 2027 in a city that works Monday to Thursday.
    city_days = (1, 2, 3, 4)
    seen = first_due(
        due_on=date(2027, 7, 4),
        tz="America/Chicago",
        start=utc(2027, 6, 16),
        end=utc(2027, 7, 20),
        working_days=city_days,
    )

    days = {key.split("@")[0]: local(m, "America/Chicago").date() for key, m in seen.items()}
    assert days == {
        "d14": date(2027, 6, 17),  # Sunday 20 June moves back to Thursday 17
        "d0": date(2027, 7, 1),  # Sunday 4 July moves back to Thursday 1 July...
        "over1": date(2027, 7, 12),  # Sunday 11 July moves on to Monday 12
        "over2": date(2027, 7, 19),
    }
    # ...where the three-days-before reminder also falls: only the due-date one goes out.
    assert "d3@2027-07-04" not in seen
    assert all(local(m, "America/Chicago").time() == NINE for m in seen.values())


def test_after_downtime_a_missed_reminder_goes_out_if_at_most_a_day_late() -> None:
    due = date(2027, 3, 17)  # Wednesday; due-date reminder at 9:00 EDT = 13:00 UTC
    kwargs = {"due_on": due, "snoozed_until": None, "tz": "America/New_York", "at": NINE}
    late = milestone_reminder_due(utc(2027, 3, 18, 12, 59), working_days=WEEKDAYS, **kwargs)
    assert late is not None and late.name == "d0"
    assert milestone_reminder_due(utc(2027, 3, 18, 13, 0), working_days=WEEKDAYS, **kwargs) is None
    # Down for a whole week: the first overdue reminder is the one sent, not the older ones.
    back = milestone_reminder_due(utc(2027, 3, 24, 15), working_days=WEEKDAYS, **kwargs)
    assert back is not None and back.name == "over1" and back.overdue == 1


def test_a_snooze_holds_reminders_back_and_reminds_once_when_it_ends() -> None:
    tz = "America/New_York"
    due = date(2027, 3, 17)
    # Snoozed on Monday 15 March for a week: until Monday 22 March, 00:00 local.
    until = datetime(2027, 3, 22, tzinfo=ZoneInfo(tz))
    seen = first_due(
        due_on=due, tz=tz, start=utc(2027, 3, 15), end=utc(2027, 4, 5), snoozed_until=until
    )
    assert {k: local(m, tz).date() for k, m in seen.items()} == {
        "snooze:2027-03-22@2027-03-17": date(2027, 3, 22),
        "over1@2027-03-17": date(2027, 3, 24),
        "over2@2027-03-17": date(2027, 3, 31),
    }


def test_a_snooze_ending_on_a_reminder_day_sends_that_reminder_only() -> None:
    tz = "America/New_York"
    due = date(2027, 3, 17)
    until = datetime(2027, 3, 24, tzinfo=ZoneInfo(tz))  # the day of the first overdue reminder
    stages = reminder_stages(
        due_on=due,
        snoozed_until=until,
        until=utc(2027, 3, 25),
        tz=tz,
        working_days=WEEKDAYS,
        at=NINE,
    )
    assert [s.name for s in stages] == ["over1"]


def test_coordinators_hear_from_the_second_overdue_reminder_on() -> None:
    stages = reminder_stages(
        due_on=date(2027, 3, 17),
        snoozed_until=None,
        until=utc(2027, 4, 30),
        tz="UTC",
        working_days=WEEKDAYS,
        at=NINE,
    )
    assert {s.name: tells_coordinators(s) for s in stages} == {
        "d14": False,
        "d3": False,
        "d0": False,
        "over1": False,
        "over2": True,
        "over3": True,
        "over4": True,
        "over5": True,
        "over6": True,
    }


@pytest.mark.parametrize(
    ("tz", "before", "after"),
    [
        ("America/New_York", utc(2027, 3, 8, 14), utc(2027, 3, 15, 13)),
        ("America/Santiago", utc(2027, 3, 29, 12), utc(2027, 4, 5, 13)),
    ],
)
def test_the_weekly_digest_is_due_on_its_weekday_at_its_local_time_until_the_next(
    tz: str, before: datetime, after: datetime
) -> None:
    kwargs = {"tz": tz, "weekday": 1, "at": NINE}
    assert digest_due(before - timedelta(minutes=1), **kwargs) != digest_due(before, **kwargs)
    first = digest_due(before, **kwargs)
    assert first is not None and first[0] == before
    # Still this week's digest (the same period) until the next Monday's 9:00, then the next.
    assert digest_due(after - timedelta(minutes=1), **kwargs) == first
    second = digest_due(after, **kwargs)
    assert second is not None and second[0] == after and second[1] != first[1]
    assert local(before, tz).time() == local(after, tz).time() == NINE


def test_no_digest_for_a_week_before_the_city_was_set_up() -> None:
    kwargs = {"tz": "UTC", "weekday": 1, "at": NINE}
    assert digest_due(utc(2027, 3, 3, 10), since=utc(2027, 3, 2), **kwargs) is None
    assert digest_due(utc(2027, 3, 8, 10), since=utc(2027, 3, 2), **kwargs) == (
        utc(2027, 3, 8, 9),
        "2027-W10",
    )


def followup(now: datetime, last_activity: datetime, last: date | None = None) -> date | None:
    return followup_due(
        now,
        tz="America/Santiago",
        working_days=WEEKDAYS,
        last_activity=last_activity,
        last_followup_on=last,
    )


def test_a_respondent_is_followed_up_at_nine_their_time_after_three_idle_working_days() -> None:
    friday_evening = datetime(2027, 4, 2, 18, tzinfo=ZoneInfo("America/Santiago"))
    # Monday, Tuesday, Wednesday: the third working day is Wednesday 7 April.
    nine_wednesday = datetime(2027, 4, 7, 9, tzinfo=ZoneInfo("America/Santiago"))
    assert followup(nine_wednesday - timedelta(minutes=1), friday_evening) is None
    assert followup(nine_wednesday, friday_evening) == date(2027, 4, 7)
    # At most once every three working days: not Thursday or Friday; Monday again.
    for day in (8, 9):
        at_nine = datetime(2027, 4, day, 9, tzinfo=ZoneInfo("America/Santiago"))
        assert followup(at_nine, friday_evening, last=date(2027, 4, 7)) is None
    again = datetime(2027, 4, 12, 9, tzinfo=ZoneInfo("America/Santiago"))
    assert followup(again, friday_evening, last=date(2027, 4, 7)) == date(2027, 4, 12)


def test_no_follow_up_on_a_weekend() -> None:
    monday = datetime(2027, 4, 5, 10, tzinfo=ZoneInfo("America/Santiago"))
    saturday = datetime(2027, 4, 10, 8, 30, tzinfo=ZoneInfo("America/Santiago"))
    assert followup(saturday, monday) == date(2027, 4, 9)  # Friday's 9:00, less than a day old
    assert followup(saturday + timedelta(hours=1), monday) is None  # now more than a day old
    sunday = datetime(2027, 4, 11, 12, tzinfo=ZoneInfo("America/Santiago"))
    assert followup(sunday, monday) is None  # Friday's slot is stale, no slot on the weekend


def test_working_days_and_months() -> None:
    assert working_days_after(date(2027, 4, 2), date(2027, 4, 7), WEEKDAYS) == 3
    assert working_days_after(date(2027, 4, 2), date(2027, 4, 30), WEEKDAYS) == 20
    assert working_days_after(date(2027, 4, 7), date(2027, 4, 7), WEEKDAYS) == 0
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2027, 3, 1), 12) == date(2028, 3, 1)


def test_due_sends_carry_their_ledger_keys() -> None:
    city = CityRow(
        id=12,
        team_id="T1",
        name="Springfield",
        timezone="America/New_York",
        language="en",
        digest_channel_id="C1",
        working_days=WEEKDAYS,
        digest_weekday=1,
        digest_time=NINE,
        created_at=utc(2027, 1, 1),
    )
    leo = PersonRow(3, "U3", "Leo", "en", None)
    cora = PersonRow(4, "U4", "Cora", "es", None)
    milestone = MilestoneRow(40, 12, 7, "PA1", "KPIs", date(2027, 3, 17), None, leo)
    now = utc(2027, 3, 31, 13)  # 9:00 EDT, two weeks after the due date
    due = due_reminder_stages(now, {12: city}, [milestone])
    sends = reminder_sends(now, {12: city}, due, {12: [cora, leo]})
    assert [(s.kind, s.target, s.period_key, s.channel) for s in sends] == [
        ("milestone_reminder", "city:12/milestone:40", "over2@2027-03-17", "U3"),
        ("milestone_overdue", "city:12/milestone:40/person:4", "over2@2027-03-17", "U4"),
    ]
    assert isinstance(sends[1].view, OverdueNoticeView) and sends[1].view.lang == "es"
