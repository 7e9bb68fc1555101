"""CSV and JSON exports, parsed back and compared with the answers stored in the database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, timedelta

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from bot.i18n import Translator
from bot.reports.export import CSV_COLUMNS, csv_bytes, csv_safe, render_csv, render_json
from bot.reports.model import NoAssessmentError, build_city_report
from bot.services.scores import score_assessment
from rubric.loader import load_bundled_rubric
from storage.models import Answer
from storage.repo import answers as answer_repo
from storage.repo import assessments, orgs, plans
from tests.builders import NOW, CitySetup, build_city
from tests.reports.helpers import store_answers


@pytest.fixture
def springfield(session: Session) -> CitySetup:
    setup = build_city(session)
    store_answers(session, setup, load_bundled_rubric(), "silver")
    return setup


def _stored(session: Session, assessment_id: int) -> dict[str, Answer]:
    return {
        a.criterion_id: a
        for a in answer_repo.answers_for_assessment(session, assessment_id=assessment_id)
    }


def test_csv_has_one_row_per_criterion_matching_the_stored_answers(
    session: Session, springfield: CitySetup
) -> None:
    rubric = load_bundled_rubric()
    report = build_city_report(session, rubric=rubric, city_id=springfield.city_id, now=NOW)

    rows = list(csv.DictReader(io.StringIO(render_csv(report))))

    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["criterion"] for r in rows] == [c.id for c in rubric.criteria()]
    stored = _stored(session, springfield.assessment_id)
    for row in rows:
        answer = stored.get(row["criterion"])
        crit = rubric.criterion(row["criterion"])
        if answer is None:
            assert (row["answer_status"], row["answered_by"], row["ticked_ids"]) == (
                "not answered",
                "",
                "",
            )
            continue
        ticked = [it for it in crit.checklist if it.id in answer.ticked]
        assert row["ticked_ids"] == "; ".join(it.id for it in ticked)
        assert row["ticked_items"] == "\n".join(it.text.en for it in ticked)
        assert row["evidence"] == "\n".join(link["url"] for link in answer.evidence)
        assert row["answered_by"] == "Rita"
        stamp = answer.answered_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert row["answered_at"] == stamp
        assert row["statement"] == crit.statement.en
    by_id = {r["criterion"]: r for r in rows}
    assert by_id["DM1"]["status"] == "met"
    assert by_id["DM8"]["answer_status"] == "unsure"
    assert by_id["DM4"]["status"] == "partly met"
    assert by_id["LC3"]["note"] == "Approved by council, 12 votes to 1; see minutes"


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(
    session: Session, springfield: CitySetup
) -> None:
    report = build_city_report(
        session, rubric=load_bundled_rubric(), city_id=springfield.city_id, now=NOW
    )

    by_id = {r["criterion"]: r for r in csv.DictReader(io.StringIO(render_csv(report)))}

    assert by_id["DM1"]["note"] == '\'=HYPERLINK("http://evil.example","click")'
    assert by_id["OD3"]["note"].startswith("'@SUM(")
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_safe(start + "1+1") == "'" + start + "1+1"
    assert csv_safe("Ana-Maria") == "Ana-Maria"


def test_csv_file_opens_in_spreadsheets_with_accents(
    session: Session, springfield: CitySetup
) -> None:
    report = build_city_report(
        session, rubric=load_bundled_rubric(), city_id=springfield.city_id, now=NOW
    )

    data = csv_bytes(report, Translator("es"))

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["area_name"] == "Gestión de datos"


def test_json_holds_the_same_records_and_the_score(
    session: Session, springfield: CitySetup
) -> None:
    rubric = load_bundled_rubric()
    report = build_city_report(session, rubric=rubric, city_id=springfield.city_id, now=NOW)

    data = json.loads(render_json(report))

    stored = _stored(session, springfield.assessment_id)
    assessment = assessments.get_assessment(session, assessment_id=springfield.assessment_id)
    expected = score_assessment(session, rubric=rubric, assessment=assessment)
    assert data["city"]["name"] == "Springfield"
    assert data["assessment"]["round"] == 1
    assert data["score"]["met"] == expected.met == 23
    assert data["score"]["level"] == "silver"
    assert [a["met"] for a in data["score"]["areas"]] == [a.met for a in expected.areas]
    assert data["score"]["next_level"]["target"] == "gold"
    assert len(data["criteria"]) == 43
    for record in data["criteria"]:
        answer = stored.get(record["criterion"])
        if answer is None:
            assert record["answer_status"] is None and record["answered_by"] is None
            continue
        assert {t["id"] for t in record["ticked"]} == set(answer.ticked)
        assert record["evidence"] == [link["url"] for link in answer.evidence]
        assert record["note"] == answer.note
        assert record["status"] == expected.criteria[record["criterion"]].status.value
    assert data["score"]["cohort"] is None


def test_a_city_without_a_round_has_nothing_to_report(session: Session) -> None:
    setup = build_city(session)
    workspace_id = setup.workspace.id or 0
    bare = orgs.create_city(
        session, workspace_id=workspace_id, name="Nowhere", timezone="UTC", now=NOW
    )
    session.commit()

    with pytest.raises(NoAssessmentError, match="Nowhere"):
        build_city_report(session, rubric=load_bundled_rubric(), city_id=bare.id or 0, now=NOW)


@contextmanager
def _counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_report_reads_the_database_in_a_fixed_number_of_queries(
    session: Session, engine: Engine
) -> None:
    rubric = load_bundled_rubric()
    small = build_city(session, name="Small")
    big = build_city(session, name="Big", people={"cora": ["coordinator"], "rita": [], "ana": []})
    answers = {"DM1": ["https://a.example"]}
    store_answers(session, small, rubric, "silver", evidence=answers)
    for person in ("rita", "ana", "cora"):
        store_answers(session, big, rubric, "platinum", by=person)
    for setup, count in ((small, 1), (big, 12)):
        plan = plans.create_plan(
            session, assessment_id=setup.assessment_id, created_by_id=None, now=NOW
        )
        for n in range(count):
            plans.add_milestone(
                session,
                plan_id=plan.id or 0,
                criterion_id="DM7",
                title=f"Step {n}",
                due_on=date(2027, 4, 1) + timedelta(days=n),
                owner_id=setup.person_id("cora"),
                now=NOW,
            )
    session.commit()

    counts = []
    for city_id in (small.city_id, big.city_id):
        session.expunge_all()
        with _counting(engine) as statements:
            build_city_report(session, rubric=rubric, city_id=city_id, now=NOW)
        counts.append(len(statements))

    assert counts[0] == counts[1]
    assert counts[0] <= 11
