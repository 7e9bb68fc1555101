"""The closed vocabularies of the stored data, kept as short strings in the database."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a person does for a city."""

    RESPONDENT = "respondent"
    COORDINATOR = "coordinator"
    LEADER = "leader"
    PROGRAM_STAFF = "program_staff"


class AssessmentStatus(StrEnum):
    """Where an assessment round is in its life."""

    OPEN = "open"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class AnswerStatus(StrEnum):
    """How a criterion was answered: with ticks, as unsure, or skipped for now."""

    ANSWERED = "answered"
    UNSURE = "unsure"
    SKIPPED = "skipped"


class AnswerSource(StrEnum):
    """Where a change of an answer came from, kept in its history."""

    CLICK = "click"
    TYPED = "typed"
    EDIT = "edit"
    IMPORT = "import"
    CARRY_OVER = "carry_over"
    """Confirmed unchanged from the previous round ("Still true")."""


class MilestoneStatus(StrEnum):
    """A plan milestone is open until it is done or dropped."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class NotificationStatus(StrEnum):
    """A ledger row's state: claimed before sending, then sent, failed (retryable) or given up."""

    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    PERMANENT_ERROR = "permanent_error"
