"""The improvement plan: milestones proposed from a scored round, reviewed, stored, shown.

Proposals come first from the gap to the next level (each gap criterion's chosen next step),
then from the next steps of the other unmet criteria. Each is due at its step's horizon (3, 6
or 12 months) from today in the city's timezone, and titled from the step's action, its first
deliverable and the criterion. The levels a plan leads to are computed with the rubric's own
scoring: with the done milestones' criteria met (where the city stands now) and with every
milestone's (where it stands when all are done).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.schedule.calendar import add_months, local_date
from bot.services.access import N_, Actor, deny, require_role
from bot.services.scores import rubric_answers, rubric_for, score_and_gap
from rubric.planning import Gap
from rubric.registry import RubricRegistry
from rubric.schema import Level, NextStep, Rubric
from rubric.scoring import Answer as RubricAnswer
from rubric.scoring import CriterionStatus, Score, score
from storage.enums import MilestoneStatus, Role
from storage.models import Answer, Assessment, City, Milestone, Person, Plan
from storage.repo import answers as answer_repo
from storage.repo import orgs, plans

TITLE_MAX = 300
OWNER_ROLES = (Role.LEADER, Role.COORDINATOR)
"""Who may own a milestone: the city's leaders, and its coordinators when there is no leader."""

NO_ROUND = N_("That assessment is no longer there, so there is nothing to plan from.")
PICK_ONE = N_("Tick at least one milestone to create the plan.")
NOT_AN_OWNER = N_(
    "The person chosen is not one of {city}'s leaders or coordinators. Choose one of: {names}."
)
NO_OWNER = N_("Choose who owns this milestone.")
NO_DATE = N_("Choose a due date.")
PAST_DATE = N_("Choose a due date from today on.")


@dataclass(frozen=True)
class ProposedMilestone:
    """A milestone the review modal offers, included by default."""

    criterion_id: str
    area_id: str
    title: str
    due_on: date
    horizon_months: int
    in_gap: bool
    core: bool


@dataclass(frozen=True)
class PlanLevels:
    """Levels by rubric scoring: answers alone, with done milestones, with all milestones."""

    current: Level | None
    now: Level | None
    all_done: Level | None


@dataclass(frozen=True)
class PlanProposal:
    """What the review modal shows: proposals, default owners (Slack ids), the levels."""

    assessment_id: int
    city_name: str
    lang: str
    today: date
    milestones: tuple[ProposedMilestone, ...]
    owners: Mapping[str, str | None]
    owner_names: tuple[str, ...]
    current_level: str | None
    target_level: str | None


@dataclass(frozen=True)
class MilestoneView:
    """One milestone as people see it."""

    id: int
    criterion_id: str
    area_id: str
    area_name: str
    title: str
    owner_id: int | None
    owner_name: str | None
    owner_slack_id: str | None
    due_on: date
    status: MilestoneStatus
    days_left: int
    """Days until the due date in the city's calendar (negative when overdue)."""
    evidence_url: str | None = None
    snoozed_until: date | None = None
    """The day reminders resume (the city's calendar), while a snooze lasts."""


@dataclass(frozen=True)
class PlanView:
    """A plan and its progress: milestones, how many are done, the levels it leads to."""

    plan_id: int
    assessment_id: int
    city_id: int
    city_name: str
    lang: str
    milestones: tuple[MilestoneView, ...]
    done: int
    total: int
    level_current: str | None
    level_now: str | None
    level_all_done: str | None
    level_now_id: str | None = None
    level_all_done_id: str | None = None

    def for_owner(self, person_id: int) -> tuple[MilestoneView, ...]:
        """The milestones one person owns."""
        return tuple(m for m in self.milestones if m.owner_id == person_id)


@dataclass(frozen=True)
class MilestoneChoice:
    """What the coordinator chose for one proposed milestone in the review modal."""

    criterion_id: str
    include: bool
    owner_slack_id: str | None
    due_on: date | None


@dataclass(frozen=True)
class ReviewProblems:
    """Choices that cannot be stored: `(criterion id or "", field) -> (message id, params)`."""

    problems: Mapping[tuple[str, str], tuple[str, Mapping[str, str]]]


@dataclass(frozen=True)
class CreatedPlan:
    """A plan just stored; `owners` are the people to tell about their milestones."""

    view: PlanView
    owners: tuple[Person, ...]


def milestone_title(criterion_id: str, step: NextStep, lang: str) -> str:
    """`<action>: <deliverable> (<criterion>)`, in the city's language, within the column size."""
    text = f"{step.action.get(lang)}: {step.deliverable.get(lang)}"
    suffix = f" ({criterion_id})"
    if len(text) + len(suffix) > TITLE_MAX:
        text = text[: TITLE_MAX - len(suffix) - 1] + "…"
    return text + suffix


def propose_milestones(
    rubric: Rubric, result: Score, gap: Gap, *, today: date, lang: str
) -> tuple[ProposedMilestone, ...]:
    """The gap's criteria first, then every other unmet criterion, in the rubric's order."""
    chosen: list[tuple[str, NextStep, bool]] = [
        (item.criterion_id, item.next_step, True) for item in gap.items
    ]
    taken = {cid for cid, _, _ in chosen} | set(gap.unblocked)
    for criterion in rubric.criteria():
        found = result.criteria[criterion.id]
        if criterion.id in taken or found.met or found.answer_status is CriterionStatus.MET:
            continue
        chosen.append((criterion.id, criterion.next_steps[0], False))
    proposals = []
    for cid, step, in_gap in chosen:
        criterion = rubric.criterion(cid)
        proposals.append(
            ProposedMilestone(
                criterion_id=cid,
                area_id=rubric.area_of(cid).id,
                title=milestone_title(cid, step, lang),
                due_on=add_months(today, step.horizon_months),
                horizon_months=step.horizon_months,
                in_gap=in_gap,
                core=criterion.core,
            )
        )
    return tuple(proposals)


def default_owners(
    proposals: Sequence[ProposedMilestone], leaders: Sequence[Person], fallback: Person | None
) -> dict[str, Person | None]:
    """Leaders in turn (the work shared out), or the fallback person when the city has none."""
    if not leaders:
        return {p.criterion_id: fallback for p in proposals}
    return {p.criterion_id: leaders[i % len(leaders)] for i, p in enumerate(proposals)}


def plan_levels(
    rubric: Rubric, answers: Iterable[Answer], milestones: Iterable[Milestone]
) -> PlanLevels:
    """The levels reached from the answers, with done milestones met, with all of them met."""
    known = {c.id: frozenset(it.id for it in c.checklist) for c in rubric.criteria()}
    base = {
        cid: RubricAnswer(ticked=a.ticked & known[cid], unsure=a.unsure)
        for cid, a in rubric_answers(answers).items()
        if cid in known
    }
    kept = [
        m for m in milestones if m.status != MilestoneStatus.DROPPED and m.criterion_id in known
    ]
    done = {m.criterion_id for m in kept if m.status == MilestoneStatus.DONE}
    every = {m.criterion_id for m in kept}

    def level_with(met: set[str]) -> Level | None:
        answers_met = dict(base)
        for cid in met:
            answers_met[cid] = RubricAnswer(ticked=known[cid])
        return score(rubric, answers_met).level

    return PlanLevels(current=level_with(set()), now=level_with(done), all_done=level_with(every))


def city_today(city: City, now: datetime) -> date:
    """Today's date in the city's timezone."""
    return local_date(now, city.timezone)


def proposal_for(
    session: Session,
    *,
    rubric: Rubric,
    actor: Actor,
    assessment_id: int,
    now: datetime,
    rubrics: RubricRegistry | None = None,
) -> PlanProposal | PlanView:
    """The review proposal of a round, or its existing plan (a plan is never made twice);
    the round is read on its own rubric version (`rubric`, or that version in `rubrics`)."""
    assessment, city, person = _coordinator_round(session, actor, assessment_id, "plan_create")
    existing = plans.latest_plan(session, assessment_id=assessment_id)
    if existing is not None:
        return plan_view(session, rubric=_own(assessment, rubric, rubrics), plan=existing, now=now)
    rubric = rubric_for(assessment, rubric, rubrics)
    result, gap = score_and_gap(session, rubric=rubric, assessment=assessment)
    today = city_today(city, now)
    proposals = propose_milestones(rubric, result, gap, today=today, lang=city.language)
    owners = _owner_candidates(session, city)
    chosen = default_owners(proposals, owners[Role.LEADER], person)
    names = tuple(p.display_name for p in owners[Role.LEADER] or owners[Role.COORDINATOR])
    return PlanProposal(
        assessment_id=assessment_id,
        city_name=city.name,
        lang=city.language,
        today=today,
        milestones=proposals,
        owners={cid: (p.slack_user_id if p else None) for cid, p in chosen.items()},
        owner_names=names,
        current_level=_level_name(result.level, city.language),
        target_level=_level_name(gap.target, city.language),
    )


def create_plan(
    session: Session,
    *,
    rubric: Rubric,
    actor: Actor,
    assessment_id: int,
    choices: Sequence[MilestoneChoice],
    now: datetime,
    rubrics: RubricRegistry | None = None,
) -> CreatedPlan | ReviewProblems | PlanView:
    """Store the reviewed plan; the problems to show instead; or the plan someone made first
    (the round read on its own rubric version: `rubric`, or that version in `rubrics`)."""
    assessment, city, person = _coordinator_round(
        session, actor, assessment_id, "plan_submit", lock=True
    )
    existing = plans.latest_plan(session, assessment_id=assessment_id)
    if existing is not None:
        return plan_view(session, rubric=_own(assessment, rubric, rubrics), plan=existing, now=now)
    rubric = rubric_for(assessment, rubric, rubrics)
    assert city.id is not None
    today = city_today(city, now)
    owners = _owner_candidates(session, city)
    allowed = {p.slack_user_id: p for role in OWNER_ROLES for p in owners[role]}
    names = ", ".join(p.display_name for p in owners[Role.LEADER] or owners[Role.COORDINATOR])
    problems: dict[tuple[str, str], tuple[str, Mapping[str, str]]] = {}
    known = {c.id for c in rubric.criteria()}
    picked = [c for c in choices if c.include and c.criterion_id in known]
    if not picked:
        problems[("", "include")] = (PICK_ONE, {})
    for choice in picked:
        if choice.owner_slack_id is None:
            problems[(choice.criterion_id, "owner")] = (NO_OWNER, {})
        elif choice.owner_slack_id not in allowed:
            params = {"city": city.name, "names": names}
            problems[(choice.criterion_id, "owner")] = (NOT_AN_OWNER, params)
        if choice.due_on is None:
            problems[(choice.criterion_id, "due")] = (NO_DATE, {})
        elif choice.due_on < today:
            problems[(choice.criterion_id, "due")] = (PAST_DATE, {})
    if problems:
        return ReviewProblems(problems)
    assert person.id is not None
    plan = plans.create_plan(session, assessment_id=assessment_id, created_by_id=person.id, now=now)
    assert plan.id is not None
    for choice in picked:
        assert choice.due_on is not None and choice.owner_slack_id is not None
        step = rubric.criterion(choice.criterion_id).next_steps[0]
        plans.add_milestone(
            session,
            plan_id=plan.id,
            criterion_id=choice.criterion_id,
            title=milestone_title(choice.criterion_id, step, city.language),
            due_on=choice.due_on,
            owner_id=allowed[choice.owner_slack_id].id,
            now=now,
        )
    owners_told = {
        allowed[c.owner_slack_id].id: allowed[c.owner_slack_id] for c in picked if c.owner_slack_id
    }
    view = plan_view(session, rubric=rubric, plan=plan, now=now)
    return CreatedPlan(view=view, owners=tuple(owners_told.values()))


def _own(assessment: Assessment, rubric: Rubric, rubrics: RubricRegistry | None) -> Rubric:
    """The round's own rubric version when loaded, else `rubric` (a plan view copes with both)."""
    found = rubrics.find(assessment.rubric_id, assessment.rubric_version) if rubrics else None
    return found or rubric


def plan_view(session: Session, *, rubric: Rubric, plan: Plan, now: datetime) -> PlanView:
    """A plan with its milestones, owners, progress and levels, in the city's language."""
    assert plan.id is not None
    assessment = session.get(Assessment, plan.assessment_id)
    assert assessment is not None and assessment.id is not None
    city = orgs.get_city(session, city_id=assessment.city_id)
    milestones = plans.milestones_of_plan(session, plan_id=plan.id)
    owner_ids = {m.owner_id for m in milestones if m.owner_id is not None}
    people = {pid: orgs.get_person(session, person_id=pid) for pid in owner_ids}
    answers = answer_repo.answers_for_assessment(session, assessment_id=assessment.id)
    return build_plan_view(
        rubric,
        plan=plan,
        city=city,
        milestones=milestones,
        people=people,
        answers=answers,
        today=city_today(city, now),
        rubric_matches=(assessment.rubric_id, assessment.rubric_version)
        == (rubric.id, rubric.version),
    )


def build_plan_view(
    rubric: Rubric,
    *,
    plan: Plan,
    city: City,
    milestones: Sequence[Milestone],
    people: Mapping[int, Person],
    answers: Iterable[Answer],
    today: date,
    rubric_matches: bool = True,
) -> PlanView:
    """A plan's view from its rows (no queries): the scheduler builds digests with it too."""
    assert plan.id is not None and city.id is not None
    lang = city.language
    views = tuple(
        milestone_view(rubric, m, people.get(m.owner_id or -1), today, lang, city.timezone)
        for m in milestones
    )
    kept = [m for m in milestones if m.status != MilestoneStatus.DROPPED]
    levels = plan_levels(rubric, answers, milestones) if rubric_matches else None
    return PlanView(
        plan_id=plan.id,
        assessment_id=plan.assessment_id,
        city_id=city.id,
        city_name=city.name,
        lang=lang,
        milestones=views,
        done=sum(m.status == MilestoneStatus.DONE for m in kept),
        total=len(kept),
        level_current=_level_name(levels.current, lang) if levels else None,
        level_now=_level_name(levels.now, lang) if levels else None,
        level_all_done=_level_name(levels.all_done, lang) if levels else None,
        level_now_id=levels.now.id if levels and levels.now else None,
        level_all_done_id=levels.all_done.id if levels and levels.all_done else None,
    )


def milestone_view(
    rubric: Rubric,
    milestone: Milestone,
    owner: Person | None,
    today: date,
    lang: str,
    tz: str = "UTC",
) -> MilestoneView:
    """One milestone as people see it."""
    assert milestone.id is not None
    try:
        area = rubric.area_of(milestone.criterion_id)
        area_id, area_name = area.id, area.name.get(lang)
    except KeyError:
        area_id, area_name = "", ""
    resume = milestone.snoozed_until
    snoozed = local_date(resume, tz) if resume is not None else None
    return MilestoneView(
        id=milestone.id,
        criterion_id=milestone.criterion_id,
        area_id=area_id,
        area_name=area_name,
        title=milestone.title,
        owner_id=milestone.owner_id,
        owner_name=owner.display_name if owner else None,
        owner_slack_id=owner.slack_user_id if owner else None,
        due_on=milestone.due_on,
        status=MilestoneStatus(milestone.status),
        days_left=(milestone.due_on - today).days,
        evidence_url=milestone.evidence_url,
        snoozed_until=snoozed if snoozed is not None and snoozed > today else None,
    )


def _level_name(level: Level | None, lang: str) -> str | None:
    return level.name.get(lang) if level is not None else None


def _owner_candidates(session: Session, city: City) -> dict[Role, list[Person]]:
    assert city.id is not None
    return {
        role: orgs.people_with_role(session, city_id=city.id, role=role) for role in OWNER_ROLES
    }


def _coordinator_round(
    session: Session, actor: Actor, assessment_id: int, action: str, *, lock: bool = False
) -> tuple[Assessment, City, Person]:
    """The round, its city and the acting coordinator; AccessDenied for anyone else."""
    assessment = session.get(Assessment, assessment_id, with_for_update=lock)
    if assessment is None:
        raise deny(NO_ROUND, action=action, actor=actor, target=f"assessment:{assessment_id}")
    person = require_role(
        session, actor=actor, city_id=assessment.city_id, roles=[Role.COORDINATOR], action=action
    )
    city = orgs.get_city(session, city_id=assessment.city_id)
    return assessment, city, person
