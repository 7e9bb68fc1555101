"""The city's answers and their history: nothing is overwritten without a trace.

`record_answer` is the only writer. It locks the answer row (`SELECT ... FOR UPDATE` on
PostgreSQL; on SQLite the unit of work's `BEGIN IMMEDIATE` already serialises writers), so when two
people save the same criterion at the same moment both changes land in the history, each one's
`old_value` is the other's `new_value`, and the later save is the current answer.

A save that changes nothing (same ticks, status, note and evidence links) writes no history row
and leaves the answer, including who answered it and when, as it was.

Evidence links are a JSON list on the answer rather than a child table: they are always read and
written with their answer, they are part of the value the history keeps (old and new snapshots),
and nothing queries them on their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.enums import AnswerSource, AnswerStatus
from storage.models import Answer, AnswerHistory
from storage.repo._sql import insert_or_ignore


def record_answer(
    session: Session,
    *,
    assessment_id: int,
    criterion_id: str,
    person_id: int,
    ticked: Sequence[str],
    status: AnswerStatus | str,
    note: str | None,
    evidence: Sequence[str],
    now: datetime,
    source: AnswerSource | str,
    evidence_dates: Mapping[str, str] | None = None,
) -> Answer:
    """Save a person's answer to a criterion, keeping the earlier value in the history.

    `ticked` are checklist item ids; `evidence` is the full list of links the answer should
    have (a link already there keeps the time it was first given; a link new to this answer
    takes its time from `evidence_dates`, url -> ISO 8601, when it is there: a link carried
    over from an earlier round keeps the date it was given then).
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime, e.g. datetime.now(UTC)")
    status, source = AnswerStatus(status), AnswerSource(source)
    answer = get_answer(
        session, assessment_id=assessment_id, criterion_id=criterion_id, for_update=True
    )
    if answer is None:
        value = _value(ticked, status, note, evidence, previous=None, now=now, given=evidence_dates)
        answer = insert_or_ignore(
            session,
            Answer,
            values={
                "assessment_id": assessment_id,
                "criterion_id": criterion_id,
                **value,
                "answered_by_id": person_id,
                "answered_at": now,
            },
            conflict=["assessment_id", "criterion_id"],
        )
        if answer is not None:
            _add_history(session, answer, None, value, person_id, now, source)
            return answer
        # Another save created the row first; it is committed and now ours to lock and update.
        answer = get_answer(
            session, assessment_id=assessment_id, criterion_id=criterion_id, for_update=True
        )
        assert answer is not None
    old = answer_value(answer)
    new = _value(
        ticked, status, note, evidence, previous=answer.evidence, now=now, given=evidence_dates
    )
    if _same(old, new):
        return answer
    answer.ticked = new["ticked"]
    answer.status = status
    answer.note = new["note"]
    answer.evidence = new["evidence"]
    answer.answered_by_id = person_id
    answer.answered_at = now
    _add_history(session, answer, old, new, person_id, now, source)
    return answer


def get_answer(
    session: Session, *, assessment_id: int, criterion_id: str, for_update: bool = False
) -> Answer | None:
    """The current answer to a criterion; `for_update` locks it until the unit of work ends."""
    query = select(Answer).where(
        Answer.assessment_id == assessment_id, Answer.criterion_id == criterion_id
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def answers_for_assessment(session: Session, *, assessment_id: int) -> list[Answer]:
    """Every current answer of a round, by criterion id."""
    query = (
        select(Answer)
        .where(Answer.assessment_id == assessment_id)
        .order_by(col(Answer.criterion_id))
    )
    return list(session.exec(query))


def answer_history(session: Session, *, answer_id: int) -> list[AnswerHistory]:
    """Every change of one answer, oldest first."""
    query = (
        select(AnswerHistory)
        .where(AnswerHistory.answer_id == answer_id)
        .order_by(col(AnswerHistory.id))
    )
    return list(session.exec(query))


def assessment_history(
    session: Session, *, assessment_id: int, since: datetime | None = None
) -> list[tuple[str, AnswerHistory]]:
    """Every change in a round as (criterion id, change), oldest first: the audit trail."""
    query = (
        select(Answer.criterion_id, AnswerHistory)
        .join(Answer, col(Answer.id) == col(AnswerHistory.answer_id))
        .where(Answer.assessment_id == assessment_id)
    )
    if since is not None:
        query = query.where(col(AnswerHistory.changed_at) >= since)
    rows = session.exec(query.order_by(col(AnswerHistory.id)))
    return [(criterion_id, change) for criterion_id, change in rows]


def answer_value(answer: Answer) -> dict[str, Any]:
    """The answer's value as the history stores it: ticked, status, note, evidence."""
    return {
        "ticked": list(answer.ticked),
        "status": AnswerStatus(answer.status).value,
        "note": answer.note,
        "evidence": [dict(link) for link in answer.evidence],
    }


def _value(
    ticked: Sequence[str],
    status: AnswerStatus,
    note: str | None,
    evidence: Sequence[str],
    *,
    previous: list[dict[str, str]] | None,
    now: datetime,
    given: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    if isinstance(ticked, str) or isinstance(evidence, str):
        raise TypeError("ticked and evidence are lists of strings, not a single string")
    given_at = {**(given or {}), **{link["url"]: link["added_at"] for link in previous or []}}
    stamp = now.astimezone(UTC).isoformat()
    links: list[dict[str, str]] = []
    for url in dict.fromkeys(url.strip() for url in evidence if url and url.strip()):
        links.append({"url": url, "added_at": given_at.get(url, stamp)})
    cleaned_note = note.strip() if note else None
    return {
        "ticked": sorted(set(ticked)),
        "status": status.value,
        "note": cleaned_note or None,
        "evidence": links,
    }


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    def urls(value: dict[str, Any]) -> list[str]:
        return [link["url"] for link in value["evidence"]]

    keys = ("ticked", "status", "note")
    return all(old[k] == new[k] for k in keys) and urls(old) == urls(new)


def _add_history(
    session: Session,
    answer: Answer,
    old: dict[str, Any] | None,
    new: dict[str, Any],
    person_id: int,
    now: datetime,
    source: AnswerSource,
) -> None:
    assert answer.id is not None
    session.add(
        AnswerHistory(
            answer_id=answer.id,
            changed_by_id=person_id,
            changed_at=now,
            source=source,
            old_value=old,
            new_value=new,
        )
    )
    session.flush()
