"""The cohort report for program staff: each city's progress, level and change, as text, CSV
or JSON. Staff follow these cities by name; a city's own report never names its peers."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from bot.i18n import Translator
from bot.reports.cohort import CohortCity
from bot.reports.export import csv_safe

CSV_COLUMNS = (
    "city",
    "state",
    "country",
    "round",
    "answered",
    "total",
    "percent",
    "level",
    "change",
    "has_result",
)


def progress(city: CohortCity, tr: Translator) -> str:
    """The answers so far, e.g. "38 of 43 answered", or that no round has started."""
    if city.round_number is None:
        return tr.gettext("no assessment yet")
    return tr.gettext("{answered} of {total} answered").format(
        answered=city.answered, total=city.total
    )


def level(city: CohortCity, tr: Translator) -> str:
    """The level and share met, e.g. "Silver, 53.4% met", or why there is none to show."""
    if city.score is None:
        if city.round_number is None:
            return ""
        return tr.gettext("taken on another rubric version")
    name = city.score.level.name.get(tr.lang) if city.score.level else tr.gettext("no level yet")
    return tr.gettext("{level}, {percent} met").format(
        level=name, percent=tr.percent_points(city.score.percent)
    )


def change(city: CohortCity, tr: Translator) -> str:
    """The change since the previous round in percentage points, or "" without one."""
    delta = city.change
    if delta is None:
        return ""
    if delta == 0:
        return tr.gettext("no change since the previous round")
    sign = "+" if delta > 0 else "−"
    return tr.gettext("{sign}{points} points since the previous round").format(
        sign=sign, points=tr.number(float(abs(delta)))
    )


def render_cohort_text(cities: Sequence[CohortCity], tr: Translator | None = None) -> str:
    """One line per city: name, progress, level and change."""
    tr = tr or Translator()
    if not cities:
        return tr.gettext("No cities in this cohort.") + "\n"
    names = [_name(c) for c in cities]
    width = max(len(n) for n in names)
    with_results = sum(1 for c in cities if c.has_result)
    lines = [
        tr.ngettext(
            "{count} city, {results} with results",
            "{count} cities, {results} with results",
            len(cities),
        ).format(count=len(cities), results=with_results)
    ]
    for name, city in zip(names, cities, strict=True):
        parts = [progress(city, tr), level(city, tr), change(city, tr)]
        lines.append(f"  {name:<{width}}  " + " · ".join(p for p in parts if p))
    return "\n".join(lines) + "\n"


def cohort_data(cities: Sequence[CohortCity]) -> list[dict[str, Any]]:
    """One record per city, for JSON and CSV."""
    return [
        {
            "city": c.name,
            "state": c.state,
            "country": c.country,
            "round": c.round_number,
            "answered": c.answered,
            "total": c.total,
            "percent": float(c.score.percent) if c.score else None,
            "level": c.level.id if c.level else None,
            "change": _float(c.change),
            "has_result": c.has_result,
        }
        for c in cities
    ]


def render_cohort_csv(cities: Sequence[CohortCity]) -> str:
    """The cohort as CSV, one row per city."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in cohort_data(cities):
        writer.writerow([_cell(record[k]) for k in CSV_COLUMNS])
    return out.getvalue()


def render_cohort_json(cities: Sequence[CohortCity]) -> str:
    """The cohort as JSON: a list of cities."""
    return json.dumps({"cities": cohort_data(cities)}, indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    """Names are escaped against formulas; numbers (a change may be negative) stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_safe(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _name(city: CohortCity) -> str:
    return f"{city.name} ({city.state})" if city.state else city.name


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
