"""The city's answers and their history: nothing is overwritten without a trace.

`record_answer` is the only writer (`store_answer`, the answer click's, is the same without
returning the row). It locks the answer row (`SELECT ... FOR UPDATE` on PostgreSQL; on SQLite the
unit of work's `BEGIN IMMEDIATE` already serialises writers), so when two people save the same
criterion at the same moment both changes land in the history, each one's `old_value` is the
other's `new_value`, and the later save is the current answer. A new answer is inserted with
`INSERT ... ON CONFLICT DO NOTHING`: when another save inserted it first, it is then locked and
updated.

A save that changes nothing (same ticks, status, note and evidence links) writes no history row
and leaves the answer, including who answered it and when, as it was.

Evidence links are a JSON list on the answer rather than a child table: they are always read and
written with their answer, they are part of the value the history keeps (old and new snapshots),
and nothing queries them on their own. Each link records when and by whom it was last given
(`added_at`, `added_by`); the answer's `evidence_at` (its newest link's date) is kept with them,
so stale evidence is found with an indexed comparison.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict, Unpack

from sqlalchemy import bindparam, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.enums import AnswerSource, AnswerStatus
from storage.models import Answer, AnswerHistory


class AnswerChange(TypedDict):
    """An answer click's change, as `record_answer` and `store_answer` take it."""

    assessment_id: int
    criterion_id: str
    person_id: int
    ticked: Sequence[str]
    status: AnswerStatus | str
    note: str | None
    evidence: Sequence[str]
    now: datetime
    source: AnswerSource | str
    evidence_dates: NotRequired[Mapping[str, str | Mapping[str, Any]] | None]
    regiven: NotRequired[Collection[str]]
    answered_by_id: NotRequired[int | None]
    adopted_id: NotRequired[int | None]


def record_answer(session: Session, **change: Unpack[AnswerChange]) -> Answer:
    """Save a person's answer to a criterion, keeping the earlier value in the history.

    `ticked` are checklist item ids; `evidence` is the full list of links the answer should
    have (a link already there keeps when and by whom it was given; a link new to this answer
    takes its date from `evidence_dates`, url -> ISO 8601 or a link record with `added_at` and
    `added_by`, when it is there: a link carried over from an earlier round keeps the date it
    was given then). Links in `regiven` were given again now: they take `now` and the person.

    For a criterion several people answer, `person_id` is who settled it (the history's
    `changed_by`), `answered_by_id` the respondent whose answer it is, and `adopted_id` that
    respondent's answer (`respondent_answer`), kept on the history row.
    """
    saved = _save(session, **change)
    if isinstance(saved, Answer):
        return saved
    answer = Answer(**saved)  # the new row, attached as stored (no statement)
    make_transient_to_detached(answer)
    session.add(answer)
    return answer


def store_answer(
    session: Session, *, found: bool | None = None, **change: Unpack[AnswerChange]
) -> int:
    """`record_answer` for the answer click: the same change and history; returns the answer's id.

    `found` says whether this unit of work already found an answer to the criterion (None: it
    did not look). When it found none, the answer is inserted straight away, as a Core statement
    without an ORM object, instead of first being looked for; an answer inserted meanwhile by
    another transaction makes the insert do nothing, and that answer is then locked and updated
    as usual. Otherwise the answer is read under its lock (`SELECT ... FOR UPDATE`) first.
    """
    saved = _save(session, found=found, **change)
    answer_id = saved.id if isinstance(saved, Answer) else saved["id"]
    assert answer_id is not None
    return int(answer_id)


def _save(
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
    evidence_dates: Mapping[str, str | Mapping[str, Any]] | None = None,
    regiven: Collection[str] = (),
    answered_by_id: int | None = None,
    adopted_id: int | None = None,
    found: bool | None = None,
) -> Answer | dict[str, Any]:
    """The saved answer: the row when it existed (updated in the session), else the values
    of the row just inserted (with its id)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime, e.g. datetime.now(UTC)")
    status, source = AnswerStatus(status), AnswerSource(source)
    answer = None
    if found is not False:
        answer = get_answer(
            session, assessment_id=assessment_id, criterion_id=criterion_id, for_update=True
        )
    if answer is None:
        value = _value(
            ticked, status, note, evidence, previous=None, now=now, given=evidence_dates,
            by=person_id, regiven=regiven,
        )  # fmt: skip
        row = {
            "assessment_id": assessment_id,
            "criterion_id": criterion_id,
            **value,
            "status": status,
            "answered_by_id": answered_by_id or person_id,
            "answered_at": now,
            "evidence_at": newest_link_date(value["evidence"]),
        }
        session.flush()  # pending changes first, as an ORM statement would (autoflush)
        dialect = session.get_bind().dialect.name
        answer_id = session.execute(_answer_insert(dialect), row).scalar_one_or_none()
        if answer_id is not None:
            row["id"] = answer_id
            _add_history(session, answer_id, None, value, person_id, now, source, adopted_id)
            return row
        # Another save created the row first; it is committed and now ours to lock and update.
        answer = get_answer(
            session, assessment_id=assessment_id, criterion_id=criterion_id, for_update=True
        )
        assert answer is not None
    old = answer_value(answer)
    new = _value(
        ticked, status, note, evidence, previous=answer.evidence, now=now, given=evidence_dates,
        by=person_id, regiven=regiven,
    )  # fmt: skip
    if _same(old, new):
        return answer
    answer.ticked = new["ticked"]
    answer.status = status
    answer.note = new["note"]
    answer.evidence = new["evidence"]
    answer.evidence_at = newest_link_date(new["evidence"])
    answer.answered_by_id = answered_by_id or person_id
    answer.answered_at = now
    assert answer.id is not None
    session.flush()  # the answer's own change first, as the history row points at it
    _add_history(session, answer.id, old, new, person_id, now, source, adopted_id)
    return answer


def confirm_answer(
    session: Session, *, answer: Answer, person_id: int, now: datetime, source: AnswerSource | str
) -> None:
    """Record that a person confirmed an answer as it stands: a history row whose value before
    and after are the same (the answer itself, who answered it and when, stay as they were)."""
    value = answer_value(answer)
    assert answer.id is not None
    session.flush()
    _add_history(session, answer.id, value, value, person_id, now, AnswerSource(source))


def newest_link_date(links: Sequence[Mapping[str, Any]]) -> datetime | None:
    """When the newest of these links was given (None without links or dates)."""
    dates = [link_date(link) for link in links]
    return max((d for d in dates if d is not None), default=None)


def link_date(link: Mapping[str, Any]) -> datetime | None:
    """When a link was given, as an aware UTC datetime (None when it has no date)."""
    stamp = link.get("added_at")
    if not stamp:
        return None
    moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def get_answer(
    session: Session, *, assessment_id: int, criterion_id: str, for_update: bool = False
) -> Answer | None:
    """The current answer to a criterion; `for_update` locks it until the unit of work ends."""
    params = {"q_assessment": assessment_id, "q_criterion": criterion_id}
    return session.exec(_answer_query(for_update), params=params).first()


@functools.cache
def _answer_query(for_update: bool) -> SelectOfScalar[Answer]:
    """The query of `get_answer`, built once (each answer click runs it)."""
    query = select(Answer).where(
        col(Answer.assessment_id) == bindparam("q_assessment"),
        col(Answer.criterion_id) == bindparam("q_criterion"),
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return query


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
    previous: list[dict[str, Any]] | None,
    now: datetime,
    given: Mapping[str, str | Mapping[str, Any]] | None = None,
    by: int | None = None,
    regiven: Collection[str] = (),
) -> dict[str, Any]:
    if isinstance(ticked, str) or isinstance(evidence, str):
        raise TypeError("ticked and evidence are lists of strings, not a single string")
    known: dict[str, dict[str, Any]] = {
        url: {"added_at": record, "added_by": None}
        if isinstance(record, str)
        else {"added_at": record.get("added_at"), "added_by": record.get("added_by")}
        for url, record in (given or {}).items()
    }
    known.update((link["url"], link) for link in previous or [])
    fresh = {"added_at": now.astimezone(UTC).isoformat(), "added_by": by}
    again = {url.strip() for url in regiven}
    links: list[dict[str, Any]] = []
    for url in dict.fromkeys(url.strip() for url in evidence if url and url.strip()):
        record = fresh if url in again or not known.get(url, {}).get("added_at") else known[url]
        links.append(
            {"url": url, "added_at": record["added_at"], "added_by": record.get("added_by")}
        )
    cleaned_note = note.strip() if note else None
    return {
        "ticked": sorted(set(ticked)),
        "status": status.value,
        "note": cleaned_note or None,
        "evidence": links,
    }


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    def urls(value: dict[str, Any]) -> list[tuple[str, str | None]]:
        return [(link["url"], link.get("added_at")) for link in value["evidence"]]

    keys = ("ticked", "status", "note")
    return all(old[k] == new[k] for k in keys) and urls(old) == urls(new)


def _add_history(
    session: Session,
    answer_id: int,
    old: dict[str, Any] | None,
    new: dict[str, Any],
    person_id: int,
    now: datetime,
    source: AnswerSource,
    adopted_id: int | None = None,
) -> None:
    session.execute(  # one INSERT, without the unit of work's bookkeeping of a new object
        _history_insert(),
        {
            "answer_id": answer_id,
            "changed_by_id": person_id,
            "changed_at": now,
            "source": source,
            "old_value": old,
            "new_value": new,
            "respondent_answer_id": adopted_id,
        },
    )


@functools.cache
def _history_insert() -> Any:
    return insert(AnswerHistory.__table__)  # type: ignore[attr-defined]


@functools.cache
def _answer_insert(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id of a new answer, built once per dialect:
    its values come as parameters, so running it costs no statement building."""
    table = Answer.__table__  # type: ignore[attr-defined]
    insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert_of(table)
        .on_conflict_do_nothing(index_elements=["assessment_id", "criterion_id"])
        .returning(table.c.id)
    )
