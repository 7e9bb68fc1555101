"""The report says how many criteria were settled from disagreements and which are unsettled,
in text, HTML and JSON; a round without any says nothing about them."""

from __future__ import annotations

import json

from sqlmodel import Session

from bot.i18n import translator
from bot.reports.city_text import render_city_text
from bot.reports.disagreements import disagreement_lines
from bot.reports.export import render_json
from bot.reports.html import render_html
from bot.reports.model import build_city_report
from rubric.loader import load_bundled_rubric
from storage.enums import Resolution
from storage.repo import disagreements
from tests.builders import NOW, build_city

RUBRIC = load_bundled_rubric()


def test_settled_and_unsettled_criteria_are_counted_in_every_format(session: Session) -> None:
    city = build_city(session)
    for cid in ("OD1", "OD2", "OD3"):
        found, _ = disagreements.open_disagreement(
            session, assessment_id=city.assessment_id, criterion_id=cid, now=NOW
        )
        if cid != "OD3":
            disagreements.settle(session, disagreement=found, resolution=Resolution.ACCEPTED,
                                 now=NOW)  # fmt: skip
    disagreements.open_disagreement(
        session, assessment_id=city.assessment_id, criterion_id="OD1", now=NOW
    )  # OD1 settled once, disputed again: unsettled
    session.commit()

    report = build_city_report(session, rubric=RUBRIC, city_id=city.city_id, now=NOW,
                               with_cohort=False)  # fmt: skip
    tr = translator("en")
    text, page = render_city_text(report, tr), render_html(report, tr, chart=b"png")
    data = json.loads(render_json(report, tr))

    assert "1 criterion was settled from a disagreement between its respondents." in text
    assert (
        "2 criteria are unsettled (their respondents disagree), so they count as unknown for "
        "the level: OD1, OD3."
    ) in text
    assert '<p id="disagreements">1 criterion was settled' in page
    assert data["disagreements"] == {
        "settled": 1,
        "unsettled": 2,
        "unsettled_criteria": ["OD1", "OD3"],
    }


def test_a_round_without_disagreements_says_nothing_about_them(session: Session) -> None:
    city = build_city(session)

    report = build_city_report(session, rubric=RUBRIC, city_id=city.city_id, now=NOW,
                               with_cohort=False)  # fmt: skip

    assert "disagree" not in render_city_text(report)
    assert 'id="disagreements"' not in render_html(report, chart=b"png")


def test_only_what_happened_is_said() -> None:
    tr = translator("en")

    assert disagreement_lines(disagreements.Tally(0, 2, ("OD2", "PA1")), tr) == [
        "2 criteria are unsettled (their respondents disagree), so they count as unknown for "
        "the level: OD2, PA1."
    ]
    assert disagreement_lines(disagreements.Tally(1, 0), tr) == [
        "1 criterion was settled from a disagreement between its respondents."
    ]
