"""Setting a city up: the form a coordinator fills in, its checks, and the unit of work storing it.

`setup_form` decides what `/citycheck setup` opens (a blank form, the city's current settings,
or a refusal); `check_setup` checks a submitted form (field problems, who may change which
city) without writing; `save_setup` checks again and stores the workspace, people, roles, the
city and its first assessment in one unit of work. Running setup again for a city updates it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.i18n import DEFAULT_LANG, SUPPORTED, normalize_lang
from bot.services import places
from bot.services.access import N_, AccessDenied, deny, find_actor, require_role
from bot.services.coordinator import (
    NOT_AN_ID,
    CityChoice,
    Problem,
    Refusal,
    cities_with_role,
    city_named,
    language_of,
    parse_id,
)
from bot.services.profiles import Profile, people_for
from rubric.schema import Rubric, Text
from storage.enums import Role
from storage.models import Assessment, City, Person
from storage.repo import assessments, orgs
from storage.validation import is_timezone

NAME_MAX = 120
STATE_MAX = 80
POPULATION_MAX = 100_000_000

EMPTY_NAME = N_("Enter the city's name.")
TOO_LONG = N_("Use at most {limit} characters.")
BAD_COUNTRY = N_("Pick the country from the list.")
BAD_POPULATION = N_("Enter the population as a whole number from 1 to 100,000,000, such as 120000.")
BAD_TIMEZONE = N_("Pick a timezone from the list, such as America/Chicago.")
NO_CHANNEL = N_("Pick the channel where progress and the result should be posted.")
NO_COORDINATOR = N_("Name at least one coordinator.")
NAME_TAKEN_YOURS = N_(
    "{city} is already set up, and you coordinate it: to change it, close this and run "
    "/citycheck setup {city}."
)
CITY_NOT_YOURS = N_(
    "{city} is already set up, and only its coordinators can change it. "
    "Ask one of them, or ask to be made a coordinator."
)
NAME_TAKEN = N_(
    "{city} is already set up here. Ask its coordinators ({people}) to add you, "
    "or use another name if this is a different city."
)

_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,31}$")
_SEPARATORS = re.compile(r"[,_\s\u00a0\u202f']")


@dataclass(frozen=True)
class SetupForm:
    """What the setup modal shows: a new city's defaults or an existing city's settings."""

    city_id: int | None
    name: str = ""
    state: str = ""
    country: str = places.DEFAULT_COUNTRY
    population: int | None = None
    timezone: str | None = None
    channel_id: str | None = None
    coordinators: tuple[str, ...] = ()
    leaders: tuple[str, ...] = ()
    language: str = DEFAULT_LANG
    """The language of the city's channel messages (digests, start notice, result)."""


@dataclass(frozen=True)
class SetupSubmission:
    """A submitted setup modal, as Slack sent it (strings; nothing trusted yet)."""

    city_ref: str = ""
    """The modal's private_metadata: the city id when an existing city is being changed."""
    name: str | None = None
    state: str | None = None
    country: str | None = None
    population: str | None = None
    timezone: str | None = None
    channel_id: str | None = None
    coordinators: tuple[str, ...] = ()
    leaders: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True)
class SetupValues:
    """A checked setup form."""

    name: str
    state: str
    country: str
    population: int
    timezone: str
    channel_id: str
    coordinators: tuple[str, ...]
    leaders: tuple[str, ...]
    language: str | None = None
    """The channel language picked; None keeps the city's (or, new, the submitter's)."""


@dataclass(frozen=True)
class SetupCheck:
    """The outcome of checking a submission: values, or problems by field, or a refusal."""

    values: SetupValues | None = None
    city_id: int | None = None
    problems: Mapping[str, Problem] = field(default_factory=dict)
    refusal: Refusal | None = None
    language: str | None = None
    """The submitter's language, when they are known here."""

    @property
    def ok(self) -> bool:
        """True when the submission may be stored."""
        return self.values is not None and not self.problems and self.refusal is None


@dataclass(frozen=True)
class SetupDone:
    """A stored setup: what the start notice and the coordinator's confirmation say."""

    created: bool
    city_id: int
    city_name: str
    city_language: str
    channel_id: str | None
    coordinators: tuple[str, ...]
    leaders: tuple[str, ...]
    submitter_id: str
    submitter_language: str | None
    assessment_id: int | None
    rubric_title: Text
    area_count: int
    criteria_count: int


@dataclass(frozen=True)
class SetupOutcome:
    """What `save_setup` did: `done`, or the check that stopped it."""

    done: SetupDone | None
    check: SetupCheck


def setup_form(
    session: Session,
    *,
    team_id: str | None,
    user_id: str,
    city_name: str = "",
    channel_id: str = "",
    profile: Callable[[], Profile | None] = lambda: None,
) -> SetupForm | Refusal | CityChoice:
    """What `/citycheck setup [city]` opens for this person.

    A coordinator of exactly one city (or of the city named) gets its settings to change; a
    city named that someone else coordinates is refused; otherwise a blank form for a new
    city. `profile` is called (it reads Slack) only when no timezone is stored for the person.
    """
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    mine = cities_with_role(session, actor=actor, role=Role.COORDINATOR)
    wanted = " ".join(city_name.split())
    if wanted and actor.workspace is not None and actor.workspace.id is not None:
        existing = city_named(session, workspace_id=actor.workspace.id, name=wanted)
        if existing is not None:
            if existing.id not in {city.id for city in mine}:
                denied = deny(CITY_NOT_YOURS, action="setup", actor=actor, city_id=existing.id)
                return Refusal(denied.reason, {"city": existing.name})
            return _current_form(session, existing)
    elif len(mine) == 1:
        return _current_form(session, mine[0])
    elif len(mine) > 1:
        return CityChoice("setup", tuple(city.name for city in mine))
    timezone = actor.person.timezone if actor.person else None
    locale = actor.person.locale if actor.person else None
    if timezone is None:
        read = profile()
        timezone, locale = (read.timezone, read.locale) if read else (None, locale)
    channel = channel_id if _CHANNEL_ID.match(channel_id or "") else None
    return SetupForm(
        city_id=None,
        name=wanted[:NAME_MAX],
        country=places.default_country(timezone, locale),
        timezone=timezone,
        channel_id=channel,
        coordinators=(user_id,),
        language=normalize_lang(language_of(actor.person) if actor.person else locale),
    )


def _current_form(session: Session, city: City) -> SetupForm:
    assert city.id is not None
    coordinator = Role.COORDINATOR
    return SetupForm(
        city_id=city.id,
        name=city.name,
        state=city.state,
        country=city.country,
        population=city.population,
        timezone=city.timezone,
        channel_id=city.digest_channel_id,
        coordinators=_slack_ids(orgs.people_with_role(session, city_id=city.id, role=coordinator)),
        leaders=_slack_ids(orgs.people_with_role(session, city_id=city.id, role=Role.LEADER)),
        language=city.language,
    )


def _slack_ids(people: Iterable[Person]) -> tuple[str, ...]:
    return tuple(person.slack_user_id for person in people)


def parse_setup(submission: SetupSubmission) -> tuple[SetupValues | None, dict[str, Problem]]:
    """Check each field of a submission on its own: the values, or problems by field name."""
    problems: dict[str, Problem] = {}
    name = " ".join((submission.name or "").split())
    if not name:
        problems["name"] = Problem(EMPTY_NAME)
    elif len(name) > NAME_MAX:
        problems["name"] = Problem(TOO_LONG, {"limit": str(NAME_MAX)})
    state = " ".join((submission.state or "").split())
    if len(state) > STATE_MAX:
        problems["state"] = Problem(TOO_LONG, {"limit": str(STATE_MAX)})
    country = (submission.country or "").strip().upper()
    if not places.is_country(country):
        problems["country"] = Problem(BAD_COUNTRY)
    population = _population(submission.population)
    if population is None:
        problems["population"] = Problem(BAD_POPULATION)
    timezone = (submission.timezone or "").strip()
    if not is_timezone(timezone):
        problems["timezone"] = Problem(BAD_TIMEZONE)
    channel = (submission.channel_id or "").strip()
    if not _CHANNEL_ID.match(channel):
        problems["channel"] = Problem(NO_CHANNEL)
    coordinators = _user_ids(submission.coordinators)
    if not coordinators:
        problems["coordinators"] = Problem(NO_COORDINATOR)
    leaders = _user_ids(submission.leaders)
    if problems or population is None:
        return None, problems
    language = submission.language if submission.language in SUPPORTED else None
    values = SetupValues(
        name, state, country, population, timezone, channel, coordinators, leaders, language
    )
    return values, problems


def _population(text: str | None) -> int | None:
    cleaned = _SEPARATORS.sub("", text or "")
    if not cleaned.isdigit() or not cleaned.isascii():
        return None
    digits = cleaned.lstrip("0") or "0"
    if len(digits) > len(str(POPULATION_MAX)):  # too large (and int() refuses 4,300+ digits)
        return None
    value = int(digits)
    return value if 1 <= value <= POPULATION_MAX else None


def _user_ids(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if isinstance(v, str) and _SLACK_ID.match(v)))


def check_setup(
    session: Session, *, team_id: str | None, user_id: str, submission: SetupSubmission
) -> SetupCheck:
    """Check a submitted setup form and who submits it; nothing is written."""
    values, problems = parse_setup(submission)
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    language = language_of(actor.person)
    city_id = None
    if submission.city_ref.strip():
        city_id = parse_id(submission.city_ref)
        if city_id is None:
            deny(NOT_AN_ID, action="setup", actor=actor, target=submission.city_ref[:40])
            return SetupCheck(refusal=Refusal(NOT_AN_ID), language=language)
        try:
            require_role(
                session, actor=actor, city_id=city_id, roles=[Role.COORDINATOR], action="setup"
            )
        except AccessDenied as denied:
            return SetupCheck(refusal=Refusal.of(denied), language=language)
    workspace = actor.workspace
    name = values.name if values else " ".join((submission.name or "").split())
    if name and "name" not in problems and workspace is not None and workspace.id is not None:
        taken = city_named(session, workspace_id=workspace.id, name=name, except_id=city_id)
        if taken is not None:
            problems["name"] = _name_taken(session, taken, actor.person)
    return SetupCheck(values=values, city_id=city_id, problems=problems, language=language)


def _name_taken(session: Session, city: City, person: Person | None) -> Problem:
    assert city.id is not None
    coordinators = orgs.people_with_role(session, city_id=city.id, role=Role.COORDINATOR)
    if person is not None and any(p.id == person.id for p in coordinators):
        return Problem(NAME_TAKEN_YOURS, {"city": city.name})
    names = ", ".join(p.display_name for p in coordinators[:3])
    return Problem(NAME_TAKEN, {"city": city.name, "people": names})


def people_to_read(submission: SetupSubmission, user_id: str) -> list[str]:
    """The Slack ids whose profiles a submission needs: the submitter, coordinators, leaders."""
    return list(dict.fromkeys([user_id, *submission.coordinators, *submission.leaders]))


def save_setup(
    session: Session,
    *,
    team_id: str,
    team_name: str,
    user_id: str,
    submission: SetupSubmission,
    profiles: Iterable[Profile],
    rubric: Rubric,
    now: datetime,
) -> SetupOutcome:
    """Check again, then store the city, its people and roles, and (for a new city) its first
    assessment on `rubric`. One unit of work: the caller commits."""
    check = check_setup(session, team_id=team_id, user_id=user_id, submission=submission)
    if not check.ok or check.values is None:
        return SetupOutcome(None, check)
    values = check.values
    workspace = orgs.upsert_workspace(session, slack_team_id=team_id, name=team_name, now=now)
    assert workspace.id is not None
    people = people_for(
        session,
        workspace_id=workspace.id,
        slack_user_ids=[user_id, *values.coordinators, *values.leaders],
        profiles=profiles,
        now=now,
    )
    submitter = people.get(user_id)
    if check.city_id is None:
        city = orgs.create_city(
            session,
            workspace_id=workspace.id,
            name=values.name,
            state=values.state,
            country=values.country,
            population=values.population,
            timezone=values.timezone,
            digest_channel_id=values.channel_id,
            language=values.language or normalize_lang(language_of(submitter)),
            now=now,
        )
        assert city.id is not None
        assessment: Assessment | None = assessments.start_assessment(
            session, city_id=city.id, rubric_id=rubric.id, rubric_version=rubric.version, now=now
        )
    else:
        city = orgs.update_city(
            session,
            city_id=check.city_id,
            name=values.name,
            state=values.state,
            country=values.country,
            population=values.population,
            timezone=values.timezone,
            digest_channel_id=values.channel_id,
            **({"language": values.language} if values.language else {}),
        )
        assert city.id is not None
        assessment = assessments.open_assessment(
            session, city_id=city.id
        ) or assessments.latest_assessment(session, city_id=city.id)
    coordinators = [people[sid] for sid in values.coordinators if sid in people]
    if not coordinators and submitter is not None:
        coordinators = [submitter]
    leaders = [people[sid] for sid in values.leaders if sid in people]
    _set_role(session, city_id=city.id, role=Role.COORDINATOR, people=coordinators, now=now)
    _set_role(session, city_id=city.id, role=Role.LEADER, people=leaders, now=now)
    done = SetupDone(
        created=check.city_id is None,
        city_id=city.id,
        city_name=city.name,
        city_language=city.language,
        channel_id=city.digest_channel_id,
        coordinators=_slack_ids(coordinators),
        leaders=_slack_ids(leaders),
        submitter_id=user_id,
        submitter_language=language_of(submitter),
        assessment_id=assessment.id if assessment else None,
        rubric_title=rubric.title,
        area_count=len(rubric.areas),
        criteria_count=len(rubric.criteria()),
    )
    return SetupOutcome(done, check)


def _set_role(
    session: Session, *, city_id: int, role: Role, people: list[Person], now: datetime
) -> None:
    """Make exactly these people hold `role` for the city."""
    keep = {person.id for person in people}
    for person in people:
        assert person.id is not None
        orgs.grant_role(session, city_id=city_id, person_id=person.id, role=role, now=now)
    for holder in orgs.people_with_role(session, city_id=city_id, role=role):
        if holder.id not in keep and holder.id is not None:
            orgs.revoke_role(session, city_id=city_id, person_id=holder.id, role=role)
