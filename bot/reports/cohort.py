"""Cohorts: the cities program staff follow, their progress and levels, and the peers' median.

A cohort needs no table of its own. For a person it is the cities where they hold the
`program_staff` role; for a city it is every city followed by the program staff who follow it
(none when nobody does); the command line may take every city, or one workspace's.

A city *has a result* when its latest round is closed (completed or archived) or every
criterion of it is answered. A city's report compares it with the cohort's median per area only
once at least `MIN_COHORT_CITIES` cities have results, and never names another city.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from statistics import median

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.services.scores import score_rows
from rubric.registry import RubricRegistry
from rubric.schema import Level, Rubric
from rubric.scoring import Score
from storage.enums import AnswerStatus, AssessmentStatus, Role
from storage.models import Answer, Assessment, City, CityRole

MIN_COHORT_CITIES = 5
"""The fewest cities with results before a report shows where a city stands among them."""
_CHUNK = 500


class Standing(StrEnum):
    """Where a city stands against the cohort's median."""

    ABOVE = "above"
    AT = "at"
    BELOW = "below"


@dataclass(frozen=True)
class CohortCity:
    """One city of a cohort: its latest round's progress and result, and the round before."""

    city_id: int
    name: str
    state: str
    country: str
    workspace_id: int
    round_number: int | None
    status: AssessmentStatus | None
    answered: int
    """Criteria answered (ticked or unsure) in the latest round."""
    total: int
    score: Score | None
    """The latest round's score on its own rubric version; None without a round or when that
    version is not loaded."""
    previous: Score | None
    """The previous round's score on its own rubric version, when there is one (loaded)."""

    @property
    def has_result(self) -> bool:
        """Whether the latest round is closed or fully answered (and could be scored)."""
        if self.score is None:
            return False
        closed = self.status is not None and self.status != AssessmentStatus.OPEN
        return closed or self.answered >= self.total

    @property
    def level(self) -> Level | None:
        """The level the latest round reaches, if any."""
        return self.score.level if self.score else None

    @property
    def change(self) -> Decimal | None:
        """Percentage points gained (or lost) since the previous round, when both are scored
        (each on its own rubric version)."""
        if self.score is None or self.previous is None:
            return None
        return self.score.percent - self.previous.percent


@dataclass(frozen=True)
class AreaStanding:
    """A city's share met in one area (or overall, `area_id` None) against the cohort median."""

    area_id: str | None
    percent: Decimal
    median_percent: Decimal
    standing: Standing


@dataclass(frozen=True)
class CohortComparison:
    """Where a city stands among the cities of its cohort that have results."""

    cities: int
    overall: AreaStanding
    areas: tuple[AreaStanding, ...]


def staff_city_ids(session: Session, *, person_id: int) -> list[int]:
    """The cities a person follows as program staff."""
    query = select(CityRole.city_id).where(
        CityRole.person_id == person_id, CityRole.role == Role.PROGRAM_STAFF
    )
    return sorted(set(session.exec(query)))


def peer_city_ids(session: Session, *, city_id: int) -> list[int]:
    """The city's cohort: every city followed by the program staff who follow this city."""
    mine, theirs = aliased(CityRole), aliased(CityRole)
    query = (
        select(theirs.city_id)
        .join(mine, col(mine.person_id) == col(theirs.person_id))
        .where(
            mine.city_id == city_id,
            mine.role == Role.PROGRAM_STAFF,
            theirs.role == Role.PROGRAM_STAFF,
        )
        .distinct()
    )
    return sorted(set(session.exec(query)))


def all_city_ids(session: Session, *, workspace_id: int | None = None) -> list[int]:
    """Every city (of one workspace when given), by id."""
    query = select(City.id)
    if workspace_id is not None:
        query = query.where(City.workspace_id == workspace_id)
    return sorted(cid for cid in session.exec(query) if cid is not None)


def load_cohort(
    session: Session,
    *,
    rubric: Rubric,
    city_ids: Sequence[int],
    on_progress: Callable[[int], object] | None = None,
    rubrics: RubricRegistry | None = None,
) -> list[CohortCity]:
    """The cities' latest rounds, scored, by name (three queries per 500 cities).

    Each round is scored on the rubric version it was taken on: `rubric`, or that version in
    `rubrics`. `on_progress(done)` is called after each batch with the number of cities read
    so far.
    """
    found: list[CohortCity] = []
    for chunk in _chunks(sorted(set(city_ids))):
        found += _load_chunk(session, rubric, chunk, rubrics)
        if on_progress is not None:
            on_progress(len(found))
    return sorted(found, key=lambda c: (c.name.casefold(), c.state, c.city_id))


def compare_with_cohort(
    city_id: int, score: Score, cohort: Iterable[CohortCity]
) -> CohortComparison | None:
    """The city's standing against the median of the cohort's results; None under five.

    Only results on the same rubric version as `score` count: the same questions."""
    version = (score.rubric_id, score.rubric_version)
    results = [
        c.score
        for c in cohort
        if c.has_result
        and c.score is not None
        and (c.score.rubric_id, c.score.rubric_version) == version
    ]
    if len(results) < MIN_COHORT_CITIES:
        return None
    overall = _standing(None, score.met, score.total, [r.met for r in results])
    areas = tuple(
        _standing(area.area_id, area.met, area.total, [r.area(area.area_id).met for r in results])
        for area in score.areas
    )
    return CohortComparison(cities=len(results), overall=overall, areas=areas)


def _standing(area_id: str | None, met: int, total: int, peers: list[int]) -> AreaStanding:
    middle = Decimal(median(peers)) if peers else Decimal(0)
    standing = Standing.ABOVE if met > middle else Standing.BELOW if met < middle else Standing.AT
    return AreaStanding(
        area_id=area_id,
        percent=_percent(Decimal(met), total),
        median_percent=_percent(middle, total),
        standing=standing,
    )


def _percent(met: Decimal, total: int) -> Decimal:
    """met / total as a percentage rounded down to one decimal (as `rubric.scoring` shows it)."""
    if not total:
        return Decimal(0)
    return Decimal(int(met * 1000 // total)) / 10


def _load_chunk(
    session: Session, rubric: Rubric, city_ids: list[int], rubrics: RubricRegistry | None
) -> list[CohortCity]:
    cities = list(session.exec(select(City).where(col(City.id).in_(city_ids))))
    rounds: dict[int, list[Assessment]] = {}
    query = (
        select(Assessment)
        .where(col(Assessment.city_id).in_(city_ids))
        .order_by(col(Assessment.city_id), col(Assessment.round_number).desc())
    )
    for assessment in session.exec(query):
        rounds.setdefault(assessment.city_id, []).append(assessment)
    latest = {cid: found[0] for cid, found in rounds.items()}
    previous = {cid: found[1] for cid, found in rounds.items() if len(found) > 1}
    wanted = [a.id for a in [*latest.values(), *previous.values()] if a.id is not None]
    answers: dict[int, list[Answer]] = {}
    if wanted:
        for answer in session.exec(select(Answer).where(col(Answer.assessment_id).in_(wanted))):
            answers.setdefault(answer.assessment_id, []).append(answer)
    out = []
    for city in cities:
        assert city.id is not None
        last = latest.get(city.id)
        before = previous.get(city.id)
        rows = answers.get(last.id or 0, []) if last else []
        taken_on = _version(rubric, last, rubrics) or rubric
        known = {c.id for c in taken_on.criteria()}
        out.append(
            CohortCity(
                city_id=city.id,
                name=city.name,
                state=city.state,
                country=city.country,
                workspace_id=city.workspace_id,
                round_number=last.round_number if last else None,
                status=AssessmentStatus(last.status) if last else None,
                answered=sum(
                    1 for a in rows if a.status != AnswerStatus.SKIPPED and a.criterion_id in known
                ),
                total=len(known),
                score=_score(rubric, last, rows, rubrics),
                previous=_score(
                    rubric, before, answers.get(before.id or 0, []) if before else [], rubrics
                ),
            )
        )
    return out


def _version(
    rubric: Rubric, assessment: Assessment | None, rubrics: RubricRegistry | None
) -> Rubric | None:
    """The rubric version a round was taken on, when loaded."""
    if assessment is None:
        return None
    if (assessment.rubric_id, assessment.rubric_version) == (rubric.id, rubric.version):
        return rubric
    return rubrics.find(assessment.rubric_id, assessment.rubric_version) if rubrics else None


def _score(
    rubric: Rubric,
    assessment: Assessment | None,
    rows: list[Answer],
    rubrics: RubricRegistry | None,
) -> Score | None:
    taken_on = _version(rubric, assessment, rubrics)
    return score_rows(taken_on, rows) if taken_on is not None else None


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]
