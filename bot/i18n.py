"""Messages and formats in the person's language: English, Spanish or Portuguese.

Message catalogs are gettext `.po` files under `bot/locale/<lang>/LC_MESSAGES/citycheck.po`,
extracted with Babel (`pybabel extract`) and compiled in memory on first use, so there is no build
step. Every user-facing string of the bot goes through `Translator.gettext` / `ngettext`; dates,
numbers and percentages go through the Babel-backed `format_*` methods.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

SUPPORTED = ("en", "es", "pt")
DEFAULT_LANG = "en"
DOMAIN = "citycheck"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE_NAMES = {"en": "English", "es": "Español", "pt": "Português"}
"""Each language by its own name, as a language menu shows it."""


def N_(message: str) -> str:
    """Mark a message for extraction (`pybabel extract -k N_`); it is translated where shown."""
    return message


def normalize_lang(value: str | None) -> str:
    """Map a Slack locale such as `es-LA` or `pt-BR` to a supported language code."""
    if not value:
        return DEFAULT_LANG
    code = value.replace("_", "-").split("-")[0].lower()
    return code if code in SUPPORTED else DEFAULT_LANG


@functools.cache
def language_of(chosen: str | None, locale: str | None, fallback: str | None = None) -> str:
    """The language to use: the one a person chose, else their Slack locale, else `fallback`."""
    return normalize_lang(chosen or locale or fallback)


@functools.cache
def _translations(lang: str) -> gettext.NullTranslations:
    """A language's catalog, compiled once per process (a message is looked up per call)."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT_LANG or not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """One person's language: their messages and their formats."""

    lang: str = DEFAULT_LANG

    @property
    def locale(self) -> Locale:
        """The Babel locale used for formats (Brazilian Portuguese, Latin American Spanish)."""
        return Locale.parse({"en": "en_US", "es": "es_419", "pt": "pt_BR"}.get(self.lang, "en_US"))

    def gettext(self, message: str) -> str:
        """The message in this language (English where no translation exists)."""
        return _translations(self.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form of a message for the count `n`."""
        return _translations(self.lang).ngettext(singular, plural, n)

    def date(self, value: dt.date | dt.datetime, fmt: str = "medium") -> str:
        """A date in this language's format, e.g. "Mar 3, 2027" or "3 mar 2027"."""
        return format_date(value, format=fmt, locale=self.locale)

    def datetime(self, value: dt.datetime, fmt: str = "medium") -> str:
        """A date and time in this language's format (the value's own timezone)."""
        return format_datetime(value, format=fmt, tzinfo=value.tzinfo, locale=self.locale)

    def time(self, value: dt.datetime, fmt: str = "short") -> str:
        """A time of day in this language's format."""
        return format_time(value, format=fmt, tzinfo=value.tzinfo, locale=self.locale)

    def language_name(self, code: str) -> str:
        """A language's name in this language: "Spanish", "español", "espanhol"."""
        return Locale.parse(normalize_lang(code)).get_display_name(self.locale) or code

    def number(self, value: float | int) -> str:
        """A number with this language's separators."""
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float) -> str:
        """A fraction (0.68) as a percentage in this language's format ("68%", "68 %")."""
        return format_percent(value, locale=self.locale)

    def percent_points(self, value: Decimal | float) -> str:
        """A percentage given in points (68.5) in this language's format: "68.5%", "68,5%".

        One decimal at most, as scoring gives it (rounded down), so a share shown never claims
        a threshold it has not reached.
        """
        return format_percent(Decimal(str(value)) / 100, format="#,##0.#%", locale=self.locale)


def translator(lang: str | None) -> Translator:
    """The translator for a language code or Slack locale."""
    return Translator(normalize_lang(lang))
