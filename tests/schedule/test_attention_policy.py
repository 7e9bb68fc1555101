"""The attention policy with an injected clock: windows across daylight-saving changes, away
with a deputy, do-not-disturb, a vacation status, the weekly cap; nothing is ever dropped."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import keys
from bot.schedule.attention import (
    AttentionRules,
    AwayState,
    Reason,
    Signals,
    Verdict,
    attention_decision,
    dnd_until,
    latest_held,
    nudges_this_week,
    recipient,
    status_reads_away,
    window_for,
)
from storage.repo.attention import HeldRow

NEW_YORK, LISBON = "America/New_York", "Europe/Lisbon"
WEEKDAYS = (1, 2, 3, 4, 5)
RULES = AttentionRules()


def local(tz: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz)).astimezone(UTC)  # type: ignore[misc]


def window(tz: str, **kwargs: object) -> object:
    return window_for(RULES, tz=tz, working_days=WEEKDAYS, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("tz", "friday", "monday", "utc_hour_before", "utc_hour_after"),
    [
        # New York springs forward on Sunday 14 March 2027: 9:00 is 14:00 UTC, then 13:00 UTC.
        (NEW_YORK, date(2027, 3, 12), date(2027, 3, 15), 14, 13),
        # Lisbon springs forward on Sunday 28 March 2027: 9:00 is 9:00 UTC, then 8:00 UTC.
        (LISBON, date(2027, 3, 26), date(2027, 3, 29), 9, 8),
        # ...and falls back on 7 November (New York) and 31 October (Lisbon).
        (NEW_YORK, date(2027, 11, 5), date(2027, 11, 8), 13, 14),
        (LISBON, date(2027, 10, 29), date(2027, 11, 1), 8, 9),
    ],
)
def test_a_nudge_after_hours_waits_for_nine_local_across_a_daylight_saving_change(
    tz: str, friday: date, monday: date, utc_hour_before: int, utc_hour_after: int
) -> None:
    friday_nine = local(tz, friday.year, friday.month, friday.day, 9)
    assert friday_nine.hour == utc_hour_before
    assert attention_decision(now=friday_nine, window=window(tz)).verdict == Verdict.SEND

    evening = local(tz, friday.year, friday.month, friday.day, 17, 30)
    decision = attention_decision(now=evening, window=window(tz))

    monday_nine = local(tz, monday.year, monday.month, monday.day, 9)
    assert (decision.verdict, decision.reason, decision.at) == (
        Verdict.DEFER,
        Reason.QUIET_HOURS,
        monday_nine,
    )
    assert monday_nine.hour == utc_hour_after  # still 9:00 on the wall clock
    assert attention_decision(now=monday_nine, window=window(tz)).verdict == Verdict.SEND


def test_a_chosen_day_and_hour_move_the_window() -> None:
    tuesdays_at_ten = window(NEW_YORK, days=(2,), at=time(10))
    monday_nine = local(NEW_YORK, 2027, 3, 15, 9)
    decision = attention_decision(now=monday_nine, window=tuesdays_at_ten)
    assert decision.at == local(NEW_YORK, 2027, 3, 16, 10)
    assert attention_decision(now=decision.at, window=tuesdays_at_ten).verdict == Verdict.SEND
    late = window(NEW_YORK, at=time(18))  # after the day's end: an hour's window
    assert attention_decision(now=local(NEW_YORK, 2027, 3, 15, 18, 30), window=late).verdict == (
        Verdict.SEND
    )


def test_away_holds_until_the_day_back_then_the_first_hour_of_the_window() -> None:
    now = local(LISBON, 2027, 3, 1, 11)
    back = local(LISBON, 2027, 3, 13, 0)  # a Saturday
    decision = attention_decision(now=now, window=window(LISBON), away_until=back)
    assert (decision.verdict, decision.reason) == (Verdict.DEFER, Reason.AWAY)
    assert decision.at == local(LISBON, 2027, 3, 15, 9)  # Monday 9:00
    assert attention_decision(now=decision.at, window=window(LISBON), away_until=back) == (
        attention_decision(now=decision.at, window=window(LISBON))
    )


def test_do_not_disturb_and_a_vacation_status_delay_a_nudge() -> None:
    now = local(NEW_YORK, 2027, 3, 2, 10)
    snoozed = Signals(dnd_until=local(NEW_YORK, 2027, 3, 2, 11, 30))
    decision = attention_decision(now=now, window=window(NEW_YORK), signals=snoozed)
    assert (decision.reason, decision.at) == (Reason.DND, local(NEW_YORK, 2027, 3, 2, 11, 30))
    until_evening = Signals(dnd_until=local(NEW_YORK, 2027, 3, 2, 18))
    decision = attention_decision(now=now, window=window(NEW_YORK), signals=until_evening)
    assert decision.at == local(NEW_YORK, 2027, 3, 3, 9)  # after it, inside the window
    on_vacation = Signals(status_away=True)
    decision = attention_decision(now=now, window=window(NEW_YORK), signals=on_vacation)
    assert (decision.reason, decision.at) == (Reason.STATUS, local(NEW_YORK, 2027, 3, 3, 9))


def test_the_weekly_cap_defers_to_next_week_and_spares_escalations() -> None:
    wednesday = local(NEW_YORK, 2027, 3, 3, 10)
    sent = [local(NEW_YORK, 2027, 3, 1, 9), local(NEW_YORK, 2027, 3, 2, 9)]
    assert nudges_this_week([*sent, local(NEW_YORK, 2027, 2, 26, 9)], wednesday, NEW_YORK) == 2
    decision = attention_decision(
        now=wednesday, window=window(NEW_YORK), sent_this_week=2, weekly_cap=2
    )
    assert (decision.reason, decision.at) == (Reason.WEEKLY_CAP, local(NEW_YORK, 2027, 3, 8, 9))
    escalation = attention_decision(
        now=wednesday, window=window(NEW_YORK), sent_this_week=5, weekly_cap=2, capped=False
    )
    assert escalation.verdict == Verdict.SEND
    uncapped = attention_decision(
        now=wednesday, window=window(NEW_YORK), sent_this_week=5, weekly_cap=0
    )
    assert uncapped.verdict == Verdict.SEND


def test_the_latest_bound_wins_and_an_empty_window_skips() -> None:
    now = local(NEW_YORK, 2027, 3, 3, 10)
    decision = attention_decision(
        now=now,
        window=window(NEW_YORK),
        away_until=local(NEW_YORK, 2027, 3, 10, 0),
        signals=Signals(dnd_until=local(NEW_YORK, 2027, 3, 4, 0)),
        sent_this_week=2,
    )
    assert (decision.reason, decision.at) == (Reason.AWAY, local(NEW_YORK, 2027, 3, 10, 9))
    never = window_for(RULES, tz=NEW_YORK, working_days=())
    assert attention_decision(now=now, window=never).verdict == Verdict.SKIP


def test_a_deputy_gets_reminders_and_follow_ups_while_the_person_is_away() -> None:
    now = datetime(2027, 3, 3, 15, tzinfo=UTC)
    away = {1: AwayState(1, now + timedelta(days=7), date(2027, 3, 10), deputy_id=2)}
    assert recipient(keys.MILESTONE_REMINDER, 1, away, now) == (2, away[1])
    assert recipient(keys.FOLLOWUP, 1, away, now) == (2, away[1])
    assert recipient(keys.MILESTONE_OVERDUE, 1, away, now) == (1, None)  # held, not passed on
    assert recipient(keys.FOLLOWUP, 1, away, now + timedelta(days=7)) == (1, None)  # back
    both_away = {**away, 2: AwayState(2, now + timedelta(days=2), date(2027, 3, 5))}
    assert recipient(keys.FOLLOWUP, 1, both_away, now) == (1, None)
    assert recipient(keys.FOLLOWUP, 3, away, now) == (3, None)


def test_only_the_newest_held_nudge_of_a_target_goes_out() -> None:
    at = datetime(2027, 3, 1, tzinfo=UTC)

    def held(hid: int, target: str, period: str, days: int) -> HeldRow:
        return HeldRow(hid, keys.MILESTONE_REMINDER, target, period, 1, at, "away",
                       at + timedelta(days=days))  # fmt: skip

    rows = [held(1, "m1", "d3@X", 0), held(2, "m1", "d0@X", 3), held(3, "m2", "d14@Y", 1)]
    keep, older = latest_held(rows)
    assert sorted(r.id for r in keep) == [2, 3] and [r.id for r in older] == [1]


def test_a_status_reads_as_away_in_three_languages_until_it_expires() -> None:
    now = datetime(2027, 3, 3, 15, tzinfo=UTC)
    assert status_reads_away("", ":palm_tree:", 0, now)
    assert status_reads_away("Sick", ":face_with_thermometer:", None, now)
    assert status_reads_away("OOO until Monday", "", 0, now)
    assert status_reads_away("On leave", "", 0, now)
    assert status_reads_away("De vacaciones", "", 0, now)
    assert status_reads_away("Em férias", "", 0, now)
    assert not status_reads_away("In a meeting", ":calendar:", 0, now)
    expired = int((now - timedelta(hours=1)).timestamp())
    assert not status_reads_away("Out of office", ":palm_tree:", expired, now)


def test_dnd_info_reads_a_snooze_or_the_quiet_hours_in_progress() -> None:
    now = datetime(2027, 3, 3, 15, tzinfo=UTC)
    ts = int(now.timestamp())
    assert dnd_until({"snooze_enabled": True, "snooze_endtime": ts + 600}, now) == now + timedelta(
        minutes=10
    )
    quiet = {"dnd_enabled": True, "next_dnd_start_ts": ts - 60, "next_dnd_end_ts": ts + 3600}
    assert dnd_until(quiet, now) == now + timedelta(hours=1)
    later = {"dnd_enabled": True, "next_dnd_start_ts": ts + 60, "next_dnd_end_ts": ts + 3600}
    assert dnd_until(later, now) is None
    assert dnd_until({"dnd_enabled": False, "snooze_enabled": False}, now) is None
