"""What a re-check asks: the view model of the direct message a respondent gets once a milestone
toward one of their criteria is done. Pure data; `bot.slack.builders.rechecks` renders it."""

from __future__ import annotations

from dataclasses import dataclass

from rubric.schema import Rubric


@dataclass(frozen=True)
class RecheckView:
    """One criterion asked again, pre-filled with the round's current answer."""

    recheck_id: int
    assessment_id: int
    criterion_id: str
    milestone_title: str
    city_name: str
    lang: str
    rubric: Rubric
    """The rubric the round was taken on (its checklist is the question's)."""
    ticked: frozenset[str] = frozenset()
    answer_status: str | None = None
    """The current answer's status (answered, unsure, skipped); None when there is none."""
    evidence_count: int = 0

    @property
    def answered(self) -> bool:
        """True when there is an answer to keep ("Still the same")."""
        return self.answer_status in ("answered", "unsure")
