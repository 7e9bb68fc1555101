"""Scores from stored answers: the bridge between storage's rows and the pure rubric scoring."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session

from rubric.planning import Gap, gap_to_next_level
from rubric.registry import RubricKey, RubricRegistry
from rubric.schema import Rubric
from rubric.scoring import Answer as RubricAnswer
from rubric.scoring import Score, score
from storage.enums import AnswerStatus
from storage.models import Answer, Assessment
from storage.repo import answers as answer_repo


class RubricMismatchError(RuntimeError):
    """An assessment was taken on a rubric this process has not loaded."""

    def __init__(
        self, assessment: Assessment, rubric: Rubric, loaded: Sequence[RubricKey] = ()
    ) -> None:
        keys = list(dict.fromkeys([(rubric.id, rubric.version), *loaded]))
        listed = ", ".join(f"{rid} {ver}" for rid, ver in keys)
        verb = "is" if len(keys) == 1 else "are"
        super().__init__(
            f"assessment {assessment.id} uses rubric {assessment.rubric_id} "
            f"{assessment.rubric_version}, but {listed} {verb} loaded"
        )
        self.assessment_id = assessment.id


def rubric_answers(rows: Iterable[Answer]) -> dict[str, RubricAnswer]:
    """Stored answers as scoring inputs; skipped criteria count as unanswered."""
    result: dict[str, RubricAnswer] = {}
    for row in rows:
        if row.status == AnswerStatus.SKIPPED:
            continue
        result[row.criterion_id] = RubricAnswer(
            ticked=frozenset(row.ticked or ()), unsure=row.status == AnswerStatus.UNSURE
        )
    return result


def rubric_for(
    assessment: Assessment, rubric: Rubric, rubrics: RubricRegistry | None = None
) -> Rubric:
    """The rubric the assessment was taken on: `rubric` when it is that one, else that version
    from `rubrics`; RubricMismatchError when neither has it."""
    if (assessment.rubric_id, assessment.rubric_version) == (rubric.id, rubric.version):
        return rubric
    found = rubrics.find(assessment.rubric_id, assessment.rubric_version) if rubrics else None
    if found is None:
        raise RubricMismatchError(assessment, rubric, rubrics.loaded() if rubrics else ())
    return found


def check_rubric(assessment: Assessment, rubric: Rubric) -> None:
    """Raise RubricMismatchError unless the assessment was taken on this rubric."""
    if (assessment.rubric_id, assessment.rubric_version) != (rubric.id, rubric.version):
        raise RubricMismatchError(assessment, rubric)


def score_rows(rubric: Rubric, rows: Iterable[Answer]) -> Score:
    """The score of stored answer rows (answers naming items the rubric lacks are ignored)."""
    answers = rubric_answers(rows)
    known = {c.id: {it.id for it in c.checklist} for c in rubric.criteria()}
    cleaned = {
        cid: RubricAnswer(ticked=answer.ticked & known[cid], unsure=answer.unsure)
        for cid, answer in answers.items()
        if cid in known
    }
    return score(rubric, cleaned)


def score_assessment(
    session: Session,
    *,
    rubric: Rubric,
    assessment: Assessment,
    rubrics: RubricRegistry | None = None,
) -> Score:
    """The current score of an assessment from its stored answers, against its own rubric
    (`rubric`, or its version in `rubrics`)."""
    rubric = rubric_for(assessment, rubric, rubrics)
    assert assessment.id is not None
    return score_rows(
        rubric, answer_repo.answers_for_assessment(session, assessment_id=assessment.id)
    )


def score_and_gap(
    session: Session,
    *,
    rubric: Rubric,
    assessment: Assessment,
    rubrics: RubricRegistry | None = None,
) -> tuple[Score, Gap]:
    """The score of an assessment and the gap to its next level (against its own rubric)."""
    rubric = rubric_for(assessment, rubric, rubrics)
    result = score_assessment(session, rubric=rubric, assessment=assessment)
    return result, gap_to_next_level(rubric, result)
