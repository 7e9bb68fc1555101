"""The message catalogs: the template is up to date with the code, and Spanish and Portuguese
translate every message, non-empty, with the same placeholders and Slack markup as the English."""

from __future__ import annotations

import ast
from collections import defaultdict

import pytest
from babel.messages.catalog import Catalog

from bot.i18n import translator
from tests.i18n.catalogs import (
    ROOT,
    TEMPLATE,
    TRANSLATED,
    UPDATE,
    catalog_path,
    catalog_problems,
    code_messages,
    messages,
    placeholders,
    read_catalog,
)

PLURAL_FORMS = {"es": "nplurals=2; plural=(n != 1);", "pt": "nplurals=2; plural=(n > 1);"}
"""GNU gettext's rules: Spanish singular for 1 only; Brazilian Portuguese for 0 and 1."""


def test_the_template_holds_every_message_of_the_code() -> None:
    found = code_messages()
    in_template = set(messages(read_catalog(TEMPLATE)))
    new = sorted({f"{f.where}: {f.key!r}" for f in found if f.key not in in_template})
    gone = sorted(repr(key) for key in in_template - {f.key for f in found})

    assert len(found) > 400  # the extraction really read the code and the HTML template
    assert not new and not gone, (
        f"bot/locale/citycheck.pot is out of date with the code: run `{UPDATE}`, then translate "
        "the new entries of bot/locale/es and bot/locale/pt (LC_MESSAGES/citycheck.po).\n"
        + "".join(f"not in the template: {line}\n" for line in new)
        + "".join(f"no longer in the code: {line}\n" for line in gone)
    )


def test_no_message_is_hidden_inside_an_f_string() -> None:
    hidden = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr in ("gettext", "ngettext")
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    hidden.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert hidden == [], (
        "pybabel does not extract messages inside f-strings: translate into a variable first"
    )


def test_no_message_is_used_both_with_and_without_plural_forms() -> None:
    kinds: dict[str, set[str]] = defaultdict(set)
    for found in code_messages():
        if isinstance(found.key, str):
            kinds[found.key].add(f"gettext at {found.where}")
        else:
            kinds[found.key[0]].add(f"ngettext at {found.where}")
    both = {
        text: sorted(uses)
        for text, uses in kinds.items()
        if any(u.startswith("gettext") for u in uses)
        and any(u.startswith("ngettext") for u in uses)
    }
    assert not both, (
        f"use one kind of call for each message (ngettext when a count is shown): {both}"
    )


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_language_translates_every_message(lang: str) -> None:
    catalog = read_catalog(catalog_path(lang), lang)

    problems = catalog_problems(read_catalog(TEMPLATE), catalog, catalog.num_plurals)

    assert not problems, (
        f"{catalog_path(lang)}: {len(problems)} problem(s); run `{UPDATE}` after changing the "
        "code, then fix each entry:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_language_has_gettexts_plural_rule(lang: str) -> None:
    catalog = read_catalog(catalog_path(lang), lang)

    assert catalog.plural_forms == PLURAL_FORMS[lang]


def test_the_english_catalog_is_the_template_itself() -> None:
    template = messages(read_catalog(TEMPLATE))
    broken = [
        key
        for key in template
        for text in ([key] if isinstance(key, str) else key)
        if not text.strip() or placeholders(text) is None
    ]
    assert len(template) > 400
    assert broken == []
    assert translator("en").gettext("Save") == "Save"


def test_the_translator_reads_the_catalogs() -> None:
    es, pt = translator("es-LA"), translator("pt-BR")

    assert (es.gettext("Save"), pt.gettext("Save")) == ("Guardar", "Salvar")
    assert es.gettext("Weekly digest: {city}").format(city="Bogotá") == "Resumen semanal: Bogotá"
    assert es.gettext("A message nobody wrote") == "A message nobody wrote"  # English fallback


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("es", {0: "0 preguntas", 1: "1 pregunta", 2: "2 preguntas"}),
        ("pt", {0: "0 pergunta", 1: "1 pergunta", 2: "2 perguntas"}),
        ("en", {0: "0 questions", 1: "1 question", 2: "2 questions"}),
    ],
)
def test_plural_forms_follow_each_languages_rule(lang: str, counts: dict[int, str]) -> None:
    tr = translator(lang)
    shown = {
        n: tr.ngettext("{count} question", "{count} questions", n).format(count=n) for n in counts
    }
    assert shown == counts


def _catalog(*entries: tuple[object, object], fuzzy: tuple[object, ...] = ()) -> Catalog:
    catalog = Catalog(locale="es")
    for msgid, msgstr in entries:
        flags = {"fuzzy"} if msgid in fuzzy else set()
        catalog.add(msgid, msgstr, locations=[("bot/x.py", 1)], flags=flags)
    return catalog


def test_the_check_names_each_kind_of_mistake() -> None:
    template = _catalog(
        ("Save", ""),
        ("Hello {name}", ""),
        (("{count} link", "{count} links"), ("", "")),
        ("Run `/citycheck status`", ""),
        ("Gone soon", ""),
        ("Next ", ""),
    )
    catalog = _catalog(
        ("Hello {name}", "Hola {nombre}"),
        (("{count} link", "{count} links"), ("{count} enlace", "")),
        ("Run `/citycheck status`", "Ejecute /citycheck status"),
        ("Gone soon", "Pronto"),
        ("Next ", "Siguiente"),
        ("Old", "Viejo"),
        fuzzy=("Gone soon",),
    )

    problems = catalog_problems(template, catalog, nplurals=2)

    assert problems == [
        "'Save' (bot/x.py): missing",
        "'Hello {name}' (bot/x.py): placeholders ['nombre'] instead of ['name']",
        "('{count} link', '{count} links') (bot/x.py): form 1: empty",
        "'Run `/citycheck status`' (bot/x.py): the `code` marks differ from the English",
        "'Gone soon' (bot/x.py): fuzzy; check the translation, then drop the flag",
        "'Next ' (bot/x.py): leading or trailing space differs from the English",
        "'Old': in the catalog but no longer in the code",
    ]
