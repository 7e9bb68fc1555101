"""The language the bot speaks: each person's (their choice, else their Slack locale) and each
city's for its channel messages (digests, the start notice, the result).

`/citycheck language` shows both and changes them: `es`, `pt` or `en` sets the person's own,
`auto` returns to their Slack locale, and `city <lang> [city]` sets a city's (coordinators only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.i18n import DEFAULT_LANG, N_, SUPPORTED, language_of, normalize_lang
from bot.interview.vocabulary import normalize
from bot.services.access import NOT_SET_UP, AccessDenied, AmbiguousCity, city_for_role, find_actor
from bot.services.coordinator import CityChoice, Refusal, cities_with_role
from bot.services.profiles import Profile
from storage.enums import Role
from storage.repo import orgs

AUTO = "auto"
"""The choice that returns a person to their Slack locale."""

CITY = "city"
"""The first word of `/citycheck language city <lang> [city]`."""

NAMES: dict[str, str] = {
    **{code: code for code in SUPPORTED},
    "english": "en",
    "ingles": "en",
    "spanish": "es",
    "espanol": "es",
    "espanhol": "es",
    "castellano": "es",
    "portuguese": "pt",
    "portugues": "pt",
    "pt-br": "pt",
    "es-la": "es",
    "es-419": "es",
    "en-us": "en",
    AUTO: AUTO,
    "slack": AUTO,
    "default": AUTO,
}
"""What a person may type for a language (accents and case ignored), by its code."""

UNKNOWN_LANGUAGE = N_(
    "I don't know the language `{typed}`. Type `es` (Español), `pt` (Português) or `en` "
    "(English), or `auto` to follow your Slack language."
)
CITY_LANGUAGE_NEEDED = N_(
    "Say which language the city's channel messages should use, e.g. `/citycheck language "
    "city es`: `es` (Español), `pt` (Português) or `en` (English)."
)


@dataclass(frozen=True)
class CityLanguage:
    """A city the person coordinates, with the language of its channel messages."""

    name: str
    lang: str


@dataclass(frozen=True)
class LanguageReply:
    """What `/citycheck language ...` answers: the languages now, and what changed.

    `lang` is the language to answer in (the person's, after any change); `changed` is
    "person" or "city" when something was stored; `problem` (a message id with `params`),
    `refusal` or `choice` when nothing was.
    """

    lang: str
    chosen: str | None = None
    locale: str | None = None
    cities: tuple[CityLanguage, ...] = ()
    changed: str | None = None
    city: CityLanguage | None = None
    problem: str | None = None
    params: dict[str, str] | None = None
    refusal: Refusal | None = None
    choice: CityChoice | None = None


def stored_language(session: Session, *, team_id: str | None, user_id: str) -> str | None:
    """The language to speak to a stored person in (chosen, else locale); None if unknown."""
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    if actor.person is None:
        return None
    return actor.person.language or actor.person.locale


def parse_language(typed: str) -> str | None:
    """The language code (or `auto`) a person typed, e.g. "Español" -> "es"; None if unknown."""
    return NAMES.get(normalize(typed).strip("`'\". "))


def language_command(
    session: Session,
    *,
    team_id: str | None,
    user_id: str,
    args: str,
    profile: Callable[[], Profile | None],
    now: datetime,
) -> LanguageReply:
    """Show or change the person's or a city's language. One unit of work: the caller commits.

    `profile` reads the person's Slack profile; it is called only when they are not stored yet
    and want a language of their own.
    """
    words = args.split()
    if words and words[0].lower() == CITY:
        return _city_language(session, team_id=team_id, user_id=user_id, words=words[1:])
    if not words:
        return _current(session, team_id=team_id, user_id=user_id)
    wanted = parse_language(words[0])
    if wanted is None:
        current = _current(session, team_id=team_id, user_id=user_id)
        return _with(current, problem=UNKNOWN_LANGUAGE, params={"typed": args.strip()[:30]})
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    workspace = actor.workspace
    if workspace is None or workspace.id is None:
        found = profile()
        lang = normalize_lang(found.locale if found else None)
        return LanguageReply(lang=lang, refusal=Refusal(NOT_SET_UP))
    person = actor.person
    if person is None:
        found = profile() or Profile(slack_user_id=user_id, display_name=user_id)
        person = orgs.upsert_person(
            session,
            workspace_id=workspace.id,
            slack_user_id=user_id,
            display_name=found.display_name,
            locale=found.locale,
            timezone=found.timezone,
            now=now,
        )
    assert person.id is not None
    chosen = None if wanted == AUTO else wanted
    orgs.set_person_language(session, person_id=person.id, language=chosen, now=now)
    after = _current(session, team_id=team_id, user_id=user_id)
    return _with(after, changed="person")


def _current(session: Session, *, team_id: str | None, user_id: str) -> LanguageReply:
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    person = actor.person
    cities = tuple(
        CityLanguage(city.name, city.language)
        for city in cities_with_role(session, actor=actor, role=Role.COORDINATOR)
    )
    if person is None:
        return LanguageReply(lang=DEFAULT_LANG, cities=cities)
    return LanguageReply(
        lang=language_of(person.language, person.locale),
        chosen=person.language,
        locale=person.locale,
        cities=cities,
    )


def _city_language(
    session: Session, *, team_id: str | None, user_id: str, words: list[str]
) -> LanguageReply:
    current = _current(session, team_id=team_id, user_id=user_id)
    if not words:
        return _with(current, problem=CITY_LANGUAGE_NEEDED)
    wanted = parse_language(words[0])
    if wanted is None or wanted == AUTO:
        return _with(current, problem=UNKNOWN_LANGUAGE, params={"typed": words[0][:30]})
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    name = " ".join(words[1:]) or None
    try:
        city = city_for_role(
            session, actor=actor, roles=[Role.COORDINATOR], action="language", city_name=name
        )
    except AccessDenied as denied:
        return _with(current, refusal=Refusal.of(denied))
    except AmbiguousCity as several:
        names = tuple(c.name for c in several.cities)
        return _with(current, choice=CityChoice(f"language city {wanted}", names))
    assert city.id is not None
    orgs.update_city(session, city_id=city.id, language=wanted)
    after = _current(session, team_id=team_id, user_id=user_id)
    return _with(after, changed="city", city=CityLanguage(city.name, wanted))


def _with(reply: LanguageReply, **changes: Any) -> LanguageReply:
    return replace(reply, **changes)
