"""Test builders: a workspace, a city, its people with roles, an open assessment and assignments.

    from tests.builders import NOW, build_city

    def test_something(session):
        setup = build_city(session, people={"ana": ["coordinator"], "rui": ["respondent"]},
                           areas={"DM": ["rui"]})
        setup.person("rui").id, setup.assessment.id, setup.city.timezone ...

`build_city` goes through the repository functions (so the data is what the bot itself would
store) and commits by default, so that services opening their own unit of work see the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from storage.enums import Role
from storage.models import Assessment, Assignment, City, Person, Workspace
from storage.repo import assessments, orgs

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
"""A Monday afternoon in UTC (morning in America/Chicago), the default `now` of the builders."""

RUBRIC_ID = "city-data-practices"
RUBRIC_VERSION = "2022.1"

DEFAULT_PEOPLE: Mapping[str, Iterable[Role | str]] = {
    "cora": [Role.COORDINATOR, Role.RESPONDENT],
    "rita": [Role.RESPONDENT],
    "leo": [Role.LEADER],
}
"""A coordinator who also answers, a respondent and a leader."""

DEFAULT_AREAS: Mapping[str, Iterable[str]] = {"DM": ["rita"], "OD": ["rita", "cora"]}
"""Practice areas of the bundled rubric and who answers them."""


@dataclass
class CitySetup:
    """What `build_city` made, with the people by the short names given."""

    workspace: Workspace
    city: City
    people: dict[str, Person]
    assessment: Assessment
    assignments: list[Assignment] = field(default_factory=list)

    def person(self, name: str) -> Person:
        """The person built under this short name."""
        return self.people[name]

    def person_id(self, name: str) -> int:
        """The id of the person built under this short name."""
        person_id = self.people[name].id
        assert person_id is not None
        return person_id

    @property
    def city_id(self) -> int:
        """The city's id."""
        assert self.city.id is not None
        return self.city.id

    @property
    def assessment_id(self) -> int:
        """The open assessment's id."""
        assert self.assessment.id is not None
        return self.assessment.id


def build_city(
    session: Session,
    *,
    name: str = "Springfield",
    timezone: str = "America/Chicago",
    language: str = "en",
    team_id: str = "T0CITY",
    people: Mapping[str, Iterable[Role | str]] = DEFAULT_PEOPLE,
    areas: Mapping[str, Iterable[str]] = DEFAULT_AREAS,
    rubric_id: str = RUBRIC_ID,
    rubric_version: str = RUBRIC_VERSION,
    digest_channel_id: str | None = "C0DIGEST",
    now: datetime = NOW,
    commit: bool = True,
) -> CitySetup:
    """A city ready for its interview: people with roles, an open round, areas assigned."""
    workspace = orgs.upsert_workspace(session, slack_team_id=team_id, name=f"{name} team", now=now)
    assert workspace.id is not None
    city = orgs.create_city(
        session,
        workspace_id=workspace.id,
        name=name,
        timezone=timezone,
        language=language,
        digest_channel_id=digest_channel_id,
        now=now,
    )
    assert city.id is not None
    built: dict[str, Person] = {}
    for index, (short, roles) in enumerate(people.items(), start=1):
        person = orgs.upsert_person(
            session,
            workspace_id=workspace.id,
            slack_user_id=f"U{index:04d}{short.upper()}"[:32],
            display_name=short.capitalize(),
            locale="en-US",
            timezone=timezone,
            now=now,
        )
        assert person.id is not None
        for role in roles:
            orgs.grant_role(session, city_id=city.id, person_id=person.id, role=role, now=now)
        built[short] = person
    assessment = assessments.start_assessment(
        session, city_id=city.id, rubric_id=rubric_id, rubric_version=rubric_version, now=now
    )
    assert assessment.id is not None
    made = [
        assessments.assign_area(
            session,
            assessment_id=assessment.id,
            area_id=area,
            person_id=_id(built, short, area),
            now=now,
        )
        for area, shorts in areas.items()
        for short in shorts
    ]
    if commit:
        session.commit()
    return CitySetup(workspace, city, built, assessment, made)


def _id(people: Mapping[str, Person], short: str, area: str) -> int:
    if short not in people:
        raise KeyError(f"area {area} is assigned to {short!r}, who is not among {sorted(people)}")
    person_id = people[short].id
    assert person_id is not None
    return person_id
