"""Killed at any moment: every acknowledged answer click is stored, and none twice.

1,000 answer clicks from 24 people (one city each, a criterion per click) go to `citycheck run`
(a real process, on a SQLite file and on PostgreSQL) while it is killed with SIGKILL, process
group and all, four times and started again. A click whose acknowledgement (HTTP 200) never came
is clicked again, as a person would. Afterwards every acknowledged click's value is in its
answer's history exactly once, and no answer has a change that no click made.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.sandbox.testing import SIGNING_SECRET, strict_sandbox
from rubric.loader import load_bundled_rubric
from storage.engine import make_engine
from tests.security.kill import (
    Bot,
    Tally,
    click_body,
    clicker,
    plan_clicks,
    seed_cities,
    stored_values,
)

CLICKS = 1000
CITIES = 24
KILL_AT = (150, 350, 550, 750)
"""Acknowledged clicks after which the bot is killed (and started again)."""

pytestmark = pytest.mark.slow


def test_every_acknowledged_click_survives_kills(db_url: str, tmp_path: Path) -> None:
    rubric = load_bundled_rubric()
    engine = make_engine(db_url)
    with strict_sandbox() as sandbox:
        cities = seed_cities(engine, sandbox, rubric, CITIES)
        per_city = plan_clicks(sandbox, rubric, cities, CLICKS)
        bodies = [
            [(c, click_body(sandbox, c, sandbox.dm_channel(user_id=c.user)["id"])) for c in clicks]
            for clicks in per_city
        ]
        bot = Bot(sandbox.api_url, db_url, SIGNING_SECRET, tmp_path / "bot.log")
        tally = Tally()
        restarts: list[float] = []
        try:
            bot.start()
            clickers = [
                threading.Thread(target=clicker, args=(lambda: bot.url, SIGNING_SECRET, b, tally))
                for b in bodies
            ]
            for thread in clickers:
                thread.start()
            for threshold in KILL_AT:
                while len(tally.acked) < threshold:
                    time.sleep(0.01)
                bot.kill()
                started = time.monotonic()
                bot.start()
                restarts.append(time.monotonic() - started)
            for thread in clickers:
                thread.join(timeout=120)
            assert not any(thread.is_alive() for thread in clickers)
        finally:
            bot.stop()
        stored = stored_values(engine)
        engine.dispose()

    clicks = [click for clicks in per_city for click in clicks]
    acked = [c for c in clicks if c.number in tally.acked]
    rows = Counter((key, repr(value)) for key, values in stored.items() for value in values)
    lost = [c for c in acked if rows[((c.assessment_id, c.criterion_id), repr(c.value))] == 0]
    twice = [key for key, times in rows.items() if times > 1]
    print(
        f"\nkill test: {len(clicks)} clicks, {bot.kills} kills, {tally.attempts} attempts "
        f"({tally.refused} unanswered), {len(acked)} acknowledged, "
        f"{sum(rows.values())} stored, {len(lost)} lost, {len(twice)} duplicates; "
        f"restarts took {', '.join(f'{r:.1f}' for r in restarts)} s"
    )
    assert bot.kills == len(KILL_AT)
    assert len(acked) == CLICKS  # every click was acknowledged in the end
    assert lost == []
    assert twice == []
    assert sum(rows.values()) == CLICKS
    assert dict(stored.items()) == {(c.assessment_id, c.criterion_id): [c.value] for c in clicks}
