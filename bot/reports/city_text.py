"""The plain-text report on a city's round: the score report, the plan and the cohort standing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.reports import labels
from bot.reports.disagreements import disagreement_lines
from bot.reports.evidence_view import stale_lines
from bot.reports.history_view import change_lines, history_lines
from bot.reports.model import CityReport
from bot.reports.recheck_view import recheck_lines
from bot.reports.text import render_score_report
from storage.enums import MilestoneStatus


def render_city_text(report: CityReport, tr: Translator | None = None) -> str:
    """The text report: city and round, result, areas, gap, then plan and cohort if any."""
    tr = tr or Translator()
    zone = ZoneInfo(report.city.timezone)
    title = " · ".join(
        [
            report.city.name,
            tr.gettext("Round {number}").format(number=report.assessment.round_number),
            tr.date(report.generated_at.astimezone(zone), "long"),
        ]
    )
    text = render_score_report(report.rubric, report.score, report.gap, title=title, tr=tr)
    rounds = change_lines(report, tr) + history_lines(report, tr)
    evidence = recheck_lines(report, tr) + stale_lines(report, tr)
    disputes = disagreement_lines(report.disagreements, tr)
    extra = disputes + rounds + evidence + _plan(report, tr) + _cohort(report, tr)
    return text + ("\n" + "\n".join(extra) + "\n" if extra else "")


def _plan(report: CityReport, tr: Translator) -> list[str]:
    plan = report.plan
    if plan is None:
        return []
    lines = [
        tr.gettext(
            "Improvement plan: {done} of {total} milestones done, {overdue} overdue."
        ).format(
            done=plan.count(MilestoneStatus.DONE), total=len(plan.milestones), overdue=plan.overdue
        )
    ]
    for m in plan.milestones:
        status = labels.milestone_status(m.status, m.overdue, tr)
        owner = m.owner or tr.gettext("nobody yet")
        lines.append(
            f"  {m.criterion_id:<6} {tr.date(m.due_on):<14} {status:<10} {m.title} ({owner})"
        )
    return lines


def _cohort(report: CityReport, tr: Translator) -> list[str]:
    cohort = report.cohort
    if cohort is None:
        return []
    names = {area.id: area.name.get(tr.lang) for area in report.rubric.areas}
    width = max(len(n) for n in names.values())
    overall, median = tr.gettext("Overall"), tr.gettext("median")
    lines = [
        tr.gettext(
            "Against the median of the {count} cities in your cohort that have results:"
        ).format(count=cohort.cities),
        f"  {overall:<{width + 6}} {_pct(cohort.overall.percent, tr):>6}  "
        f"{median} {_pct(cohort.overall.median_percent, tr):>6}  "
        f"{labels.standing(cohort.overall.standing, tr)}",
    ]
    for area in cohort.areas:
        assert area.area_id is not None
        lines.append(
            f"  {area.area_id:<5} {names[area.area_id]:<{width}} {_pct(area.percent, tr):>6}  "
            f"{median} {_pct(area.median_percent, tr):>6}  "
            f"{labels.standing(area.standing, tr)}"
        )
    return lines


def _pct(value: object, tr: Translator) -> str:
    return tr.percent_points(float(str(value)))
