"""Cities with stored answers, for the report tests: the example answer files, stored as the bot
stores them, with evidence links and notes on some criteria."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlmodel import Session

from rubric.answers import load_answers
from rubric.schema import Rubric
from storage.enums import AnswerStatus, Role
from storage.repo import answers as answer_repo
from storage.repo import assessments, orgs
from tests.builders import NOW, CitySetup, build_city

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "answers"


class Team(Protocol):
    """A round and the ids of its people by short name (a `CitySetup`, or one built by hand)."""

    @property
    def assessment_id(self) -> int: ...

    def person_id(self, name: str) -> int: ...


EVIDENCE: Mapping[str, list[str]] = {
    "DM1": ["https://data.springfield.gov/inventory", "https://springfield.gov/policy.pdf"],
    "OD1": ["javascript:alert('x')"],
    "LC1": ["https://springfield.gov/cdo?a=1&b=<2>"],
}
NOTES: Mapping[str, str] = {
    "DM1": '=HYPERLINK("http://evil.example","click")',
    "LC3": "Approved by council, 12 votes to 1; see minutes",
    "OD3": "@SUM(A1:A9) and <b>bold</b>",
}


def store_answers(
    session: Session,
    setup: Team,
    rubric: Rubric,
    example: str,
    *,
    by: str = "rita",
    now: datetime = NOW,
    evidence: Mapping[str, list[str]] = EVIDENCE,
    notes: Mapping[str, str] = NOTES,
    assessment_id: int | None = None,
) -> None:
    """Store an example answers file as `by`'s answers, one minute apart, and commit."""
    answers = load_answers(EXAMPLES / f"{example}.yaml", rubric)
    for offset, (criterion_id, answer) in enumerate(sorted(answers.items())):
        answer_repo.record_answer(
            session,
            assessment_id=assessment_id or setup.assessment_id,
            criterion_id=criterion_id,
            person_id=setup.person_id(by),
            ticked=sorted(answer.ticked),
            status=AnswerStatus.UNSURE if answer.unsure else AnswerStatus.ANSWERED,
            note=notes.get(criterion_id),
            evidence=evidence.get(criterion_id, []),
            now=now + timedelta(minutes=offset),
            source="click",
        )
    session.commit()


CITY_NAMES = ("Ashford", "Brookside", "Cedarville", "Dunmore", "Elmwood", "Fairview", "Glenrock")


def build_cohort(
    session: Session,
    rubric: Rubric,
    examples: list[str],
    *,
    staff_name: str = "pia",
    team_id: str = "T0COHORT",
) -> list[CitySetup]:
    """Cities (Ashford, Brookside, ...) answered from the examples and completed ("" leaves a
    city's round open and unanswered), all followed by one member of the program staff."""
    built = []
    for name, example in zip(CITY_NAMES, examples, strict=False):
        setup = build_city(session, name=name, team_id=team_id)
        if example:
            store_answers(session, setup, rubric, example)
            assessments.complete_assessment(
                session, assessment_id=setup.assessment_id, now=NOW + timedelta(days=1)
            )
        built.append(setup)
    staff = orgs.upsert_person(
        session,
        workspace_id=built[0].workspace.id or 0,
        slack_user_id=f"U9{staff_name.upper()}",
        display_name=staff_name.capitalize(),
        now=NOW,
    )
    assert staff.id is not None
    for setup in built:
        orgs.grant_role(
            session, city_id=setup.city_id, person_id=staff.id, role=Role.PROGRAM_STAFF, now=NOW
        )
    session.commit()
    return built
