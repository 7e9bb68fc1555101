"""Measuring a job: its SQL statements counted, its memory its own, a missing one pending."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from bot.bench.measure import Pending, StatementCounter, measure_in_subprocess, resolve
from bot.bench.synthetic import generate_cohort
from rubric.loader import load_bundled_rubric
from storage.engine import make_engine

NOW = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


def test_the_counter_sees_each_statement_while_attached_only(engine: Engine) -> None:
    with StatementCounter(engine) as counter, engine.begin() as connection:
        connection.execute(text("SELECT 1"))
        connection.exec_driver_sql("SAVEPOINT inner_step")
        connection.execute(text("SELECT   2"))
        connection.exec_driver_sql("RELEASE SAVEPOINT inner_step")
    with engine.connect() as connection:
        connection.execute(text("SELECT 3"))

    assert counter.count == 2
    assert counter.control == 2
    assert counter.statements == ["SELECT 1", "SELECT 2"]


def test_a_job_runs_in_its_own_process_with_its_statements_and_memory(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        generate_cohort(engine, rubric=load_bundled_rubric(), now=NOW, cities=5)
    finally:
        engine.dispose()

    measured = measure_in_subprocess(
        "tests.bench.jobs:answers_per_city", database_url=db_url, now=NOW, params={"limit": 3}
    )

    assert measured["outcome"] == {"assessments": 3, "criteria": 43, "now": NOW.isoformat()}
    assert measured["statements"] == 1
    assert measured["first_statements"][0].startswith("SELECT answer.assessment_id")
    assert measured["peak_rss_mb"] >= measured["rss_before_mb"] > 0
    assert measured["seconds"] >= 0


def test_code_not_installed_yet_is_pending(db_url: str) -> None:
    with pytest.raises(
        Pending, match=re.escape("bot.not_here is not part of this installation yet")
    ):
        resolve("bot.not_here:build")
    with pytest.raises(Pending, match=re.escape("bot.bench.synthetic has no build_digest yet")):
        resolve("bot.bench.synthetic:build_digest")
    with pytest.raises(Pending):
        measure_in_subprocess("bot.not_here:build", database_url=db_url, now=NOW)


def test_a_failing_job_says_what_failed(db_url: str) -> None:
    with pytest.raises(
        RuntimeError, match=re.escape("measuring tests.bench.jobs:answers_per_city failed")
    ):
        measure_in_subprocess("tests.bench.jobs:answers_per_city", database_url=db_url, now=NOW)
