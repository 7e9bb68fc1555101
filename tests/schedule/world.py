"""A scored city for plan and scheduler tests: answers stored through the repository.

`MET` are 21 of the bundled rubric's 43 criteria with every checklist item ticked, two of the
three core criteria among them: the city has no level (core PA1 is not met), and meeting PA1
alone reaches Silver (22 of 43 is 51.2%); eight more criteria reach Gold (30 of 43).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlmodel import Session

from bot.services.plan import milestone_title
from rubric.loader import load_bundled_rubric
from rubric.schema import Rubric
from storage.repo import answers, plans

MET = (
    *(f"DM{i}" for i in range(1, 10)),
    *(f"LC{i}" for i in range(1, 8)),
    "OD1",
    "OD2",
    "BF1",
    "BF2",
    "BF3",
)
GAP = "PA1"
TO_GOLD = ("PA1", "PA4", "PA5", "RDC1", "RDC2", "RDC3", "RDC7", "RDC8", "CI3")
"""Nine milestones whose criteria, once met, take the city from no level to Gold."""


def rubric() -> Rubric:
    """The bundled rubric."""
    return load_bundled_rubric()


def answer_all(
    session: Session,
    *,
    rubric: Rubric,
    assessment_id: int,
    person_id: int,
    criteria: Iterable[str],
    now: datetime,
) -> None:
    """Answer these criteria with every checklist item ticked."""
    for cid in criteria:
        items = [item.id for item in rubric.criterion(cid).checklist]
        answers.record_answer(
            session,
            assessment_id=assessment_id,
            criterion_id=cid,
            person_id=person_id,
            ticked=items,
            status="answered",
            note=None,
            evidence=[],
            now=now,
            source="import",
        )


def title_of(rubric: Rubric, criterion_id: str, lang: str = "en") -> str:
    """The title the plan gives a criterion's milestone."""
    return milestone_title(criterion_id, rubric.criterion(criterion_id).next_steps[0], lang)


def add_plan(
    session: Session,
    *,
    rubric: Rubric,
    assessment_id: int,
    owner_ids: Sequence[int],
    due: Sequence[date],
    criteria: Sequence[str],
    now: datetime,
) -> list[int]:
    """A stored plan with one milestone per criterion (owners and due dates in turn)."""
    plan = plans.create_plan(session, assessment_id=assessment_id, created_by_id=None, now=now)
    assert plan.id is not None
    made = []
    for index, cid in enumerate(criteria):
        milestone = plans.add_milestone(
            session,
            plan_id=plan.id,
            criterion_id=cid,
            title=title_of(rubric, cid),
            due_on=due[index % len(due)],
            owner_id=owner_ids[index % len(owner_ids)],
            now=now,
        )
        assert milestone.id is not None
        made.append(milestone.id)
    return made
