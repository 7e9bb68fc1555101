"""Countries and timezones a city can be set up with, and the checks of what a person picked.

Timezones are the canonical IANA zones of the tz database's `zone.tab` (shipped by the `tzdata`
package, so every platform has the same list), each with the country it belongs to; countries
are the ISO 3166-1 alpha-2 codes CLDR names (read through Babel, in the person's language).
"""

from __future__ import annotations

import functools
from importlib import resources

from babel import Locale

from bot.i18n import N_
from storage.validation import is_timezone

REGIONS = (
    N_("America"),
    N_("Europe"),
    N_("Africa"),
    N_("Asia"),
    N_("Australia"),
    N_("Pacific"),
    N_("Atlantic"),
    N_("Indian"),
    N_("Antarctica"),
    N_("Arctic"),
)
"""The tz database's regions, in the order the timezone menu lists them (translated there)."""

GROUP_LIMIT = 100
"""Slack's most options in one option group of a select menu."""

DEFAULT_COUNTRY = "US"

_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
"""Two-letter CLDR region codes that are not countries (unions, pseudo-locales, unknown)."""


@functools.cache
def _zone_table() -> tuple[tuple[str, str], ...]:
    """(country code, zone name) for every row of the tz database's zone.tab."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        country, _coordinates, zone, *_ = line.split("\t")
        rows.append((country.strip(), zone.strip()))
    return tuple(rows)


@functools.cache
def timezone_names() -> tuple[str, ...]:
    """Every canonical timezone a city can choose, sorted."""
    return tuple(sorted({zone for _, zone in _zone_table()}))


def timezone_groups(extra: tuple[str, ...] = ()) -> list[tuple[str, tuple[str, ...]]]:
    """The timezones by region for a menu: (region, zones), regions of more than 100 split.

    `extra` names zones that must be offered even if the tz database lists them under another
    name (a person's Slack timezone, a city's stored one); they come first, as ("", zones).
    """
    groups: list[tuple[str, tuple[str, ...]]] = []
    known = set(timezone_names())
    missing = tuple(dict.fromkeys(z for z in extra if z and z not in known and is_timezone(z)))
    if missing:
        groups.append(("", missing))
    for region in REGIONS:
        zones = [z for z in timezone_names() if z.split("/", 1)[0] == region]
        for start in range(0, len(zones), GROUP_LIMIT):
            groups.append((region, tuple(zones[start : start + GROUP_LIMIT])))
    return groups


def country_of_timezone(timezone: str | None) -> str | None:
    """The country a timezone belongs to (America/Chicago -> US), if the tz database says."""
    return next((country for country, zone in _zone_table() if zone == timezone), None)


@functools.cache
def country_codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 country code CLDR knows, sorted."""
    codes = (str(code) for code in Locale.parse("en").territories)
    return tuple(
        sorted(c for c in codes if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES)
    )


def is_country(code: str | None) -> bool:
    """True for a known two-letter country code."""
    return bool(code) and code in country_codes()


def country_name(code: str, locale: Locale) -> str:
    """A country's name in a language, e.g. BR -> "Brazil" / "Brasil"."""
    return str(locale.territories.get(code) or code)


def default_country(timezone: str | None, locale: str | None) -> str:
    """The country to propose: the timezone's, else the Slack locale's region, else the US."""
    found = country_of_timezone(timezone)
    if found:
        return found
    language, _, region = (locale or "").replace("_", "-").partition("-")
    if (language.lower(), region.upper()) == ("es", "LA"):
        return DEFAULT_COUNTRY  # Slack's es-LA is Latin American Spanish, not Laos
    return region.upper() if is_country(region.upper()) else DEFAULT_COUNTRY
