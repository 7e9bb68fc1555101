"""A person's attention as the App Home shows it (next nudge, away, covering, nudge times), the
nudge-times choice, and the one decision every nudge outside the sweep asks for.

`nudge_decision` is what other senders call (e.g. a targeted re-check): the same pure policy as
the sweep (`bot.schedule.attention.attention_decision`) over the person's stored window, away
period and nudges this week. Slack's do-not-disturb and status are read by the scheduler only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session

from bot.i18n import N_
from bot.schedule.attend import COUNT_BACK
from bot.schedule.attention import (
    UNCAPPED_KINDS,
    AttentionRules,
    Decision,
    Window,
    attention_decision,
    next_allowed,
    nudges_this_week,
    window_for,
)
from bot.services.access import NOT_A_MEMBER, Actor
from storage.models import City, Person
from storage.repo import attention as store
from storage.repo import orgs

FIRST_HOUR = 6
"""The earliest hour a person may choose for nudges."""
NO_DAYS = N_("Pick at least one day for reminders.")
BAD_HOUR = N_("Pick an hour from the list.")


@dataclass(frozen=True)
class Covering:
    """Someone away whose nudges come to this person meanwhile."""

    name: str
    back_on: date


@dataclass(frozen=True)
class AttentionView:
    """The App Home's reminders section of one person."""

    window: Window
    chosen: bool
    next_nudge: datetime | None
    """When a nudge may next reach them (None: any time now, inside their window)."""
    held: int
    weekly_cap: int
    away_back_on: date | None = None
    deputy_name: str | None = None
    covering: tuple[Covering, ...] = ()


def person_window(
    session: Session, *, person: Person, rules: AttentionRules, city: City | None = None
) -> tuple[Window, bool]:
    """A person's window (their chosen days and hour, else their first city's working days) and
    whether they chose it."""
    assert person.id is not None
    city = city or next(iter(orgs.cities_of_person(session, person_id=person.id)), None)
    chosen = store.preferences(session, person_ids=[person.id]).get(person.id)
    window = window_for(
        rules,
        tz=person.timezone or (city.timezone if city else None),
        working_days=city.working_days if city else (1, 2, 3, 4, 5),
        days=chosen.days if chosen else None,
        at=chosen.at if chosen else None,
    )
    return window, chosen is not None


def attention_view(
    session: Session, *, person: Person, rules: AttentionRules, now: datetime
) -> AttentionView:
    """What the App Home shows of a person's nudges: when the next may come, what waits."""
    assert person.id is not None
    window, chosen = person_window(session, person=person, rules=rules)
    away = store.current_away(session, person_ids=[person.id], now=now).get(person.id)
    held, soonest = store.next_held(session, person_id=person.id)
    earliest = max(now, away.until_at) if away else now
    if soonest is not None and held:
        earliest = max(earliest, soonest)
    at = next_allowed(earliest, window)
    deputy = orgs.get_person(session, person_id=away.deputy_id) if away and away.deputy_id else None
    covering = tuple(
        Covering(orgs.get_person(session, person_id=row.person_id).display_name, row.back_on)
        for row in store.covered_by(session, deputy_id=person.id, now=now)
    )
    return AttentionView(
        window=window,
        chosen=chosen,
        next_nudge=None if at is not None and at <= now else at,
        held=held,
        weekly_cap=rules.weekly_cap,
        away_back_on=away.back_on if away else None,
        deputy_name=deputy.display_name if deputy else None,
        covering=covering,
    )


def hour_choices(rules: AttentionRules) -> list[time]:
    """The hours a person may choose for nudges: from 6:00 to the last full hour before the end."""
    return [time(h) for h in range(FIRST_HOUR, 24) if time(h) < rules.end]


def save_nudge_times(
    session: Session,
    *,
    actor: Actor,
    days: list[int],
    hour: time | None,
    rules: AttentionRules,
    now: datetime,
) -> dict[str, str]:
    """Store the person's nudge days and hour; the problems by field ("days", "hour") when
    there are any (message ids), else an empty dict. Held nudges are decided again."""
    person = actor.person
    if person is None or person.id is None:
        return {"days": NOT_A_MEMBER}
    problems = {}
    wanted = sorted({d for d in days if 1 <= d <= 7})
    if not wanted:
        problems["days"] = NO_DAYS
    if hour is None or hour not in hour_choices(rules):
        problems["hour"] = BAD_HOUR
    if problems:
        return problems
    assert hour is not None
    store.set_preference(session, person_id=person.id, days=wanted, at=hour, now=now)
    store.release_held(session, person_ids=[person.id], now=now)
    return {}


def nudge_decision(
    session: Session,
    *,
    person_id: int,
    kind: str,
    rules: AttentionRules,
    now: datetime,
    city: City | None = None,
) -> Decision:
    """Whether a nudge of `kind` may reach a person now (send, or defer until `at`): their
    window, away period (a deputy is not considered here) and the weekly cap; for senders
    outside the sweep, which hold a deferred nudge with `storage.repo.attention.hold`."""
    person = orgs.get_person(session, person_id=person_id)
    window, _ = person_window(session, person=person, rules=rules, city=city)
    away = store.current_away(session, person_ids=[person_id], now=now).get(person_id)
    sent = store.nudge_times(
        session, person_ids=[person_id], since=now - COUNT_BACK, uncapped=UNCAPPED_KINDS
    ).get(person_id, [])
    return attention_decision(
        now=now,
        window=window,
        away_until=away.until_at if away else None,
        sent_this_week=nudges_this_week(sent, now, window.tz),
        weekly_cap=rules.weekly_cap,
        capped=kind not in UNCAPPED_KINDS,
    )


def deputy_covers(
    session: Session, *, deputy_id: int | None, person_id: int | None, now: datetime
) -> bool:
    """True while `deputy_id` is the deputy of `person_id`, who is away (they may act on the
    person's milestones meanwhile)."""
    if deputy_id is None or person_id is None:
        return False
    away = store.current_away(session, person_ids=[person_id], now=now).get(person_id)
    return away is not None and away.deputy_id == deputy_id
