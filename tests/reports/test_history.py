"""A city's rounds over time: each scored on its own rubric version, and the change between them;
the cohort's change across versions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from bot.reports.cohort import compare_with_cohort, load_cohort
from bot.reports.history import city_history, round_change
from rubric.registry import RubricRegistry
from storage.enums import AnswerStatus, AssessmentStatus, Role
from storage.repo import answers, assessments
from tests.builders import NOW, CitySetup, build_city
from tests.rubric.versions import v1, v2

LATER = NOW + timedelta(days=365)
V1, V2 = v1(), v2()
AREAS = {"GOV": ["rita"], "OPS": ["rita"], "LEG": ["rita"]}


def _answer(session: Session, city: CitySetup, assessment_id: int, met: Iterable[str]) -> None:
    rubric = V1 if assessment_id == city.assessment_id else V2
    for cid in met:
        answers.record_answer(
            session,
            assessment_id=assessment_id,
            criterion_id=cid,
            person_id=city.person_id("rita"),
            ticked=[it.id for it in rubric.criterion(cid).checklist],
            status=AnswerStatus.ANSWERED,
            note=None,
            evidence=[],
            now=NOW,
            source="click",
        )


def _two_rounds(session: Session, name: str = "Springfield") -> tuple[CitySetup, int]:
    """Round one on 2026.1 (GOV1, OPS1, OPS2 met: Silver), round two on 2027.1 (4 met: Gold)."""
    city = build_city(
        session,
        name=name,
        people={"rita": [Role.RESPONDENT]},
        areas=AREAS,
        rubric_id=V1.id,
        rubric_version=V1.version,
        commit=False,
    )
    _answer(session, city, city.assessment_id, ["GOV1", "OPS1", "OPS2"])
    assessments.complete_assessment(session, assessment_id=city.assessment_id, now=NOW)
    second = assessments.start_assessment(
        session, city_id=city.city_id, rubric_id=V2.id, rubric_version=V2.version, now=LATER
    )
    _answer(session, city, second.id or 0, ["GOV1", "GOV2", "OPS1", "OPS2"])
    session.commit()
    return city, second.id or 0


def test_each_round_is_scored_on_the_version_it_was_taken_on(session: Session) -> None:
    city, _ = _two_rounds(session)

    first, second = city_history(
        session, city_id=city.city_id, rubric=V2, rubrics=RubricRegistry(V2, [V1])
    )

    assert first.score is not None and first.rubric_version == "2026.1"
    assert (first.score.met, first.score.total) == (3, 5)
    assert first.level is not None and first.level.id == "silver"
    assert (first.status, first.date) == (AssessmentStatus.COMPLETED, NOW)
    assert second.score is not None and (second.score.met, second.score.total) == (4, 5)
    assert second.open and second.date == LATER  # open: the result so far, from its start


def test_a_round_on_a_version_not_loaded_is_listed_unscored(session: Session) -> None:
    city, _ = _two_rounds(session)

    first, second = city_history(session, city_id=city.city_id, rubric=V2)

    assert (first.rubric, first.score, first.level) == (None, None, None)
    assert second.score is not None
    assert round_change(first, second) is None


def test_the_change_per_area_and_overall_between_two_versions(session: Session) -> None:
    city, _ = _two_rounds(session)
    first, second = city_history(
        session, city_id=city.city_id, rubric=V2, rubrics=RubricRegistry(V2, [V1])
    )

    change = round_change(first, second)

    assert change is not None and change.rubric_changed
    assert (change.met_delta, change.percent_delta) == (1, Decimal("20.0"))
    assert change.then.level is not None and change.now.level is not None
    assert (change.then.level.id, change.now.level.id) == ("silver", "gold")
    areas = {a.area_id: a for a in change.areas}
    assert list(areas) == ["GOV", "OPS", "LEG"]  # this round's areas, then the dropped
    assert (areas["GOV"].met_delta, areas["GOV"].percent_delta) == (1, Decimal("50.0"))
    assert (areas["OPS"].met_delta, areas["OPS"].percent_delta) == (0, Decimal("-33.4"))
    assert (areas["LEG"].now, areas["LEG"].met_delta) == (None, None)
    assert areas["LEG"].then is not None and areas["LEG"].name.en == "Legacy systems"


def test_the_cohort_change_compares_each_round_on_its_own_version(session: Session) -> None:
    city, _ = _two_rounds(session)
    registry = RubricRegistry(V2, [V1])

    (with_versions,) = load_cohort(session, rubric=V2, city_ids=[city.city_id], rubrics=registry)
    (current_only,) = load_cohort(session, rubric=V2, city_ids=[city.city_id])

    assert with_versions.change == Decimal("20.0")
    assert (with_versions.answered, with_versions.total) == (4, 5)
    assert current_only.previous is None and current_only.change is None


def test_peers_count_only_on_the_same_rubric_version(session: Session) -> None:
    registry = RubricRegistry(V2, [V1])
    cities = [_two_rounds(session, f"City {n}")[0] for n in range(5)]
    older = build_city(
        session,
        name="Old Town",
        people={"rita": [Role.RESPONDENT]},
        areas=AREAS,
        rubric_id=V1.id,
        rubric_version=V1.version,
    )
    _answer(session, older, older.assessment_id, ["GOV1"])
    assessments.complete_assessment(session, assessment_id=older.assessment_id, now=NOW)
    session.commit()
    ids = [c.city_id for c in cities] + [older.city_id]
    cohort = load_cohort(session, rubric=V2, city_ids=ids, rubrics=registry)
    mine = next(c for c in cohort if c.city_id == older.city_id)

    assert mine.score is not None and mine.score.rubric_version == "2026.1"
    assert compare_with_cohort(older.city_id, mine.score, cohort) is None  # no peer on 2026.1
    theirs = next(c for c in cohort if c.city_id == cities[0].city_id)
    assert theirs.score is not None
    assert compare_with_cohort(cities[0].city_id, theirs.score, cohort) is None  # still open

    for city in cities:
        last = assessments.open_assessment(session, city_id=city.city_id)
        assert last is not None and last.id is not None
        assessments.complete_assessment(session, assessment_id=last.id, now=LATER)
    session.commit()
    cohort = load_cohort(session, rubric=V2, city_ids=ids, rubrics=registry)
    theirs = next(c for c in cohort if c.city_id == cities[0].city_id)
    assert theirs.score is not None
    compared = compare_with_cohort(cities[0].city_id, theirs.score, cohort)
    assert compared is not None and compared.cities == 5  # Old Town's 2026.1 round left out
