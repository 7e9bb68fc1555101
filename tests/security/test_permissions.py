"""The permission matrix, cell by cell, through the real app over HTTP against the sandbox.

Each cell starts from the same world (tests/security/world.py): a fresh sandbox, a copy of the
seeded database. A refused attempt must leave every table as it was, tell the person why and
log a security event naming them; an allowed one must do what it exists for.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from bot.sandbox.driver import Workspace
from bot.sandbox.store import TEAM_ID
from bot.sandbox.testing import SIGNING_SECRET, assert_no_violations, running_bot
from bot.services import (
    access,
    away,
    cohort,
    coordinator,
    interview,
    milestones,
    plan,
    rechecks,
    rounds,
    setup,
)
from storage.engine import make_engine
from tests.security.matrix import MATRIX, cells
from tests.security.surfaces import SURFACES, Attempt
from tests.security.world import (
    IN_TARGET_CITY,
    NOW,
    OTHER_TEAM,
    PERSON_OF,
    RUBRIC,
    ForeignWorkspace,
    Ids,
    changed_tables,
    fresh_world,
    snapshot,
)

REASONS = (
    access.NOT_SET_UP,
    access.NOT_A_MEMBER,
    access.COORDINATORS_ONLY,
    access.NOT_YOURS,
    interview.NOT_YOUR_AREA,
    coordinator.NOT_AN_ID,
    milestones.NOT_YOUR_MILESTONE,
    cohort.PROGRAM_STAFF_ONLY,
    setup.CITY_NOT_YOURS,
    plan.NO_ROUND,
    rounds.NO_LONGER_OPEN,
    rechecks.NOT_YOUR_RECHECK,
    away.DEPUTY_NOT_IN_CITY,
)
"""What a refused person may be told (its longest part without placeholders is looked for)."""
BOOKKEEPING = frozenset({"processed_event"})
"""Tables of the app's own bookkeeping, which any delivered event may touch."""
TARGET_CITY_MARKERS = re.compile(r"\b(Rita|Rui|Cora|Leo|Pam|Write the data strategy down)\b")
"""Text only the target city's data holds: its people's names, its milestone."""


def _shown(attempt: Attempt, body: str) -> str:
    return json.dumps([c["args"] for c in attempt.calls()] + [body], ensure_ascii=False)


def _reason_in(text: str) -> bool:
    return any(max(re.split(r"\{\w+\}", reason), key=len) in text for reason in REASONS)


@pytest.mark.parametrize(
    ("surface", "role", "outcome"),
    [pytest.param(*cell, id=f"{cell[0]}|{cell[1]}") for cell in cells()],
)
def test_cell(
    surface: str,
    role: str,
    outcome: str,
    template: tuple[Path, Ids],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path, world_ids = template
    way_in = SURFACES[surface]
    caplog.set_level(logging.INFO, logger="citycheck.security")
    with fresh_world(path, world_ids, tmp_path) as world:
        engine = make_engine(world.db_url)
        before = snapshot(engine, ignore=BOOKKEEPING)
        with running_bot(world.sandbox, engine=engine, rubric=RUBRIC, clock=lambda: NOW) as bot:
            workspace: Workspace = bot.workspace
            if role == "other_workspace":
                workspace = ForeignWorkspace(
                    world.sandbox, bot.events_url, SIGNING_SECRET, team_id=OTHER_TEAM
                )
            attempt = Attempt(world, workspace, PERSON_OF[role], role)
            attempt.mark = len(world.sandbox.calls())
            response = way_in.perform(attempt)
            assert response.status == 200, response.body

            def settled() -> bool:
                if outcome == "no":
                    return _reason_in(_shown(attempt, response.body))
                if outcome == "yes" and way_in.changes:
                    after = snapshot(engine, ignore=BOOKKEEPING)
                    return way_in.changes <= set(changed_tables(before, after))
                if outcome == "yes" and way_in.shows is not None:
                    return way_in.shows(attempt)
                return way_in.quiet or bool(attempt.calls()) or bool(response.body.strip())

            workspace.wait_for(settled, timeout=10, what=f"{surface} by {role}: {outcome}")
        after = snapshot(engine, ignore=BOOKKEEPING)
        engine.dispose()
        shown = _shown(attempt, response.body)
        assert_no_violations(world.sandbox)
    denials = [
        r
        for r in caplog.records
        if r.name == "citycheck.security" and attempt.user in r.getMessage()
    ]
    if outcome == "yes":
        assert not denials, denials[0].getMessage()
        assert not _reason_in(shown), shown
        return
    assert changed_tables(before, after) == [], "nothing may change"
    if outcome == "no":
        assert _reason_in(shown), shown
        assert denials, "a refusal is logged as a security event"
        team = OTHER_TEAM if role == "other_workspace" else TEAM_ID
        assert f"team={team}" in denials[0].getMessage()
        return
    if way_in.quiet:
        assert attempt.calls() == [] and not response.body.strip()
    if role not in IN_TARGET_CITY:
        found = TARGET_CITY_MARKERS.search(shown)
        assert found is None, f"{role} was shown {found.group(0)!r} of the target city"


def test_every_way_in_has_a_row_and_a_way_to_try_it() -> None:
    from tests.security.registered import registered_surfaces

    registered = registered_surfaces()
    missing = sorted(
        name
        for name in registered
        if not any(row == name or row.startswith(name + " ") for row in MATRIX)
    )
    assert missing == [], f"add a row to the permission matrix (and docs/security.md) for {missing}"
    assert set(SURFACES) == set(MATRIX)


def test_the_documented_matrix_is_the_tested_one() -> None:
    from tests.security.registered import documented_matrix

    assert documented_matrix() == MATRIX
