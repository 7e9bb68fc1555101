"""Targeted re-checks: a milestone toward a criterion is done, so its respondent is asked again.

`request_recheck` runs in the unit of work that marks the milestone done: it records one pending
re-check per milestone (a second Done, or two at once, asks once), for the city's latest round,
of the person who last answered the criterion there (else someone assigned its area, else a
coordinator). The scheduler sends it (`bot.schedule.rechecks`). `answer_recheck` is one click
on it: "Still the same" keeps the answer and records the confirmation in its history; Save,
None of these or Not sure store a new answer, and the city's coordinators are then shown the
change in the criterion, the score and the level. Each function's caller commits.

A criterion several people answer (`bot.services.respondents`) keeps its rules on a re-check:
- A new answer from one of its respondents is their own answer (`respondents.save_answer`,
  with their own note and links): compared with the others', agreement makes it the city's
  answer and a difference opens a disagreement for the coordinators. The re-check is "changed"
  when their own answer changed; the coordinators are shown a score change only when the
  city's answer changed.
- A new answer from someone who is not one of its respondents (a coordinator, or the person
  who answered it last and no longer does) settles it: it becomes the city's answer (history
  source `settled`), and an open disagreement is closed as accepted, by them. A respondent who
  changes their own answer later is compared again as usual.
- "Still the same" confirms the city's answer, so it needs one: while a disagreement is open
  there is none to keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from sqlmodel import Session

from bot.interview.model import Kind
from bot.interview.views import Record
from bot.services import access, respondents
from bot.services.score_change import ScoreChange, result_record, score_change
from bot.services.scores import rubric_for, score_rows
from rubric.schema import Rubric
from storage.enums import (
    AnswerSource,
    AnswerStatus,
    AssessmentStatus,
    RecheckStatus,
    Resolution,
    Role,
)
from storage.models import Answer, Assessment, City, Milestone, Person, Recheck, RespondentAnswer
from storage.repo import RecordNotFoundError, assessments, interviews, orgs, rechecks
from storage.repo import answers as answer_repo
from storage.repo import disagreements as disagreement_repo
from storage.repo import respondents as respondent_repo
from storage.session import unit_of_work

if TYPE_CHECKING:
    from bot.deps import Deps
    from bot.services.results import ResultAnnouncement

N_ = access.N_

RECHECK_GONE = N_("That re-check is no longer there, so nothing was changed.")
NOT_YOUR_RECHECK = N_(
    "This question was sent to someone else; only they or one of the city's coordinators can "
    "answer it, so nothing was changed."
)
ROUND_ARCHIVED = N_("That assessment round is archived, so its answers can no longer change.")
ALREADY_ANSWERED = N_(
    "This question was already answered after the milestone, so nothing more was changed. "
    "`/citycheck status` shows where the city stands."
)
NOTHING_TO_KEEP = N_(
    "There is no answer to keep yet: tick what is in place and click Save, or click None of "
    "these or Not sure."
)


class Choice(StrEnum):
    """What the person clicked on the re-check."""

    SAME = "same"
    SAVE = "save"
    NONE = "none"
    UNSURE = "unsure"


@dataclass(frozen=True)
class RecheckOutcome:
    """One click on a re-check: the record that replaces it, a change to tell, or a refusal."""

    lang: str | None
    rubric: Rubric | None = None
    record: Record | None = None
    confirmed: bool = False
    """True for "Still the same" (or a save that left the answer as it was)."""
    change: ScoreChange | None = None
    refusal: str | None = None
    """A message id shown instead (nothing was changed)."""
    announcement: ResultAnnouncement | None = None
    """The round's result, when this answer completed an open round (posted once)."""


def request_recheck(
    session: Session,
    *,
    rubric: Rubric,
    milestone: Milestone,
    city: City,
    now: datetime,
) -> Recheck | None:
    """Record the re-check a done milestone asks for; None when there is nothing to ask (the
    criterion is not in the rubric, nobody can answer) or it was asked for already."""
    assert milestone.id is not None and city.id is not None
    latest = assessments.latest_assessment(session, city_id=city.id)
    if latest is None or latest.id is None or latest.status == AssessmentStatus.ARCHIVED:
        return None
    cid = milestone.criterion_id
    try:
        area_id = rubric.area_of(cid).id
    except KeyError:
        return None
    person_id = _respondent(session, latest.id, cid, area_id, city.id)
    if person_id is None:
        return None
    return rechecks.request_recheck(
        session,
        milestone_id=milestone.id,
        assessment_id=latest.id,
        criterion_id=cid,
        person_id=person_id,
        now=now,
    )


def answer_recheck(
    deps: Deps,
    *,
    team_id: str | None,
    user_id: str,
    recheck_id: int,
    choice: Choice,
    ticked: frozenset[str],
    now: datetime,
) -> RecheckOutcome:
    """Store one click on a re-check (in one unit of work) and say what to show."""
    if deps.engine is None or deps.rubric is None:
        raise RuntimeError("re-checks need a database and a rubric")
    with unit_of_work(deps.engine) as session:
        actor = access.find_actor(session, team_id=team_id, user_id=user_id)
        lang = (actor.person.language or actor.person.locale) if actor.person else None
        found = _authorized(session, actor, recheck_id)
        if isinstance(found, str):
            return RecheckOutcome(lang, refusal=found)
        recheck, assessment, city, person = found
        if recheck.status == RecheckStatus.CANCELLED:
            return RecheckOutcome(lang, refusal=ROUND_ARCHIVED)
        if recheck.status != RecheckStatus.PENDING:
            return RecheckOutcome(lang, refusal=ALREADY_ANSWERED)
        if assessment.status == AssessmentStatus.ARCHIVED:
            rechecks.finish_recheck(
                session, recheck=recheck, status=RecheckStatus.CANCELLED, person_id=None, now=now
            )
            return RecheckOutcome(lang, refusal=ROUND_ARCHIVED)
        rubric = rubric_for(assessment, deps.rubric, deps.rubrics)
        assert actor.workspace is not None
        team = actor.workspace.slack_team_id
        stored = _store(
            session, rubric, recheck, assessment, city, person, choice, ticked, now, team
        )
        if isinstance(stored, str):
            return RecheckOutcome(lang, refusal=stored)
        record, confirmed, change = stored
        announcement = None
        if assessment.status == AssessmentStatus.OPEN and assessment.id is not None:
            from bot.services.results import announce_if_complete

            announcement = announce_if_complete(
                session, deps=deps, assessment_id=assessment.id, now=now
            )
        return RecheckOutcome(lang, rubric, record, confirmed, change, announcement=announcement)


# ---- internals ------------------------------------------------------------------------------


def _respondent(
    session: Session, assessment_id: int, criterion_id: str, area_id: str, city_id: int
) -> int | None:
    answer = answer_repo.get_answer(session, assessment_id=assessment_id, criterion_id=criterion_id)
    if answer is not None and answer.answered_by_id is not None:
        return answer.answered_by_id
    assigned = assessments.assignees(session, assessment_id=assessment_id, area_id=area_id)
    if assigned and assigned[0].id is not None:
        return assigned[0].id
    coordinators = orgs.people_with_role(session, city_id=city_id, role=Role.COORDINATOR)
    return coordinators[0].id if coordinators else None


def _authorized(
    session: Session, actor: access.Actor, recheck_id: int
) -> tuple[Recheck, Assessment, City, Person] | str:
    """The re-check and its round, city and the acting person, or a refusal (logged)."""
    target = f"recheck:{recheck_id}"
    person = actor.person
    if person is None or person.id is None or actor.workspace is None:
        return access.deny(access.NOT_A_MEMBER, action="recheck", actor=actor, target=target).reason
    try:
        recheck = rechecks.get_recheck(session, recheck_id=recheck_id, for_update=True)
    except RecordNotFoundError:
        return access.deny(RECHECK_GONE, action="recheck", actor=actor, target=target).reason
    assessment = session.get(Assessment, recheck.assessment_id)
    city = session.get(City, assessment.city_id) if assessment else None
    if assessment is None or city is None or city.id is None:
        return access.deny(RECHECK_GONE, action="recheck", actor=actor, target=target).reason
    mine = city.workspace_id == actor.workspace.id and (
        recheck.person_id == person.id
        or Role.COORDINATOR in orgs.roles_of(session, city_id=city.id, person_id=person.id)
    )
    if not mine:
        denied = access.deny(
            NOT_YOUR_RECHECK, action="recheck", actor=actor, city_id=city.id, target=target
        )
        return denied.reason
    return recheck, assessment, city, person


def _store(
    session: Session,
    rubric: Rubric,
    recheck: Recheck,
    assessment: Assessment,
    city: City,
    person: Person,
    choice: Choice,
    ticked: frozenset[str],
    now: datetime,
    team_id: str,
) -> tuple[Record, bool, ScoreChange | None] | str:
    """Keep or change the answer; (its record, confirmed, the change) or a refusal."""
    assert assessment.id is not None and person.id is not None
    cid = recheck.criterion_id
    rows = answer_repo.answers_for_assessment(session, assessment_id=assessment.id)
    current = next((a for a in rows if a.criterion_id == cid), None)
    before = score_rows(rubric, rows)
    settled = current is not None and AnswerStatus(current.status) != AnswerStatus.SKIPPED
    own: RespondentAnswer | None = None
    city_changed = False
    if choice is Choice.SAME and (current is None or not settled):
        return NOTHING_TO_KEEP
    if choice is Choice.SAME:
        assert current is not None
        answer_repo.confirm_answer(
            session, answer=current, person_id=person.id, now=now, source=AnswerSource.RECHECK
        )
        changed = False
    else:
        items = {item.id for item in rubric.criterion(cid).checklist}
        given = _Given(
            {Choice.UNSURE: AnswerStatus.UNSURE}.get(choice, AnswerStatus.ANSWERED),
            sorted(set() if choice is Choice.NONE else ticked & items),
        )
        old = answer_repo.answer_value(current) if current is not None else None
        own, own_changed = _save(session, rubric, assessment, person, team_id, cid, given, now)
        saved = answer_repo.get_answer(session, assessment_id=assessment.id, criterion_id=cid)
        new = answer_repo.answer_value(saved) if saved is not None else None
        city_changed = old != new
        changed = own_changed or city_changed
        kept = saved is not None and AnswerStatus(saved.status) != AnswerStatus.SKIPPED
        if not changed and kept:  # saved as it was: a confirmation all the same
            assert saved is not None
            answer_repo.confirm_answer(
                session, answer=saved, person_id=person.id, now=now, source=AnswerSource.RECHECK
            )
        current = saved
    after_rows = answer_repo.answers_for_assessment(session, assessment_id=assessment.id)
    after = score_rows(rubric, after_rows)
    result = result_record(before, after, cid)
    status = RecheckStatus.CHANGED if changed else RecheckStatus.CONFIRMED
    rechecks.finish_recheck(
        session, recheck=recheck, status=status, person_id=person.id, now=now, result=result
    )
    shown: Answer | RespondentAnswer | None = own or current
    assert shown is not None
    scored = after.criteria[cid]
    if own is not None:  # their own answer, scored as if it were the city's
        others = [a for a in after_rows if a.criterion_id != cid]
        scored = score_rows(rubric, [*others, cast(Answer, own)]).criteria[cid]
    record = Record(
        assessment.id,
        cid,
        Kind(AnswerStatus(shown.status).value),
        frozenset(shown.ticked),
        scored.answer_status,
        scored.required,
        len(rubric.criterion(cid).checklist),
        scored.blocked_by,
        changed=changed,
        evidence_count=len(shown.evidence),
    )
    told = city_changed  # the coordinators are shown a change of the city's answer
    change = score_change(session, rubric, recheck, city, person, before, after) if told else None
    return record, not changed, change


@dataclass(frozen=True)
class _Given:
    """A new answer clicked on a re-check."""

    status: AnswerStatus
    ticked: list[str]


def _save(
    session: Session,
    rubric: Rubric,
    assessment: Assessment,
    person: Person,
    team_id: str,
    cid: str,
    given: _Given,
    now: datetime,
) -> tuple[RespondentAnswer | None, bool]:
    """Store a new answer by the criterion's respondents' rules: (the person's own answer when
    they share the criterion, whether it changed)."""
    assert assessment.id is not None and person.id is not None
    rows = interviews.load_interview(
        session, slack_team_id=team_id, slack_user_id=person.slack_user_id,
        assessment_id=assessment.id,
    )  # fmt: skip
    current = answer_repo.get_answer(session, assessment_id=assessment.id, criterion_id=cid)
    kept = _kept(current)
    common: dict[str, Any] = {"ticked": given.ticked, "status": given.status, "now": now}
    if rows is not None and cid in respondents.assigned_to(rubric, rows):
        shared = cid in respondents.shared_criteria(rubric, rows)
        mine = rows.own.get(cid)
        if shared:  # their own note and links, never the others'
            kept = _kept(mine)
        respondents.save_answer(
            session, rows=rows, rubric=rubric, criterion_id=cid, source=AnswerSource.RECHECK,
            **common, **kept,
        )  # fmt: skip
        if not shared:
            return None, False
        own = respondent_repo.own_answers(
            session, assessment_id=assessment.id, person_id=person.id, criterion_id=cid
        ).get(cid)
        return own, own is not mine
    area_id = rubric.area_of(cid).id
    people = respondent_repo.respondents_of(
        session, assessment_id=assessment.id, area_id=area_id, criterion_id=cid
    )
    if len(people) < 2:
        answer_repo.record_answer(
            session, assessment_id=assessment.id, criterion_id=cid, person_id=person.id,
            source=AnswerSource.RECHECK, **common, **kept,
        )  # fmt: skip
        return None, False
    respondents.lock_assessment(session, assessment.id)
    answer_repo.record_answer(
        session, assessment_id=assessment.id, criterion_id=cid, person_id=person.id,
        source=AnswerSource.SETTLED, **common, **kept,
    )  # fmt: skip
    open_ = disagreement_repo.open_of(
        session, assessment_id=assessment.id, criterion_id=cid, for_update=True
    )
    if open_ is not None:
        disagreement_repo.settle(
            session, disagreement=open_, resolution=Resolution.ACCEPTED, now=now,
            settled_by_id=person.id,
        )  # fmt: skip
    return None, False


def _kept(row: Answer | RespondentAnswer | None) -> dict[str, Any]:
    """The note and links a re-check's new answer keeps from an earlier one."""
    if row is None:
        return {"note": None, "evidence": []}
    return {"note": row.note, "evidence": [link["url"] for link in row.evidence]}
