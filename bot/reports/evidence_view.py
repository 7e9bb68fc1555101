"""Evidence in the reports: when and by whom each link was given, and which ones are stale.

`report_links` turns an answer's stored links into what the reports show (the giver's name
instead of an id); the renderers here are pure functions of a `CityReport` and a `Translator`:
lines for the text report, a context for the HTML template, data for the JSON export. A link is
stale when it was given before `CityReport.stale_before` (the maximum age of evidence, 12
months unless configured otherwise, before the report's date); a criterion needs fresh
evidence when all its links are stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.services.evidence_age import dated_links

if TYPE_CHECKING:
    from bot.reports.model import CityReport, CriterionRow


@dataclass(frozen=True)
class EvidenceLink:
    """One evidence link as a report shows it."""

    url: str
    given_at: datetime | None
    given_by: str | None
    """The giver's display name (None when unknown or the person is gone)."""
    stale: bool


def report_links(
    evidence: Iterable[Mapping[str, Any]], names: Mapping[int, str], cutoff: datetime
) -> tuple[EvidenceLink, ...]:
    """An answer's links with their dates, givers' names and staleness."""
    return tuple(
        EvidenceLink(link.url, link.added_at, names.get(link.added_by or 0), link.stale)
        for link in dated_links(evidence, cutoff)
    )


def givers(evidence: Iterable[Mapping[str, Any]]) -> list[int]:
    """The person ids who gave these links."""
    return [by for link in evidence if isinstance(by := link.get("added_by"), int)]


def needs_refresh(row: CriterionRow) -> bool:
    """True when the criterion has evidence and all of it is stale."""
    return bool(row.links) and all(link.stale for link in row.links)


def stale_rows(report: CityReport) -> list[tuple[CriterionRow, list[EvidenceLink]]]:
    """The criteria with stale links, and those links, in the rubric's order."""
    found = []
    for row in report.rows:
        old = [link for link in row.links if link.stale]
        if old:
            found.append((row, old))
    return found


def given_words(link: EvidenceLink, tr: Translator, zone: ZoneInfo) -> str:
    """ "given Mar 2, 2026 by Rita", "given Mar 2, 2026", or "" without a date."""
    if link.given_at is None:
        return ""
    day = tr.date(link.given_at.astimezone(zone))
    if link.given_by:
        return tr.gettext("given {date} by {name}").format(date=day, name=link.given_by)
    return tr.gettext("given {date}").format(date=day)


def stale_title(report: CityReport, count: int, tr: Translator) -> str:
    """ "Stale evidence: 2 links given before Mar 17, 2026. Check they still hold: ..."."""
    zone = ZoneInfo(report.city.timezone)
    return tr.ngettext(
        "Stale evidence: {count} link given before {date}. Check it still holds: give it "
        "again, or add a current one.",
        "Stale evidence: {count} links given before {date}. Check they still hold: give them "
        "again, or add current ones.",
        count,
    ).format(
        count=count, date=tr.date((report.stale_before or report.generated_at).astimezone(zone))
    )


def stale_lines(report: CityReport, tr: Translator) -> list[str]:
    """The text report's stale evidence: a title, then each stale link under its criterion."""
    found = stale_rows(report)
    if not found:
        return []
    zone = ZoneInfo(report.city.timezone)
    lines = [stale_title(report, sum(len(old) for _, old in found), tr)]
    for row, old in found:
        for link in old:
            lines.append(f"  {row.criterion_id:<6} {link.url} · {given_words(link, tr, zone)}")
    return lines


def stale_context(report: CityReport, tr: Translator) -> dict[str, Any] | None:
    """The HTML template's stale evidence note; None when no link is stale."""
    found = stale_rows(report)
    if not found:
        return None
    return {
        "title": stale_title(report, sum(len(old) for _, old in found), tr),
        "criteria": ", ".join(row.criterion_id for row, _ in found),
    }


def link_context(link: EvidenceLink, tr: Translator, zone: ZoneInfo) -> dict[str, Any]:
    """One link of the HTML report's evidence cell."""
    from bot.reports.html import safe_link

    return {
        "url": link.url,
        "href": safe_link(link.url),
        "given": given_words(link, tr, zone),
        "stale": link.stale,
    }


def link_data(link: EvidenceLink) -> dict[str, Any]:
    """One link in the JSON export."""
    return {
        "url": link.url,
        "added_at": _iso(link.given_at),
        "added_by": link.given_by,
        "stale": link.stale,
    }


def evidence_summary(report: CityReport) -> dict[str, Any]:
    """The JSON export's evidence summary: the maximum age and what is stale."""
    found = stale_rows(report)
    return {
        "max_age_months": report.evidence_max_age_months,
        "stale_before": _iso(report.stale_before),
        "stale_links": sum(len(old) for _, old in found),
        "criteria_with_stale_links": [row.criterion_id for row, _ in found],
        "criteria_needing_fresh_evidence": [
            r.criterion_id for r in report.rows if needs_refresh(r)
        ],
    }


def csv_cells(row: CriterionRow, tr: Translator) -> tuple[str, str]:
    """The CSV's `evidence_given_at` and `evidence_stale` cells, one line per link."""
    dates = "\n".join(_iso(link.given_at) or "" for link in row.links)
    stale = "\n".join(
        tr.gettext("stale") if link.stale else tr.gettext("current") for link in row.links
    )
    return dates, stale


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
