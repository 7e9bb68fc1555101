"""The stored data: SQLModel tables for cities, people, assessments, answers, plans and sends.

Conventions: integer keys (`ID`), UTC-aware timestamps (`UTCDateTime`, named `*_at` or
`*_until`), calendar dates named `*_on`, enums as short strings. Foreign keys cascade from what
owns a row (deleting a workspace or a city removes everything of it); a reference to the person
who did something becomes NULL when that person is deleted, so the work and its history stay.
Constraint names follow `NAMING_CONVENTION`, which keeps migrations deterministic.

JSON columns are replaced, never mutated in place (SQLAlchemy does not see in-place changes).
The `@validates` hooks refuse bad values however a row is built; SQLModel keeps the value as
given, so the repository functions normalise (strip, sort) before they set it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Literal

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint, null, text
from sqlalchemy.orm import validates
from sqlmodel import Field, SQLModel

from storage.enums import (
    AnswerSource,
    AnswerStatus,
    AssessmentStatus,
    MilestoneStatus,
    NotificationStatus,
    RecheckStatus,
    Resolution,
    Role,
)
from storage.types import ID, JSONValue, StrEnumType, UTCDateTime
from storage.validation import check_language, check_timezone, check_weekday, check_weekdays

__all__ = [
    "NAMING_CONVENTION",
    "Answer",
    "AnswerHistory",
    "AnswerSource",
    "AnswerStatus",
    "Assessment",
    "AssessmentStatus",
    "Assignment",
    "City",
    "CityRole",
    "DigestSnapshot",
    "Disagreement",
    "InterviewProgress",
    "Milestone",
    "MilestoneStatus",
    "NotificationLedger",
    "NotificationStatus",
    "Person",
    "Plan",
    "ProcessedEvent",
    "Recheck",
    "RecheckStatus",
    "ReportFile",
    "RespondentAnswer",
    "Role",
    "Workspace",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

CRITERION_ID_MAX = 16
"""Rubric criterion and area ids are short codes such as `GOV1` (see `rubric.schema`)."""


def _pk() -> Any:
    return Field(default=None, primary_key=True, sa_type=ID)


def _fk(
    target: str,
    *,
    ondelete: Literal["CASCADE", "SET NULL"],
    index: bool = False,
    optional: bool = False,
) -> Any:
    if optional:
        return Field(default=None, foreign_key=target, ondelete=ondelete, sa_type=ID, index=index)
    return Field(foreign_key=target, ondelete=ondelete, sa_type=ID, index=index)


def _at(*, optional: bool = False, index: bool = False) -> Any:
    if optional:
        return Field(default=None, sa_type=UTCDateTime, index=index)
    return Field(sa_type=UTCDateTime, index=index)


class Workspace(SQLModel, table=True):
    """A Slack workspace (team) the bot is installed in."""

    __tablename__ = "workspace"
    __table_args__ = (UniqueConstraint("slack_team_id"),)

    id: int | None = _pk()
    slack_team_id: str = Field(max_length=32)
    enterprise_id: str | None = Field(default=None, max_length=32)
    name: str = Field(max_length=200)
    created_at: datetime = _at()


class City(SQLModel, table=True):
    """A city taking part, with where and when its team hears from the bot."""

    __tablename__ = "city"
    __table_args__ = (
        UniqueConstraint("workspace_id", "country", "state", "name"),
        CheckConstraint("digest_weekday BETWEEN 1 AND 7", name="digest_weekday"),
        CheckConstraint("population IS NULL OR population >= 0", name="population"),
    )

    id: int | None = _pk()
    workspace_id: int = _fk("workspace.id", ondelete="CASCADE")
    name: str = Field(max_length=120)
    state: str = Field(default="", max_length=80)
    """State, province or region; empty where it does not apply."""
    country: str = Field(default="US", max_length=2)
    """ISO 3166-1 alpha-2 code."""
    population: int | None = None
    timezone: str = Field(max_length=64)
    """IANA name such as `America/Chicago`; local dates and digest times are read in it."""
    language: str = Field(default="en", max_length=8)
    """Language of the city's channel messages (digests)."""
    digest_channel_id: str | None = Field(default=None, max_length=32)
    working_days: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5], sa_type=JSONValue)
    """ISO weekdays (Monday 1 ... Sunday 7) on which reminders may be sent."""
    digest_weekday: int = 1
    """ISO weekday of the weekly digest."""
    digest_time: time = time(9, 0)
    """Local time of day of the digest and of reminders."""
    created_at: datetime = _at()

    @validates("timezone")
    def _check_timezone(self, _key: str, value: str) -> str:
        return check_timezone(value)

    @validates("language")
    def _check_language(self, _key: str, value: str) -> str:
        return check_language(value)

    @validates("working_days")
    def _check_working_days(self, _key: str, value: list[int]) -> list[int]:
        return check_weekdays(value)

    @validates("digest_weekday")
    def _check_digest_weekday(self, _key: str, value: int) -> int:
        return check_weekday(value, field="digest_weekday")


class Person(SQLModel, table=True):
    """A Slack user the bot talks to, in one workspace."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("workspace_id", "slack_user_id"),)

    id: int | None = _pk()
    workspace_id: int = _fk("workspace.id", ondelete="CASCADE")
    slack_user_id: str = Field(max_length=32)
    display_name: str = Field(max_length=200)
    locale: str | None = Field(default=None, max_length=16)
    """Slack's locale for the user, e.g. `es-LA`."""
    timezone: str | None = Field(default=None, max_length=64)
    """The user's IANA timezone from Slack; the city's applies when absent."""
    language: str | None = Field(default=None, max_length=8)
    """A language the person chose, overriding their locale."""
    created_at: datetime = _at()
    updated_at: datetime = _at()

    @validates("language")
    def _check_language(self, _key: str, value: str | None) -> str | None:
        return None if value is None else check_language(value)


class CityRole(SQLModel, table=True):
    """One role a person holds for a city; a person may hold several."""

    __tablename__ = "city_role"
    __table_args__ = (UniqueConstraint("city_id", "person_id", "role"),)

    id: int | None = _pk()
    city_id: int = _fk("city.id", ondelete="CASCADE")
    person_id: int = _fk("person.id", ondelete="CASCADE", index=True)
    role: Role = Field(sa_type=StrEnumType(Role))
    granted_at: datetime = _at()


class Assessment(SQLModel, table=True):
    """One round of a city's self-assessment against one version of a rubric."""

    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("city_id", "round_number"),
        CheckConstraint("round_number >= 1", name="round_number"),
        Index(
            "ux_assessment_open_city",
            "city_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: int | None = _pk()
    city_id: int = _fk("city.id", ondelete="CASCADE")
    rubric_id: str = Field(max_length=64)
    rubric_version: str = Field(max_length=32)
    round_number: int
    status: AssessmentStatus = Field(
        default=AssessmentStatus.OPEN, sa_type=StrEnumType(AssessmentStatus)
    )
    started_at: datetime = _at()
    completed_at: datetime | None = _at(optional=True)
    archived_at: datetime | None = _at(optional=True)


class Assignment(SQLModel, table=True):
    """A person asked to answer one practice area of an assessment, or one criterion of it
    (several people may share either: each then answers on their own)."""

    __tablename__ = "assignment"
    __table_args__ = (
        Index(
            "ux_assignment_area_person",
            "assessment_id",
            "area_id",
            "person_id",
            unique=True,
            sqlite_where=text("criterion_id IS NULL"),
            postgresql_where=text("criterion_id IS NULL"),
        ),
        Index(
            "ux_assignment_criterion_person",
            "assessment_id",
            "criterion_id",
            "person_id",
            unique=True,
            sqlite_where=text("criterion_id IS NOT NULL"),
            postgresql_where=text("criterion_id IS NOT NULL"),
        ),
    )

    id: int | None = _pk()
    assessment_id: int = _fk("assessment.id", ondelete="CASCADE")
    area_id: str = Field(max_length=CRITERION_ID_MAX)
    criterion_id: str | None = Field(default=None, max_length=CRITERION_ID_MAX)
    """One criterion of the area (None: the whole area)."""
    person_id: int = _fk("person.id", ondelete="CASCADE", index=True)
    assigned_by_id: int | None = _fk("person.id", ondelete="SET NULL", optional=True)
    assigned_at: datetime = _at()


class Answer(SQLModel, table=True):
    """The city's current answer to one criterion; every change is kept in `AnswerHistory`."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion_id"),)

    id: int | None = _pk()
    assessment_id: int = _fk("assessment.id", ondelete="CASCADE")
    criterion_id: str = Field(max_length=CRITERION_ID_MAX)
    ticked: list[str] = Field(default_factory=list, sa_type=JSONValue)
    """Ids of the checklist items that hold, sorted."""
    status: AnswerStatus = Field(sa_type=StrEnumType(AnswerStatus))
    note: str | None = Field(default=None, sa_type=Text)
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONValue)
    """Links given as evidence, in the order given: `{"url": ..., "added_at": ISO 8601 UTC,
    "added_by": person id or None}` (when and by whom each was last given)."""
    answered_by_id: int | None = _fk("person.id", ondelete="SET NULL", optional=True)
    answered_at: datetime = _at()
    evidence_at: datetime | None = _at(optional=True)
    """When the newest of its evidence links was given; None without links. Kept by
    `record_answer`, so stale evidence is found without reading the links."""


class AnswerHistory(SQLModel, table=True):
    """One change of an answer: who, when, from where, the value before and after."""

    __tablename__ = "answer_history"

    id: int | None = _pk()
    answer_id: int = _fk("answer.id", ondelete="CASCADE", index=True)
    changed_by_id: int | None = _fk("person.id", ondelete="SET NULL", optional=True)
    changed_at: datetime = _at()
    source: AnswerSource = Field(sa_type=StrEnumType(AnswerSource))
    old_value: dict[str, Any] | None = Field(default=None, sa_type=JSONValue)
    """The answer before the change (None for the first answer)."""
    new_value: dict[str, Any] = Field(sa_type=JSONValue)
    respondent_answer_id: int | None = _fk(
        "respondent_answer.id", ondelete="SET NULL", optional=True
    )
    """For a criterion several people answer: the respondent's answer this change adopted
    (agreed on, or accepted by a coordinator); None otherwise."""


class InterviewProgress(SQLModel, table=True):
    """Where one person is in one assessment's interview, so they can resume any day."""

    __tablename__ = "interview_progress"
    __table_args__ = (UniqueConstraint("person_id", "assessment_id"),)

    id: int | None = _pk()
    person_id: int = _fk("person.id", ondelete="CASCADE")
    assessment_id: int = _fk("assessment.id", ondelete="CASCADE", index=True)
    current_criterion_id: str | None = Field(default=None, max_length=CRITERION_ID_MAX)
    started_at: datetime = _at()
    last_activity_at: datetime = _at(index=True)
    paused_until: datetime | None = _at(optional=True)
    completed_at: datetime | None = _at(optional=True)


class Plan(SQLModel, table=True):
    """An improvement plan drawn from an assessment's unmet criteria."""

    __tablename__ = "plan"

    id: int | None = _pk()
    assessment_id: int = _fk("assessment.id", ondelete="CASCADE", index=True)
    created_by_id: int | None = _fk("person.id", ondelete="SET NULL", optional=True)
    created_at: datetime = _at()


class Milestone(SQLModel, table=True):
    """A step of a plan toward meeting a criterion, with an owner and a due date."""

    __tablename__ = "milestone"
    __table_args__ = (
        Index("ix_milestone_status_due_on", "status", "due_on"),
        Index("ix_milestone_status_next_reminder_at", "status", "next_reminder_at"),
    )

    id: int | None = _pk()
    plan_id: int = _fk("plan.id", ondelete="CASCADE", index=True)
    criterion_id: str = Field(max_length=CRITERION_ID_MAX)
    title: str = Field(max_length=300)
    owner_id: int | None = _fk("person.id", ondelete="SET NULL", index=True, optional=True)
    due_on: date
    """The due date in the city's timezone."""
    status: MilestoneStatus = Field(
        default=MilestoneStatus.OPEN, sa_type=StrEnumType(MilestoneStatus)
    )
    done_at: datetime | None = _at(optional=True)
    snoozed_until: datetime | None = _at(optional=True)
    evidence_url: str | None = Field(default=None, max_length=2000)
    created_at: datetime = _at()
    next_reminder_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": null()}
    )
    """When the scheduler next looks at this milestone (its next reminder); None: at the next
    sweep. Any other change to the row clears it (`onupdate`), so a new due date or snooze is
    seen at once; see `bot.schedule.sweep`."""


class NotificationLedger(SQLModel, table=True):
    """One outgoing reminder, digest or follow-up, claimed under a unique key before sending."""

    __tablename__ = "notification_ledger"
    __table_args__ = (
        UniqueConstraint("kind", "target", "period_key"),
        Index("ix_notification_ledger_status_claimed_at", "status", "claimed_at"),
        Index("ix_notification_ledger_recipient_id_claimed_at", "recipient_id", "claimed_at"),
        CheckConstraint("attempts >= 1", name="attempts"),
    )

    id: int | None = _pk()
    kind: str = Field(max_length=40)
    """What is sent, e.g. `digest` or `milestone_reminder`."""
    target: str = Field(max_length=200)
    """Who or what it is about, e.g. `city:12` or `milestone:40`."""
    period_key: str = Field(max_length=40)
    """Which occurrence, e.g. `2027-W09` or `2027-03-01`."""
    status: NotificationStatus = Field(
        default=NotificationStatus.CLAIMED, sa_type=StrEnumType(NotificationStatus)
    )
    claimed_at: datetime = _at()
    sent_at: datetime | None = _at(optional=True)
    attempts: int = 1
    error: str | None = Field(default=None, sa_type=Text)
    recipient_id: int | None = _fk("person.id", ondelete="SET NULL", optional=True)
    """The person a nudge went to (a reminder, follow-up or re-check), counted for their weekly
    cap; None for digests, coordinators' notices and other sends outside the cap."""


class ProcessedEvent(SQLModel, table=True):
    """A Slack event id already handled, so that Slack's retries do nothing."""

    __tablename__ = "processed_event"
    __table_args__ = (UniqueConstraint("event_id"),)

    id: int | None = _pk()
    event_id: str = Field(max_length=100)
    received_at: datetime = _at(index=True)


class DigestSnapshot(SQLModel, table=True):
    """What one weekly digest told a city's coordinators, so the next one can say what changed."""

    __tablename__ = "digest_snapshot"
    __table_args__ = (
        UniqueConstraint("city_id", "period_key"),
        CheckConstraint("milestones_done >= 0 AND milestones_total >= 0", name="milestones"),
    )

    id: int | None = _pk()
    city_id: int = _fk("city.id", ondelete="CASCADE")
    period_key: str = Field(max_length=40)
    """The digest's week in the city's calendar, e.g. `2027-W09` (its ledger period key)."""
    sent_at: datetime = _at()
    level_now: str | None = Field(default=None, max_length=40)
    """Id of the level reached with the done milestones' criteria met; None for no level."""
    level_all_done: str | None = Field(default=None, max_length=40)
    """Id of the level reached once every milestone is done; None for no level."""
    milestones_done: int = 0
    milestones_total: int = 0


class ReportFile(SQLModel, table=True):
    """A report file the bot uploaded to Slack (e.g. a round's result chart), to show it again."""

    __tablename__ = "report_file"

    id: int | None = _pk()
    assessment_id: int = _fk("assessment.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=40)
    """What the file is, e.g. `result_chart`."""
    slack_file_id: str = Field(max_length=32)
    channel_id: str | None = Field(default=None, max_length=32)
    """Where it was shared; None for a file kept private to the bot."""
    uploaded_at: datetime = _at()


# Absence and attention: who is away (and who covers), when each person may be nudged, and
# the nudges held back until then.
class AwayPeriod(SQLModel, table=True):
    """A person away until a day: no nudges to them before it; their deputy gets some meanwhile."""

    __tablename__ = "away_period"

    id: int | None = _pk()
    person_id: int = _fk("person.id", ondelete="CASCADE", index=True)
    deputy_id: int | None = _fk("person.id", ondelete="SET NULL", index=True, optional=True)
    back_on: date
    """The day the person is back, in their own timezone."""
    until_at: datetime = _at()
    """The start of `back_on` in the person's timezone: nudges resume from then."""
    created_at: datetime = _at()
    ended_at: datetime | None = _at(optional=True)
    """When the person said they were back early (`/citycheck back`), or a new period replaced
    this one."""


class NudgePreference(SQLModel, table=True):
    """The days and hour a person wants nudges at, over the defaults."""

    __tablename__ = "nudge_preference"
    __table_args__ = (UniqueConstraint("person_id"),)

    id: int | None = _pk()
    person_id: int = _fk("person.id", ondelete="CASCADE")
    days: list[int] = Field(default_factory=list, sa_type=JSONValue)
    """ISO weekdays (Monday 1 ... Sunday 7), sorted."""
    at: time
    """Local time of day from which nudges may go out on those days."""
    updated_at: datetime = _at()

    @validates("days")
    def _check_days(self, _key: str, value: list[int]) -> list[int]:
        return check_weekdays(value, field="days")


class HeldNudge(SQLModel, table=True):
    """A nudge the attention policy held back (away, quiet hours, do-not-disturb, weekly cap),
    kept under its ledger key until it may go out: a held nudge is never lost."""

    __tablename__ = "held_nudge"
    __table_args__ = (UniqueConstraint("kind", "target", "period_key"),)

    id: int | None = _pk()
    kind: str = Field(max_length=40)
    target: str = Field(max_length=200)
    period_key: str = Field(max_length=40)
    person_id: int = _fk("person.id", ondelete="CASCADE", index=True)
    """The person it was meant for (its deputy may get it instead)."""
    not_before: datetime = _at(index=True)
    reason: str = Field(max_length=20)
    held_at: datetime = _at()


class Recheck(SQLModel, table=True):
    """A criterion asked again of its respondent once a milestone toward it was done (once per
    milestone), and how that ended: the answer kept or changed, with the score before and after."""

    __tablename__ = "recheck"
    __table_args__ = (
        UniqueConstraint("milestone_id"),
        Index("ix_recheck_status_requested_at", "status", "requested_at"),
    )

    id: int | None = _pk()
    milestone_id: int = _fk("milestone.id", ondelete="CASCADE")
    assessment_id: int = _fk("assessment.id", ondelete="CASCADE", index=True)
    """The round whose answer is asked again: the city's latest when the milestone was done."""
    criterion_id: str = Field(max_length=CRITERION_ID_MAX)
    person_id: int | None = _fk("person.id", ondelete="SET NULL", optional=True)
    """Who is asked: who last answered it, else someone assigned its area, else a coordinator."""
    status: RecheckStatus = Field(default=RecheckStatus.PENDING, sa_type=StrEnumType(RecheckStatus))
    requested_at: datetime = _at()
    answered_at: datetime | None = _at(optional=True)
    answered_by_id: int | None = _fk("person.id", ondelete="SET NULL", optional=True)
    result: dict[str, Any] | None = Field(default=None, sa_type=JSONValue)
    """The criterion's status and the round's score before and after the answer:
    `{"status": [before, after], "met": [...], "total": [...], "percent": ["61.3", "64.5"],
    "level": [level id or None, ...]}`."""


# Several respondents: each one's own answers, and their disagreements until settled.
class RespondentAnswer(SQLModel, table=True):
    """One respondent's own answer to a criterion several people answer; every change is a new
    row (the newest of a person is their answer), so all of them stay."""

    __tablename__ = "respondent_answer"
    __table_args__ = (
        Index("ix_respondent_answer_assessment_id_criterion_id", "assessment_id", "criterion_id"),
        Index("ix_respondent_answer_assessment_id_person_id", "assessment_id", "person_id"),
    )

    id: int | None = _pk()
    assessment_id: int = _fk("assessment.id", ondelete="CASCADE")
    criterion_id: str = Field(max_length=CRITERION_ID_MAX)
    person_id: int | None = _fk("person.id", ondelete="SET NULL", optional=True)
    ticked: list[str] = Field(default_factory=list, sa_type=JSONValue)
    """Ids of the checklist items that hold, sorted."""
    status: AnswerStatus = Field(sa_type=StrEnumType(AnswerStatus))
    note: str | None = Field(default=None, sa_type=Text)
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONValue)
    """Links given as evidence, as on `Answer`."""
    answered_at: datetime = _at()
    source: AnswerSource = Field(sa_type=StrEnumType(AnswerSource))


class Disagreement(SQLModel, table=True):
    """Respondents who answered a criterion differently (status or ticks), until it is settled;
    while open, the criterion has no scored answer."""

    __tablename__ = "disagreement"
    __table_args__ = (
        Index(
            "ux_disagreement_open",
            "assessment_id",
            "criterion_id",
            unique=True,
            sqlite_where=text("settled_at IS NULL"),
            postgresql_where=text("settled_at IS NULL"),
        ),
    )

    id: int | None = _pk()
    assessment_id: int = _fk("assessment.id", ondelete="CASCADE", index=True)
    criterion_id: str = Field(max_length=CRITERION_ID_MAX)
    opened_at: datetime = _at()
    settled_at: datetime | None = _at(optional=True)
    resolution: Resolution | None = Field(default=None, sa_type=StrEnumType(Resolution))
    settled_by_id: int | None = _fk("person.id", ondelete="SET NULL", optional=True)
    accepted_id: int | None = _fk("respondent_answer.id", ondelete="SET NULL", optional=True)
    """The respondent's answer that became the city's."""
    talk_channel_id: str | None = Field(default=None, max_length=32)
    """The group conversation where the respondents were asked to talk it over."""
    talk_started_at: datetime | None = _at(optional=True)
    talk_started_by_id: int | None = _fk("person.id", ondelete="SET NULL", optional=True)


# The tables of Slack's OAuth stores share this metadata, so migrations build them too.
from storage import slack_tables as _slack_tables  # noqa: E402, F401
