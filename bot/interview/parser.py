"""Typed replies in the DM: item numbers ("1 3", "1,3", "1 and 3", "2-4"), "all", and the words
of `vocabulary` ("none", "not sure", "skip", "back", "pause", "status", "help", ...).

`parse_reply` never raises: it returns a `Command`, or an `Unclear` that says which hint to give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.interview.views import HintKind
from bot.interview.vocabulary import CONNECTORS, MEANINGS, Word, normalize

MAX_TEXT = 200
"""Longer texts are not replies; the person gets the hint."""

_EDGE_PUNCTUATION = ".!?¡¿,;:\"'()[]*_~` "
_SEPARATORS = re.compile(r"[,;/+&#]")
_RANGE = re.compile(r"^(\d{1,3})\s*[-–]\s*(\d{1,3})$")
_CONNECTORS = frozenset(normalize(word) for word in CONNECTORS)


@dataclass(frozen=True, slots=True)
class Command:
    """A reply understood: a word, or item numbers (1-based) with `Word.ITEMS`."""

    word: Word
    items: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Unclear:
    """A reply not understood, with the hint that says what to type."""

    kind: HintKind
    item_count: int | None = None


def parse_reply(text: str, item_count: int | None) -> Command | Unclear:
    """What a typed reply means; `item_count` is the open question's checklist size, if any."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return Unclear(HintKind.NOT_UNDERSTOOD, item_count)
    cleaned = normalize(text)
    phrase = cleaned.strip(_EDGE_PUNCTUATION)
    if not phrase and "?" in cleaned:
        phrase = "?"
    word = MEANINGS.get(phrase)
    if word is not None:
        return Command(word)
    numbers = _numbers(phrase)
    if numbers is None:
        return Unclear(HintKind.NOT_UNDERSTOOD, item_count)
    if item_count is None:
        return Unclear(HintKind.NO_OPEN_QUESTION)
    if not numbers or min(numbers) < 1 or max(numbers) > item_count:
        return Unclear(HintKind.NO_SUCH_ITEM, item_count)
    return Command(Word.ITEMS, frozenset(numbers))


def _numbers(phrase: str) -> set[int] | None:
    """The item numbers of a phrase made only of numbers, ranges and connectors; else None."""
    tokens = _SEPARATORS.sub(" ", phrase).replace("–", "-")
    tokens = re.sub(r"\s*-\s*", "-", tokens)
    found: set[int] = set()
    saw_number = False
    for token in tokens.split():
        token = token.strip(".:)")
        if not token or token in _CONNECTORS:
            continue
        if token.isdecimal() and len(token) <= 6:
            found.add(int(token))
            saw_number = True
            continue
        span = _RANGE.match(token)
        if span is None:
            return None
        low, high = int(span.group(1)), int(span.group(2))
        if low > high:
            low, high = high, low
        found.update(range(low, high + 1))
        saw_number = True
    return found if saw_number else None
