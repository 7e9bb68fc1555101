"""Evidence for an answer: the modal's contents, and its submission checked then stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.interview.evidence import Problem, read_evidence
from bot.interview.model import AddEvidence
from bot.services import access, respondents
from bot.services.interview import Outcome, Target, interview_action, language_of, load_checked
from bot.services.scores import rubric_for
from rubric.schema import Rubric
from storage.session import unit_of_work

if TYPE_CHECKING:
    from bot.deps import Deps


@dataclass(frozen=True)
class EvidenceForm:
    """What the evidence modal shows, or why it cannot be opened."""

    lang: str | None
    assessment_id: int
    criterion_id: str
    links: tuple[str, ...] = ()
    note: str | None = None
    refusal: str | None = None
    rubric: Rubric | None = None
    """The rubric the assessment was taken on (the current one if None)."""


@dataclass(frozen=True)
class EvidenceSubmission:
    """The modal's problems by field (it stays open), or what was stored."""

    problems: dict[str, Problem]
    outcome: Outcome | None = None
    lang: str | None = None
    """The person's language, for the problems."""


def evidence_form(deps: Deps, target: Target) -> EvidenceForm:
    """The modal for the target criterion, after the same checks as an answer click."""
    if deps.engine is None or deps.rubric is None or target.criterion_id is None:
        raise RuntimeError("evidence needs a database, a rubric and a criterion")
    with unit_of_work(deps.engine, read_only=True) as session:
        rows, refusal = load_checked(
            session, deps.rubric, target, action="interview.evidence", rubrics=deps.rubrics
        )
        lang = language_of(rows)
        if refusal is not None or rows is None or rows.assessment is None:
            return EvidenceForm(lang, target.assessment_id, target.criterion_id, refusal=refusal)
        taken_on = rubric_for(rows.assessment, deps.rubric, deps.rubrics)
        seen = respondents.seen_answers(taken_on, rows)  # their own, for a shared criterion
        answer = next((a for a in seen if a.criterion_id == target.criterion_id), None)
        links = tuple(link["url"] for link in answer.evidence) if answer else ()
        return EvidenceForm(
            lang,
            target.assessment_id,
            target.criterion_id,
            links=links,
            note=answer.note if answer else None,
            rubric=taken_on,
        )


def submit_evidence(
    deps: Deps, target: Target, *, links_text: str | None, note_text: str | None, now: datetime
) -> EvidenceSubmission:
    """Check the modal's fields; when they are sound, add the evidence to the answer."""
    if target.criterion_id is None:
        raise ValueError("evidence is given for a criterion")
    found = read_evidence(links_text, note_text)
    if found.problems:
        lang = None
        if deps.engine is not None:
            with unit_of_work(deps.engine, read_only=True) as session:
                person = access.find_actor(
                    session, team_id=target.team_id, user_id=target.user_id
                ).person
                lang = (person.language or person.locale) if person else None
        return EvidenceSubmission(found.problems, lang=lang)
    event = AddEvidence(target.criterion_id, found.links, found.note)
    return EvidenceSubmission({}, interview_action(deps, target, event, now=now))
