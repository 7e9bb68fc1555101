"""The change since the previous round and the level history, for the text, HTML and JSON reports.

Pure functions of a `CityReport` (its `history` and `change`) and a `Translator`: lines for the
terminal, a context for the HTML template's "rounds" section, and the JSON document's
`history` and `change`. Changes are signed ("+3", "-1"); shares are percentages rounded down
as scoring gives them, and their changes are in percentage points.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.reports.history import AreaChange, RoundChange, RoundResult
from bot.reports.model import CityReport
from rubric.schema import Level

WIDTH = 88


def change_lines(report: CityReport, tr: Translator) -> list[str]:
    """The change since the previous round: overall, then one line per area."""
    change = report.change
    if change is None:
        return []
    lines = [since_title(report, change, tr), "  " + overall_change(change, tr)]
    width = max((len(a.name.get(tr.lang)) for a in change.areas), default=10)
    for area in change.areas:
        name = area.name.get(tr.lang)
        lines.append(f"  {area.area_id:<5} {name:<{width}}  {area_change(area, tr)}")
    if change.rubric_changed:
        lines += textwrap.wrap(rubric_note(change, tr), WIDTH, initial_indent="  ",
                               subsequent_indent="  ")  # fmt: skip
    return lines


def history_lines(report: CityReport, tr: Translator) -> list[str]:
    """The level history: one line per round (date, rubric version, met of total, level)."""
    if len(report.history) < 2:
        return []
    zone = ZoneInfo(report.city.timezone)
    rows = [
        (
            tr.gettext("Round {number}").format(number=r.round_number),
            tr.date(r.date.astimezone(zone), "medium"),
            r.rubric_version,
            _met(r),
            pct(r.score.percent, tr) if r.score else "",
            _level(r, tr) + (" · " + tr.gettext("in progress") if r.open else ""),
        )
        for r in report.history
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ([""] if report.change else []) + [tr.gettext("Level history")]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:5])]
        lines.append("  " + "  ".join([*cells, row[5]]))
    return lines


def since_title(report: CityReport, change: RoundChange, tr: Translator) -> str:
    """ "Since round 1 (March 1, 2027, rubric 2022.1):"."""
    before = change.previous
    when = tr.date(before.date.astimezone(ZoneInfo(report.city.timezone)), "long")
    return tr.gettext("Since round {number} ({date}, rubric {version}):").format(
        number=before.round_number, date=when, version=before.rubric_version
    )


def overall_change(change: RoundChange, tr: Translator) -> str:
    """ "+3 criteria met (4 of 43 → 7 of 44), +6.9 points (9.3% → 15.9%) · level: none → Silver"."""
    then, now = change.then, change.now
    met = tr.ngettext(
        "{delta} criterion met ({then} → {now})",
        "{delta} criteria met ({then} → {now})",
        abs(change.met_delta),
    ).format(
        delta=signed(change.met_delta, tr),
        then=f"{then.met}/{then.total}",
        now=f"{now.met}/{now.total}",
    )
    points = tr.gettext("{delta} points ({then} → {now})").format(
        delta=signed(change.percent_delta, tr), then=pct(then.percent, tr), now=pct(now.percent, tr)
    )
    level = tr.gettext("level: {then} → {now}").format(
        then=level_name(then.level, tr), now=level_name(now.level, tr)
    )
    return f"{met}, {points} · {level}"


def area_change(area: AreaChange, tr: Translator) -> str:
    """One area's change: "+1 (2/9 → 3/9), +11.1 points", "new: 1/3" or "dropped: was 2/4"."""
    if area.then is None and area.now is not None:
        return tr.gettext("new: {met}/{total}").format(met=area.now.met, total=area.now.total)
    if area.now is None and area.then is not None:
        return tr.gettext("dropped: was {met}/{total}").format(
            met=area.then.met, total=area.then.total
        )
    assert area.then is not None and area.now is not None
    assert area.met_delta is not None and area.percent_delta is not None
    return tr.gettext("{delta} ({then} → {now}), {points} points").format(
        delta=signed(area.met_delta, tr),
        then=f"{area.then.met}/{area.then.total}",
        now=f"{area.now.met}/{area.now.total}",
        points=signed(area.percent_delta, tr),
    )


def rubric_note(change: RoundChange, tr: Translator) -> str:
    """Why counts may differ: the rounds were taken on different rubric versions."""
    return tr.gettext(
        "The rounds were taken on rubric versions {before} and {after}: each is scored on its "
        "own, so totals may differ."
    ).format(before=change.previous.rubric_version, after=change.current.rubric_version)


def history_context(report: CityReport, tr: Translator) -> dict[str, Any] | None:
    """The HTML template's "rounds" section: the change and the level history; None for a
    city's first round."""
    if len(report.history) < 2:
        return None
    zone = ZoneInfo(report.city.timezone)
    change = report.change
    return {
        "title": since_title(report, change, tr) if change else None,
        "overall": overall_change(change, tr) if change else None,
        "note": rubric_note(change, tr) if change and change.rubric_changed else None,
        "areas": [
            {
                "id": a.area_id,
                "name": a.name.get(tr.lang),
                "state": _state(a),
                "then": f"{a.then.met}/{a.then.total}" if a.then else "",
                "now": f"{a.now.met}/{a.now.total}" if a.now else "",
                "change": area_change(a, tr),
            }
            for a in (change.areas if change else ())
        ],
        "history": [
            {
                "round": r.round_number,
                "date": tr.date(r.date.astimezone(zone), "medium"),
                "version": r.rubric_version,
                "met": _met(r),
                "percent": pct(r.score.percent, tr) if r.score else "",
                "level": _level(r, tr),
                "open": r.open,
            }
            for r in report.history
        ],
    }


def history_data(report: CityReport, tr: Translator) -> dict[str, Any]:
    """The JSON document's `history` (every round) and `change` (None in a first round)."""
    change = report.change
    return {
        "history": [
            {
                "round": r.round_number,
                "assessment_id": r.assessment_id,
                "status": r.status.value,
                "date": _iso(r.date),
                "rubric": {"id": r.rubric_id, "version": r.rubric_version},
                "met": r.score.met if r.score else None,
                "total": r.score.total if r.score else None,
                "percent": float(r.score.percent) if r.score else None,
                "level": r.level.id if r.level else None,
                "level_name": r.level.name.get(tr.lang) if r.level else None,
            }
            for r in report.history
        ],
        "change": None
        if change is None
        else {
            "since_round": change.previous.round_number,
            "rubric_changed": change.rubric_changed,
            "met_delta": change.met_delta,
            "percent_delta": float(change.percent_delta),
            "level_then": change.then.level.id if change.then.level else None,
            "level_now": change.now.level.id if change.now.level else None,
            "areas": [
                {
                    "id": a.area_id,
                    "name": a.name.get(tr.lang),
                    "state": _state(a),
                    "met_then": a.then.met if a.then else None,
                    "total_then": a.then.total if a.then else None,
                    "percent_then": float(a.then.percent) if a.then else None,
                    "met_now": a.now.met if a.now else None,
                    "total_now": a.now.total if a.now else None,
                    "percent_now": float(a.now.percent) if a.now else None,
                    "met_delta": a.met_delta,
                    "percent_delta": float(a.percent_delta)
                    if a.percent_delta is not None
                    else None,
                }
                for a in change.areas
            ],
        },
    }


def signed(value: int | Decimal, tr: Translator) -> str:
    """A change with its sign: "+3", "-1.5", "0"."""
    shown = tr.number(value if isinstance(value, int) else float(value))
    return f"+{shown}" if value > 0 else shown


def pct(value: Decimal, tr: Translator) -> str:
    """A share as scoring shows it: "9.3%"."""
    return f"{tr.number(float(value))}%"


def level_name(level: Level | None, tr: Translator) -> str:
    """A level's name, or "none yet"."""
    return level.name.get(tr.lang) if level else tr.gettext("none yet")


def _level(result: RoundResult, tr: Translator) -> str:
    if result.score is None:
        return tr.gettext("rubric version not loaded")
    return level_name(result.level, tr)


def _met(result: RoundResult) -> str:
    return f"{result.score.met}/{result.score.total}" if result.score else "?"


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _state(area: AreaChange) -> str:
    if area.then is None:
        return "new"
    return "dropped" if area.now is None else "kept"
