"""Typed replies in Spanish and Portuguese mean what a person means by them, and the words the
hints suggest in each language are words the parser understands."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from bot.interview.parser import Command, parse_reply
from bot.interview.views import Hint, HintKind
from bot.interview.vocabulary import PHRASES, Word, conflicts, shown_phrase
from bot.slack.builders.interview import build_interview_help, hint_text

SAID = {
    "es": {
        Word.YES: ["sí", "Si", "Sí."],
        Word.UNSURE: ["no sé", "No se", "no lo sé", "No estoy segura", "ni idea"],
        Word.NONE: ["ninguno", "Ninguna de estas", "nada", "no"],
        Word.ALL: ["todos", "Todas", "todo"],
        Word.SKIP: ["saltar", "pasar", "después", "más tarde"],
        Word.BACK: ["atrás", "volver", "anterior"],
        Word.PAUSE: ["pausa", "hacer una pausa", "¡Pausa!"],
        Word.STATUS: ["estado", "¿cómo voy?", "avance"],
        Word.HELP: ["ayuda", "¿Ayuda?", "comandos"],
        Word.RESUME: ["continuar", "seguir", "empezar", "reanudar"],
    },
    "pt": {
        Word.YES: ["sim", "Sim!"],
        Word.UNSURE: ["não sei", "Nao sei", "não tenho certeza", "sei lá", "talvez"],
        Word.NONE: ["nenhum", "Nenhuma", "nada", "não"],
        Word.ALL: ["todos", "tudo", "Todas elas"],
        Word.SKIP: ["pular", "pula", "depois", "próxima"],
        Word.BACK: ["voltar", "anterior"],
        Word.PAUSE: ["pausar", "pausa", "dar um tempo"],
        Word.STATUS: ["progresso", "situação", "andamento"],
        Word.HELP: ["ajuda", "comandos"],
        Word.RESUME: ["continuar", "retomar", "começar"],
    },
}


@pytest.mark.parametrize(
    ("text", "word"),
    [(text, word) for table in SAID.values() for word, texts in table.items() for text in texts],
)
def test_a_typed_word_means_what_it_says(text: str, word: Word) -> None:
    assert parse_reply(text, item_count=4) == Command(word)


@pytest.mark.parametrize(
    ("text", "items"),
    [("1 y 3", {1, 3}), ("1 e 3", {1, 3}), ("ítems 2 y 4", {2, 4}), ("itens 1, 2 e 3", {1, 2, 3})],
)
def test_item_numbers_joined_by_spanish_or_portuguese_words(text: str, items: set[int]) -> None:
    assert parse_reply(text, item_count=4) == Command(Word.ITEMS, frozenset(items))


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_every_word_has_phrases_in_each_language(lang: str) -> None:
    assert set(PHRASES[lang]) == set(Word) - {Word.ITEMS}
    assert conflicts() == []


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_the_words_the_hints_suggest_are_understood(lang: str) -> None:
    for word in set(Word) - {Word.ITEMS}:
        assert parse_reply(shown_phrase(word, lang), item_count=3) == Command(word)


def test_the_hints_suggest_the_persons_own_words() -> None:
    es = hint_text(translator("es"), Hint(HintKind.NOT_UNDERSTOOD))
    assert es.startswith("No entendí. Escriba los números de los ítems que se cumplen")
    assert "`todos`, `ninguno`, `no sé`, `saltar`, `atrás`, `pausa`, `estado` o `ayuda`" in es

    pt = build_interview_help(translator("pt")).text
    assert "`nenhum` quando nenhum é atendido, `não sei` quando ninguém sabe ainda" in pt
    assert "`pular` para voltar a uma pergunta depois" in pt
