"""Evidence typed into the modal: links one per line (http or https), and an optional note."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

LINK_MAX = 2000
NOTE_MAX = 3000
LINKS_MAX = 20
"""More links than this in one go are refused (the modal is for a few documents)."""


@dataclass(frozen=True)
class Problem:
    """A field's problem: a message (translated where it is shown) and the values it names."""

    message: str
    values: dict[str, int | str]

    def text(self, gettext: Callable[[str], str]) -> str:
        """The message in a language, its values filled in."""
        return gettext(self.message).format(**self.values)


@dataclass(frozen=True)
class EvidenceInput:
    """The checked links and note, or the problems per field ("links", "note")."""

    links: tuple[str, ...]
    note: str | None
    problems: dict[str, Problem]


def read_evidence(links_text: str | None, note_text: str | None) -> EvidenceInput:
    """Check the modal's fields; each problem says what to fix."""
    problems: dict[str, Problem] = {}
    if len(links_text or "") > LINKS_MAX * (LINK_MAX + 1):  # a huge paste: not split at all
        problems["links"] = Problem(
            N_("Give at most {limit} links at a time."), {"limit": LINKS_MAX}
        )
        links_text = ""
    lines = [line.strip() for line in (links_text or "").splitlines() if line.strip()]
    links: list[str] = []
    for number, line in enumerate(lines, start=1):
        problem = _link_problem(line, number)
        if problem:
            problems.setdefault("links", problem)
            continue
        links.append(line)
    if len(lines) > LINKS_MAX:
        problems.setdefault(
            "links", Problem(N_("Give at most {limit} links at a time."), {"limit": LINKS_MAX})
        )
    note = (note_text or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        problems["note"] = Problem(
            N_("The note has {length} characters; keep it to {limit}."),
            {"length": len(note), "limit": NOTE_MAX},
        )
    elif note is not None and has_control_characters(note):
        problems["note"] = Problem(
            N_("The note holds control characters that cannot be shown; type it again."), {}
        )
    if not links and note is None and not problems:
        problems["links"] = Problem(N_("Add at least one link, or write a note."), {})
    return EvidenceInput(tuple(dict.fromkeys(links)), note, problems)


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def has_control_characters(text: str) -> bool:
    """True when `text` holds control characters other than tabs and line breaks."""
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text)


def is_web_link(text: str) -> bool:
    """True for an http or https link with a host: printable, no spaces, at most LINK_MAX long."""
    if len(text) > LINK_MAX or not text.isprintable() or " " in text:
        return False
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 host: http://[::1
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _link_problem(line: str, number: int) -> Problem | None:
    if len(line) > LINK_MAX:
        return Problem(
            N_("Line {line}: the link has {length} characters; a link can have at most {limit}."),
            {"line": number, "length": len(line), "limit": LINK_MAX},
        )
    if any(ch.isspace() for ch in line):
        return Problem(N_("Line {line}: put one link per line, without spaces."), {"line": number})
    if not line.isprintable():
        return Problem(
            N_(
                "Line {line}: the link holds invisible or control characters; "
                "type it again or copy it from the browser's address bar."
            ),
            {"line": number},
        )
    if not is_web_link(line):
        return Problem(
            N_(
                "Line {line}: a link must start with http:// or https://, "
                "e.g. https://data.city.gov/policy"
            ),
            {"line": number},
        )
    return None
