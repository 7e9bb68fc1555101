"""How old evidence is: pure functions of the stored links and an injected `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.interview.model import Snapshot
from bot.services.evidence_age import (
    dated_links,
    links_to_refresh,
    needs_refresh,
    stale_before,
    stale_urls,
    with_stale_evidence,
)

NOW = datetime(2027, 3, 31, 15, 0, tzinfo=UTC)
POLICY, MINUTES = "https://springfield.gov/policy.pdf", "https://springfield.gov/minutes"


def link(url: str, when: datetime | None, by: int | None = 7) -> dict[str, object]:
    found: dict[str, object] = {"url": url, "added_by": by}
    if when is not None:
        found["added_at"] = when.isoformat()
    return found


@pytest.mark.parametrize(
    ("now", "months", "cutoff"),
    [
        (NOW, 12, datetime(2026, 3, 31, 15, 0, tzinfo=UTC)),
        (NOW, 1, datetime(2027, 2, 28, 15, 0, tzinfo=UTC)),  # March 31 less a month: Feb 28
        (datetime(2028, 2, 29, 9, tzinfo=UTC), 12, datetime(2027, 2, 28, 9, tzinfo=UTC)),
        (NOW, 18, datetime(2025, 9, 30, 15, 0, tzinfo=UTC)),
    ],
)
def test_evidence_is_stale_the_configured_calendar_months_before_now(
    now: datetime, months: int, cutoff: datetime
) -> None:
    assert stale_before(now, months) == cutoff


def test_a_maximum_age_below_a_month_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1 month"):
        stale_before(NOW, 0)


def test_a_link_is_stale_only_when_given_before_the_cutoff() -> None:
    cutoff = stale_before(NOW)
    links = [
        link(POLICY, cutoff - timedelta(seconds=1)),
        link(MINUTES, cutoff),
        link("https://springfield.gov/undated", None),
    ]

    found = dated_links(links, cutoff)

    assert [(d.url, d.stale) for d in found] == [
        (POLICY, True),
        (MINUTES, False),
        ("https://springfield.gov/undated", False),  # no date: never called stale
    ]
    assert found[0].added_by == 7
    assert stale_urls(links, cutoff) == (POLICY,)


def test_an_answer_needs_fresh_evidence_only_when_all_of_it_is_stale() -> None:
    cutoff = stale_before(NOW)
    old, recent = cutoff - timedelta(days=40), cutoff + timedelta(days=40)

    assert needs_refresh([link(POLICY, old), link(MINUTES, old)], cutoff)
    assert not needs_refresh([link(POLICY, old), link(MINUTES, recent)], cutoff)
    assert not needs_refresh([], cutoff)


def test_this_rounds_evidence_is_judged_before_the_links_carried_from_the_last() -> None:
    cutoff = stale_before(NOW)
    old, recent = cutoff - timedelta(days=1), cutoff + timedelta(days=1)
    current = {"DM1": [link(MINUTES, recent)], "DM2": [link(POLICY, old)], "DM4": []}
    carried = {
        "DM1": {POLICY: link(POLICY, old)},  # answered again this round with a current link
        "DM3": {POLICY: link(POLICY, old)},  # carried only
        "DM4": {MINUTES: link(MINUTES, old)},  # answered this round without links
    }

    assert links_to_refresh(current, carried, cutoff) == {
        "DM2": (POLICY,),
        "DM3": (POLICY,),
        "DM4": (MINUTES,),
    }


def test_the_snapshot_learns_what_to_refresh_and_the_maximum_age() -> None:
    snapshot = Snapshot(assessment_id=1, criteria=("DM1",), answers={})
    carried = {"DM1": {POLICY: link(POLICY, datetime(2025, 1, 1, tzinfo=UTC))}}

    told = with_stale_evidence(snapshot, {}, carried, months=24, now=NOW)
    later = with_stale_evidence(snapshot, {}, carried, months=36, now=NOW)

    assert (told.stale, told.evidence_max_age_months) == ({"DM1": (POLICY,)}, 24)
    assert later.stale == {}
