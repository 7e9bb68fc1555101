"""The bot's messages as the code asks for them, and as the template and catalogs hold them.

`code_messages()` extracts every message the way `make i18n` does (Babel, with `babel.cfg` and
the `N_` marker); `catalog_problems()` lists what is wrong with one language's catalog: a
message missing, empty or fuzzy, a plural form missing, or a translation whose `{placeholders}`,
Slack markup (`code`, *bold*) or surrounding spaces differ from the English.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "babel.cfg"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
TRANSLATED = ("es", "pt")
UPDATE = "make i18n"

Key = str | tuple[str, ...]
"""A message id: the text, or (singular, plural) for a message with plural forms."""


@dataclass(frozen=True)
class Found:
    """A message the code asks for, and where."""

    key: Key
    where: str


def code_messages() -> list[Found]:
    """Every message of the code and templates, as `pybabel extract -F babel.cfg -k N_` finds."""
    with MAPPING.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(MAPPING))
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = []
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        key = tuple(message) if isinstance(message, tuple | list) else message
        found.append(Found(key, f"{filename}:{lineno}"))
    return found


def catalog_path(lang: str) -> Path:
    """Where one language's catalog lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, lang: str | None = None) -> Catalog:
    """A .pot or .po file as a Babel catalog."""
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def messages(catalog: Catalog) -> dict[Key, Message]:
    """The catalog's messages by id (the header left out)."""
    return {_key(m.id): m for m in catalog if m.id}


def _key(msgid: str | tuple[str, ...] | list[str]) -> Key:
    return tuple(msgid) if isinstance(msgid, tuple | list) else msgid


def placeholders(text: str) -> set[str] | None:
    """The `{names}` a str.format string fills; None when it is not a valid format string."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def _forms(msgid: Key, count: int) -> list[str]:
    """The English text each translated form corresponds to (singular, then plural)."""
    if isinstance(msgid, str):
        return [msgid]
    return [msgid[0], *([msgid[1]] * (count - 1))]


def translation_problems(msgid: Key, strings: Iterable[str]) -> list[str]:
    """What is wrong with the translated forms of one message (nothing when it is right)."""
    forms = list(strings)
    english = _forms(msgid, len(forms))
    problems = []
    for index, (source, text) in enumerate(zip(english, forms, strict=True)):
        form = f"form {index}: " if not isinstance(msgid, str) else ""
        if not text.strip():
            problems.append(f"{form}empty")
            continue
        wanted, got = placeholders(source), placeholders(text)
        if got is None:
            problems.append(f"{form}not a valid format string (a stray brace?)")
        elif got != wanted:
            problems.append(f"{form}placeholders {sorted(got)} instead of {sorted(wanted or ())}")
        if text.count("`") != source.count("`"):
            problems.append(f"{form}the `code` marks differ from the English")
        if text.count("*") != source.count("*"):
            problems.append(f"{form}the *bold* marks differ from the English")
        if (text[:1].isspace(), text[-1:].isspace()) != (
            source[:1].isspace(),
            source[-1:].isspace(),
        ):
            problems.append(f"{form}leading or trailing space differs from the English")
    return problems


def catalog_problems(template: Catalog, catalog: Catalog, nplurals: int) -> list[str]:
    """Every problem of a language's catalog against the template, one line each."""
    wanted = messages(template)
    have = messages(catalog)
    problems = []
    for key, source in wanted.items():
        where = ", ".join(sorted({path for path, _ in source.locations})) or "?"
        found = have.get(key)
        if found is None:
            problems.append(f"{key!r} ({where}): missing")
            continue
        if found.fuzzy:
            problems.append(f"{key!r} ({where}): fuzzy; check the translation, then drop the flag")
        strings = [found.string] if isinstance(found.string, str) else list(found.string)
        if not isinstance(key, str) and len(strings) != nplurals:
            problems.append(f"{key!r} ({where}): {len(strings)} plural forms, {nplurals} expected")
        problems += [f"{key!r} ({where}): {p}" for p in translation_problems(key, strings)]
    problems += [
        f"{key!r}: in the catalog but no longer in the code" for key in have.keys() - wanted.keys()
    ]
    return problems
