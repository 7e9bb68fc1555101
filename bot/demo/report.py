"""The demo's final report and answers file, read from what the bot stored.

The answers file has the format `citycheck score` reads, so the report's level can be checked
against it: `citycheck score ANSWERS.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from bot.reports.text import render_score_report
from bot.sandbox.store import TEAM_ID
from bot.services.scores import rubric_answers, score_and_gap
from rubric.planning import Gap
from rubric.schema import Criterion, Rubric
from rubric.scoring import Answer, Score
from storage.enums import AssessmentStatus
from storage.models import Assessment
from storage.repo import answers as answer_repo
from storage.repo import assessments, orgs


@dataclass(frozen=True)
class CityResult:
    """A city's round as stored: its answers, score, gap, and whether it is complete."""

    city: str
    assessment: Assessment
    answers: dict[str, Answer]
    score: Score
    gap: Gap

    @property
    def complete(self) -> bool:
        """True once every assigned area is answered (the result was announced)."""
        return self.assessment.status == AssessmentStatus.COMPLETED


def demo_cities(engine: Engine) -> list[str]:
    """The names of the cities the sandbox workspace already has in this database."""
    with Session(engine) as session:
        workspace = orgs.get_workspace(session, slack_team_id=TEAM_ID)
        if workspace is None or workspace.id is None:
            return []
        return [c.name for c in orgs.cities_in_workspace(session, workspace_id=workspace.id)]


def city_result(engine: Engine, rubric: Rubric, city_name: str) -> CityResult:
    """The latest round of the demo city, scored from the stored answers."""
    with Session(engine, expire_on_commit=False) as session:
        workspace = orgs.get_workspace(session, slack_team_id=TEAM_ID)
        cities = (
            orgs.cities_in_workspace(session, workspace_id=workspace.id or 0) if workspace else []
        )
        city = next((c for c in cities if c.name == city_name), None)
        if city is None or city.id is None:
            raise LookupError(f"the database has no city {city_name!r}: was it set up?")
        round_ = assessments.latest_assessment(session, city_id=city.id)
        if round_ is None or round_.id is None:
            raise LookupError(f"{city_name} has no assessment")
        rows = answer_repo.answers_for_assessment(session, assessment_id=round_.id)
        score, gap = score_and_gap(session, rubric=rubric, assessment=round_)
        return CityResult(city_name, round_, rubric_answers(rows), score, gap)


def render_final_report(rubric: Rubric, result: CityResult) -> str:
    """The text report: overall, level or what blocks it, areas, the gap with next steps."""
    state = (
        "complete: every assigned practice area is answered"
        if result.complete
        else "not complete yet: some assigned questions are still open"
    )
    title = f"{result.city} · final report (the assessment is {state})"
    return render_score_report(rubric, result.score, result.gap, title=title)


def answers_yaml(rubric: Rubric, answers: dict[str, Answer], *, title: str) -> str:
    """Answers in the answers-file format of `citycheck score`; unanswered criteria left empty."""
    lines = [f"# {title}", f"# Rubric {rubric.id} {rubric.version}. Score it: citycheck score FILE"]
    for area in rubric.areas:
        lines += ["", f"# {area.id}: {area.name.en}"]
        for criterion in area.criteria:
            answer = answers.get(criterion.id)
            lines.append(f"{criterion.id}: {_value(criterion, answer)}".rstrip())
    return "\n".join(lines) + "\n"


def write_answers(path: Path, rubric: Rubric, result: CityResult) -> None:
    """Write the city's answers to `path` (the answers-file format)."""
    title = f"{result.city}'s answers, as stored by the demo"
    path.write_text(answers_yaml(rubric, result.answers, title=title), encoding="utf-8")


def _value(criterion: Criterion, answer: Answer | None) -> str:
    if answer is None:
        return ""
    if answer.unsure:
        return "unsure"
    if not answer.ticked:
        return "none"
    every = [item.id for item in criterion.checklist]
    if set(every) <= answer.ticked:
        return "all"
    return "[" + ", ".join(i for i in every if i in answer.ticked) + "]"
