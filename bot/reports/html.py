"""The HTML report: one self-contained page a coordinator can open, print or mail.

The page carries everything inline (the chart as a data: URI, its CSS in a <style> element) and
a Content-Security-Policy that forbids loading anything else. Its template
(`templates/report.html`) holds only structure: every word comes through the Translator (`_`
and `ngettext` in the template, with `str.format` placeholders) or from the rubric in the
reader's language, so Spanish and Portuguese reports come from the message catalogs. Jinja2
escapes every value; evidence links become links only when they are http or https URLs.
"""

from __future__ import annotations

import base64
import functools
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.reports import labels
from bot.reports.chart import chart_alt_text, render_result_chart
from bot.reports.disagreements import disagreement_context
from bot.reports.evidence_view import link_context, needs_refresh, stale_context
from bot.reports.history_view import history_context
from bot.reports.model import CityReport, CriterionRow
from bot.reports.recheck_view import recheck_context
from storage.enums import MilestoneStatus

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE = "report.html"


@functools.cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("bot.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(
    report: CityReport, tr: Translator | None = None, *, chart: bytes | None = None
) -> str:
    """The report page; `chart` is the PNG to embed (drawn here when not given)."""
    tr = tr or Translator()
    if chart is None:
        chart = render_result_chart(report.rubric, report.score, tr, city=report.city.name)
    template = _environment().get_template(TEMPLATE)
    return template.render(**report_context(report, tr, chart))


def report_context(report: CityReport, tr: Translator, chart: bytes) -> dict[str, Any]:
    """What the template shows, already in the reader's language."""
    rubric, score = report.rubric, report.score
    zone = ZoneInfo(report.city.timezone)

    def gettext(message: str, **values: Any) -> str:
        text = tr.gettext(message)
        return text.format(**values) if values else text

    def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
        return tr.ngettext(singular, plural, n).format(count=n, **values)

    cohort = report.cohort
    standings = {a.area_id: a for a in cohort.areas} if cohort else {}
    return {
        "_": gettext,
        "ngettext": ngettext,
        "lang": tr.lang,
        "city": report.city,
        "rubric_title": rubric.title.get(tr.lang),
        "rubric_version": f"{rubric.id} {rubric.version}",
        "round": report.assessment.round_number,
        "date": tr.date(report.generated_at.astimezone(zone), "long"),
        "met": score.met,
        "total": score.total,
        "percent": _pct(score.percent, tr),
        "unknown": score.unknown,
        "level": score.level.name.get(tr.lang) if score.level else None,
        "blocked_by": ", ".join(score.blocked_by),
        "blocked_count": len(score.blocked_by),
        "by_percent": score.level_by_percent.name.get(tr.lang) if score.level_by_percent else None,
        "levels": [
            {"name": lv.name.get(tr.lang), "percent": _pct(lv.min_percent, tr)}
            for lv in rubric.levels
        ],
        "chart_uri": "data:image/png;base64," + base64.b64encode(chart).decode("ascii"),
        "chart_alt": chart_alt_text(rubric, score, tr, report.city.name),
        "areas": [
            {
                "id": area.id,
                "name": area.name.get(tr.lang),
                "met": score.area(area.id).met,
                "total": score.area(area.id).total,
                "percent": _pct(score.area(area.id).percent, tr),
                "median": _pct(standings[area.id].median_percent, tr) if cohort else None,
                "standing": labels.standing(standings[area.id].standing, tr) if cohort else None,
                "rows": [_row(report, row, tr, zone) for row in report.rows_of(area.id)],
            }
            for area in rubric.areas
        ],
        "gap": _gap(report, tr),
        "plan": _plan(report, tr),
        "rounds": history_context(report, tr),
        "rechecks": recheck_context(report, tr),
        "stale": stale_context(report, tr),
        "disagreements": disagreement_context(report.disagreements, tr),
        "cohort": None
        if cohort is None
        else {
            "cities": cohort.cities,
            "median": _pct(cohort.overall.median_percent, tr),
            "standing": labels.standing(cohort.overall.standing, tr),
        },
    }


def safe_link(url: str) -> str | None:
    """The URL to link to when it is an http(s) address; None for anything else."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _row(report: CityReport, row: CriterionRow, tr: Translator, zone: ZoneInfo) -> dict[str, Any]:
    crit = report.rubric.criterion(row.criterion_id)
    return {
        "id": row.criterion_id,
        "statement": crit.statement.get(tr.lang),
        "core": row.core,
        "status": row.status.value,
        "status_label": labels.criterion_status(row.status, tr),
        "blocked_by": ", ".join(row.blocked_by),
        "ticked": [item.text.get(tr.lang) for item in crit.checklist if item.id in set(row.ticked)],
        "evidence": [link_context(link, tr, zone) for link in row.links]
        or [
            {"url": url, "href": safe_link(url), "given": "", "stale": False}
            for url in row.evidence
        ],
        "needs_refresh": needs_refresh(row),
        "note": row.note,
        "answered_by": row.answered_by,
        "answered_on": tr.date(row.answered_at.astimezone(zone)) if row.answered_at else None,
    }


def _gap(report: CityReport, tr: Translator) -> dict[str, Any]:
    gap, rubric = report.gap, report.rubric
    reaches = gap.reaches or gap.target
    items = []
    for item in gap.items:
        step = item.next_step
        items.append(
            {
                "id": item.criterion_id,
                "statement": rubric.criterion(item.criterion_id).statement.get(tr.lang),
                "area": rubric.area(item.area_id).name.get(tr.lang),
                "status_label": labels.criterion_status(item.status, tr),
                "core": item.core,
                "needed_for": item.needed_for,
                "action": step.action.get(tr.lang),
                "deliverable": step.deliverable.get(tr.lang),
                "owner": step.owner.get(tr.lang),
                "effort": labels.effort(step.effort, tr),
                "months": step.horizon_months,
            }
        )
    return {
        "target": reaches.name.get(tr.lang) if reaches else None,
        "target_percent": _pct(reaches.min_percent, tr) if reaches else None,
        "top": gap.target is None and gap.current is not None,
        "current": gap.current.name.get(tr.lang) if gap.current else None,
        "steps": items,
        "unblocked": ", ".join(gap.unblocked),
        "unblocked_count": len(gap.unblocked),
    }


def _plan(report: CityReport, tr: Translator) -> dict[str, Any] | None:
    plan = report.plan
    if plan is None:
        return None
    return {
        "created": tr.date(plan.created_at.astimezone(ZoneInfo(report.city.timezone))),
        "done": plan.count(MilestoneStatus.DONE),
        "open": plan.count(MilestoneStatus.OPEN),
        "overdue": plan.overdue,
        "total": len(plan.milestones),
        "milestones": [
            {
                "criterion": m.criterion_id,
                "title": m.title,
                "owner": m.owner,
                "due": tr.date(m.due_on),
                "status": "overdue" if m.overdue else m.status.value,
                "status_label": labels.milestone_status(m.status, m.overdue, tr),
            }
            for m in plan.milestones
        ],
    }


def _pct(value: Any, tr: Translator) -> str:
    return tr.percent_points(value)
