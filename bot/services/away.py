"""Away and back: `/citycheck away until DATE [deputy @person]`, the App Home's Away modal, and
`/citycheck back`. One unit of work's body each: the caller commits.

While a person is away no nudge reaches them; with a deputy (a member of each of their cities)
their milestone reminders and follow-ups go to the deputy until they are back. The day given is
the day they are back, in their own timezone; nudges held meanwhile go out from then, at their
nudge times.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bot.i18n import N_
from bot.schedule.calendar import at_local, local_date
from bot.services.access import NOT_A_MEMBER, Actor, deny
from storage.models import City, Person
from storage.repo import attention as store
from storage.repo import orgs

MAX_AWAY_DAYS = 366
EXAMPLE_GAP = timedelta(days=14)
"""The example date in messages is two weeks from today."""

BAD_DATE = N_(
    "I couldn't read `{typed}` as a date. Give the day you are back, e.g. "
    "`/citycheck away until {example}` (year-month-day), optionally followed by "
    "`deputy @name`."
)
NO_DATE = N_(
    "Say the day you are back, e.g. `/citycheck away until {example}`, optionally followed by "
    "`deputy @name`; or use the Away button on the App Home."
)
PAST_DATE = N_(
    "{date} is not after today. Give the day you are back, e.g. `/citycheck away until {example}`."
)
TOO_FAR = N_(
    "{date} is more than a year away. Give a day within the next 12 months; you can set a "
    "new away period later."
)
DEPUTY_UNKNOWN = N_(
    "I can't tell who your deputy is: mention them with @, e.g. `/citycheck away until "
    "{example} deputy @name`, or leave the deputy out."
)
DEPUTY_SELF = N_("You can't be your own deputy. Pick someone else on your team, or leave it out.")
DEPUTY_NOT_IN_CITY = N_(
    "{name} is not on {city}'s assessment team, so they can't be your deputy. Pick someone who "
    "is, or leave the deputy out."
)
DEPUTY_PROBLEMS = (DEPUTY_UNKNOWN, DEPUTY_SELF, DEPUTY_NOT_IN_CITY)
NOT_AWAY = N_("You weren't marked as away, so nothing changed: reminders reach you as usual.")

_MONTH_NAMES = (
    "january february march april may june july august september october november december",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro",
)
_WEEKDAY_NAMES = (
    "monday tuesday wednesday thursday friday saturday sunday",
    "lunes martes miercoles jueves viernes sabado domingo",
    "segunda terca quarta quinta sexta sabado domingo",
)
MONTHS = {name: n for names in _MONTH_NAMES for n, name in enumerate(names.split(), 1)}
"""Month names (English, Spanish, Portuguese; accents folded) by number."""
WEEKDAYS = {name: n for names in _WEEKDAY_NAMES for n, name in enumerate(names.split(), 1)}
"""Weekday names by ISO weekday."""
TOMORROW = {"tomorrow", "manana", "amanha"}
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
DEPUTY_WORDS = {"deputy", "suplente", "substituto", "substituta", "with", "con", "com"}
UNTIL_WORDS = {"until", "till", "hasta", "ate"}


@dataclass(frozen=True)
class Problem:
    """A person's mistake: a message id and its placeholders."""

    message: str
    params: dict[str, str]


@dataclass(frozen=True)
class AwayOutcome:
    """An away period stored, with who to tell; or a problem (nothing stored)."""

    person: Person | None = None
    back_on: date | None = None
    deputy: Person | None = None
    city: City | None = None
    away_id: int | None = None
    tz: str = "UTC"
    problem: Problem | None = None


@dataclass(frozen=True)
class BackOutcome:
    """The person is back early (`was_away`), and how many held nudges now follow."""

    was_away: bool
    held: int = 0


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if not unicodedata.combining(c)).strip(" ,.")


def parse_back_day(text: str, today: date) -> date | None:
    """The day typed (ISO `2027-03-15`, `15 March`, `March 15 2027`, `15 de marzo`,
    `tomorrow`, a weekday name: its next occurrence), or None when it is not a date."""
    words = [w for w in _plain(text).replace(",", " ").split() if w not in {"de", "of", "the"}]
    if not words:
        return None
    if len(words) == 1:
        word = words[0]
        if word in TOMORROW:
            return today + timedelta(days=1)
        if word in WEEKDAYS:
            ahead = (WEEKDAYS[word] - today.isoweekday() - 1) % 7 + 1
            return today + timedelta(days=ahead)
        try:
            return date.fromisoformat(word)
        except ValueError:
            return None
    numbers = [w for w in words if w.isascii() and w.isdigit() and len(w) <= 4]
    months = [MONTHS[w] for w in words if w in MONTHS]
    if len(months) != 1 or not 1 <= len(numbers) <= 2 or len(words) != len(numbers) + 1:
        return None
    day = int(min(numbers, key=len)) if len(numbers) == 2 else int(numbers[0])
    year = int(max(numbers, key=len)) if len(numbers) == 2 else None
    try:
        found = date(year or today.year, months[0], day)
        if year is None and found <= today:
            found = date(today.year + 1, months[0], day)
    except ValueError:
        return None
    return found


def split_away_args(args: str) -> tuple[str, str | None, bool]:
    """The date text, the deputy's Slack id (if mentioned) and whether a deputy was asked for."""
    words = args.split()
    if words and _plain(words[0]) in UNTIL_WORDS:
        words = words[1:]
    deputy, asked, kept = None, False, []
    for word in words:
        found = MENTION.fullmatch(word)
        if found:
            deputy, asked = found.group(1), True
        elif _plain(word) in DEPUTY_WORDS or word.startswith("@"):
            asked = True
        else:
            kept.append(word)
    return " ".join(kept), deputy, asked


def set_away(
    session: Session,
    *,
    actor: Actor,
    back_on: date | None,
    typed: str = "",
    deputy_user_id: str | None = None,
    deputy_asked: bool = False,
    now: datetime,
) -> AwayOutcome:
    """Record the actor away until `back_on` (typed as `typed`), with an optional deputy."""
    person = actor.person
    cities = orgs.cities_of_person(session, person_id=person.id) if person and person.id else []
    if person is None or person.id is None or not cities:
        return AwayOutcome(problem=Problem(NOT_A_MEMBER, {}))
    tz = person.timezone or cities[0].timezone
    today = local_date(now, tz)
    example = (today + EXAMPLE_GAP).isoformat()
    if back_on is None:
        message = BAD_DATE if typed.strip() else NO_DATE
        return AwayOutcome(
            problem=Problem(message, {"typed": typed.strip()[:40], "example": example})
        )
    if back_on <= today:
        return AwayOutcome(
            problem=Problem(PAST_DATE, {"date": back_on.isoformat(), "example": example})
        )
    if back_on > today + timedelta(days=MAX_AWAY_DAYS):
        return AwayOutcome(problem=Problem(TOO_FAR, {"date": back_on.isoformat()}))
    deputy = None
    if deputy_user_id is not None or deputy_asked:
        deputy, problem = _deputy(session, actor, person, cities, deputy_user_id, example)
        if problem is not None:
            return AwayOutcome(problem=problem)
    period = store.start_away(
        session,
        person_id=person.id,
        deputy_id=deputy.id if deputy else None,
        back_on=back_on,
        until_at=at_local(back_on, time(0, 0), tz),
        now=now,
    )
    store.release_held(session, person_ids=[person.id], now=now)
    return AwayOutcome(person, back_on, deputy, cities[0], period.id, tz)


def _deputy(
    session: Session,
    actor: Actor,
    person: Person,
    cities: list[City],
    user_id: str | None,
    example: str,
) -> tuple[Person | None, Problem | None]:
    if user_id is None or actor.workspace is None or actor.workspace.id is None:
        return None, Problem(DEPUTY_UNKNOWN, {"example": example})
    if user_id == person.slack_user_id:
        return None, Problem(DEPUTY_SELF, {})
    deputy = orgs.find_person(session, workspace_id=actor.workspace.id, slack_user_id=user_id)
    theirs = (
        {c.id for c in orgs.cities_of_person(session, person_id=deputy.id)}
        if deputy and deputy.id
        else set()
    )
    for city in cities:
        if city.id not in theirs:
            deny(DEPUTY_NOT_IN_CITY, action="away_deputy", actor=actor, city_id=city.id,
                 target=f"user:{user_id}")  # fmt: skip
            name = deputy.display_name if deputy else f"<@{user_id}>"
            return None, Problem(DEPUTY_NOT_IN_CITY, {"name": name, "city": city.name})
    return deputy, None


def end_away(session: Session, *, actor: Actor, now: datetime) -> BackOutcome:
    """The actor is back: their away period ends now, and their held nudges are decided again."""
    person = actor.person
    if person is None or person.id is None:
        return BackOutcome(False)
    if not store.end_away(session, person_id=person.id, now=now):
        return BackOutcome(False)
    held = store.release_held(session, person_ids=[person.id], now=now)
    return BackOutcome(True, held)
