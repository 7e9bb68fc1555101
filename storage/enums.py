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
    RECHECK = "recheck"
    """Asked again after a milestone toward the criterion was done ("Still the same", or a new
    answer)."""
    AGREED = "agreed"
    """Several respondents gave the same answer (status and ticks): it is the city's."""
    SETTLED = "settled"
    """A coordinator settled the respondents' disagreement (or a reassignment left one answer)."""
    DISPUTED = "disputed"
    """The respondents disagree: no scored answer until the disagreement is settled."""
    BEFORE_SHARING = "before_sharing"
    """A respondent's answer given while they answered alone, kept when a second one joined."""


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


class RecheckStatus(StrEnum):
    """A re-check after a milestone was done: waiting for its answer, then how it ended."""

    PENDING = "pending"
    """Not answered yet (whether it went out is in the notification ledger)."""
    CONFIRMED = "confirmed"
    """"Still the same": the answer was kept."""
    CHANGED = "changed"
    """A new answer was given."""
    CANCELLED = "cancelled"
    """Nothing to ask any more (the round was archived, or nobody can answer it)."""


class Resolution(StrEnum):
    """How a disagreement between respondents ended."""

    ACCEPTED = "accepted"
    """A coordinator accepted one respondent's answer."""
    AGREED = "agreed"
    """The respondents changed their answers until they agreed."""
    REASSIGNED = "reassigned"
    """The criterion was left with one respondent, whose answer counts."""
