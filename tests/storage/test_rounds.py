"""A city's rounds side by side in storage: the round before, every round, links carried over."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlmodel import Session

from storage.enums import AnswerStatus
from storage.repo import answers, assessments, rounds
from tests.builders import NOW, CitySetup, build_city

LATER = NOW + timedelta(days=365)
LINK = "https://springfield.gov/inventory"


def _answer(session: Session, city: CitySetup, assessment_id: int, cid: str) -> None:
    answers.record_answer(
        session,
        assessment_id=assessment_id,
        criterion_id=cid,
        person_id=city.person_id("rita"),
        ticked=["a"],
        status=AnswerStatus.ANSWERED,
        note=None,
        evidence=[],
        now=NOW,
        source="click",
    )


def _next(session: Session, city: CitySetup) -> int:
    open_round = assessments.open_assessment(session, city_id=city.city_id)
    assert open_round is not None and open_round.id is not None
    assessments.complete_assessment(session, assessment_id=open_round.id, now=LATER)
    started = assessments.start_assessment(
        session, city_id=city.city_id, rubric_id="r", rubric_version="2", now=LATER
    )
    assert started.id is not None
    return started.id


def test_the_round_before_comes_with_its_answers_and_a_first_round_has_none(
    session: Session,
) -> None:
    city = build_city(session)
    _answer(session, city, city.assessment_id, "DM2")
    _answer(session, city, city.assessment_id, "DM1")
    second = _next(session, city)
    _answer(session, city, second, "OD1")

    before, rows = rounds.previous_round_answers(session, city_id=city.city_id, round_number=2)
    none, nothing = rounds.previous_round_answers(session, city_id=city.city_id, round_number=1)

    assert before is not None and before.id == city.assessment_id
    assert [row.criterion_id for row in rows] == ["DM1", "DM2"]
    assert (none, nothing) == (None, [])


def test_a_round_before_without_answers_still_comes_back(session: Session) -> None:
    city = build_city(session)
    _next(session, city)

    before, rows = rounds.previous_round_answers(session, city_id=city.city_id, round_number=2)

    assert before is not None and before.round_number == 1 and rows == []


def test_every_round_in_order_and_their_answers_by_round(session: Session) -> None:
    city = build_city(session)
    _answer(session, city, city.assessment_id, "DM1")
    second = _next(session, city)
    third = _next(session, city)

    found = rounds.city_rounds(session, city_id=city.city_id)
    by_round = rounds.answers_of_rounds(session, assessment_ids=[city.assessment_id, third])

    assert [r.round_number for r in found] == [1, 2, 3]
    assert [r.id for r in found] == [city.assessment_id, second, third]
    assert [a.criterion_id for a in by_round[city.assessment_id]] == ["DM1"]
    assert by_round[third] == []
    assert rounds.answers_of_rounds(session, assessment_ids=[]) == {}


def test_a_link_carried_over_keeps_the_date_it_was_given(session: Session) -> None:
    city = build_city(session)
    given_then = NOW.astimezone(UTC).isoformat()

    row = answers.record_answer(
        session,
        assessment_id=city.assessment_id,
        criterion_id="DM1",
        person_id=city.person_id("rita"),
        ticked=[],
        status=AnswerStatus.ANSWERED,
        note=None,
        evidence=[LINK, "https://springfield.gov/new"],
        now=LATER,
        source="carry_over",
        evidence_dates={LINK: given_then},
    )

    assert row.evidence == [  # who gave the carried link is not known from a bare date
        {"url": LINK, "added_at": given_then, "added_by": None},
        {
            "url": "https://springfield.gov/new",
            "added_at": LATER.isoformat(),
            "added_by": city.person_id("rita"),
        },
    ]
    (change,) = answers.answer_history(session, answer_id=row.id or 0)
    assert change.source == "carry_over"
