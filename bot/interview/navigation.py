"""Reading a snapshot: the phase, the current and next criterion, areas, scores, questions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.interview.model import Given, Kind, Phase, Snapshot
from bot.interview.views import AreaProgress, LastAnswer, Question
from rubric.index import index_for
from rubric.schema import Rubric
from rubric.scoring import Answer, CriterionStatus, Score, score


def phase_of(snapshot: Snapshot) -> Phase:
    """The phase a snapshot is in (see `Phase`)."""
    if not snapshot.criteria:
        return Phase.NOT_ASSIGNED
    if snapshot.all_settled():
        return Phase.DONE
    if snapshot.cursor is None:
        return Phase.NEW
    if snapshot.paused_until is not None:
        return Phase.PAUSED
    return Phase.ASKING


def next_open(snapshot: Snapshot, after: str | None, exclude: str | None = None) -> str | None:
    """The criterion to ask after `after`: the next unanswered one (in order, wrapping), else
    the next skipped one (after the last, from the first), else None when all are settled."""
    order = snapshot.criteria
    start = order.index(after) + 1 if after in order else 0
    rotated = order[start:] + order[:start]
    for cid in rotated:
        if snapshot.given(cid) is None and cid != exclude:
            return cid
    for cid in rotated:
        if not snapshot.settled(cid) and cid != exclude:
            return cid
    return None


def current(snapshot: Snapshot) -> str | None:
    """The open question: the cursor while it still needs an answer, else the next one."""
    cursor = snapshot.cursor
    if cursor in snapshot.criteria and not snapshot.settled(cursor):
        return cursor
    return next_open(snapshot, after=cursor)


def shown(snapshot: Snapshot) -> str | None:
    """The question the person is on: the cursor (even one answered, after Back), else the
    current open one."""
    if snapshot.cursor in snapshot.criteria:
        return snapshot.cursor
    return current(snapshot)


def skipped_left(snapshot: Snapshot) -> int:
    """How many of the person's criteria are skipped and still unanswered."""
    return sum(
        1
        for cid in snapshot.criteria
        if (given := snapshot.given(cid)) is not None and given.kind is Kind.SKIPPED
    )


def area_ids(snapshot: Snapshot, rubric: Rubric) -> tuple[str, ...]:
    """The person's areas, in rubric order."""
    mine = set(snapshot.criteria)
    return tuple(a.id for a in rubric.areas if any(c.id in mine for c in a.criteria))


def asked_in_area(snapshot: Snapshot, rubric: Rubric, area_id: str) -> list[str]:
    """The criteria of the area the person is asked: all of it, or those assigned alone."""
    mine = set(snapshot.criteria)
    return [c.id for c in rubric.area(area_id).criteria if c.id in mine]


def area_settled(snapshot: Snapshot, rubric: Rubric, area_id: str) -> bool:
    """True when every criterion of the area the person is asked is answered or unsure."""
    return all(snapshot.settled(cid) for cid in asked_in_area(snapshot, rubric, area_id))


def area_progress(snapshot: Snapshot, rubric: Rubric) -> tuple[AreaProgress, ...]:
    """Each of the person's areas: criteria settled, skipped and in all."""
    found = []
    for area_id in area_ids(snapshot, rubric):
        ids = asked_in_area(snapshot, rubric, area_id)
        given = [snapshot.given(cid) for cid in ids]
        found.append(
            AreaProgress(
                area_id=area_id,
                settled=sum(1 for g in given if g is not None and g.settled),
                skipped=sum(1 for g in given if g is not None and g.kind is Kind.SKIPPED),
                total=len(ids),
            )
        )
    return tuple(found)


def rubric_answers(rubric: Rubric, answers: Mapping[str, Given]) -> dict[str, Answer]:
    """Answers as scoring reads them: skipped ones left out, unknown ids ignored."""
    known = index_for(rubric).criteria
    return {
        cid: Answer(ticked=given.ticked & known[cid].items, unsure=given.kind is Kind.UNSURE)
        for cid, given in answers.items()
        if cid in known and given.settled
    }


def score_of(snapshot: Snapshot, rubric: Rubric) -> Score:
    """The assessment's score on the snapshot's answers."""
    return score(rubric, rubric_answers(rubric, snapshot.answers))


def question(snapshot: Snapshot, rubric: Rubric, criterion_id: str, *, replace: bool) -> Question:
    """The question view of a criterion, with its position and current answer."""
    area = rubric.area_of(criterion_id)
    in_area = asked_in_area(snapshot, rubric, area.id)
    if criterion_id not in in_area:  # a question outside the person's list (a re-check)
        in_area = [c.id for c in area.criteria]
    given = snapshot.given(criterion_id)
    revisit = given is not None and given.kind is Kind.SKIPPED and _first_pass_over(snapshot)
    last = last_answer(snapshot, rubric, criterion_id)
    ticked = given.ticked if given is not None and (given.settled or last is None) else None
    return Question(
        assessment_id=snapshot.assessment_id,
        criterion_id=criterion_id,
        area_id=area.id,
        area_position=in_area.index(criterion_id) + 1,
        area_total=len(in_area),
        position=snapshot.criteria.index(criterion_id) + 1,
        total=len(snapshot.criteria),
        ticked=ticked if ticked is not None else (last.ticked if last else frozenset()),
        given=given.kind if given else None,
        skipped_left=skipped_left(snapshot) if revisit else 0,
        evidence_count=len(given.evidence) if given else 0,
        replace=replace,
        last=last,
        fresh=snapshot.fresh.get(criterion_id),
        stale_links=snapshot.stale.get(criterion_id, ()),
        stale_months=snapshot.evidence_max_age_months,
    )


def last_answer(snapshot: Snapshot, rubric: Rubric, criterion_id: str) -> LastAnswer | None:
    """Last round's answer to offer with "Still true": only while this round has none."""
    last = snapshot.previous.get(criterion_id)
    given = snapshot.given(criterion_id)
    if last is None or (given is not None and given.settled):
        return None
    criterion = rubric.criterion(criterion_id)
    ticked = last.ticked & frozenset(it.id for it in criterion.checklist)
    required = criterion.rule.required(len(criterion.checklist))
    if len(ticked) >= required:
        status = CriterionStatus.MET
    elif last.kind is Kind.UNSURE:
        status = CriterionStatus.UNKNOWN
    else:
        status = CriterionStatus.PARTLY_MET if ticked else CriterionStatus.NOT_MET
    return LastAnswer(last.kind, ticked, status, len(last.evidence))


def position(snapshot: Snapshot, criterion_id: str | None) -> int | None:
    """A criterion's 1-based position in the person's list."""
    if criterion_id is None or criterion_id not in snapshot.criteria:
        return None
    return snapshot.criteria.index(criterion_id) + 1


def is_paused(snapshot: Snapshot, now: datetime) -> bool:
    """True while a stored pause has not ended."""
    return snapshot.paused_until is not None and snapshot.paused_until > now


def _first_pass_over(snapshot: Snapshot) -> bool:
    """True when every criterion has been answered or skipped at least once."""
    return all(snapshot.given(cid) is not None for cid in snapshot.criteria)
