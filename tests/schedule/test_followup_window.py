"""The follow-up window: the bounds a sweep reads idle respondents within never leave out one
who is due (the working-day rules decide), and they do leave out the recently active."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.schedule.calendar import local_date
from bot.schedule.due import followup_window
from bot.schedule.policies import followup_day, followup_due_on

ZONES = (
    "UTC",
    "America/Santiago",
    "America/New_York",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kolkata",
    "Europe/Lisbon",
    "Australia/Lord_Howe",
)
WEEKS = ((1, 2, 3, 4, 5), (1, 2, 3, 4, 5, 6), (7, 1, 2, 3, 4), (1, 3, 5), (2,))
START = datetime(2027, 1, 1, tzinfo=UTC)


@settings(max_examples=400, deadline=None)
@given(
    now_hours=st.integers(0, 24 * 365),
    idle_hours=st.integers(0, 24 * 30),
    last_back=st.one_of(st.none(), st.integers(0, 30)),
    zone=st.sampled_from(ZONES),
    week=st.sampled_from(WEEKS),
)
def test_no_due_respondent_falls_outside_the_window(
    now_hours: int, idle_hours: int, last_back: int | None, zone: str, week: tuple[int, ...]
) -> None:
    now = START + timedelta(hours=now_hours, minutes=7)
    active = now - timedelta(hours=idle_hours)
    day = followup_day(now, tz=zone, working_days=week)
    last = None if day is None or last_back is None else day - timedelta(days=last_back)
    due = day is not None and followup_due_on(day, local_date(active, zone), last, week)
    window = followup_window(now, ZONES, WEEKS)
    if due:
        assert window is not None and zone in window.days
        idle_before, followed_up_by = window.bounds[zone]
        assert active < idle_before
        assert last is None or last <= followed_up_by
        [(_, latest, by)] = [g for g in window.groups() if zone in g[0]]
        assert active < latest and (last is None or last <= by)


def test_the_recently_active_and_the_recently_followed_up_are_outside() -> None:
    tuesday = datetime(2027, 3, 2, 14, tzinfo=UTC)  # past 9:00 in Lisbon and New York
    window = followup_window(tuesday, ["Europe/Lisbon", "America/New_York"], [(1, 2, 3, 4, 5)])
    assert window is not None
    assert window.days == {"Europe/Lisbon": date(2027, 3, 2), "America/New_York": date(2027, 3, 2)}
    # Due on Tuesday only when idle since Thursday (Friday, Monday, Tuesday: 3 working days).
    lisbon, new_york = window.bounds["Europe/Lisbon"], window.bounds["America/New_York"]
    assert datetime(2027, 2, 26, 1, tzinfo=UTC) >= lisbon[0]  # Friday in Lisbon
    assert datetime(2027, 2, 25, 23, tzinfo=UTC) < lisbon[0]  # Thursday in Lisbon
    assert datetime(2027, 2, 26, 6, tzinfo=UTC) >= new_york[0]  # Friday in New York
    assert datetime(2027, 2, 26, 4, tzinfo=UTC) < new_york[0]  # Thursday in New York
    assert lisbon[1] == new_york[1] == date(2027, 2, 25)
    [(zones, latest, by)] = window.groups()  # one group: the same local days
    assert zones == {"Europe/Lisbon", "America/New_York"}
    assert (latest, by) == (new_york[0], date(2027, 2, 25))


def test_nowhere_due_before_nine_on_a_working_day() -> None:
    sunday = datetime(2027, 2, 28, 12, tzinfo=UTC)
    assert followup_window(sunday, ["Europe/Lisbon"], [(1, 2, 3, 4, 5)]) is None
