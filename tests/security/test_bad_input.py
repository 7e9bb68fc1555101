"""Odd or hostile text in the evidence and Done modals: a field error that says what to fix.

Links are http(s) only, at most 2,000 characters, printable; notes at most 3,000 characters,
without control characters. Nothing is stored when a field is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.sandbox import payloads
from bot.slack import ids
from tests.security.inprocess import InProcessApp, in_process_app
from tests.security.world import CRITERION, World, changed_tables, snapshot

GOOD_LINK = "https://data.example.gov/open-data-policy"
BAD_LINKS = {
    "javascript": "javascript:alert(document.cookie)",
    "data url": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "no scheme": "data.example.gov/policy",
    "ftp": "ftp://data.example.gov/policy.pdf",
    "broken ipv6 host": "http://[::1",
    "no host": "https://",
    "too long": "https://data.example.gov/" + "a" * 2000,
    "nul byte": "https://data.example.gov/\x00policy",
    "escape sequence": "https://data.example.gov/\x1b[2Jpolicy",
    "right-to-left override": "https://data.example.gov/\u202efdp.exe",
    "zero width space": "https://data\u200b.example.gov/policy",
    "huge paste": ("https://data.example.gov/x\n" * 50_000),
}
BAD_NOTES = {
    "too long": "x" * 3001,
    "nul byte": "adopted in 2021\x00",
    "escape sequence": "\x1b[31madopted\x1b[0m",
    "huge paste": "adopted " * 100_000,
}


@pytest.fixture
def bot(world: World, world_engine: Engine) -> Iterator[InProcessApp]:
    """The app in this process, on the world's database."""
    with in_process_app(world, world_engine) as running:
        yield running


def _submit(bot: InProcessApp, user: str, callback_id: str, metadata: str, values: Any) -> Any:
    sandbox = bot.world.sandbox
    payload = payloads.view_submission(
        user=sandbox.user(user_id=user),
        app_id=sandbox.identity()["app_id"],
        trigger_id=sandbox.issue_trigger(user_id=user),
        view={
            "id": "V0BAD",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": metadata,
            "blocks": [],
        },
        state=values,
    )
    response = bot.payload(payload)
    bot.settle()
    assert bot.failures == []
    return response


def _evidence(bot: InProcessApp, links: str | None, note: str | None) -> dict[str, str]:
    values = {
        ids.BLOCK_EVIDENCE_LINKS: {ids.ACTION_EVIDENCE_LINKS: {"type": "x", "value": links}},
        ids.BLOCK_EVIDENCE_NOTE: {ids.ACTION_EVIDENCE_NOTE: {"type": "x", "value": note}},
    }
    metadata = f"{bot.world.ids.round2}:{CRITERION}"
    response = _submit(bot, bot.world.user("rita"), ids.VIEW_EVIDENCE, metadata, values)
    assert response.status == 200
    body = json.loads(response.body) if response.body else {}
    return dict(body.get("errors") or {})


@pytest.mark.parametrize("link", BAD_LINKS.values(), ids=BAD_LINKS.keys())
def test_an_odd_evidence_link_gets_a_field_error_and_nothing_is_stored(
    bot: InProcessApp, world_engine: Engine, link: str
) -> None:
    before = snapshot(world_engine)

    errors = _evidence(bot, link, None)

    assert list(errors) == [ids.BLOCK_EVIDENCE_LINKS]
    assert (
        "Line 1" in errors[ids.BLOCK_EVIDENCE_LINKS]
        or "at most" in errors[ids.BLOCK_EVIDENCE_LINKS]
    )
    assert changed_tables(before, snapshot(world_engine)) == []


@pytest.mark.parametrize("note", BAD_NOTES.values(), ids=BAD_NOTES.keys())
def test_an_odd_note_gets_a_field_error_and_nothing_is_stored(
    bot: InProcessApp, world_engine: Engine, note: str
) -> None:
    before = snapshot(world_engine)

    errors = _evidence(bot, GOOD_LINK, note)

    assert list(errors) == [ids.BLOCK_EVIDENCE_NOTE]
    assert changed_tables(before, snapshot(world_engine)) == []


def test_a_sound_link_and_note_are_stored(bot: InProcessApp, world_engine: Engine) -> None:
    before = snapshot(world_engine)

    errors = _evidence(bot, f"{GOOD_LINK}\nhttp://data.example.gov/review", "Adopted\n\tin 2021")

    assert errors == {}
    assert "answer" in changed_tables(before, snapshot(world_engine))


def _done(bot: InProcessApp, evidence: str | None) -> dict[str, str]:
    values = {ids.BLOCK_DONE_EVIDENCE: {ids.ACTION_DONE_EVIDENCE: {"type": "x", "value": evidence}}}
    metadata = json.dumps({"m": bot.world.ids.milestone})
    response = _submit(bot, bot.world.user("leo"), ids.VIEW_MILESTONE_DONE, metadata, values)
    assert response.status == 200
    body = json.loads(response.body) if response.body else {}
    return dict(body.get("errors") or {})


@pytest.mark.parametrize("link", BAD_LINKS.values(), ids=BAD_LINKS.keys())
def test_an_odd_done_link_gets_a_field_error_and_the_milestone_stays_open(
    bot: InProcessApp, world_engine: Engine, link: str
) -> None:
    before = snapshot(world_engine)

    errors = _done(bot, link)

    assert list(errors) == [ids.BLOCK_DONE_EVIDENCE]
    assert "http" in errors[ids.BLOCK_DONE_EVIDENCE]
    assert changed_tables(before, snapshot(world_engine)) == []


def test_a_sound_done_link_marks_the_milestone_done(
    bot: InProcessApp, world_engine: Engine
) -> None:
    before = snapshot(world_engine)

    assert _done(bot, GOOD_LINK) == {}

    assert "milestone" in changed_tables(before, snapshot(world_engine))
