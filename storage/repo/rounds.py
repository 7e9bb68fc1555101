"""A city's rounds side by side: the round before a given one with its answers, and every round.

`previous_round_answers` runs on the answer click of a second or later round (to offer last
round's answers), so it reads the previous round and its answers in one statement.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import Answer, Assessment


def previous_round_answers(
    session: Session, *, city_id: int, round_number: int
) -> tuple[Assessment | None, list[Answer]]:
    """The city's latest round before `round_number` and its answers (None, [] for round one)."""
    if round_number <= 1:
        return None, []
    before = (
        sa_select(func.max(Assessment.round_number))
        .where(col(Assessment.city_id) == city_id, col(Assessment.round_number) < round_number)
        .scalar_subquery()
    )
    query = (
        sa_select(Assessment, Answer)
        .outerjoin(Answer, col(Answer.assessment_id) == col(Assessment.id))
        .where(col(Assessment.city_id) == city_id, col(Assessment.round_number) == before)
        .order_by(col(Answer.criterion_id))
    )
    rows = session.execute(query).all()
    if not rows:
        return None, []
    return rows[0][0], [row[1] for row in rows if row[1] is not None]


def city_rounds(session: Session, *, city_id: int) -> list[Assessment]:
    """Every round of a city, the first first."""
    query = (
        select(Assessment)
        .where(Assessment.city_id == city_id)
        .order_by(col(Assessment.round_number))
    )
    return list(session.exec(query))


def answers_of_rounds(
    session: Session, *, assessment_ids: Iterable[int]
) -> dict[int, list[Answer]]:
    """The current answers of several rounds, by round id (every id asked for is a key)."""
    wanted = sorted(set(assessment_ids))
    found: dict[int, list[Answer]] = {aid: [] for aid in wanted}
    if not wanted:
        return found
    query = (
        select(Answer)
        .where(col(Answer.assessment_id).in_(wanted))
        .order_by(col(Answer.assessment_id), col(Answer.criterion_id))
    )
    for answer in session.exec(query):
        found[answer.assessment_id].append(answer)
    return found
