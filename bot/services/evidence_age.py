"""How old an answer's evidence is: pure functions of the stored links and `now`.

A link is stale once it was given longer ago than the maximum age (12 months unless
CITYCHECK_EVIDENCE_MAX_AGE_MONTHS says otherwise). An answer's evidence needs refreshing when
it has links and every one of them is stale: a current link given since (a new policy, this
year's minutes) makes it current again, while the old link stays marked. Reports and digests
show both; the next round asks for the refresh rather than carrying old evidence silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from bot.interview.model import Snapshot
from bot.schedule.calendar import add_months
from storage.repo.answers import link_date

DEFAULT_MAX_AGE_MONTHS = 12


@dataclass(frozen=True)
class DatedLink:
    """One evidence link: when and by whom it was last given, and whether that is too long ago."""

    url: str
    added_at: datetime | None
    added_by: int | None
    stale: bool


def stale_before(now: datetime, months: int = DEFAULT_MAX_AGE_MONTHS) -> datetime:
    """The moment before which a link is stale: `months` calendar months before `now`."""
    if months < 1:
        raise ValueError(f"the maximum age of evidence is at least 1 month, not {months}")
    day = add_months(now.date(), -months)
    return datetime.combine(day, now.timetz()).astimezone(UTC)


def given_at(link: Mapping[str, Any]) -> datetime | None:
    """When a stored link was given, as an aware UTC datetime (None when it has no date)."""
    return link_date(link)


def dated_links(evidence: Iterable[Mapping[str, Any]], cutoff: datetime) -> tuple[DatedLink, ...]:
    """The stored links with their dates, each marked stale when given before `cutoff`."""
    found = []
    for link in evidence:
        when = given_at(link)
        by = link.get("added_by")
        found.append(
            DatedLink(
                str(link["url"]),
                when,
                int(by) if isinstance(by, int) else None,
                when is not None and when < cutoff,
            )
        )
    return tuple(found)


def needs_refresh(evidence: Iterable[Mapping[str, Any]], cutoff: datetime) -> bool:
    """True when the answer has evidence and all of it was given before `cutoff`."""
    links = dated_links(evidence, cutoff)
    return bool(links) and all(link.stale for link in links)


def stale_urls(evidence: Iterable[Mapping[str, Any]], cutoff: datetime) -> tuple[str, ...]:
    """The links given before `cutoff`, in the order given."""
    return tuple(link.url for link in dated_links(evidence, cutoff) if link.stale)


def oldest_stale(links: Iterable[DatedLink]) -> datetime | None:
    """When the oldest of the stale links was given (None when none is stale)."""
    return min((link.added_at for link in links if link.stale and link.added_at), default=None)


def links_to_refresh(
    current: Mapping[str, Sequence[Mapping[str, Any]]],
    carried: Mapping[str, Mapping[str, Mapping[str, Any]]],
    cutoff: datetime,
) -> dict[str, tuple[str, ...]]:
    """For each criterion whose evidence is all stale, its links: this round's evidence when it
    has some (`current`, criterion -> stored links), else last round's carried links."""
    found: dict[str, tuple[str, ...]] = {}
    for cid in {*current, *carried}:
        links = list(current.get(cid) or ()) or [
            {**link, "url": url} for url, link in (carried.get(cid) or {}).items()
        ]
        if needs_refresh(links, cutoff):
            found[cid] = tuple(str(link["url"]) for link in links)
    return found


def with_stale_evidence(
    snapshot: Snapshot,
    current: Mapping[str, Sequence[Mapping[str, Any]]],
    carried: Mapping[str, Mapping[str, Mapping[str, Any]]],
    *,
    months: int,
    now: datetime,
) -> Snapshot:
    """The interview snapshot told which criteria's evidence is all stale at `now` (this
    round's links, else last round's carried ones), so the question asks to refresh it."""
    stale = links_to_refresh(current, carried, stale_before(now, months))
    return replace(snapshot, stale=stale, evidence_max_age_months=months)
