"""The words a person may type in the DM, one table per language (data, not code).

A language is added by adding its table; phrases are written as people type them, and are
matched case-insensitively with accents and surrounding punctuation ignored ("No sé." = "no se").
Every language's words are understood whatever the person's language; the help lists their own.
The first phrase of each entry is the one the help shows.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Word(StrEnum):
    """What a typed reply means."""

    ITEMS = "items"
    """Item numbers, e.g. "1 3" (not a phrase of the tables)."""
    ALL = "all"
    NONE = "none"
    UNSURE = "unsure"
    SKIP = "skip"
    BACK = "back"
    PAUSE = "pause"
    STATUS = "status"
    HELP = "help"
    RESUME = "resume"
    YES = "yes"
    """A bare "yes": the hint asks which items."""


PHRASES: dict[str, dict[Word, tuple[str, ...]]] = {
    "en": {
        Word.ALL: ("all", "all of them", "everything", "every one"),
        Word.NONE: ("none", "no", "nothing", "none of these", "none of them", "nope"),
        Word.UNSURE: (
            "not sure",
            "unsure",
            "?",
            "don't know",
            "dont know",
            "i don't know",
            "i dont know",
            "idk",
            "no idea",
        ),
        Word.SKIP: ("skip", "later", "pass", "next"),
        Word.BACK: ("back", "previous", "go back", "prev"),
        Word.PAUSE: ("pause", "stop", "take a break", "break"),
        Word.STATUS: ("status", "progress", "where am i"),
        Word.HELP: ("help", "commands", "what can i type"),
        Word.RESUME: ("resume", "start", "continue", "go"),
        Word.YES: ("yes", "y", "yep", "yeah"),
    },
    "es": {
        Word.ALL: ("todos", "todas", "todo", "todos ellos", "todas ellas"),
        Word.NONE: (
            "ninguno",
            "ninguna",
            "nada",
            "no",
            "ninguno de estos",
            "ninguna de estas",
            "ninguno de ellos",
        ),
        Word.UNSURE: (
            "no sé",
            "no lo sé",
            "no estoy seguro",
            "no estoy segura",
            "no sabría decir",
            "tengo dudas",
            "ni idea",
        ),
        Word.SKIP: (
            "saltar",
            "omitir",
            "pasar",
            "saltear",
            "después",
            "luego",
            "más tarde",
            "siguiente",
        ),
        Word.BACK: ("atrás", "volver", "anterior", "regresar", "volver atrás"),
        Word.PAUSE: ("pausa", "pausar", "parar", "detener", "hacer una pausa", "descanso"),
        Word.STATUS: ("estado", "progreso", "avance", "dónde estoy", "cómo voy"),
        Word.HELP: ("ayuda", "comandos", "qué puedo escribir"),
        Word.RESUME: (
            "continuar",
            "seguir",
            "empezar",
            "comenzar",
            "retomar",
            "reanudar",
            "iniciar",
        ),
        Word.YES: ("sí", "claro"),
    },
    "pt": {
        Word.ALL: ("todos", "todas", "tudo", "todos eles", "todas elas"),
        Word.NONE: ("nenhum", "nenhuma", "nada", "não", "nenhum deles", "nenhuma delas"),
        Word.UNSURE: (
            "não sei",
            "não tenho certeza",
            "não sei dizer",
            "tenho dúvida",
            "talvez",
            "sei lá",
        ),
        Word.SKIP: ("pular", "pula", "passar", "depois", "mais tarde", "próxima", "próximo"),
        Word.BACK: ("voltar", "volta", "anterior"),
        Word.PAUSE: ("pausar", "pausa", "parar", "dar um tempo", "intervalo"),
        Word.STATUS: ("progresso", "situação", "andamento", "onde estou"),
        Word.HELP: ("ajuda", "comandos", "o que posso digitar"),
        Word.RESUME: ("continuar", "retomar", "começar", "iniciar", "seguir"),
        Word.YES: ("sim", "claro"),
    },
}

CONNECTORS: tuple[str, ...] = ("and", "y", "e", "&", "item", "items", "ítem", "ítems", "itens")
"""Words allowed between item numbers: "1 and 3", "1 y 3", "1 e 3", "items 1 3"."""


def normalize(text: str) -> str:
    """Lower case, accents removed, curly quotes straightened, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _meanings() -> dict[str, Word]:
    found: dict[str, Word] = {}
    for table in PHRASES.values():
        for word, phrases in table.items():
            for phrase in phrases:
                found.setdefault(normalize(phrase), word)
    return found


MEANINGS: dict[str, Word] = _meanings()
"""Every language's phrases, normalised, with what they mean."""


def conflicts() -> list[str]:
    """Phrases that mean different things in different tables (a test keeps this empty)."""
    seen: dict[str, tuple[str, Word]] = {}
    problems = []
    for lang, table in PHRASES.items():
        for word, phrases in table.items():
            for phrase in phrases:
                key = normalize(phrase)
                if key in seen and seen[key][1] is not word:
                    other_lang, other = seen[key]
                    problems.append(f"{phrase!r}: {other} in {other_lang}, {word} in {lang}")
                seen.setdefault(key, (lang, word))
    return problems


def shown_phrase(word: Word, lang: str) -> str:
    """The phrase the help shows for a word in a language (English where it has none)."""
    table = PHRASES.get(lang) or PHRASES["en"]
    return (table.get(word) or PHRASES["en"][word])[0]
