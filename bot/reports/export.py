"""CSV and JSON exports of a city's round: one record per criterion, plus the score in JSON.

The CSV is for spreadsheets: a stable header of English column names, the rubric's text and
the statuses in the reader's language, several values in one cell one per line, UTF-8 with a
byte-order mark so that Excel reads accents. A cell that a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from typing import Any

from bot.i18n import Translator
from bot.reports import labels
from bot.reports.cohort import AreaStanding
from bot.reports.evidence_view import csv_cells, evidence_summary, link_data, needs_refresh
from bot.reports.history_view import history_data
from bot.reports.model import CityReport, CriterionRow
from bot.reports.recheck_view import recheck_data

CSV_COLUMNS = (
    "area",
    "area_name",
    "criterion",
    "statement",
    "core",
    "status",
    "answer_status",
    "ticked_ids",
    "ticked_items",
    "evidence",
    "note",
    "answered_by",
    "answered_at",
    "evidence_given_at",
    "evidence_stale",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """The cell as text a spreadsheet shows as typed, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def iso_utc(value: datetime | None) -> str | None:
    """A timestamp as ISO 8601 in UTC (`2027-03-01T15:00:00Z`), or None."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def criterion_record(report: CityReport, row: CriterionRow, tr: Translator) -> dict[str, Any]:
    """One criterion as export data: rubric text in the reader's language, the stored answer."""
    crit = report.rubric.criterion(row.criterion_id)
    area = report.rubric.area(row.area_id)
    return {
        "area": row.area_id,
        "area_name": area.name.get(tr.lang),
        "criterion": row.criterion_id,
        "statement": crit.statement.get(tr.lang),
        "core": row.core,
        "status": row.status.value,
        "status_label": labels.criterion_status(row.status, tr),
        "answer_status": row.answer_status.value if row.answer_status else None,
        "answer_status_label": labels.answer_status(row.answer_status, tr),
        "ticked": [
            {"id": item_id, "text": _item_text(report, row.criterion_id, item_id, tr)}
            for item_id in row.ticked
        ],
        "evidence": list(row.evidence),
        "evidence_links": [link_data(link) for link in row.links],
        "evidence_needs_refresh": needs_refresh(row),
        "note": row.note,
        "answered_by": row.answered_by,
        "answered_at": iso_utc(row.answered_at),
        "blocked_by": list(row.blocked_by),
    }


def render_csv(report: CityReport, tr: Translator | None = None) -> str:
    """The CSV text: a header, then one row per criterion in the rubric's order."""
    tr = tr or Translator()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        record = criterion_record(report, row, tr)
        cells = [
            record["area"],
            record["area_name"],
            record["criterion"],
            record["statement"],
            tr.gettext("yes") if record["core"] else tr.gettext("no"),
            record["status_label"],
            record["answer_status_label"],
            "; ".join(item["id"] for item in record["ticked"]),
            "\n".join(item["text"] for item in record["ticked"]),
            "\n".join(record["evidence"]),
            record["note"] or "",
            record["answered_by"] or "",
            record["answered_at"] or "",
            *csv_cells(row, tr),
        ]
        writer.writerow([csv_safe(str(cell)) for cell in cells])
    return out.getvalue()


def csv_bytes(report: CityReport, tr: Translator | None = None) -> bytes:
    """The CSV file's bytes: UTF-8 with a byte-order mark, as spreadsheets expect."""
    return render_csv(report, tr).encode("utf-8-sig")


def report_data(report: CityReport, tr: Translator | None = None) -> dict[str, Any]:
    """The JSON document: the city, the round, the score summary and every criterion."""
    tr = tr or Translator()
    score, gap, city, assessment = report.score, report.gap, report.city, report.assessment
    names = {area.id: area.name.get(tr.lang) for area in report.rubric.areas}
    return {
        "city": {"id": city.id, "name": city.name, "state": city.state, "country": city.country},
        "assessment": {
            "id": assessment.id,
            "round": assessment.round_number,
            "status": str(assessment.status),
            "started_at": iso_utc(assessment.started_at),
            "completed_at": iso_utc(assessment.completed_at),
        },
        "rubric": {"id": report.rubric.id, "version": report.rubric.version},
        "language": tr.lang,
        "generated_at": iso_utc(report.generated_at),
        "score": {
            "met": score.met,
            "total": score.total,
            "percent": float(score.percent),
            "unknown": score.unknown,
            "level": score.level.id if score.level else None,
            "level_name": score.level.name.get(tr.lang) if score.level else None,
            "level_by_percent": score.level_by_percent.id if score.level_by_percent else None,
            "blocked_by": list(score.blocked_by),
            "areas": [
                {
                    "id": a.area_id,
                    "name": names[a.area_id],
                    "met": a.met,
                    "total": a.total,
                    "percent": float(a.percent),
                    "unknown": a.unknown,
                }
                for a in score.areas
            ],
            "next_level": {
                "target": gap.target.id if gap.target else None,
                "reaches": gap.reaches.id if gap.reaches else None,
                "criteria": list(gap.criterion_ids),
            },
            "cohort": _cohort(report),
        },
        "criteria": [criterion_record(report, row, tr) for row in report.rows],
        "evidence": evidence_summary(report),
        "rechecks": recheck_data(report),
        "disagreements": {
            "settled": report.disagreements.settled,
            "unsettled": report.disagreements.unsettled,
            "unsettled_criteria": list(report.disagreements.unsettled_ids),
        },
        **history_data(report, tr),
    }


def render_json(report: CityReport, tr: Translator | None = None) -> str:
    """The JSON document as indented UTF-8 text."""
    return json.dumps(report_data(report, tr), indent=2, ensure_ascii=False) + "\n"


def export_filename(report: CityReport, extension: str) -> str:
    """A file name that says what it is: `citycheck-springfield-round-1-2027-03-01.csv`."""
    slug = re.sub(r"[^a-z0-9]+", "-", report.city.name.casefold()).strip("-") or "city"
    day = report.generated_at.astimezone(UTC).date().isoformat()
    return f"citycheck-{slug}-round-{report.assessment.round_number}-{day}.{extension}"


def _item_text(report: CityReport, criterion_id: str, item_id: str, tr: Translator) -> str:
    item = report.rubric.criterion(criterion_id).item(item_id)
    return item.text.get(tr.lang) if item else item_id


def _cohort(report: CityReport) -> dict[str, Any] | None:
    if report.cohort is None:
        return None

    def standing(value: AreaStanding) -> dict[str, Any]:
        return {
            "percent": float(value.percent),
            "median_percent": float(value.median_percent),
            "standing": value.standing.value,
        }

    return {
        "cities_with_results": report.cohort.cities,
        "overall": standing(report.cohort.overall),
        "areas": {a.area_id: standing(a) for a in report.cohort.areas},
    }
