"""Typed replies: numbers, words in English, Spanish and Portuguese, and a hint for the rest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.interview.model import PauseChoice
from bot.interview.parser import Command, Unclear, parse_reply
from bot.interview.pause import pause_until
from bot.interview.views import HintKind
from bot.interview.vocabulary import PHRASES, Word, conflicts, shown_phrase


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("1 3", {1, 3}),
        ("1,3", {1, 3}),
        ("1, 3", {1, 3}),
        ("1 and 3", {1, 3}),
        ("1 y 3", {1, 3}),
        ("1 e 3", {1, 3}),
        ("1;2;4", {1, 2, 4}),
        ("#2 #4", {2, 4}),
        ("2-4", {2, 3, 4}),
        ("4 - 2", {2, 3, 4}),
        ("items 1 3.", {1, 3}),
        ("3", {3}),
        ("1 1 1", {1}),
        (" 2\n4 ", {2, 4}),
    ],
)
def test_item_numbers(text: str, items: set[int]) -> None:
    assert parse_reply(text, 4) == Command(Word.ITEMS, frozenset(items))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("all", Word.ALL),
        ("ALL", Word.ALL),
        ("none", Word.NONE),
        ("None.", Word.NONE),
        ("no", Word.NONE),
        ("not sure", Word.UNSURE),
        ("Not sure!", Word.UNSURE),
        ("unsure", Word.UNSURE),
        ("?", Word.UNSURE),
        ("I don’t know", Word.UNSURE),
        ("skip", Word.SKIP),
        ("back", Word.BACK),
        ("pause", Word.PAUSE),
        ("status", Word.STATUS),
        ("where am I?", Word.STATUS),
        ("help", Word.HELP),
        ("resume", Word.RESUME),
        ("yes", Word.YES),
        # Spanish and Portuguese, with or without accents
        ("todos", Word.ALL),
        ("ninguno", Word.NONE),
        ("no sé", Word.UNSURE),
        ("no se", Word.UNSURE),
        ("Atrás", Word.BACK),
        ("sí", Word.YES),
        ("ayuda", Word.HELP),
        ("nenhum", Word.NONE),
        ("não sei", Word.UNSURE),
        ("pular", Word.SKIP),
        ("voltar", Word.BACK),
        ("sim", Word.YES),
    ],
)
def test_words(text: str, word: Word) -> None:
    assert parse_reply(text, 4) == Command(word)


@pytest.mark.parametrize(
    ("text", "item_count", "kind"),
    [
        ("hello", 4, HintKind.NOT_UNDERSTOOD),
        ("", 4, HintKind.NOT_UNDERSTOOD),
        ("1 3 please", 4, HintKind.NOT_UNDERSTOOD),
        ("5", 4, HintKind.NO_SUCH_ITEM),
        ("0", 4, HintKind.NO_SUCH_ITEM),
        ("1-9", 4, HintKind.NO_SUCH_ITEM),
        ("123456", 4, HintKind.NO_SUCH_ITEM),
        ("1 3", None, HintKind.NO_OPEN_QUESTION),
        ("x" * 500, 4, HintKind.NOT_UNDERSTOOD),
    ],
)
def test_anything_else_is_unclear_with_the_hint_to_give(
    text: str, item_count: int | None, kind: HintKind
) -> None:
    found = parse_reply(text, item_count)
    assert isinstance(found, Unclear) and found.kind is kind


@given(text=st.text(max_size=300), item_count=st.one_of(st.none(), st.integers(1, 10)))
def test_the_parser_never_raises_and_always_answers(text: str, item_count: int | None) -> None:
    found = parse_reply(text, item_count)

    assert isinstance(found, Command | Unclear)
    if isinstance(found, Command) and found.word is Word.ITEMS:
        assert item_count is not None and found.items
        assert all(1 <= n <= item_count for n in found.items)


@given(
    numbers=st.lists(st.integers(1, 5), min_size=1, max_size=5),
    sep=st.sampled_from([" ", ",", ", ", " and ", " y ", ";"]),
)
def test_any_list_of_valid_numbers_is_read_back(numbers: list[int], sep: str) -> None:
    text = sep.join(str(n) for n in numbers)
    assert parse_reply(text, 5) == Command(Word.ITEMS, frozenset(numbers))


def test_no_phrase_means_two_things_across_languages() -> None:
    assert conflicts() == []


def test_every_language_has_every_word_for_the_help() -> None:
    words = set(Word) - {Word.ITEMS}
    for lang, table in PHRASES.items():
        assert set(table) == words, lang
    assert shown_phrase(Word.UNSURE, "es") == "no sé"
    assert shown_phrase(Word.UNSURE, "fr") == "not sure"


def test_pause_ends_in_the_persons_timezone() -> None:
    friday_evening = datetime(2027, 3, 5, 23, 30, tzinfo=UTC)  # 17:30 in Chicago

    tomorrow = pause_until(PauseChoice.TOMORROW, friday_evening, "America/Chicago")
    next_week = pause_until(PauseChoice.NEXT_WEEK, friday_evening, "America/Chicago")
    myself = pause_until(PauseChoice.MYSELF, friday_evening, "Not/AZone")

    assert tomorrow == datetime(2027, 3, 6, 15, 0, tzinfo=UTC)  # Saturday 9:00
    assert next_week == datetime(2027, 3, 8, 15, 0, tzinfo=UTC)  # Monday 9:00
    assert myself == datetime(2027, 4, 2, 23, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="aware"):
        pause_until(PauseChoice.TOMORROW, datetime(2027, 3, 5), "UTC")
