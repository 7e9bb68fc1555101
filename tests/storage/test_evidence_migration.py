"""Migration 0007 on a database with answers: every existing link gets a date and a giver, each
answer its `evidence_at`, and the re-check table comes and goes with the revision."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, select
from sqlmodel import Session

from storage import migrate
from storage.engine import make_engine
from storage.repo import rechecks

REVISION = "0007"
T0 = datetime(2025, 2, 3, 15, 0, tzinfo=UTC)
T1 = datetime(2025, 6, 9, 15, 0, tzinfo=UTC)
T2 = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)
POLICY, MINUTES, BARE = (
    "https://springfield.gov/policy.pdf",
    "https://springfield.gov/minutes",
    "https://springfield.gov/bare",
)


def _before() -> str:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    down = script.get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


def _insert(engine: Engine, table: str, **values: Any) -> int:
    meta = MetaData()
    meta.reflect(engine, only=[table])
    with engine.begin() as connection:
        result = connection.execute(meta.tables[table].insert().values(**values))
        (key,) = result.inserted_primary_key or (None,)
    assert key is not None
    return int(key)


def _old_data(engine: Engine) -> dict[str, int]:
    """A city whose answers were stored before links had givers (one even without a date)."""
    ws = _insert(engine, "workspace", slack_team_id="T0", name="Sandbox", created_at=T0)
    city = _insert(
        engine, "city", workspace_id=ws, name="Springfield", state="", country="US",
        timezone="America/Chicago", language="en", working_days=[1, 2, 3, 4, 5],
        digest_weekday=1, digest_time=datetime(2000, 1, 1, 9).time(), created_at=T0,
    )  # fmt: skip
    people = {
        name: _insert(
            engine,
            "person",
            workspace_id=ws,
            slack_user_id=f"U{name}",
            display_name=name,
            created_at=T0,
            updated_at=T0,
        )
        for name in ("rita", "cora")
    }
    round_ = _insert(
        engine, "assessment", city_id=city, rubric_id="city-data-practices",
        rubric_version="2022.1", round_number=1, status="open", started_at=T0,
    )  # fmt: skip
    dated = {"url": POLICY, "added_at": T0.isoformat()}
    both = _insert(
        engine, "answer", assessment_id=round_, criterion_id="DM1", ticked=["a"],
        status="answered", evidence=[dated, {"url": MINUTES}],
        answered_by_id=people["cora"], answered_at=T2,
    )  # fmt: skip
    for who, when, links in (("rita", T1, [dated]), ("cora", T2, [dated, {"url": MINUTES}])):
        _insert(
            engine, "answer_history", answer_id=both, changed_by_id=people[who], changed_at=when,
            source="click", new_value={"ticked": ["a"], "status": "answered", "note": None,
                                       "evidence": links},
        )  # fmt: skip
    bare = _insert(
        engine, "answer", assessment_id=round_, criterion_id="DM2", ticked=[],
        status="answered", evidence=[BARE], answered_by_id=people["rita"], answered_at=T1,
    )  # fmt: skip
    none = _insert(
        engine, "answer", assessment_id=round_, criterion_id="DM3", ticked=[],
        status="unsure", evidence=[], answered_by_id=people["rita"], answered_at=T1,
    )  # fmt: skip
    return {"round": round_, "both": both, "bare": bare, "none": none, **people}


def _answers(engine: Engine) -> dict[int, tuple[list[dict[str, Any]], datetime | None]]:
    meta = MetaData()
    meta.reflect(engine, only=["answer"])
    answer = meta.tables["answer"]
    with engine.connect() as connection:
        rows = connection.execute(select(answer.c.id, answer.c.evidence, answer.c.evidence_at))
        return {
            rid: (evidence, at.replace(tzinfo=UTC) if at and at.tzinfo is None else at)
            for rid, evidence, at in rows
        }


def test_existing_links_get_their_date_and_giver_and_answers_their_newest_date(
    empty_db_url: str,
) -> None:
    engine = make_engine(empty_db_url)
    try:
        migrate.upgrade(engine, _before())
        ids = _old_data(engine)

        migrate.upgrade(engine, REVISION)

        found = _answers(engine)
        assert found[ids["both"]] == (
            [  # the dated link keeps its date; the other takes the answer's; givers from history
                {"url": POLICY, "added_at": T0.isoformat(), "added_by": ids["rita"]},
                {"url": MINUTES, "added_at": T2.isoformat(), "added_by": ids["cora"]},
            ],
            T2,
        )
        assert found[ids["bare"]] == (
            [{"url": BARE, "added_at": T1.isoformat(), "added_by": ids["rita"]}],
            T1,
        )
        assert found[ids["none"]] == ([], None)
        with Session(engine) as session:  # the new column answers the digest's question
            stale = rechecks.stale_evidence(
                session, assessment_ids=[ids["round"]], before=datetime(2026, 1, 1, tzinfo=UTC)
            )
        assert stale == {ids["round"]: ["DM2"]}  # DM1's newest link is from 2026
    finally:
        engine.dispose()


def test_the_revision_goes_down_and_up_again_keeping_the_dated_links(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        migrate.upgrade(engine, _before())
        ids = _old_data(engine)
        migrate.upgrade(engine, REVISION)
        assert "recheck" in inspect(engine).get_table_names()

        migrate.downgrade(engine, _before())

        assert "recheck" not in inspect(engine).get_table_names()
        columns = {c["name"] for c in inspect(engine).get_columns("answer")}
        assert "evidence_at" not in columns
        migrate.upgrade(engine, "head")
        evidence, newest = _answers(engine)[ids["both"]]
        assert [link["added_by"] for link in evidence] == [ids["rita"], ids["cora"]]
        assert newest == T2
    finally:
        engine.dispose()
