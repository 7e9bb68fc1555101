"""Re-checks in the reports: what each milestone's re-check found, and how it moved the score.

Pure functions of a `CityReport` (its `rechecks`, each with the criterion's status, the score
and the level before and after as stored when it was answered) and a `Translator`: lines for
the text report, a context for the HTML template, data for the JSON export; `score_words` is
also the coordinators' notice's wording.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.reports import labels
from bot.services.score_change import ScoreSide
from rubric.schema import Rubric
from rubric.scoring import CriterionStatus
from storage.enums import RecheckStatus
from storage.repo.rechecks import RecheckLine

if TYPE_CHECKING:
    from bot.reports.model import CityReport


def score_words(tr: Translator, before: ScoreSide, after: ScoreSide) -> str:
    """ "score 61.3% → 64.5% · level Silver → Gold", or what stayed as it was."""
    then, now = tr.percent_points(before.percent), tr.percent_points(after.percent)
    if then == now:
        score = tr.gettext("score unchanged at {percent}").format(percent=now)
    else:
        score = tr.gettext("score {before} → {after}").format(before=then, after=now)
    no_level = tr.gettext("no level")
    level_then = before.level.get(tr.lang) if before.level else no_level
    level_now = after.level.get(tr.lang) if after.level else no_level
    if level_then == level_now:
        level = tr.gettext("level still {level}").format(level=level_now)
    else:
        level = tr.gettext("level {before} → {after}").format(before=level_then, after=level_now)
    return f"{score} · {level}"


def sides(line: RecheckLine, rubric: Rubric) -> tuple[ScoreSide, ScoreSide] | None:
    """The result before and after a re-check, as stored with it (None before its answer)."""
    result = line.result
    if not result:
        return None
    levels = {level.id: level.name for level in rubric.levels}
    found = []
    for n in (0, 1):
        level = result["level"][n]
        found.append(
            ScoreSide(
                CriterionStatus(result["status"][n]),
                int(result["met"][n]),
                int(result["total"][n]),
                Decimal(str(result["percent"][n])),
                levels.get(level) if level else None,
            )
        )
    return found[0], found[1]


def recheck_words(line: RecheckLine, rubric: Rubric, tr: Translator) -> str:
    """What one re-check found: changed (status, score, level), kept, waiting or cancelled."""
    who = line.answered_by or tr.gettext("someone")
    if line.status == RecheckStatus.PENDING:
        return tr.gettext("asked again, not answered yet")
    if line.status == RecheckStatus.CANCELLED:
        return tr.gettext("not asked: nobody could answer it any more")
    if line.status == RecheckStatus.CONFIRMED:
        return tr.gettext("{name} confirmed it is still the same").format(name=who)
    found = sides(line, rubric)
    if found is None:
        return tr.gettext("{name} changed the answer").format(name=who)
    before, after = found
    status = tr.gettext("{name} changed it: {before} → {after}").format(
        name=who,
        before=labels.criterion_status(before.status, tr),
        after=labels.criterion_status(after.status, tr),
    )
    return f"{status} · {score_words(tr, before, after)}"


def net_change(report: CityReport) -> tuple[ScoreSide, ScoreSide] | None:
    """The result before the first change a re-check made and after the last one."""
    changed = [
        found
        for line in report.rechecks
        if line.status == RecheckStatus.CHANGED and (found := sides(line, report.rubric))
    ]
    return (changed[0][0], changed[-1][1]) if changed else None


def recheck_lines(report: CityReport, tr: Translator) -> list[str]:
    """The text report's re-checks: a title, the net change, one line each."""
    if not report.rechecks:
        return []
    zone = ZoneInfo(report.city.timezone)
    lines = [tr.gettext("Re-checks after milestones")]
    net = net_change(report)
    if net is not None:
        lines.append(
            "  " + tr.gettext("Changes found: {change}").format(change=score_words(tr, *net))
        )
    for line in report.rechecks:
        when = line.answered_at or line.requested_at
        day = tr.date(when.astimezone(zone))
        words = recheck_words(line, report.rubric, tr)
        lines.append(f"  {day:<14} {line.criterion_id:<6} {words}")
    return lines


def recheck_context(report: CityReport, tr: Translator) -> dict[str, Any] | None:
    """The HTML template's re-checks section; None when there were none."""
    if not report.rechecks:
        return None
    zone = ZoneInfo(report.city.timezone)
    net = net_change(report)
    return {
        "net": score_words(tr, *net) if net else None,
        "rows": [
            {
                "criterion": line.criterion_id,
                "milestone": line.milestone_title,
                "date": tr.date((line.answered_at or line.requested_at).astimezone(zone)),
                "status": line.status.value,
                "what": recheck_words(line, report.rubric, tr),
            }
            for line in report.rechecks
        ],
    }


def recheck_data(report: CityReport) -> list[dict[str, Any]]:
    """The JSON export's re-checks, oldest first."""
    from bot.reports.export import iso_utc

    return [
        {
            "criterion": line.criterion_id,
            "milestone": line.milestone_title,
            "status": line.status.value,
            "requested_at": iso_utc(line.requested_at),
            "answered_at": iso_utc(line.answered_at),
            "answered_by": line.answered_by,
            "result": line.result,
        }
        for line in report.rechecks
    ]
