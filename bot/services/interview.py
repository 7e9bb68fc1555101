"""The respondent's interview: one unit of work per click or typed reply.

Each action loads the person's interview with one query (`storage.repo.interviews`), checks
that the person may act on it (their workspace, an open assessment, an area of theirs), runs
the pure engine (`bot.interview.engine.step`), stores what it says (the answer through
`store_answer`, which keeps the history; the place with one upsert) and returns the replies
for the listener to send after the commit. When an answer settles the person's last open
criterion, `bot.services.results.announce_if_complete` decides whether the city's result is due.

A refusal changes nothing, is logged as a security event (`access.deny`) and comes back as a
reason the person can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.interview.engine import step
from bot.interview.model import AddEvidence, Event, Given, Kind, Snapshot, Start, Text
from bot.interview.views import Reply
from bot.services import access, respondents
from bot.services.carry import NOTHING, CarryOver, carry_over
from bot.services.evidence_age import with_stale_evidence
from bot.services.scores import rubric_for
from rubric.registry import RubricRegistry
from rubric.schema import Rubric
from storage.enums import AnswerSource, AnswerStatus, AssessmentStatus
from storage.repo import events, interviews
from storage.repo.interviews import InterviewRows
from storage.session import unit_of_work

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.deps import Deps
    from bot.services.results import ResultAnnouncement

N_ = access.N_

CLOSED = N_(
    "This assessment round is closed, so its answers can no longer change. "
    "Your coordinator can tell you what comes next."
)
NOT_YOUR_AREA = N_(
    "That question is in a practice area that is not assigned to you, so nothing was changed. "
    "Ask your coordinator if it should be yours."
)
NOTHING_ASSIGNED = N_(
    "You have no practice areas to answer right now. "
    "Your coordinator assigns them; you'll get a direct message when one is yours."
)

_SOURCES = {
    "click": AnswerSource.CLICK,
    "typed": AnswerSource.TYPED,
    "edit": AnswerSource.EDIT,
    "carry_over": AnswerSource.CARRY_OVER,
}


@dataclass(frozen=True)
class Outcome:
    """What one action did: the replies to send (or a refusal), and a result to announce."""

    lang: str | None
    """The person's language (their choice, else their Slack locale); None when unknown."""
    replies: tuple[Reply, ...] = ()
    refusal: str | None = None
    """A reason (an untranslated message) shown instead of replies; nothing was changed."""
    announcement: ResultAnnouncement | None = None
    assessment_id: int | None = None
    no_interview: bool = False
    """The person has no open interview (typed text then gets the general help)."""
    rubric: Rubric | None = None
    """The rubric the assessment was taken on, to render the replies (the current one if None)."""


@dataclass(frozen=True)
class Target:
    """Who acts, on which assessment (and criterion): the only ids a request carries."""

    team_id: str | None
    user_id: str
    assessment_id: int
    criterion_id: str | None = None


def interview_action(deps: Deps, target: Target, event: Event, *, now: datetime) -> Outcome:
    """Apply a click (or any event) to the person's interview, in one unit of work."""
    rubric, engine = _needs(deps)
    with unit_of_work(engine) as session:
        return _act(session, deps, rubric, target, event, now)


def resume_interview(
    deps: Deps, *, team_id: str | None, user_id: str, assessment_id: int | None, now: datetime
) -> Outcome:
    """Start or resume where the person left off (in `assessment_id`, else their latest)."""
    rubric, engine = _needs(deps)
    with unit_of_work(engine) as session:
        chosen = assessment_id or _latest_interview(session, team_id, user_id)
        if chosen is None:
            return Outcome(_lang_of(session, team_id, user_id), refusal=NOTHING_ASSIGNED)
        return _act(session, deps, rubric, Target(team_id, user_id, chosen), Start(), now)


def typed_reply(
    deps: Deps, *, team_id: str | None, user_id: str, text: str, event_id: str, now: datetime
) -> Outcome | None:
    """Answer what a person typed in the DM; None for Slack's retry of a handled event."""
    rubric, engine = _needs(deps)
    with unit_of_work(engine) as session:
        if not events.remember_event(session, event_id=event_id, now=now):
            return None
        chosen = _latest_interview(session, team_id, user_id)
        if chosen is None:
            return Outcome(_lang_of(session, team_id, user_id), no_interview=True)
        return _act(session, deps, rubric, Target(team_id, user_id, chosen), Text(text), now)


def load_checked(
    session: Session,
    rubric: Rubric,
    target: Target,
    *,
    action: str,
    rubrics: RubricRegistry | None = None,
) -> tuple[InterviewRows | None, str | None]:
    """The person's interview rows and None, or a refusal reason (logged) and maybe no rows.

    `rubric` is the current rubric; a round taken on another version is checked against that
    version from `rubrics`."""
    rows = None
    if target.team_id:
        rows = interviews.load_interview(
            session,
            slack_team_id=target.team_id,
            slack_user_id=target.user_id,
            assessment_id=target.assessment_id,
        )
    actor = access.Actor(
        target.team_id,
        target.user_id,
        rows.workspace if rows else None,
        rows.person if rows else None,
    )
    where = f"assessment:{target.assessment_id}" + (
        f" criterion:{target.criterion_id}" if target.criterion_id else ""
    )
    reason = _refusal(rows, rubric, target, rubrics)
    if reason is not None:
        city_id = rows.city.id if rows and rows.city else None
        denied = access.deny(reason, action=action, actor=actor, city_id=city_id, target=where)
        return rows, denied.reason
    return rows, None


def snapshot_of(rows: InterviewRows, rubric: Rubric, carry: CarryOver = NOTHING) -> Snapshot:
    """The engine's view of stored rows (with what the round carries over from the last)."""
    assert rows.assessment is not None and rows.assessment.id is not None
    answers = {
        row.criterion_id: Given(
            Kind(AnswerStatus(row.status).value),
            frozenset(row.ticked or ()),
            row.note,
            tuple(link["url"] for link in row.evidence or ()),
        )
        for row in respondents.seen_answers(rubric, rows)
    }
    progress = rows.progress
    return Snapshot(
        assessment_id=rows.assessment.id,
        criteria=respondents.assigned_to(rubric, rows),
        answers=answers,
        cursor=progress.current_criterion_id if progress else None,
        paused_until=progress.paused_until if progress else None,
        completed=progress is not None and progress.completed_at is not None,
        timezone=rows.person.timezone or (rows.city.timezone if rows.city else "UTC"),
        previous=carry.answers,
        fresh=carry.fresh,
    )


def language_of(rows: InterviewRows | None) -> str | None:
    """The language to speak to the person in: their choice, else their Slack locale."""
    if rows is None:
        return None
    return rows.person.language or rows.person.locale


# ---- internals ------------------------------------------------------------------------------


def _needs(deps: Deps) -> tuple[Rubric, Engine]:
    if deps.rubric is None or deps.engine is None:
        raise RuntimeError("the interview needs a database and a rubric; neither may be None")
    return deps.rubric, deps.engine


def _act(
    session: Session, deps: Deps, rubric: Rubric, target: Target, event: Event, now: datetime
) -> Outcome:
    criterion_id = getattr(event, "criterion_id", None)
    target = Target(target.team_id, target.user_id, target.assessment_id, criterion_id)
    rows, refusal = load_checked(
        session, rubric, target, action=f"interview.{type(event).__name__}", rubrics=deps.rubrics
    )
    if refusal is not None or rows is None:
        return Outcome(language_of(rows), refusal=refusal or access.NOT_A_MEMBER)
    assert rows.assessment is not None and rows.person.id is not None
    rubric = rubric_for(rows.assessment, rubric, deps.rubrics)
    carry = carry_over(session, assessment=rows.assessment, rubric=rubric, rubrics=deps.rubrics)
    snapshot = snapshot_of(rows, rubric, carry)
    seen = {a.criterion_id: a.evidence for a in respondents.seen_answers(rubric, rows)}
    months = deps.settings.evidence_max_age_months
    snapshot = with_stale_evidence(snapshot, seen, carry.evidence_dates, months=months, now=now)
    done = step(snapshot, event, rubric, now)
    agreed = False
    if done.answer is not None:
        w = done.answer
        agreed = respondents.save_answer(
            session,
            rows=rows,
            rubric=rubric,
            criterion_id=w.criterion_id,
            ticked=sorted(w.ticked),
            status=AnswerStatus(w.kind.value),
            note=w.note,
            evidence=list(w.evidence),
            now=now,
            source=_SOURCES[w.source],
            evidence_dates=carry.evidence_dates.get(w.criterion_id),
            regiven=event.links if isinstance(event, AddEvidence) else (),
        )
    if done.place is not None:
        was = rows.progress.completed_at if rows.progress else None
        interviews.save_place(
            session,
            person_id=rows.person.id,
            assessment_id=target.assessment_id,
            current_criterion_id=done.place.cursor,
            paused_until=done.place.paused_until,
            completed_at=(was or now) if done.place.completed else None,
            now=now,
        )
    announcement = None
    if done.finished or agreed:  # respondents who now agree may complete the round
        from bot.services.results import announce_if_complete

        announcement = announce_if_complete(
            session, deps=deps, assessment_id=target.assessment_id, now=now
        )
    return Outcome(
        language_of(rows),
        done.replies,
        announcement=announcement,
        assessment_id=target.assessment_id,
        rubric=rubric,
    )


def _refusal(
    rows: InterviewRows | None,
    rubric: Rubric,
    target: Target,
    rubrics: RubricRegistry | None = None,
) -> str | None:
    if rows is None:
        return access.NOT_A_MEMBER
    assessment, city = rows.assessment, rows.city
    if assessment is None or city is None or city.workspace_id != rows.workspace.id:
        return access.NOT_YOURS
    if not rows.assigned:
        return access.NOT_YOURS
    if assessment.status != AssessmentStatus.OPEN:
        return CLOSED
    if target.criterion_id is not None:
        rubric = rubric_for(assessment, rubric, rubrics)
        try:
            area = rubric.area_of(target.criterion_id)
        except KeyError:
            return access.NOT_YOURS
        if area.id not in rows.area_ids and target.criterion_id not in rows.criterion_ids:
            return NOT_YOUR_AREA
    return None


def _latest_interview(session: Session, team_id: str | None, user_id: str) -> int | None:
    actor = access.find_actor(session, team_id=team_id, user_id=user_id)
    if actor.person is None or actor.person.id is None:
        return None
    found = interviews.open_interviews(session, person_id=actor.person.id)
    return found[0] if found else None


def _lang_of(session: Session, team_id: str | None, user_id: str) -> str | None:
    person = access.find_actor(session, team_id=team_id, user_id=user_id).person
    return (person.language or person.locale) if person else None


def refuse_malformed(team_id: str | None, user_id: str, *, action: str, value: str) -> Outcome:
    """A click whose value is not "<assessment id>:<criterion id>": refused and logged."""
    actor = access.Actor(team_id, user_id, None, None)
    denied = access.deny(access.NOT_YOURS, action=action, actor=actor, target=value[:80])
    return Outcome(None, refusal=denied.reason)
