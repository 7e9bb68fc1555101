"""A city's report as data: the round, its score, every criterion's answer, the plan, the peers.

`build_city_report` reads everything a report shows with a fixed number of queries, whatever
the number of answers, people or milestones; the renderers (text, CSV, JSON, HTML, chart) are
pure functions of the `CityReport` it returns and a `Translator`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.reports.cohort import CohortComparison, compare_with_cohort, load_cohort, peer_city_ids
from bot.reports.evidence_view import EvidenceLink, givers, report_links
from bot.reports.history import RoundChange, RoundResult, city_history, round_change
from bot.services.evidence_age import DEFAULT_MAX_AGE_MONTHS, stale_before
from bot.services.scores import rubric_for, score_rows
from rubric.planning import Gap, gap_to_next_level
from rubric.registry import RubricRegistry
from rubric.schema import Rubric
from rubric.scoring import CriterionStatus, Score
from storage.enums import AnswerStatus, MilestoneStatus
from storage.models import Answer, Assessment, City, Milestone, Person, Plan
from storage.repo import RecordNotFoundError, orgs
from storage.repo import answers as answer_repo
from storage.repo import assessments as assessment_repo
from storage.repo.disagreements import NO_DISAGREEMENTS, Tally, tally
from storage.repo.rechecks import RecheckLine, rechecks_of_round


class NoAssessmentError(LookupError):
    """The city has not started an assessment yet, so there is nothing to report."""

    def __init__(self, city_id: int, city_name: str) -> None:
        super().__init__(f"city {city_id} ({city_name}) has no assessment yet")
        self.city_id = city_id
        self.city_name = city_name


@dataclass(frozen=True)
class CriterionRow:
    """One criterion of the round: its status and the stored answer behind it."""

    area_id: str
    criterion_id: str
    core: bool
    status: CriterionStatus
    answer_status: AnswerStatus | None
    """How it was answered (answered, unsure, skipped), or None when it has no answer."""
    ticked: tuple[str, ...]
    """Ids of the ticked checklist items, in the rubric's order."""
    evidence: tuple[str, ...]
    note: str | None
    answered_by: str | None
    """The display name of who answered last (None when unanswered or the person is gone)."""
    answered_at: datetime | None
    blocked_by: tuple[str, ...] = ()
    links: tuple[EvidenceLink, ...] = ()
    """The evidence links with when and by whom each was given, and whether it is stale."""


@dataclass(frozen=True)
class MilestoneRow:
    """One milestone of the improvement plan, with its owner's name."""

    criterion_id: str
    title: str
    owner: str | None
    due_on: date
    status: MilestoneStatus
    overdue: bool
    done_at: datetime | None


@dataclass(frozen=True)
class PlanView:
    """The round's latest improvement plan and its milestones by due date."""

    created_at: datetime
    milestones: tuple[MilestoneRow, ...]

    def count(self, status: MilestoneStatus) -> int:
        """How many milestones have this status."""
        return sum(1 for m in self.milestones if m.status == status)

    @property
    def overdue(self) -> int:
        """How many open milestones are past their due date."""
        return sum(1 for m in self.milestones if m.overdue)


@dataclass(frozen=True)
class CityReport:
    """Everything a report on one city's round shows."""

    city: City
    assessment: Assessment
    rubric: Rubric
    score: Score
    gap: Gap
    rows: tuple[CriterionRow, ...]
    plan: PlanView | None
    cohort: CohortComparison | None
    generated_at: datetime
    history: tuple[RoundResult, ...] = ()
    """Every round of the city up to this one, each on its own rubric version, the first first."""
    change: RoundChange | None = None
    """The change since the round before, when both are scored."""
    rechecks: tuple[RecheckLine, ...] = ()
    """The round's re-checks after milestones, oldest first."""
    evidence_max_age_months: int = DEFAULT_MAX_AGE_MONTHS
    stale_before: datetime | None = None
    """Evidence given before this is stale (the maximum age before `generated_at`)."""
    disagreements: Tally = NO_DISAGREEMENTS
    """Criteria settled from a disagreement between respondents, and those still unsettled
    (counted as unknown by the score)."""

    def rows_of(self, area_id: str) -> tuple[CriterionRow, ...]:
        """The rows of one practice area, in the rubric's order."""
        return tuple(row for row in self.rows if row.area_id == area_id)


def build_city_report(
    session: Session,
    *,
    rubric: Rubric,
    city_id: int,
    now: datetime,
    assessment_id: int | None = None,
    with_cohort: bool = True,
    rubrics: RubricRegistry | None = None,
    evidence_max_age_months: int = DEFAULT_MAX_AGE_MONTHS,
) -> CityReport:
    """The report on a city's latest round (or the given one) as of `now`, read against the
    rubric version it was taken on (`rubric`, or that version in `rubrics`), with the rounds
    before it.

    Raises RecordNotFoundError for an unknown city, NoAssessmentError when the city has no
    round yet, and RubricMismatchError when the round's rubric version is not loaded.
    """
    city = orgs.get_city(session, city_id=city_id)
    if assessment_id is None:
        assessment = assessment_repo.latest_assessment(session, city_id=city_id)
    else:
        assessment = assessment_repo.get_assessment(session, assessment_id=assessment_id)
        if assessment.city_id != city_id:
            raise RecordNotFoundError("assessment of city", f"{assessment_id}/{city_id}")
    if assessment is None or assessment.id is None:
        raise NoAssessmentError(city_id, city.name)
    rubric = rubric_for(assessment, rubric, rubrics)
    answers = answer_repo.answers_for_assessment(session, assessment_id=assessment.id)
    result = score_rows(rubric, answers)
    plan, milestones = _plan(session, assessment.id)
    names = _names(
        session,
        [a.answered_by_id for a in answers]
        + [m.owner_id for m in milestones]
        + [pid for a in answers for pid in givers(a.evidence)],
    )
    cutoff = stale_before(now, evidence_max_age_months)
    cohort = None
    if with_cohort:
        peers = load_cohort(
            session,
            rubric=rubric,
            city_ids=peer_city_ids(session, city_id=city_id),
            rubrics=rubrics,
        )
        cohort = compare_with_cohort(city_id, result, peers)
    local_today = now.astimezone(ZoneInfo(city.timezone)).date()
    history = city_history(
        session,
        city_id=city_id,
        rubric=rubric,
        rubrics=rubrics,
        upto_round=assessment.round_number,
    )
    return CityReport(
        city=city,
        assessment=assessment,
        rubric=rubric,
        score=result,
        gap=gap_to_next_level(rubric, result),
        rows=_rows(rubric, result, answers, names, cutoff),
        plan=None
        if plan is None
        else PlanView(
            created_at=plan.created_at,
            milestones=tuple(_milestone_row(m, names, local_today) for m in milestones),
        ),
        cohort=cohort,
        generated_at=now,
        history=history,
        change=round_change(history[-2], history[-1]) if len(history) > 1 else None,
        disagreements=tally(session, assessment_id=assessment.id),
        rechecks=tuple(rechecks_of_round(session, assessment_id=assessment.id)),
        evidence_max_age_months=evidence_max_age_months,
        stale_before=cutoff,
    )


def _rows(
    rubric: Rubric,
    result: Score,
    answers: Iterable[Answer],
    names: dict[int, str],
    cutoff: datetime,
) -> tuple[CriterionRow, ...]:
    by_id = {a.criterion_id: a for a in answers}
    rows = []
    for area in rubric.areas:
        for crit in area.criteria:
            answer = by_id.get(crit.id)
            scored = result.criteria[crit.id]
            ticked = set(answer.ticked) if answer else set()
            rows.append(
                CriterionRow(
                    area_id=area.id,
                    criterion_id=crit.id,
                    core=crit.core,
                    status=scored.status,
                    answer_status=AnswerStatus(answer.status) if answer else None,
                    ticked=tuple(it.id for it in crit.checklist if it.id in ticked),
                    evidence=tuple(link["url"] for link in answer.evidence) if answer else (),
                    note=answer.note if answer else None,
                    answered_by=names.get(answer.answered_by_id or 0) if answer else None,
                    answered_at=answer.answered_at if answer else None,
                    blocked_by=scored.blocked_by,
                    links=report_links(answer.evidence, names, cutoff) if answer else (),
                )
            )
    return tuple(rows)


def _plan(session: Session, assessment_id: int) -> tuple[Plan | None, list[Milestone]]:
    query = (
        select(Plan)
        .where(Plan.assessment_id == assessment_id)
        .order_by(col(Plan.created_at).desc(), col(Plan.id).desc())
    )
    plan = session.exec(query).first()
    if plan is None or plan.id is None:
        return None, []
    milestones = session.exec(
        select(Milestone)
        .where(Milestone.plan_id == plan.id)
        .order_by(col(Milestone.due_on), col(Milestone.id))
    )
    return plan, list(milestones)


def _names(session: Session, person_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {pid for pid in person_ids if pid is not None}
    if not wanted:
        return {}
    rows = session.exec(select(Person.id, Person.display_name).where(col(Person.id).in_(wanted)))
    return {pid: name for pid, name in rows if pid is not None}


def _milestone_row(milestone: Milestone, names: dict[int, str], today: date) -> MilestoneRow:
    status = MilestoneStatus(milestone.status)
    return MilestoneRow(
        criterion_id=milestone.criterion_id,
        title=milestone.title,
        owner=names.get(milestone.owner_id or 0),
        due_on=milestone.due_on,
        status=status,
        overdue=status == MilestoneStatus.OPEN and milestone.due_on < today,
        done_at=milestone.done_at,
    )
