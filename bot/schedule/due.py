"""From loaded rows to the sends due at `now`: pure, so every rule can be tested with a clock.

Each `DueSend` carries its ledger key (kind, target, period key), where it goes and its view.
`still_to_send` reads a ledger row: sent, given up and freshly claimed sends are not due again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol, TypeVar

from bot.schedule import keys
from bot.schedule.calendar import local_date
from bot.schedule.digest import DueDigest
from bot.schedule.policies import (
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
            sends.append(
                DueSend(
                    kind=keys.MILESTONE_OVERDUE,
                    target=keys.coordinator_target(city.id, milestone.id, person.id),
                    team_id=city.team_id,
                    channel=person.slack_user_id,
                    view=OverdueNoticeView(
                        milestone.id,
                        milestone.title,
                        city.name,
                        milestone.owner.name,
                        milestone.due_on,
                        -days_left,
                        _lang(person, city),
                    ),
                    period_key=period,
                    milestone_id=milestone.id,
                    due_on=milestone.due_on,
                    recipient_id=person.id,
                )
            )
    return sends


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


def followup_days(
    now: datetime, timezones: Iterable[str], weeks: Iterable[tuple[int, ...]]
) -> dict[str, date]:
    """Of these timezones, those where follow-ups may be due at `now` under one of these
    working weeks, with the latest local day they would go out on (a name no timezone database
    knows is read as UTC, as `calendar.zone` does)."""
    found = set(weeks)
    days = {}
    for tz in set(timezones):
        live = [d for week in found if (d := followup_day(now, tz=tz, working_days=week))]
        if live:
            days[tz] = max(live)
    return days


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
