"""Stale evidence in the weekly digest: the criteria of each city's latest round whose evidence is
all older than the maximum age (12 months unless configured otherwise), read for every city
due in one statement (`storage.repo.rechecks.stale_evidence`: an indexed comparison with
`answer.evidence_at`, the newest link's date)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.schedule.calendar import local_date
from bot.services.evidence_age import DEFAULT_MAX_AGE_MONTHS, stale_before
from storage.repo import rechecks
from storage.repo.digests import RoundRow


@dataclass(frozen=True)
class StaleEvidence:
    """Per city, the criteria of its latest round whose evidence needs refreshing."""

    by_city: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    before: datetime | None = None
    """Evidence given before this is stale."""
    _days: dict[str, date] = field(default_factory=dict, compare=False, repr=False)
    """`day` of each timezone asked (thousands of digests ask a few timezones)."""

    def of(self, city_id: int) -> tuple[str, ...]:
        """The criteria of a city's latest round with only stale evidence."""
        return self.by_city.get(city_id, ())

    def day(self, tz: str) -> date | None:
        """The first day evidence is current from, in a timezone."""
        if self.before is None:
            return None
        found = self._days.get(tz)
        if found is None:
            found = self._days[tz] = local_date(self.before, tz)
        return found


NO_STALE_EVIDENCE = StaleEvidence()


def load_stale_evidence(
    session: Session,
    *,
    rounds: Sequence[RoundRow],
    now: datetime,
    months: int = DEFAULT_MAX_AGE_MONTHS,
) -> StaleEvidence:
    """The stale evidence of each city's latest round among `rounds` (oldest first)."""
    if not rounds:
        return NO_STALE_EVIDENCE
    latest = {row.city_id: row.id for row in rounds}
    cutoff = stale_before(now, months)
    found = rechecks.stale_evidence(session, assessment_ids=latest.values(), before=cutoff)
    return StaleEvidence(
        {city_id: tuple(found[rid]) for city_id, rid in latest.items() if rid in found}, cutoff
    )
