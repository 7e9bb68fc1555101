"""When who answers a criterion changes: keep each respondent's answer, settle what is left.

- A criterion that gets a second respondent keeps the answer given so far as its first
  respondent's own (source `before_sharing`), so the newcomer's answer is compared with it.
- An open disagreement left with one respondent is settled with that person's answer (by the
  coordinator who changed the assignments); one whose remaining respondents agree is settled
  as agreed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from bot.services.respondents import adopt_agreement, adopt_answer, current_answers, decision
from rubric.schema import Rubric
from storage.enums import AnswerSource, AnswerStatus, Resolution
from storage.repo import answers as answer_repo
from storage.repo import disagreements as disagreement_repo
from storage.repo import respondents as respondent_repo


def criteria_of(rubric: Rubric, area_ids: Iterable[str], criterion_ids: Iterable[str]) -> set[str]:
    """Every criterion of these areas, and these criteria (those the rubric has)."""
    wanted, single = set(area_ids), set(criterion_ids)
    return {
        c.id for area in rubric.areas for c in area.criteria if area.id in wanted or c.id in single
    }


def reconcile(
    session: Session,
    *,
    rubric: Rubric,
    assessment_id: int,
    criterion_ids: Iterable[str],
    by_id: int,
    now: datetime,
) -> None:
    """Bring the criteria whose respondents changed in line (see the module docstring)."""
    for criterion_id in sorted(set(criterion_ids)):
        area_id = rubric.area_of(criterion_id).id
        people, given = current_answers(
            session, assessment_id=assessment_id, area_id=area_id, criterion_id=criterion_id
        )
        if len(people) >= 2:
            _keep_first_answer(session, assessment_id, criterion_id, people, now)
            people, given = current_answers(
                session, assessment_id=assessment_id, area_id=area_id, criterion_id=criterion_id
            )
        open_ = disagreement_repo.open_of(
            session, assessment_id=assessment_id, criterion_id=criterion_id, for_update=True
        )
        if open_ is None:
            continue
        if len(people) <= 1:
            kept = next(iter(given.values()), None)
            if kept is not None:
                adopt_answer(session, answer=kept, settled_by_id=by_id, now=now)
            disagreement_repo.settle(
                session,
                disagreement=open_,
                resolution=Resolution.REASSIGNED,
                now=now,
                settled_by_id=by_id,
                accepted_id=kept.id if kept else None,
            )
        elif len(given) == len(people) and len({decision(r) for r in given.values()}) == 1:
            newest = max(given.values(), key=lambda r: r.id or 0)
            adopt_agreement(session, given=given.values(), actor_id=by_id, adopted=newest, now=now)
            disagreement_repo.settle(
                session, disagreement=open_, resolution=Resolution.AGREED, now=now
            )


def _keep_first_answer(
    session: Session, assessment_id: int, criterion_id: str, people: list[int], now: datetime
) -> None:
    """The answer given while one person answered becomes that person's own answer."""
    if respondent_repo.criterion_answers(
        session, assessment_id=assessment_id, criterion_id=criterion_id
    ):
        return
    answer = answer_repo.get_answer(session, assessment_id=assessment_id, criterion_id=criterion_id)
    if answer is None or answer.answered_by_id not in people:
        return
    if AnswerStatus(answer.status) == AnswerStatus.SKIPPED:
        return
    respondent_repo.record_respondent_answer(
        session,
        assessment_id=assessment_id,
        criterion_id=criterion_id,
        person_id=answer.answered_by_id,
        ticked=answer.ticked,
        status=answer.status,
        note=answer.note,
        evidence=[link["url"] for link in answer.evidence],
        evidence_dates={link["url"]: link for link in answer.evidence},
        now=answer.answered_at,
        source=AnswerSource.BEFORE_SHARING,
    )
