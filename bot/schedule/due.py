"""From loaded rows to the sends due at `now`: pure, so every rule can be tested with a clock.

Each `DueSend` carries its ledger key (kind, target, period key), where it goes and its view.
`still_to_send` reads a ledger row: sent, given up and freshly claimed sends are not due again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.schedule import keys
from bot.schedule.calendar import local_date
from bot.schedule.digest import DueDigest
from bot.schedule.policies import (
    Stage,
    digest_due,
    followup_due,
    milestone_reminder_due,
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

    @property
    def key(self) -> tuple[str, str, str]:
        """The ledger key."""
        return self.kind, self.target, self.period_key


@dataclass(frozen=True)
class IdleRespondent:
    """A respondent of one round whose follow-up policy passed (before counting answers)."""

    city: CityRow
    person: PersonRow
    assessment_id: int
    areas: tuple[str, ...]
    rubric_key: tuple[str, str]
    on: date

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
    now: datetime, cities: Mapping[int, CityRow], milestones: Iterable[MilestoneRow]
) -> list[tuple[MilestoneRow, Stage]]:
    """The milestones with a reminder due at `now`, and which one.

    Milestones sharing a due date, a snooze and a city calendar share the answer: it is
    computed once for them.
    """
    found = []
    known: dict[tuple[object, ...], Stage | None] = {}
    for milestone in milestones:
        city = cities.get(milestone.city_id)
        if city is None:
            continue
        calendar = (city.timezone, city.working_days, city.digest_time)
        key = (milestone.due_on, milestone.snoozed_until, *calendar)
        if key not in known:
            known[key] = milestone_reminder_due(
                now,
                due_on=milestone.due_on,
                snoozed_until=milestone.snoozed_until,
                tz=city.timezone,
                working_days=city.working_days,
                at=city.digest_time,
            )
        stage = known[key]
        if stage is not None:
            found.append((milestone, stage))
    return found


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
                )
            )
    return sends


def idle_respondents(
    now: datetime,
    cities: Mapping[int, CityRow],
    rows: Iterable[AssignmentRow],
    last_followups: Mapping[str, str],
) -> list[IdleRespondent]:
    """Respondents due a follow-up by time alone (idle, not paused, not followed up lately)."""
    grouped: dict[tuple[int, int], list[AssignmentRow]] = {}
    for row in rows:
        grouped.setdefault((row.assessment_id, row.person.id), []).append(row)
    found = []
    for (assessment_id, _), group in grouped.items():
        first = group[0]
        city = cities.get(first.city_id)
        if city is None or first.completed_at is not None:
            continue
        if first.paused_until is not None and first.paused_until > now:
            continue
        activity = max(
            [r.assigned_at for r in group] + [first.last_activity_at or first.assigned_at]
        )
        target = keys.followup_target(city.id, assessment_id, first.person.id)
        last = last_followups.get(target)
        day = followup_due(
            now,
            tz=first.person.timezone or city.timezone,
            working_days=city.working_days,
            last_activity=activity,
            last_followup_on=date.fromisoformat(last) if last else None,
        )
        if day is not None:
            areas = tuple(sorted({r.area_id for r in group}))
            key = (first.rubric_id, first.rubric_version)
            found.append(IdleRespondent(city, first.person, assessment_id, areas, key, day))
    return found


def followup_sends(
    rubric: Rubric, idle: Iterable[IdleRespondent], answered: Mapping[int, set[str]]
) -> list[DueSend]:
    """A follow-up to each idle respondent who still has unanswered assigned criteria."""
    sends = []
    for who in idle:
        if who.rubric_key != (rubric.id, rubric.version):
            continue
        done = answered.get(who.assessment_id, set())
        lang = _lang(who.person, who.city)
        areas = []
        for area in rubric.areas:
            if area.id in who.areas:
                left = sum(1 for c in area.criteria if c.id not in done)
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
            )
        )
    return sends


def due_digests(now: datetime, cities: Iterable[CityRow]) -> list[DueDigest]:
    """Each city's digest of this week (whether or not it went out yet), if it has a channel."""
    found = []
    for city in cities:
        if not city.digest_channel_id:
            continue
        due = digest_due(
            now,
            tz=city.timezone,
            weekday=city.digest_weekday,
            at=city.digest_time or time(9, 0),
            since=city.created_at,
        )
        if due is not None:
            slot, period = due
            found.append(DueDigest(city, period, local_date(slot, city.timezone)))
    return found


def _lang(person: PersonRow, city: CityRow) -> str:
    return person.language or city.language


def _short(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()
