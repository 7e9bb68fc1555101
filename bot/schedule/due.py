"""From loaded rows to the sends due at `now`: pure, so every rule can be tested with a clock.

Each `DueSend` carries its ledger key (kind, target, period key), where it goes and its view.
`still_to_send` reads a ledger row: sent, given up and freshly claimed sends are not due again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol, TypeVar

from bot.schedule import keys
from bot.schedule.calendar import at_local, local_date, working_days_after
from bot.schedule.digest import DueDigest
from bot.schedule.policies import (
    FOLLOWUP_EVERY_WORKING_DAYS,
    IDLE_WORKING_DAYS,
    Stage,
    digest_due,
    followup_day,
    followup_due_on,
    milestone_reminder_due,
    next_reminder_at,
    tells_coordinators,
)
from bot.schedule.sending import View
from bot.schedule.views import FollowupView, OverdueNoticeView, ReminderView
from rubric.schema import Rubric
from storage.enums import NotificationStatus
from storage.repo.ledger import CLAIM_TIMEOUT, MAX_ATTEMPTS
from storage.repo.sweeps import AssignmentRow, CityRow, LedgerRow, MilestoneRow, PersonRow


@dataclass(frozen=True)
class DueSend:
    """A send due now: its ledger key, the workspace and channel, what it says."""

    kind: str
    target: str
    period_key: str
    team_id: str
    channel: str
    view: View
    milestone_id: int | None = None
    due_on: date | None = None
    person_id: int | None = None
    assessment_id: int | None = None
    recipient_id: int | None = None
    """The person a nudge goes to: the attention policy governs it (`bot.schedule.attend`)."""

    @property
    def key(self) -> tuple[str, str, str]:
        """The ledger key."""
        return self.kind, self.target, self.period_key


class Reminded(Protocol):
    """What the reminder policy reads of a milestone."""

    @property
    def city_id(self) -> int: ...

    @property
    def due_on(self) -> date: ...

    @property
    def snoozed_until(self) -> datetime | None: ...


M = TypeVar("M", bound=Reminded)


@dataclass(frozen=True)
class IdleRespondent:
    """A respondent of one round whose follow-up policy passed (before counting answers)."""

    city: CityRow
    person: PersonRow
    assessment_id: int
    areas: tuple[str, ...]
    """The whole areas assigned to the person."""
    rubric_key: tuple[str, str]
    on: date
    criteria: tuple[str, ...] = ()
    """Criteria assigned to the person alone (outside their whole areas)."""

    @property
    def target(self) -> str:
        """The ledger target of this person's follow-ups in this round."""
        return keys.followup_target(self.city.id, self.assessment_id, self.person.id)


def still_to_send(row: LedgerRow | None, now: datetime) -> bool:
    """True unless the ledger shows the send done, given up, or claimed within the timeout."""
    if row is None:
        return True
    if row.status in (NotificationStatus.SENT, NotificationStatus.PERMANENT_ERROR):
        return False
    if row.attempts >= MAX_ATTEMPTS:
        return False
    if row.status == NotificationStatus.CLAIMED:
        return row.claimed_at <= now - CLAIM_TIMEOUT
    return True


def due_reminder_stages(
    now: datetime, cities: Mapping[int, CityRow], milestones: Iterable[M]
) -> list[tuple[M, Stage]]:
    """The milestones with a reminder due at `now`, and which one."""
    return reminder_schedule(now, cities, milestones)[0]


def reminder_schedule(
    now: datetime, cities: Mapping[int, CityRow], milestones: Iterable[M]
) -> tuple[list[tuple[M, Stage]], dict[M, datetime]]:
    """The milestones with a reminder due at `now` (and which one), and for every milestone
    when to look at it next: its first reminder after `now`.

    Milestones sharing a due date, a snooze and a city calendar share the answers: they are
    computed once for them.
    """
    found, looks = [], {}
    known: dict[tuple[object, ...], tuple[Stage | None, datetime]] = {}
    for milestone in milestones:
        city = cities.get(milestone.city_id)
        if city is None:
            continue
        calendar = (city.timezone, city.working_days, city.digest_time)
        key = (milestone.due_on, milestone.snoozed_until, *calendar)
        answer = known.get(key)
        if answer is None:
            due_on, snoozed, tz, days, at = milestone.due_on, milestone.snoozed_until, *calendar
            answer = known[key] = (
                milestone_reminder_due(
                    now, due_on=due_on, snoozed_until=snoozed, tz=tz, working_days=days, at=at
                ),
                next_reminder_at(
                    now, due_on=due_on, snoozed_until=snoozed, tz=tz, working_days=days, at=at
                ),
            )
        stage, later = answer
        looks[milestone] = later
        if stage is not None:
            found.append((milestone, stage))
    return found, looks


def reminder_sends(
    now: datetime,
    cities: Mapping[int, CityRow],
    due: Iterable[tuple[MilestoneRow, Stage]],
    coordinators: Mapping[int, Sequence[PersonRow]],
) -> list[DueSend]:
    """The owner's reminder for each due stage, and the coordinators' copies when overdue."""
    sends = []
    for milestone, stage in due:
        city = cities[milestone.city_id]
        sent_on = local_date(stage.send_at, city.timezone)
        days_left = (milestone.due_on - sent_on).days
        period = stage.period_key(milestone.due_on)
        sends.append(
            DueSend(
                kind=keys.MILESTONE_REMINDER,
                target=keys.milestone_target(city.id, milestone.id),
                team_id=city.team_id,
                channel=milestone.owner.slack_user_id,
                view=ReminderView(
                    milestone.id,
                    milestone.title,
                    city.name,
                    milestone.due_on,
                    days_left,
                    _lang(milestone.owner, city),
                ),
                period_key=period,
                milestone_id=milestone.id,
                due_on=milestone.due_on,
                recipient_id=milestone.owner.id,
            )
        )
        if not tells_coordinators(stage):
            continue
        for person in coordinators.get(city.id, ()):
            if person.id == milestone.owner.id:
                continue
            target = keys.coordinator_target(city.id, milestone.id, person.id)
            sends.append(overdue_notice(city, milestone, person, target, period, -days_left))
    return sends


def overdue_notice(
    city: CityRow, milestone: MilestoneRow, person: PersonRow, target: str, period: str, days: int
) -> DueSend:
    """A coordinator's copy of an overdue milestone's reminder, `days` late."""
    return DueSend(
        kind=keys.MILESTONE_OVERDUE,
        target=target,
        team_id=city.team_id,
        channel=person.slack_user_id,
        view=OverdueNoticeView(
            milestone.id,
            milestone.title,
            city.name,
            milestone.owner.name,
            milestone.due_on,
            days,
            _lang(person, city),
        ),
        period_key=period,
        milestone_id=milestone.id,
        due_on=milestone.due_on,
        recipient_id=person.id,
    )


def idle_respondents(
    now: datetime,
    cities: Mapping[int, CityRow],
    rows: Iterable[AssignmentRow],
    last_followups: Mapping[str, str],
) -> list[IdleRespondent]:
    """Respondents due a follow-up by time alone (idle, not paused, not followed up lately).

    The day a timezone's follow-ups go out on, and each (active day, last follow-up) answer,
    are computed once for all who share them.
    """
    found = []
    days: dict[tuple[str | None, tuple[int, ...]], date | None] = {}
    answers: dict[tuple[date, date, str | None, tuple[int, ...]], bool] = {}
    for row in rows:
        city = cities.get(row.city_id)
        if city is None or row.completed_at is not None:
            continue
        if row.paused_until is not None and row.paused_until > now:
            continue
        tz = row.person.timezone or city.timezone
        calendar = (tz, city.working_days)
        if calendar not in days:
            days[calendar] = followup_day(now, tz=tz, working_days=city.working_days)
        day = days[calendar]
        if day is None:
            continue
        activity = row.assigned_at
        if row.last_activity_at is not None and row.last_activity_at > activity:
            activity = row.last_activity_at
        target = keys.followup_target(city.id, row.assessment_id, row.person.id)
        last = last_followups.get(target)
        key = (day, local_date(activity, tz), last, city.working_days)
        due = answers.get(key)
        if due is None:
            due = answers[key] = followup_due_on(
                day, key[1], date.fromisoformat(last) if last else None, city.working_days
            )
        if due:
            areas = (row.rubric_id, row.rubric_version)
            found.append(
                IdleRespondent(
                    city, row.person, row.assessment_id, row.area_ids, areas, day, row.criterion_ids
                )
            )
    return found


@dataclass(frozen=True)
class FollowupWindow:
    """Where follow-ups may be due at a moment, and the bounds every due respondent is within.

    `days`: the timezones where follow-ups may go out, with the latest local day they would go
    out on. `bounds`: for each of them, an instant a due respondent's last activity (and newest
    assignment) comes before, and the local day their last follow-up went out on or before.
    The bounds hold under every working week read, so the rows past them can be left unread:
    the working-day rules of `followup_due_on` would say not due.
    """

    days: dict[str, date]
    bounds: dict[str, tuple[datetime, date]]

    def groups(self) -> list[tuple[frozenset[str], datetime, date]]:
        """The timezones grouped by the local days of their bounds, with each group's latest
        bounds (a few groups, whatever the number of timezones)."""
        found: dict[tuple[date, date], tuple[set[str], datetime]] = {}
        for tz, (idle_before, followed_up_by) in self.bounds.items():
            key = (self.days[tz], followed_up_by)
            zones, latest = found.get(key, (set(), idle_before))
            zones.add(tz)
            found[key] = (zones, max(latest, idle_before))
        return [
            (frozenset(zones), latest, followed_up_by)
            for (_, followed_up_by), (zones, latest) in sorted(found.items())
        ]


def followup_window(
    now: datetime, timezones: Iterable[str], weeks: Iterable[tuple[int, ...]]
) -> FollowupWindow | None:
    """Of these timezones and working weeks, where follow-ups may be due at `now` (None: nowhere;
    a name no timezone database knows is read as UTC, as `calendar.zone` does)."""
    found = set(weeks)
    days: dict[str, date] = {}
    bounds: dict[str, tuple[datetime, date]] = {}
    for tz in set(timezones):
        for week in found:
            day = followup_day(now, tz=tz, working_days=week)
            idle_on = _back(day, IDLE_WORKING_DAYS, week) if day else None
            every_on = _back(day, FOLLOWUP_EVERY_WORKING_DAYS, week) if day else None
            if day is None or idle_on is None or every_on is None:
                continue
            days[tz] = max(day, days.get(tz, day))
            # Active on `idle_on` (local) at the latest: before the next local midnight; an hour
            # more covers the zones whose midnight a clock change skips.
            instant = at_local(idle_on + timedelta(days=1), time(0), tz) + timedelta(hours=1)
            before, by = bounds.get(tz, (instant, every_on))
            bounds[tz] = (max(before, instant), max(by, every_on))
    return FollowupWindow(days, bounds) if days else None


def _back(day: date, count: int, working_days: tuple[int, ...]) -> date | None:
    """The latest date before `day` with `count` working days after it up to `day` (None when
    the week has no working day)."""
    if not any(1 <= d <= 7 for d in working_days):
        return None
    start = day - timedelta(days=1)
    while working_days_after(start, day, working_days) < count:
        start -= timedelta(days=1)
    return start


def followup_sends(
    rubric: Rubric, idle: Iterable[IdleRespondent], answered: Mapping[int, set[str]]
) -> list[DueSend]:
    """A follow-up to each idle respondent who still has unanswered assigned criteria (their
    whole areas and the criteria assigned to them alone)."""
    sends = []
    for who in idle:
        if who.rubric_key != (rubric.id, rubric.version):
            continue
        done = answered.get(who.assessment_id, set())
        lang = _lang(who.person, who.city)
        single = set(who.criteria)
        areas = []
        for area in rubric.areas:
            whole = area.id in who.areas
            if whole or single:
                left = sum(
                    1 for c in area.criteria if (whole or c.id in single) and c.id not in done
                )
                if left:
                    areas.append((area.name.get(_short(lang)), left))
        if not areas:
            continue
        sends.append(
            DueSend(
                kind=keys.FOLLOWUP,
                target=who.target,
                period_key=who.on.isoformat(),
                team_id=who.city.team_id,
                channel=who.person.slack_user_id,
                view=FollowupView(who.assessment_id, who.city.name, lang, tuple(areas)),
                person_id=who.person.id,
                assessment_id=who.assessment_id,
                recipient_id=who.person.id,
            )
        )
    return sends


def due_digests(now: datetime, cities: Iterable[CityRow]) -> list[DueDigest]:
    """Each city's digest of this week (whether or not it went out yet), if it has a channel.

    Cities sharing a calendar (timezone, weekday, time) share the slot: it is computed once.
    """
    found = []
    slots: dict[tuple[str, int, time], tuple[datetime, str, date] | None] = {}
    for city in cities:
        if not city.digest_channel_id:
            continue
        calendar = (city.timezone, city.digest_weekday, city.digest_time or time(9, 0))
        if calendar not in slots:
            due = digest_due(now, tz=calendar[0], weekday=calendar[1], at=calendar[2])
            slots[calendar] = (
                (due[0], due[1], local_date(due[0], city.timezone)) if due is not None else None
            )
        slot = slots[calendar]
        if slot is not None and slot[0] >= city.created_at:
            found.append(DueDigest(city, slot[1], slot[2]))
    return found


def _lang(person: PersonRow, city: CityRow) -> str:
    return person.language or city.language


def _short(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()
