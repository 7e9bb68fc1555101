"""The team of a new round: last round's people in the same areas, and what each is told.

An area the new rubric version no longer has is dropped (and said so); each person kept gets a
notice of their areas, how many of their questions show last round's answer ("Still true") and
how many changed or are new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.services.assign import AreaBrief
from bot.services.coordinator import language_of
from rubric.diff import Change, ChangeKind
from rubric.schema import Rubric, Text
from storage.enums import AnswerStatus
from storage.models import Assessment, City, Person
from storage.repo import answers, assessments, orgs, respondents


@dataclass(frozen=True)
class AreaMove:
    """A practice area's assignees from last round: kept (in the new rubric) or dropped."""

    area_id: str
    name: Text
    people: tuple[str, ...]
    """Display names."""


@dataclass(frozen=True)
class RoundNotice:
    """The direct message to one assignee: the new round, their areas, what is waiting."""

    slack_user_id: str
    language: str | None
    city_name: str
    assessment_id: int
    round_number: int
    rubric_title: Text
    areas: tuple[AreaBrief, ...]
    questions: int
    carried: int
    """Questions of their areas with last round's answer to confirm ("Still true")."""
    fresh: int
    """Questions of their areas that changed or are new since last round."""


def keep_team(
    session: Session,
    previous_id: int,
    new_id: int,
    versions: tuple[Rubric | None, Rubric],
    coordinator: Person,
    now: datetime,
) -> tuple[tuple[AreaMove, ...], tuple[AreaMove, ...], dict[int, tuple[Person, list[str]]]]:
    """Assign last round's people to the same areas of the new round (`versions`: the old and
    new rubric); (kept, dropped, each person with their areas)."""
    before, rubric = versions
    areas = {a.id: a for a in rubric.areas}
    earlier = {a.id: a.name for a in before.areas} if before is not None else {}
    by_area: dict[str, list[Person]] = {}
    for row in assessments.assignments_for_assessment(session, assessment_id=previous_id):
        if row.criterion_id is not None:  # one criterion: kept while the new version has it
            if any(c.id == row.criterion_id for a in rubric.areas for c in a.criteria):
                respondents.assign_criterion(
                    session, assessment_id=new_id, area_id=rubric.area_of(row.criterion_id).id,
                    criterion_id=row.criterion_id, person_id=row.person_id,
                    assigned_by_id=coordinator.id, now=now,
                )  # fmt: skip
            continue
        by_area.setdefault(row.area_id, []).append(
            orgs.get_person(session, person_id=row.person_id)
        )
    people: dict[int, tuple[Person, list[str]]] = {}
    kept, dropped = [], []
    for area_id, persons in by_area.items():
        names = tuple(p.display_name for p in persons)
        if area_id not in areas:
            dropped.append(AreaMove(area_id, earlier.get(area_id, Text(en=area_id)), names))
            continue
        for person in persons:
            assert person.id is not None
            assessments.assign_area(
                session,
                assessment_id=new_id,
                area_id=area_id,
                person_id=person.id,
                assigned_by_id=coordinator.id,
                now=now,
            )
            people.setdefault(person.id, (person, []))[1].append(area_id)
        kept.append(AreaMove(area_id, areas[area_id].name, names))
    order = list(areas)
    kept.sort(key=lambda move: order.index(move.area_id))
    return tuple(kept), tuple(dropped), people


def carried_answers(session: Session, previous_id: int, changes: Mapping[str, Change]) -> set[str]:
    """Criteria with last round's answer to confirm: unchanged, answered or unsure."""
    settled = (AnswerStatus.ANSWERED, AnswerStatus.UNSURE)
    return {
        row.criterion_id
        for row in answers.answers_for_assessment(session, assessment_id=previous_id)
        if AnswerStatus(row.status) in settled
        and (change := changes.get(row.criterion_id)) is not None
        and change.carries_over
    }


def round_notice(
    person: Person,
    area_ids: list[str],
    city: City,
    started: Assessment,
    rubric: Rubric,
    changes: Mapping[str, Change],
    carried: set[str],
) -> RoundNotice:
    """The direct message to one person kept: their areas in the new round, what waits."""
    mine = [a for a in rubric.areas if a.id in area_ids]
    ids = [c.id for a in mine for c in a.criteria]
    fresh = (ChangeKind.CHANGED, ChangeKind.ADDED)
    assert started.id is not None
    return RoundNotice(
        slack_user_id=person.slack_user_id,
        language=language_of(person),
        city_name=city.name,
        assessment_id=started.id,
        round_number=started.round_number,
        rubric_title=rubric.title,
        areas=tuple(AreaBrief(a.id, a.name, len(a.criteria)) for a in mine),
        questions=len(ids),
        carried=sum(1 for cid in ids if cid in carried),
        fresh=sum(1 for cid in ids if (c := changes.get(cid)) is not None and c.kind in fresh),
    )
