"""Criteria several people answer: what each one sees, and when their answers become the city's.

A criterion is shared when two or three people answer it (its area, or the criterion alone, is
assigned to each). Then:

- Each answers on their own and sees only their own answer (`seen_answers`): never another's
  before giving theirs. Each save is kept (`storage.repo.respondents`).
- When every respondent has answered (a skip is no answer) with the same status and the same
  ticked items, that is the city's answer (history source `agreed`; notes joined, every link
  kept). When they differ it is a disagreement (`storage.repo.disagreements`): the criterion
  has no scored answer, so the level treats it as unknown (an answer it had is set aside as
  skipped, source `disputed`, and stays in the history) until a coordinator accepts one answer
  (`bot.services.disagreements`) or the respondents change theirs until they agree.
- A note or a link changed without a new status or ticks does not reopen a settled criterion.

One person alone on a criterion answers as before: straight into the city's answer.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from rubric.schema import Rubric
from storage.enums import AnswerSource, AnswerStatus, Resolution
from storage.models import Assessment, RespondentAnswer
from storage.repo import answers as answer_repo
from storage.repo import disagreements as disagreement_repo
from storage.repo import respondents as respondent_repo
from storage.repo.interviews import CurrentAnswer, InterviewRows

Decision = tuple[AnswerStatus, frozenset[str]]


def assigned_to(rubric: Rubric, rows: InterviewRows) -> tuple[str, ...]:
    """The person's criteria: whole areas and single criteria, in the rubric's order."""
    areas, single = set(rows.area_ids), set(rows.criterion_ids)
    return tuple(
        c.id for area in rubric.areas for c in area.criteria if area.id in areas or c.id in single
    )


def shared_criteria(rubric: Rubric, rows: InterviewRows) -> frozenset[str]:
    """The person's criteria that someone else answers too."""
    if not rows.others:
        return frozenset()
    theirs: set[str] = set()
    for area_id, criterion_id in rows.others:
        if criterion_id is not None:
            theirs.add(criterion_id)
            continue
        try:
            theirs.update(c.id for c in rubric.area(area_id).criteria)
        except KeyError:
            continue
    return frozenset(theirs.intersection(assigned_to(rubric, rows)))


def seen_answers(rubric: Rubric, rows: InterviewRows) -> list[CurrentAnswer | RespondentAnswer]:
    """The answers the person sees: the city's, except their own for the criteria they share."""
    shared = shared_criteria(rubric, rows)
    if not shared:
        return list(rows.answers)
    seen: list[CurrentAnswer | RespondentAnswer] = [
        a for a in rows.answers if a.criterion_id not in shared
    ]
    seen += [row for cid, row in rows.own.items() if cid in shared]
    return sorted(seen, key=lambda a: a.criterion_id)


def save_answer(
    session: Session,
    *,
    rows: InterviewRows,
    rubric: Rubric,
    criterion_id: str,
    ticked: Sequence[str],
    status: AnswerStatus,
    note: str | None,
    evidence: Sequence[str],
    now: datetime,
    source: AnswerSource,
    evidence_dates: Mapping[str, Any] | None = None,
    regiven: Collection[str] = (),
) -> bool:
    """Store a person's answer: the city's when they answer alone, else their own first.

    True when it made the respondents agree (the city's answer may complete the round)."""
    assert rows.person.id is not None and rows.assessment is not None
    assert rows.assessment.id is not None
    common: dict[str, Any] = {
        "assessment_id": rows.assessment.id,
        "criterion_id": criterion_id,
        "person_id": rows.person.id,
        "ticked": ticked,
        "status": status,
        "note": note,
        "evidence": evidence,
        "now": now,
        "source": source,
        "evidence_dates": evidence_dates,
        "regiven": regiven,
    }
    if criterion_id not in shared_criteria(rubric, rows):
        found = any(a.criterion_id == criterion_id for a in rows.answers)
        answer_repo.store_answer(session, **common, found=found)
        return False
    lock_assessment(session, rows.assessment.id)
    saved = respondent_repo.record_respondent_answer(session, **common, known=rows.own)
    if not saved.changed:
        return False
    changed = saved.before is None or decision(saved.before) != decision(saved.after)
    return settle_criterion(
        session,
        assessment_id=rows.assessment.id,
        area_id=rubric.area_of(criterion_id).id,
        criterion_id=criterion_id,
        actor_id=rows.person.id,
        latest=saved.after,
        reopen=changed,
        now=now,
    )


def lock_assessment(session: Session, assessment_id: int) -> None:
    """Hold the round (FOR NO KEY UPDATE) so two respondents' saves are judged one at a time
    (SQLite's unit of work holds the database's write lock already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.get(
            Assessment, assessment_id, with_for_update={"key_share": True}, populate_existing=True
        )


def decision(row: RespondentAnswer) -> Decision:
    """What two answers must share to agree: the status and the ticked items."""
    return AnswerStatus(row.status), frozenset(row.ticked or ())


def current_answers(
    session: Session, *, assessment_id: int, area_id: str, criterion_id: str
) -> tuple[list[int], dict[int, RespondentAnswer]]:
    """The criterion's respondents (person ids) and the newest answer of each who answered."""
    people = respondent_repo.respondents_of(
        session, assessment_id=assessment_id, area_id=area_id, criterion_id=criterion_id
    )
    ids = [p.id for p in people if p.id is not None]
    latest = respondent_repo.latest_by_person(
        respondent_repo.criterion_answers(
            session, assessment_id=assessment_id, criterion_id=criterion_id
        )
    )
    given = {
        pid: latest[pid]
        for pid in ids
        if pid in latest and AnswerStatus(latest[pid].status) != AnswerStatus.SKIPPED
    }
    return ids, given


def settle_criterion(
    session: Session,
    *,
    assessment_id: int,
    area_id: str,
    criterion_id: str,
    actor_id: int,
    latest: RespondentAnswer,
    reopen: bool,
    now: datetime,
) -> bool:
    """After a respondent's change: agree -> the city's answer (True); differ -> a
    disagreement."""
    people, given = current_answers(
        session, assessment_id=assessment_id, area_id=area_id, criterion_id=criterion_id
    )
    if len(given) < len(people):
        return False  # someone has not answered yet: nothing is decided
    open_ = disagreement_repo.open_of(
        session, assessment_id=assessment_id, criterion_id=criterion_id, for_update=True
    )
    if len({decision(row) for row in given.values()}) == 1:
        adopt_agreement(session, given=given.values(), actor_id=actor_id, adopted=latest, now=now)
        if open_ is not None:
            disagreement_repo.settle(
                session, disagreement=open_, resolution=Resolution.AGREED, now=now
            )
        return True
    if open_ is not None or not reopen:
        return False
    disagreement_repo.open_disagreement(
        session, assessment_id=assessment_id, criterion_id=criterion_id, now=now
    )
    set_aside(
        session,
        assessment_id=assessment_id,
        criterion_id=criterion_id,
        actor_id=actor_id,
        cause=latest,
        now=now,
    )
    return False


def adopt_agreement(
    session: Session,
    *,
    given: Iterable[RespondentAnswer],
    actor_id: int,
    adopted: RespondentAnswer,
    now: datetime,
) -> None:
    """Make the respondents' common answer the city's: their status and ticks, every note and
    link (each link dated as its giver gave it)."""
    rows = sorted(given, key=lambda r: r.answered_at)
    notes = list(dict.fromkeys(r.note.strip() for r in rows if r.note and r.note.strip()))
    links: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        for link in row.evidence or ():
            links.setdefault(link["url"], link)
    answer_repo.record_answer(
        session,
        assessment_id=adopted.assessment_id,
        criterion_id=adopted.criterion_id,
        person_id=actor_id,
        ticked=sorted(adopted.ticked or ()),
        status=AnswerStatus(adopted.status),
        note="\n\n".join(notes) or None,
        evidence=list(links),
        now=now,
        source=AnswerSource.AGREED,
        evidence_dates=links,
        adopted_id=adopted.id,
    )


def adopt_answer(
    session: Session, *, answer: RespondentAnswer, settled_by_id: int, now: datetime
) -> None:
    """Make one respondent's answer the city's, as settled by `settled_by_id`."""
    links = {link["url"]: link for link in answer.evidence or ()}
    answer_repo.record_answer(
        session,
        assessment_id=answer.assessment_id,
        criterion_id=answer.criterion_id,
        person_id=settled_by_id,
        ticked=sorted(answer.ticked or ()),
        status=AnswerStatus(answer.status),
        note=answer.note,
        evidence=list(links),
        now=now,
        source=AnswerSource.SETTLED,
        evidence_dates=links,
        answered_by_id=answer.person_id,
        adopted_id=answer.id,
    )


def set_aside(
    session: Session,
    *,
    assessment_id: int,
    criterion_id: str,
    actor_id: int,
    cause: RespondentAnswer,
    now: datetime,
) -> None:
    """Take a disputed criterion's answer out of the score (kept in its history)."""
    current = answer_repo.get_answer(
        session, assessment_id=assessment_id, criterion_id=criterion_id, for_update=True
    )
    if current is None or AnswerStatus(current.status) == AnswerStatus.SKIPPED:
        return
    answer_repo.record_answer(
        session,
        assessment_id=assessment_id,
        criterion_id=criterion_id,
        person_id=actor_id,
        ticked=[],
        status=AnswerStatus.SKIPPED,
        note=None,
        evidence=[],
        now=now,
        source=AnswerSource.DISPUTED,
        adopted_id=cause.id,
    )
