"""Ids are unique and within Slack's 255-character limit."""

from __future__ import annotations

from bot.slack import ids


def test_ids_are_unique_and_short_enough() -> None:
    values = list(ids.all_ids().values())

    assert len(values) == len(set(values))
    assert all(0 < len(value) <= 255 for value in values)
    assert ids.COMMAND.startswith("/")
