"""The HTML report, parsed: its tables hold the stored answers, it loads nothing from outside, it
escapes what people typed, and it opens in a real browser without console errors."""

from __future__ import annotations

import base64
import shutil
import subprocess
import tomllib
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import Session

from bot.i18n import Translator
from bot.reports.html import render_html, safe_link
from bot.reports.model import CityReport, build_city_report
from rubric.loader import load_bundled_rubric
from storage.repo import plans
from tests.builders import NOW, CitySetup, build_city
from tests.reports.helpers import store_answers
from tests.reports.page import Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def springfield(session: Session) -> CitySetup:
    setup = build_city(session)
    store_answers(session, setup, load_bundled_rubric(), "silver")
    return setup


def _report(session: Session, setup: CitySetup) -> CityReport:
    return build_city_report(session, rubric=load_bundled_rubric(), city_id=setup.city_id, now=NOW)


def test_each_area_has_a_table_of_its_criteria_with_status_items_and_evidence(
    session: Session, springfield: CitySetup
) -> None:
    report = _report(session, springfield)

    page = Page(render_html(report))

    assert page.lang == "en"
    for area in report.rubric.areas:
        table = page.table("criteria", area=area.id)
        assert table.headers == ["Criterion", "Status", "Items in place", "Evidence"]
        assert [r.attrs["data-criterion"] for r in table.rows] == [c.id for c in area.criteria]
    dm = {r.attrs["data-criterion"]: r for r in page.table("criteria", area="DM").rows}
    assert dm["DM1"].cells[1] == "met"
    assert dm["DM4"].cells[1] == "partly met"
    assert dm["DM8"].cells[1] == "not answered or unsure"
    dm1 = report.rubric.criterion("DM1")
    assert dm["DM1"].cells[2].split("\n")[: len(dm1.checklist)] == [
        item.text.en for item in dm1.checklist
    ]
    assert "Answered by Rita on Mar 1, 2027" in dm["DM1"].cells[2]
    assert dm["DM1"].links == [
        "https://data.springfield.gov/inventory",
        "https://springfield.gov/policy.pdf",
    ]
    assert dm["DM9"].cells[3] == "none"


def test_overall_result_gap_and_sections(session: Session, springfield: CitySetup) -> None:
    report = _report(session, springfield)

    page = Page(render_html(report))

    assert "23 of 43 criteria met (53.4%) · Level: Silver" in page.text
    assert "Springfield: data practices report" in page.text
    gap = page.table("gap")
    assert [row.cells[0] for row in gap.rows] == list(report.gap.criterion_ids)
    assert "To reach Gold (68%), meet 7 criteria:" in page.text
    assert page.section_ids[:3] == ["result", "gap", "areas"]  # no plan yet, no plan section


def test_the_plan_and_its_milestones_show_when_there_is_one(
    session: Session, springfield: CitySetup
) -> None:
    plan = plans.create_plan(
        session, assessment_id=springfield.assessment_id, created_by_id=None, now=NOW
    )
    assert plan.id is not None
    late = plans.add_milestone(
        session,
        plan_id=plan.id,
        criterion_id="DM7",
        title="Interview ten residents",
        due_on=date(2027, 2, 15),
        owner_id=springfield.person_id("leo"),
        now=NOW,
    )
    plans.add_milestone(
        session,
        plan_id=plan.id,
        criterion_id="LC7",
        title="Name a lead",
        due_on=date(2027, 6, 1),
        now=NOW,
    )
    done = plans.add_milestone(
        session,
        plan_id=plan.id,
        criterion_id="DM9",
        title="Publish",
        due_on=date(2027, 1, 1),
        now=NOW,
    )
    plans.complete_milestone(session, milestone_id=done.id or 0, now=NOW)
    session.commit()
    assert late.id is not None

    page = Page(render_html(_report(session, springfield)))

    rows = [row.cells for row in page.table("plan").rows]
    assert rows == [
        ["DM9", "Publish", "nobody yet", "Jan 1, 2027", "done"],
        ["DM7", "Interview ten residents", "Leo", "Feb 15, 2027", "overdue"],
        ["LC7", "Name a lead", "nobody yet", "Jun 1, 2027", "open"],
    ]
    assert "Plan of Mar 1, 2027: 1 of 3 milestones done, 1 overdue." in page.text


def test_the_page_is_self_contained_and_escapes_what_people_typed(
    session: Session, springfield: CitySetup
) -> None:
    page_html = render_html(_report(session, springfield))
    page = Page(page_html)

    assert not page.tags & {"script", "link", "iframe", "object", "embed"}
    assert len(page.images) == 1
    source = page.images[0]["src"]
    assert source.startswith("data:image/png;base64,")
    chart = Image.open(BytesIO(base64.b64decode(source.split(",", 1)[1])))
    assert chart.width == 1080
    assert "Springfield: 23 of 43" in page.images[0]["alt"]
    policy = [m["content"] for m in page.metas if m.get("http-equiv") == "Content-Security-Policy"]
    assert policy == ["default-src 'none'; img-src data:; style-src 'unsafe-inline'"]
    assert all(link.startswith("https://") for link in page.links)  # javascript: is not a link
    assert "javascript:alert('x')" in page.text
    assert "<b>bold</b>" in page.text and "b" not in page.tags
    assert "https://springfield.gov/cdo?a=1&amp;b=&lt;2&gt;" in page_html


def test_spanish_report_has_its_language_and_the_rubric_in_spanish(
    session: Session, springfield: CitySetup
) -> None:
    report = _report(session, springfield)

    page = Page(render_html(report, Translator("es")))

    assert page.lang == "es"
    assert "Gestión de datos" in page.text
    assert "Plata" in page.text
    assert report.rubric.criterion("DM1").statement.es in page.text


def test_only_web_addresses_become_links() -> None:
    assert safe_link(" https://x.example/a ") == "https://x.example/a"
    assert safe_link("http://x.example") == "http://x.example"
    for bad in ("javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "x.example"):
        assert safe_link(bad) is None


def test_templates_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["bot"]
    packaged = {path for pattern in patterns for path in (ROOT / "bot").glob(pattern)}
    templates = set((ROOT / "bot" / "reports" / "templates").iterdir())
    assert templates and templates <= packaged


@pytest.mark.slow
@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="headless check needs Chromium at /usr/bin/chromium"
)
def test_the_report_renders_in_headless_chromium_without_console_errors(
    session: Session, springfield: CitySetup, tmp_path: Path
) -> None:
    path = tmp_path / "report.html"
    path.write_text(render_html(_report(session, springfield), Translator("pt")), "utf-8")
    shot = tmp_path / "shot.png"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1000,1400",
    ]

    dom = subprocess.run(
        [*command, "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120
    )
    subprocess.run(
        [*command, f"--screenshot={shot}", path.as_uri()], capture_output=True, timeout=120
    )

    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    assert console == []
    assert dom.returncode == 0
    rendered = Page(dom.stdout)
    assert rendered.lang == "pt"
    assert len(rendered.table("criteria", area="DM").rows) == 9
    colours = {c for _, c in Image.open(shot).convert("RGB").getcolors(1_000_000) or []}
    assert (0x2F, 0x6D, 0xB5) in colours  # the chart's bars were decoded and painted


def test_the_browser_check_would_see_a_console_error(tmp_path: Path) -> None:
    if not shutil.which(str(CHROMIUM)):
        pytest.skip("headless check needs Chromium at /usr/bin/chromium")
    path = tmp_path / "bad.html"
    path.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta http-equiv='Content-Security-Policy' "
        "content=\"default-src 'none'; img-src data:\"></head>"
        "<body><img src='https://example.invalid/x.png'></body></html>"
    )
    result = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert any("CONSOLE" in line for line in result.stderr.splitlines())
