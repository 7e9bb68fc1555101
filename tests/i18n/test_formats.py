"""Dates, numbers and percentages in each language's format, as the reports and messages show
them; and the language a person or city gets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.i18n import language_of, normalize_lang, translator
from bot.reports.chart import chart_alt_text, chart_title
from bot.reports.text import render_score_report
from bot.slack.builders.milestones import due_phrase
from rubric.answers import load_answers
from rubric.loader import load_bundled_rubric
from rubric.planning import gap_to_next_level
from rubric.scoring import score
from tests.i18n.catalogs import ROOT

RUBRIC = load_bundled_rubric()


@pytest.mark.parametrize(
    ("lang", "medium", "long"),
    [
        ("en", "Mar 3, 2027", "March 3, 2027"),
        ("es", "3 mar 2027", "3 de marzo de 2027"),
        ("pt", "3 de mar. de 2027", "3 de março de 2027"),
    ],
)
def test_dates_read_as_each_language_writes_them(lang: str, medium: str, long: str) -> None:
    tr = translator(lang)
    assert (tr.date(date(2027, 3, 3)), tr.date(date(2027, 3, 3), "long")) == (medium, long)


@pytest.mark.parametrize(
    ("lang", "shares", "number"),
    [
        ("en", ["68%", "53.4%", "51%"], "1,234.5"),
        ("es", ["68%", "53.4%", "51%"], "1,234.5"),
        ("pt", ["68%", "53,4%", "51%"], "1.234,5"),
    ],
)
def test_percentages_and_numbers_use_the_languages_separators(
    lang: str, shares: list[str], number: str
) -> None:
    tr = translator(lang)
    assert [tr.percent_points(v) for v in (Decimal(68), Decimal("53.4"), 51.0)] == shares
    assert tr.number(1234.5) == number


def test_due_dates_in_words() -> None:
    es, pt = translator("es"), translator("pt")
    assert [due_phrase(es, d) for d in (0, 1, 9, -3)] == [
        "vence hoy",
        "vence mañana",
        "vence en 9 días",
        "vencido hace 3 días",
    ]
    assert [due_phrase(pt, d) for d in (0, 1, 9, -1)] == [
        "vence hoje",
        "vence amanhã",
        "vence em 9 dias",
        "atrasado há 1 dia",
    ]


def test_a_portuguese_score_report_has_portuguese_words_and_numbers() -> None:
    result = score(RUBRIC, load_answers(ROOT / "examples" / "answers" / "silver.yaml", RUBRIC))
    gap = gap_to_next_level(RUBRIC, result)

    report = render_score_report(RUBRIC, result, gap, tr=translator("pt"))

    assert "Nível: Prata · 23 de 43 critérios atendidos (53,4%)" in report
    assert "Para chegar a Ouro (68%), atenda 7 critérios:" in report
    assert "Gestão de Dados" in report and "55,5%" in report
    assert "esforço pequeno" in report and "Data Management" not in report


def test_the_chart_reads_in_the_citys_language() -> None:
    result = score(RUBRIC, load_answers(ROOT / "examples" / "answers" / "silver.yaml", RUBRIC))

    assert chart_title(RUBRIC, result, translator("es"), "Bogotá") == (
        "Bogotá: 23 de 43 criterios cumplidos (53.4%) · Nivel: Plata"
    )
    assert "Gestão de Dados: 55,5% (5 de 9)" in chart_alt_text(RUBRIC, result, translator("pt"))


@pytest.mark.parametrize(
    ("chosen", "locale", "fallback", "lang"),
    [
        ("pt", "es-LA", None, "pt"),
        (None, "es-LA", "en", "es"),
        (None, "pt-BR", None, "pt"),
        (None, None, "pt", "pt"),
        (None, "fr-FR", "es", "en"),
        (None, None, None, "en"),
    ],
)
def test_a_persons_language_is_their_choice_then_their_slack_locale(
    chosen: str | None, locale: str | None, fallback: str | None, lang: str
) -> None:
    assert language_of(chosen, locale, fallback) == lang


def test_slack_locales_map_to_the_supported_languages() -> None:
    assert [normalize_lang(v) for v in ("es-LA", "es_MX", "pt-BR", "en-GB", "ja-JP", "")] == [
        "es",
        "es",
        "pt",
        "en",
        "en",
        "en",
    ]
    assert translator("es-LA").date(datetime(2027, 3, 3, tzinfo=UTC)) == "3 mar 2027"
