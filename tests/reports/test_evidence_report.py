"""Stale evidence and re-check changes in every report format, at an injected `now`: a link
given 14 months before the report is marked stale (12 months by default, configurable), and the
score changes re-checks found are listed with the level then and now."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from bot.i18n import Translator
from bot.reports.city_text import render_city_text
from bot.reports.export import render_csv, render_json
from bot.reports.html import render_html
from bot.reports.model import CityReport, build_city_report
from rubric.loader import load_bundled_rubric
from storage.enums import RecheckStatus
from storage.repo import answers, plans, rechecks
from tests.builders import NOW, CitySetup, build_city
from tests.reports.page import Page

RUBRIC = load_bundled_rubric()
OLD = NOW - timedelta(days=425)  # about 14 months before the report
RECENT = NOW - timedelta(days=30)
POLICY = "https://springfield.gov/policy.pdf"
MINUTES = "https://springfield.gov/minutes-2027"
INVENTORY = "https://data.springfield.gov/inventory"


@pytest.fixture
def city(session: Session) -> CitySetup:
    made = build_city(session)
    for cid, links, when in (("DM1", [POLICY], OLD), ("DM2", [INVENTORY], OLD)):
        answers.record_answer(
            session, assessment_id=made.assessment_id, criterion_id=cid,
            person_id=made.person_id("rita"), ticked=[], status="answered", note=None,
            evidence=links, now=when, source="click",
        )  # fmt: skip
    answers.record_answer(  # DM2 gets a current link too: not all of its evidence is old
        session, assessment_id=made.assessment_id, criterion_id="DM2",
        person_id=made.person_id("cora"), ticked=[], status="answered", note=None,
        evidence=[INVENTORY, MINUTES], now=RECENT, source="click",
    )  # fmt: skip
    session.commit()
    return made


def report(session: Session, city: CitySetup, months: int = 12) -> CityReport:
    return build_city_report(
        session, rubric=RUBRIC, city_id=city.city.id or 0, now=NOW, evidence_max_age_months=months
    )


def test_the_text_report_lists_each_stale_link_with_when_and_who(
    session: Session, city: CitySetup
) -> None:
    text = render_city_text(report(session, city))

    assert "Stale evidence: 2 links given before Mar 1, 2026. Check they still hold" in text
    assert f"DM1    {POLICY} · given Dec 31, 2025 by Rita" in text
    assert f"DM2    {INVENTORY} · given Dec 31, 2025 by Rita" in text
    assert MINUTES not in text.split("Stale evidence")[1]  # the current link is not listed


def test_a_longer_maximum_age_marks_nothing(session: Session, city: CitySetup) -> None:
    built = report(session, city, months=24)

    assert "Stale evidence" not in render_city_text(built)
    assert json.loads(render_json(built))["evidence"]["stale_links"] == 0


def test_the_html_report_marks_stale_links_and_criteria_to_refresh(
    session: Session, city: CitySetup
) -> None:
    page = Page(render_html(report(session, city), chart=b"png"))

    rows = {r.attrs["data-criterion"]: r for r in page.table("criteria", area="DM").rows}
    assert rows["DM1"].cells[3] == (
        f"{POLICY} given Dec 31, 2025 by Rita stale\n"
        "All of this evidence is stale: ask for current evidence."
    )
    assert rows["DM2"].cells[3] == (
        f"{INVENTORY} given Dec 31, 2025 by Rita stale\n{MINUTES} given Jan 30, 2027 by Cora"
    )
    assert "stale-evidence" in page.section_ids


def test_the_exports_carry_each_links_date_giver_and_staleness(
    session: Session, city: CitySetup
) -> None:
    built = report(session, city)

    data = json.loads(render_json(built))
    records = {c["criterion"]: c for c in data["criteria"]}
    assert records["DM2"]["evidence"] == [INVENTORY, MINUTES]  # as before: the links alone
    assert records["DM2"]["evidence_links"] == [
        {"url": INVENTORY, "added_at": "2025-12-31T15:00:00Z", "added_by": "Rita", "stale": True},
        {"url": MINUTES, "added_at": "2027-01-30T15:00:00Z", "added_by": "Cora", "stale": False},
    ]
    assert (records["DM1"]["evidence_needs_refresh"], records["DM2"]["evidence_needs_refresh"]) == (
        True,
        False,
    )
    assert data["evidence"] == {
        "max_age_months": 12,
        "stale_before": "2026-03-01T15:00:00Z",
        "stale_links": 2,
        "criteria_with_stale_links": ["DM1", "DM2"],
        "criteria_needing_fresh_evidence": ["DM1"],
    }
    rows = {r["criterion"]: r for r in csv.DictReader(io.StringIO(render_csv(built)))}
    assert rows["DM2"]["evidence_given_at"] == "2025-12-31T15:00:00Z\n2027-01-30T15:00:00Z"
    assert rows["DM2"]["evidence_stale"] == "stale\ncurrent"


def test_the_reports_list_what_rechecks_found(session: Session, city: CitySetup) -> None:
    plan = plans.create_plan(session, assessment_id=city.assessment_id, created_by_id=None, now=NOW)
    for cid, status, result in (
        ("PA1", RecheckStatus.CHANGED, {
            "status": ["partly_met", "met"], "met": [21, 22], "total": [43, 43],
            "percent": ["48.8", "51.1"], "level": [None, "silver"],
        }),
        ("OD2", RecheckStatus.CONFIRMED, None),
        ("DM3", RecheckStatus.PENDING, None),
    ):  # fmt: skip
        milestone = plans.add_milestone(
            session, plan_id=plan.id or 0, criterion_id=cid, title=f"Work on {cid}",
            due_on=date(2027, 2, 1), owner_id=city.person_id("leo"), now=RECENT,
        )  # fmt: skip
        row = rechecks.request_recheck(
            session, milestone_id=milestone.id or 0, assessment_id=city.assessment_id,
            criterion_id=cid, person_id=city.person_id("rita"), now=RECENT,
        )  # fmt: skip
        assert row is not None
        if status != RecheckStatus.PENDING:
            rechecks.finish_recheck(
                session, recheck=row, status=status, person_id=city.person_id("rita"),
                now=RECENT + timedelta(days=1), result=result,
            )  # fmt: skip
    session.commit()
    built = report(session, city)

    text = render_city_text(built, Translator())
    assert "Re-checks after milestones" in text
    assert "Changes found: score 48.8% → 51.1% · level no level → Silver" in text
    assert (
        "PA1    Rita changed it: partly met → met · score 48.8% → 51.1% · level no level → Silver"
    ) in text
    assert "OD2    Rita confirmed it is still the same" in text
    assert "DM3    asked again, not answered yet" in text
    page = Page(render_html(built, chart=b"png"))
    found = {r.attrs["data-criterion"]: r.attrs["data-status"] for r in page.table("rechecks").rows}
    assert found == {"PA1": "changed", "OD2": "confirmed", "DM3": "pending"}
    data = json.loads(render_json(built))
    assert [(r["criterion"], r["status"]) for r in data["rechecks"]] == [
        ("PA1", "changed"),
        ("OD2", "confirmed"),
        ("DM3", "pending"),
    ]
    assert data["rechecks"][0]["result"]["level"] == [None, "silver"]
