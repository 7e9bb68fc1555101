"""`/citycheck cohort`: the cities a person follows as program staff, with progress and level."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot.i18n import Translator, translator
from bot.reports.cohort import CohortCity, load_cohort, staff_city_ids
from bot.services.access import N_, NOT_A_MEMBER, NOT_SET_UP, deny, find_actor
from rubric.registry import RubricRegistry
from rubric.schema import Rubric
from storage.session import unit_of_work

PROGRAM_STAFF_ONLY = N_(
    "Only program staff can see a cohort. Ask your program's team to add you to the cities "
    "you follow."
)


@dataclass(frozen=True)
class CohortOverview:
    """The cohort a person follows, in their language."""

    tr: Translator
    cities: tuple[CohortCity, ...]


def cohort_for_staff(
    engine: Engine,
    *,
    rubric: Rubric,
    team_id: str | None,
    user_id: str,
    rubrics: RubricRegistry | None = None,
) -> CohortOverview:
    """Every city the person follows as program staff (each round scored on its own rubric
    version); AccessDenied when they follow none."""
    with unit_of_work(engine, read_only=True) as session:
        actor = find_actor(session, team_id=team_id, user_id=user_id)
        person = actor.person
        if person is None or person.id is None:
            reason = NOT_SET_UP if actor.workspace is None else NOT_A_MEMBER
            raise deny(reason, action="cohort", actor=actor)
        city_ids = staff_city_ids(session, person_id=person.id)
        if not city_ids:
            raise deny(PROGRAM_STAFF_ONLY, action="cohort", actor=actor)
        cities = load_cohort(session, rubric=rubric, city_ids=city_ids, rubrics=rubrics)
    return CohortOverview(translator(person.language or person.locale), tuple(cities))
