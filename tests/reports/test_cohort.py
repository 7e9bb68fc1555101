"""Cohorts: who is in one, the median shown only from five cities with results, no peer named."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from bot.i18n import Translator
from bot.reports.city_text import render_city_text
from bot.reports.cohort import (
    MIN_COHORT_CITIES,
    Standing,
    load_cohort,
    peer_city_ids,
    staff_city_ids,
)
from bot.reports.cohort_report import render_cohort_csv, render_cohort_json, render_cohort_text
from bot.reports.export import render_csv, render_json
from bot.reports.html import render_html
from bot.reports.model import build_city_report
from rubric.answers import load_answers
from rubric.loader import load_bundled_rubric
from rubric.scoring import score
from storage.repo import assessments
from tests.builders import NOW, build_city
from tests.reports.helpers import CITY_NAMES, EXAMPLES, build_cohort, store_answers
from tests.reports.page import Page

FIVE = ["silver", "gold", "platinum", "no-level", "held-back-by-core"]


def _met(example: str, area_id: str | None = None) -> int:
    rubric = load_bundled_rubric()
    result = score(rubric, load_answers(EXAMPLES / f"{example}.yaml", rubric))
    return result.met if area_id is None else result.area(area_id).met


def test_no_comparison_until_five_cities_have_results(session: Session) -> None:
    rubric = load_bundled_rubric()
    cities = build_cohort(session, rubric, [*FIVE[:4], ""])  # the fifth has not answered yet

    report = build_city_report(session, rubric=rubric, city_id=cities[0].city_id, now=NOW)
    html, text = render_html(report), render_city_text(report)

    assert report.cohort is None
    assert "median" not in text and "median" not in html
    assert json.loads(render_json(report))["score"]["cohort"] is None


def test_from_five_cities_each_area_shows_the_median_and_where_the_city_stands(
    session: Session,
) -> None:
    rubric = load_bundled_rubric()
    cities = build_cohort(session, rubric, FIVE)

    report = build_city_report(session, rubric=rubric, city_id=cities[0].city_id, now=NOW)

    assert report.cohort is not None and report.cohort.cities == MIN_COHORT_CITIES == 5
    overall = sorted(_met(example) for example in FIVE)[2]
    assert report.cohort.overall.median_percent == Decimal(overall * 1000 // 43) / 10
    for standing in report.cohort.areas:
        assert standing.area_id is not None
        peers = sorted(_met(example, standing.area_id) for example in FIVE)
        mine = _met("silver", standing.area_id)
        expected = (
            Standing.ABOVE
            if mine > peers[2]
            else Standing.BELOW
            if mine < peers[2]
            else Standing.AT
        )
        assert standing.standing is expected, standing.area_id
    dm = Page(render_html(report))
    assert "below the cohort median" in dm.text or "above the cohort median" in dm.text
    assert "Against the median of the 5 cities" in render_city_text(report)


def test_a_citys_reports_never_name_another_city(session: Session) -> None:
    rubric = load_bundled_rubric()
    cities = build_cohort(session, rubric, [*FIVE, "silver"])

    report = build_city_report(session, rubric=rubric, city_id=cities[0].city_id, now=NOW)
    outputs = [
        render_html(report),
        render_city_text(report),
        render_csv(report),
        render_json(report),
        render_html(report, Translator("es")),
    ]

    assert report.cohort is not None and report.cohort.cities == 6
    for output in outputs:
        for other in CITY_NAMES[1:6]:
            assert other not in output


def test_cohorts_follow_the_program_staff(session: Session) -> None:
    rubric = load_bundled_rubric()
    followed = build_cohort(session, rubric, FIVE[:3])
    alone = build_city(session, name="Loner", team_id="T0COHORT")

    staff = followed[0].workspace.id
    assert staff is not None
    first = followed[0].city_id

    assert peer_city_ids(session, city_id=first) == sorted(c.city_id for c in followed)
    assert peer_city_ids(session, city_id=alone.city_id) == []
    report = build_city_report(session, rubric=rubric, city_id=alone.city_id, now=NOW)
    assert report.cohort is None
    cora = followed[0].person_id("cora")
    assert staff_city_ids(session, person_id=cora) == []


def test_cohort_rows_show_progress_level_and_change_since_the_last_round(
    session: Session,
) -> None:
    rubric = load_bundled_rubric()
    cities = build_cohort(session, rubric, ["silver", "gold", ""])
    first = cities[0]
    later = NOW + timedelta(days=30)
    second = assessments.start_assessment(
        session,
        city_id=first.city_id,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        now=later,
    )
    store_answers(session, first, rubric, "gold", assessment_id=second.id, now=later)

    rows = load_cohort(session, rubric=rubric, city_ids=[c.city_id for c in cities])

    ashford, brookside, cedarville = rows
    assert (ashford.name, ashford.round_number, ashford.answered) == ("Ashford", 2, 43 - 0)
    assert ashford.level is not None and ashford.level.id == "gold"
    assert (
        ashford.change
        == Decimal(_met("gold") * 1000 // 43) / 10 - Decimal(_met("silver") * 1000 // 43) / 10
    )
    assert brookside.change is None
    assert (cedarville.answered, cedarville.has_result, cedarville.level) == (0, False, None)
    text = render_cohort_text(rows)
    assert "3 cities, 2 with results" in text
    assert "Ashford" in text and "points since the previous round" in text
    assert "Cedarville  0 of 43 answered" in text
    data = json.loads(render_cohort_json(rows))["cities"]
    assert [c["city"] for c in data] == ["Ashford", "Brookside", "Cedarville"]
    assert data[0]["level"] == "gold" and data[2]["percent"] == 0.0
    assert render_cohort_csv(rows).splitlines()[0].startswith("city,state,country,round")
