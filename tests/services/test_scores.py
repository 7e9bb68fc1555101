"""Stored answers score exactly as the same answers given to `citycheck score`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from bot.services.scores import RubricMismatchError, score_and_gap, score_assessment
from rubric.answers import load_answers
from rubric.loader import load_bundled_rubric
from rubric.planning import gap_to_next_level
from rubric.scoring import score
from storage.enums import AnswerStatus
from storage.repo import answers as answer_repo
from storage.repo import assessments
from tests.builders import NOW, build_city

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "answers"


@pytest.mark.parametrize("name", ["silver", "gold", "platinum", "no-level", "held-back-by-core"])
def test_stored_answers_score_like_the_answers_file(session: Session, name: str) -> None:
    rubric = load_bundled_rubric()
    expected_answers = load_answers(EXAMPLES / f"{name}.yaml", rubric)
    city = build_city(session)
    for criterion_id, answer in expected_answers.items():
        answer_repo.record_answer(
            session,
            assessment_id=city.assessment_id,
            criterion_id=criterion_id,
            person_id=city.person_id("rita"),
            ticked=sorted(answer.ticked),
            status=AnswerStatus.UNSURE if answer.unsure else AnswerStatus.ANSWERED,
            note=None,
            evidence=[],
            now=NOW,
            source="import",
        )
    stored, gap = score_and_gap(session, rubric=rubric, assessment=city.assessment)
    expected = score(rubric, expected_answers)
    assert (stored.met, stored.total, stored.level, stored.blocked_by) == (
        expected.met,
        expected.total,
        expected.level,
        expected.blocked_by,
    )
    assert [a.met for a in stored.areas] == [a.met for a in expected.areas]
    assert gap.criterion_ids == gap_to_next_level(rubric, expected).criterion_ids


def test_skipped_criteria_count_as_unanswered(session: Session) -> None:
    rubric = load_bundled_rubric()
    city = build_city(session)
    dm1 = rubric.criterion("DM1")
    answer_repo.record_answer(
        session,
        assessment_id=city.assessment_id,
        criterion_id="DM1",
        person_id=city.person_id("rita"),
        ticked=[item.id for item in dm1.checklist],
        status=AnswerStatus.SKIPPED,
        note=None,
        evidence=[],
        now=NOW,
        source="click",
    )
    result = score_assessment(session, rubric=rubric, assessment=city.assessment)
    assert result.criteria["DM1"].status == "unknown"
    assert result.met == 0


def test_an_assessment_on_another_rubric_version_is_refused(session: Session) -> None:
    rubric = load_bundled_rubric()
    city = build_city(session, rubric_version="2018.1")
    stored = assessments.get_assessment(session, assessment_id=city.assessment_id)
    with pytest.raises(RubricMismatchError, match=r"2018\.1"):
        score_assessment(session, rubric=rubric, assessment=stored)
