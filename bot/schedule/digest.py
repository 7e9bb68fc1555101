"""The weekly coordinator digests of a batch of cities, from a fixed number of bulk reads.

For each city: interview progress by area (its open round), the plan's progress by area and the
levels it leads to (its newest plan in a round not archived), who is behind and since when,
milestones due in the next 14 days and overdue ones, the permanent send errors since the last
digest, and what the last digest said.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.schedule.calendar import local_date, working_days_after
from bot.schedule.keys import city_of_target
from bot.schedule.policies import IDLE_WORKING_DAYS
from bot.schedule.views import (
    AreaLine,
    BehindLine,
    DigestView,
    ErrorLine,
    MilestoneLine,
    PreviousDigest,
)
from bot.services.plan import plan_levels
from rubric.schema import Rubric
from storage.enums import AnswerStatus, AssessmentStatus, MilestoneStatus
from storage.models import Answer, Assessment, DigestSnapshot, Milestone, Plan
from storage.repo import digests, sweeps
from storage.repo.sweeps import AssignmentRow, CityRow, LedgerRow, PersonRow

DUE_SOON_DAYS = 14
ERRORS_LOOKBACK = timedelta(days=7)
"""Without an earlier digest, errors of the last week are shown."""


@dataclass(frozen=True)
class DueDigest:
    """A digest to build: the city, the period key, the local day of its slot."""

    city: CityRow
    period_key: str
    day: date


def build_digests(
    session: Session, *, rubric: Rubric, due: Sequence[DueDigest], now: datetime
) -> dict[int, DigestView]:
    """The digest of each city in `due`, by city id (about ten statements for the batch)."""
    city_ids = [d.city.id for d in due]
    rounds = digests.current_rounds(session, city_ids=city_ids)
    plans = digests.plans_of(session, assessment_ids=[r.id for r in rounds if r.id is not None])
    plan_of = _newest_plan_by_city(rounds, plans)
    open_of = {r.city_id: r for r in rounds if r.status == AssessmentStatus.OPEN}
    milestones = digests.milestones_of(
        session, plan_ids=[p.id for p in plan_of.values() if p.id is not None]
    )
    by_plan: dict[int, list[Milestone]] = {}
    for milestone in milestones:
        by_plan.setdefault(milestone.plan_id, []).append(milestone)
    wanted = {p.assessment_id for p in plan_of.values()} | {r.id for r in open_of.values()}
    answers = digests.answers_of(session, assessment_ids=[a for a in wanted if a is not None])
    assignments = sweeps.assignments_of(
        session, assessment_ids=[r.id for r in open_of.values() if r.id is not None]
    )
    previous = digests.latest_snapshots(session, city_ids=city_ids)
    since = min([s.sent_at for s in previous.values()] + [now - ERRORS_LOOKBACK])
    errors = sweeps.permanent_errors_since(session, since=since)
    person_ids = {m.owner_id for m in milestones if m.owner_id is not None}
    person_ids |= {pid for e in errors if (pid := _target_id(e.target, "person")) is not None}
    people = sweeps.people_by_id(session, person_ids=person_ids)
    rounds_by_id = {r.id: r for r in rounds}
    views = {}
    for item in due:
        city = item.city
        plan = plan_of.get(city.id)
        plan_round = rounds_by_id.get(plan.assessment_id) if plan else None
        open_round = open_of.get(city.id)
        views[city.id] = _digest(
            rubric,
            item,
            now=now,
            plan_round=plan_round,
            plan_milestones=by_plan.get(plan.id or -1, []) if plan else [],
            open_round=open_round,
            answers=answers,
            assignments=[a for a in assignments if open_round and a.assessment_id == open_round.id],
            previous=previous.get(city.id),
            errors=errors,
            people=people,
        )
    return views


def _digest(
    rubric: Rubric,
    item: DueDigest,
    *,
    now: datetime,
    plan_round: Assessment | None,
    plan_milestones: Sequence[Milestone],
    open_round: Assessment | None,
    answers: Mapping[int, list[Answer]],
    assignments: Sequence[AssignmentRow],
    previous: DigestSnapshot | None,
    errors: Sequence[LedgerRow],
    people: Mapping[int, PersonRow],
) -> DigestView:
    city, lang = item.city, item.city.language
    today = local_date(now, city.timezone)
    kept = [m for m in plan_milestones if m.status != MilestoneStatus.DROPPED]
    levels = None
    if plan_round is not None and _same_rubric(plan_round, rubric):
        levels = plan_levels(rubric, answers.get(plan_round.id or -1, []), kept)
    answered = None
    if open_round is not None and _same_rubric(open_round, rubric):
        answered = {
            a.criterion_id
            for a in answers.get(open_round.id or -1, [])
            if a.status != AnswerStatus.SKIPPED
        }
    open_ms = [m for m in kept if m.status == MilestoneStatus.OPEN]

    def line(m: Milestone) -> MilestoneLine:
        owner = people.get(m.owner_id) if m.owner_id is not None else None
        return MilestoneLine(
            m.title, owner.name if owner else None, m.due_on, (m.due_on - today).days
        )

    since = previous.sent_at if previous else now - ERRORS_LOOKBACK
    about = {m.id: (m.title, m.owner_id) for m in plan_milestones}
    return DigestView(
        city_id=city.id,
        city_name=city.name,
        lang=lang,
        week=item.period_key,
        day=item.day,
        areas=_areas(rubric, lang, answered, kept),
        behind=_behind(rubric, city, today, answered, assignments),
        done=sum(m.status == MilestoneStatus.DONE for m in kept),
        total=len(kept),
        level_now=levels.now.name.get(lang) if levels and levels.now else None,
        level_all_done=levels.all_done.name.get(lang) if levels and levels.all_done else None,
        level_now_id=levels.now.id if levels and levels.now else None,
        level_all_done_id=levels.all_done.id if levels and levels.all_done else None,
        previous=_previous(rubric, previous, lang, city.timezone),
        due_soon=tuple(line(m) for m in open_ms if 0 <= (m.due_on - today).days <= DUE_SOON_DAYS),
        overdue=tuple(line(m) for m in open_ms if m.due_on < today),
        errors=tuple(
            _error_line(e, people, about, city.timezone)
            for e in errors
            if city_of_target(e.target) == city.id and e.claimed_at >= since
        ),
        has_plan=plan_round is not None,
    )


def _areas(
    rubric: Rubric, lang: str, answered: set[str] | None, kept: Sequence[Milestone]
) -> tuple[AreaLine, ...]:
    lines = []
    for area in rubric.areas:
        ids = {c.id for c in area.criteria}
        mine = [m for m in kept if m.criterion_id in ids]
        lines.append(
            AreaLine(
                name=area.name.get(lang),
                answered=len(ids & answered) if answered is not None else None,
                criteria=len(ids),
                done=sum(m.status == MilestoneStatus.DONE for m in mine),
                planned=len(mine),
            )
        )
    return tuple(lines)


def _behind(
    rubric: Rubric,
    city: CityRow,
    today: date,
    answered: set[str] | None,
    assignments: Sequence[AssignmentRow],
) -> tuple[BehindLine, ...]:
    if answered is None:
        return ()
    people: dict[int, list[AssignmentRow]] = {}
    for row in assignments:
        people.setdefault(row.person.id, []).append(row)
    lines = []
    for rows in people.values():
        areas = {r.area_id for r in rows}
        ids = {c.id for a in rubric.areas if a.id in areas for c in a.criteria}
        unanswered = len(ids - answered)
        first = rows[0]
        if unanswered == 0 or first.completed_at is not None:
            continue
        last = max([r.assigned_at for r in rows] + [first.last_activity_at or rows[0].assigned_at])
        idle = working_days_after(local_date(last, city.timezone), today, city.working_days)
        if idle >= IDLE_WORKING_DAYS:
            active = (
                local_date(first.last_activity_at, city.timezone)
                if first.last_activity_at
                else None
            )
            lines.append(BehindLine(first.person.name, unanswered, active))
    return tuple(sorted(lines, key=lambda b: (b.last_active or date.min, b.name)))


def _previous(
    rubric: Rubric, snapshot: DigestSnapshot | None, lang: str, tz: str
) -> PreviousDigest | None:
    if snapshot is None:
        return None
    names = {level.id: level.name.get(lang) for level in rubric.levels}
    return PreviousDigest(
        day=local_date(snapshot.sent_at, tz),
        level_now=names.get(snapshot.level_now or ""),
        level_all_done=names.get(snapshot.level_all_done or ""),
        done=snapshot.milestones_done,
        total=snapshot.milestones_total,
    )


def _error_line(
    row: LedgerRow,
    people: Mapping[int, PersonRow],
    milestones: Mapping[int | None, tuple[str, int | None]],
    tz: str,
) -> ErrorLine:
    title, owner = milestones.get(_target_id(row.target, "milestone"), (None, None))
    person = _target_id(row.target, "person") or owner
    return ErrorLine(
        kind=row.kind,
        who=people[person].name if person is not None and person in people else None,
        about=title,
        error=(row.error or "").split(":")[0].strip() or "error",
        on=local_date(row.claimed_at, tz),
    )


def _target_id(target: str, part: str) -> int | None:
    for piece in target.split("/"):
        name, _, value = piece.partition(":")
        if name == part and value.isdigit():
            return int(value)
    return None


def _same_rubric(assessment: Assessment, rubric: Rubric) -> bool:
    return (assessment.rubric_id, assessment.rubric_version) == (rubric.id, rubric.version)


def _newest_plan_by_city(rounds: Sequence[Assessment], plans: Sequence[Plan]) -> dict[int, Plan]:
    city_of = {r.id: r.city_id for r in rounds}
    newest: dict[int, Plan] = {}
    for plan in plans:  # oldest first, so the newest wins
        newest[city_of[plan.assessment_id]] = plan
    return newest
