"""`citycheck city export CITY` and `citycheck city delete CITY`, on SQLite and PostgreSQL.

The world's Springfield gets answers with history, a sent digest, an announced result, a refused
message, a report file and a digest snapshot; its leader also leads Shelbyville. The export holds
all of Springfield and nothing of Shelbyville; the deletion asks first, then leaves no row that
names Springfield, removes its people but the one Shelbyville has too, and changes nothing of
Shelbyville.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.sandbox.server import LocalSandbox
from bot.services.send_failures import record_send_failure
from storage.engine import make_engine
from storage.enums import Role
from storage.models import Person
from storage.repo import answers, digests, ledger, orgs, report_files
from storage.repo.city_data import city_rows, rows_naming_city
from storage.session import unit_of_work
from tests.security.world import NOW, Ids, add_people, seed

pytestmark = pytest.mark.slow


def citycheck(
    db_url: str, *args: str, answer: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `citycheck ARGS` on the database, typing `answer` if it asks."""
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=answer,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _populate(engine: Engine) -> tuple[Ids, dict[str, str]]:
    sandbox = LocalSandbox()
    try:
        users, channels = add_people(sandbox)
    finally:
        sandbox.stop()
    ids = seed(engine, users, channels)
    with unit_of_work(engine) as session:
        people = {p.display_name.lower(): p.id for p in session.exec(select(Person))}
        orgs.grant_role(
            session, city_id=ids.other_city, person_id=people["leo"], role=Role.LEADER, now=NOW
        )
        for minutes, ticked in enumerate((["codified"], ["codified", "open-by-default"])):
            answers.record_answer(
                session,
                assessment_id=ids.round2,
                criterion_id="OD1",
                person_id=people["rita"],
                ticked=ticked,
                status="answered",
                note="policy",
                evidence=["https://a.gov/p"],
                now=NOW + timedelta(minutes=minutes),
                source="click",
            )
        for kind, target, period in (
            ("digest", f"city:{ids.city}", "2027-W09"),
            ("result", f"assessment:{ids.round1}", "announced"),
            ("digest", f"city:{ids.other_city}", "2027-W09"),
        ):
            row = ledger.claim_notification(
                session, kind=kind, target=target, period_key=period, now=NOW
            )
            assert row is not None and row.id is not None
            ledger.mark_sent(session, ledger_id=row.id, now=NOW)
        record_send_failure(
            session, team_id="T0CITYCHK1", channel=users["rita"], error="account_inactive", now=NOW
        )
        report_files.record_report_file(
            session,
            assessment_id=ids.round1,
            kind="result_chart",
            slack_file_id="F0CHART01",
            now=NOW,
        )
        for city_id in (ids.city, ids.other_city):
            digests.record_snapshot(
                session,
                city_id=city_id,
                period_key="2027-W09",
                sent_at=NOW,
                level_now=None,
                level_all_done=None,
                milestones_done=0,
                milestones_total=1,
            )
    return ids, users


def test_export_holds_everything_of_the_city_and_nothing_else(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    _, users = _populate(engine)
    engine.dispose()
    out = tmp_path / "springfield.json"

    done = citycheck(db_url, "city", "export", "springfield", "--output", str(out))

    assert done.returncode == 0, done.stderr
    archive = json.loads(out.read_text(encoding="utf-8"))
    assert archive["format"] == "citycheck-city-export"
    assert archive["city"]["name"] == "Springfield"
    roles = {p["display_name"]: p["roles"] for p in archive["people"]}
    assert roles == {
        "Rita": ["respondent"],
        "Cora": ["coordinator"],
        "Leo": ["leader"],
        "Pam": ["program_staff"],
        "Rui": ["respondent"],
    }
    [round1, round2] = archive["assessments"]
    [answer] = round2["answers"]
    assert [h["new_value"]["ticked"] for h in answer["history"]] == [
        ["codified"],
        ["codified", "open-by-default"],
    ]
    assert round1["plans"][0]["milestones"][0]["title"] == "Write the data strategy down"
    assert round1["report_files"][0]["slack_file_id"] == "F0CHART01"
    assert round2["assignments"] and round2["interview_progress"]
    assert [d["criterion_id"] for d in round2["disagreements"]] == ["DM2"]
    assert len(round2["respondent_answers"]) == 2  # Rita's and Rui's own answers to it
    kinds = sorted(n["kind"] for n in archive["notifications"])
    assert kinds == ["digest", "listener_send", "result"]
    assert len(archive["digest_snapshots"]) == 1
    text = out.read_text(encoding="utf-8")
    assert "Shelbyville" not in text and "Ogdenville" not in text
    assert users["bea"] not in text and users["xavi"] not in text


def test_delete_asks_then_leaves_nothing_that_names_the_city(db_url: str) -> None:
    engine = make_engine(db_url)
    ids, _ = _populate(engine)
    with Session(engine) as session:
        other_before = city_rows(session, city_id=ids.other_city)
        assert other_before is not None
        other_counts = other_before.counts()
        springfield = city_rows(session, city_id=ids.city)
        assert springfield is not None
        rounds = [a.id for a in springfield.assessments if a.id is not None]

    refused = citycheck(db_url, "city", "delete", "Springfield", answer="n\n")
    assert refused.returncode == 1
    assert "nothing was deleted" in refused.stderr
    assert "answer changes" in refused.stderr  # what would go was listed first
    with Session(engine) as session:
        assert rows_naming_city(session, city_id=ids.city, rounds=rounds)["answer"] == 1

    done = citycheck(db_url, "city", "delete", str(ids.city), "--yes")

    assert done.returncode == 0, done.stderr
    assert "deleted Springfield" in done.stdout
    with Session(engine) as session:
        assert set(rows_naming_city(session, city_id=ids.city, rounds=rounds).values()) == {0}
        left = {p.display_name for p in session.exec(select(Person))}
        other_after = city_rows(session, city_id=ids.other_city)
    engine.dispose()
    assert left == {"Leo", "Bea", "Xavi"}  # Leo leads Shelbyville too
    assert other_after is not None and other_after.counts() == other_counts


def test_an_unknown_city_is_refused_with_the_known_ones(db_url: str) -> None:
    engine = make_engine(db_url)
    _populate(engine)
    engine.dispose()

    for command in (["export"], ["delete", "--yes"]):
        done = citycheck(db_url, "city", *command, "Capital City")
        assert done.returncode == 1
        assert "no city 'Capital City'" in done.stderr and "Shelbyville" in done.stderr
