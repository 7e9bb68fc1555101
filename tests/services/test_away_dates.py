"""The day someone is back, as they type it: `/citycheck away until …`."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.away import parse_back_day

TODAY = date(2027, 3, 1)  # a Monday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-03-15", date(2027, 3, 15)),
        ("March 15", date(2027, 3, 15)),
        ("15 de marzo", date(2027, 3, 15)),
        ("March 15 2027", date(2027, 3, 15)),
        ("tomorrow", date(2027, 3, 2)),
        ("friday", date(2027, 3, 5)),
    ],
)
def test_the_usual_ways_of_writing_a_day(typed: str, expected: date) -> None:
    assert parse_back_day(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["March " + "9" * 5000, "someday", "15 ١٥ March"])
def test_anything_else_is_not_a_date_and_never_a_crash(typed: str) -> None:
    assert parse_back_day(typed, TODAY) is None
