"""`/citycheck new-round`: the city's next assessment round, on the current or a newer rubric.

The new round keeps the team: everyone assigned an area last round answers it again (an area
the new rubric version no longer has is dropped, and said so). Last round's answers to the
questions that did not change are offered with "Still true" (`bot.services.carry`). The round
before is closed first: a completed one stays as it is (its improvement plan runs on), an open
one with unanswered questions is closed only when a coordinator asks for it (its unanswered
questions count as not met), and rounds older than that are archived (no more reminders about
them or their plans). One unit of work; the caller commits and sends what the result says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.services.access import (
    N_,
    AccessDenied,
    AmbiguousCity,
    city_for_role,
    deny,
    find_actor,
    require_role,
)
from bot.services.coordinator import CityChoice, Refusal, answered_criteria, language_of
from bot.services.results import is_complete
from bot.services.round_team import AreaMove, RoundNotice, carried_answers, keep_team, round_notice
from rubric.diff import Change, ChangeKind
from rubric.registry import RubricRegistry, version_key
from rubric.schema import Rubric, Text
from storage.enums import AssessmentStatus, Role
from storage.models import Assessment, City, Person
from storage.repo import answers, assessments, orgs, rounds
from storage.repo.assessments import AssessmentAlreadyOpenError

NOT_STARTED = N_(
    "{city} has no assessment yet, so there is no round to follow. Start the first one with "
    "`/citycheck setup`."
)
UNKNOWN_VERSION = N_(
    "There is no rubric version {version} here. Known versions: {versions}. "
    "For example: `/citycheck new-round {example}`."
)
OLDER_VERSION = N_(
    "Round {round} was taken on version {previous}; a new round cannot go back to {version}. "
    "Known versions: {versions}."
)
ALREADY_STARTED = N_(
    "{city}'s round {round} has just been started by another coordinator, so nothing more was "
    "changed. See it with `/citycheck status`."
)
NO_LONGER_OPEN = N_(
    "That round is no longer open, so nothing was closed. Run `/citycheck new-round` again "
    "to start the next round."
)


@dataclass(frozen=True)
class OfferToClose:
    """The latest round is still open with questions unanswered: close it, or finish it first?"""

    city_name: str
    assessment_id: int
    round_number: int
    unanswered: int
    total: int
    """Questions of the round's assigned areas (all of its rubric when none is assigned)."""
    version: str | None
    """The version asked for (None for the default), kept for the close button."""


@dataclass(frozen=True)
class NewRoundStarted:
    """The round that was started, what happened to the one before, and whom to tell."""

    city_name: str
    city_language: str
    channel_id: str | None
    coordinator_language: str | None
    assessment_id: int
    round_number: int
    previous_round: int
    closed_previous: bool
    """True when the previous round was still open and was closed now."""
    archived: tuple[int, ...]
    """Round numbers archived now."""
    rubric_title: Text
    version: str
    previous_version: str
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[AreaMove, ...] = ()
    dropped: tuple[AreaMove, ...] = ()
    unassigned: tuple[Text, ...] = ()
    """Areas of the new round nobody answers yet."""
    notices: tuple[RoundNotice, ...] = field(default_factory=tuple)

    @property
    def rubric_changed(self) -> bool:
        """True when the new round is on another rubric version."""
        return self.version != self.previous_version


NewRoundOutcome = NewRoundStarted | OfferToClose | Refusal | CityChoice


def parse_new_round_args(text: str) -> tuple[str | None, str]:
    """`[version] [city]`: a first word starting with a digit is the version, the rest a city."""
    words = text.split()
    if words and words[0][:1].isdigit():
        return words[0], " ".join(words[1:])
    return None, " ".join(words)


def new_round(
    session: Session,
    *,
    team_id: str | None,
    user_id: str,
    city_name: str,
    version: str | None,
    rubrics: RubricRegistry,
    now: datetime,
) -> NewRoundOutcome:
    """`/citycheck new-round [version] [city]` by a coordinator: start it, or say why not."""
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    try:
        city = city_for_role(
            session,
            actor=actor,
            roles=[Role.COORDINATOR],
            action="new_round",
            city_name=city_name or None,
        )
    except AccessDenied as denied:
        return Refusal.of(denied)
    except AmbiguousCity as several:
        return CityChoice("new-round", tuple(c.name for c in several.cities))
    assert actor.person is not None
    return _start(session, city, actor.person, version, rubrics, now, close=None)


def close_and_start(
    session: Session,
    *,
    team_id: str | None,
    user_id: str,
    assessment_id: int,
    version: str | None,
    rubrics: RubricRegistry,
    now: datetime,
) -> NewRoundOutcome:
    """The close button: close that open round as it stands and start the next (coordinators)."""
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        return Refusal.of(deny(NO_LONGER_OPEN, action="new_round_close", actor=actor))
    try:
        person = require_role(
            session,
            actor=actor,
            city_id=assessment.city_id,
            roles=[Role.COORDINATOR],
            action="new_round_close",
        )
    except AccessDenied as denied:
        return Refusal.of(denied)
    city = orgs.get_city(session, city_id=assessment.city_id)
    return _start(session, city, person, version, rubrics, now, close=assessment_id)


def _start(
    session: Session,
    city: City,
    coordinator: Person,
    version: str | None,
    rubrics: RubricRegistry,
    now: datetime,
    *,
    close: int | None,
) -> NewRoundOutcome:
    assert city.id is not None
    latest = assessments.latest_assessment(session, city_id=city.id)
    if latest is None or latest.id is None:
        return Refusal(NOT_STARTED, {"city": city.name})
    if close is not None and (close != latest.id or latest.status != AssessmentStatus.OPEN):
        return Refusal(NO_LONGER_OPEN)
    before = rubrics.find(latest.rubric_id, latest.rubric_version)
    target = _target(rubrics, version, latest, before)
    if isinstance(target, Refusal):
        return target
    closed = False
    if latest.status == AssessmentStatus.OPEN:
        left, total = _unanswered(session, latest, before or target)
        if left and close is None:
            return OfferToClose(city.name, latest.id, latest.round_number, left, total, version)
        assessments.complete_assessment(session, assessment_id=latest.id, now=now)
        closed = True
    try:
        started = assessments.start_assessment(
            session, city_id=city.id, rubric_id=target.id, rubric_version=target.version, now=now
        )
    except AssessmentAlreadyOpenError:
        return Refusal(ALREADY_STARTED, {"city": city.name, "round": str(latest.round_number + 1)})
    assert started.id is not None
    archived = _archive_older(session, city.id, latest.round_number, now)
    changes = rubrics.changes(before, target) if before is not None else {}
    kept, dropped, people = keep_team(
        session, latest.id, started.id, (before, target), coordinator, now
    )
    carried = carried_answers(session, latest.id, changes)
    return NewRoundStarted(
        city_name=city.name,
        city_language=city.language,
        channel_id=city.digest_channel_id,
        coordinator_language=language_of(coordinator),
        assessment_id=started.id,
        round_number=started.round_number,
        previous_round=latest.round_number,
        closed_previous=closed,
        archived=archived,
        rubric_title=target.title,
        version=target.version,
        previous_version=latest.rubric_version,
        changed=_ids(changes, ChangeKind.CHANGED),
        added=_ids(changes, ChangeKind.ADDED),
        removed=_ids(changes, ChangeKind.REMOVED),
        kept=kept,
        dropped=dropped,
        unassigned=tuple(
            a.name for a in target.areas if a.id not in {move.area_id for move in kept}
        ),
        notices=tuple(
            round_notice(person, area_ids, city, started, target, changes, carried)
            for person, area_ids in people.values()
        ),
    )


def _target(
    rubrics: RubricRegistry, version: str | None, latest: Assessment, before: Rubric | None
) -> Rubric | Refusal:
    """The rubric of the new round: the named version, else the current (or, if last round's
    is a newer version of the same rubric, that one)."""
    current = rubrics.current
    if version is None:
        if before is not None and rubrics.is_newer(before, current):
            return before
        return current
    named = rubrics.with_version(version)
    known = ", ".join(rubrics.versions(current.id)) or current.version
    if not named:
        example = current.version
        return Refusal(UNKNOWN_VERSION, {"version": version, "versions": known, "example": example})
    target = named[0]
    older = target.id == latest.rubric_id and version_key(target.version) < version_key(
        latest.rubric_version
    )
    if older:
        params = {
            "round": str(latest.round_number),
            "previous": latest.rubric_version,
            "version": version,
            "versions": known,
        }
        return Refusal(OLDER_VERSION, params)
    return target


def _unanswered(session: Session, latest: Assessment, rubric: Rubric) -> tuple[int, int]:
    """Questions asked in the round (its whole areas assigned and the criteria assigned alone;
    every criterion when nothing is assigned) still unanswered."""
    assert latest.id is not None
    assigned = assessments.assignments_for_assessment(session, assessment_id=latest.id)
    area_ids = {a.area_id for a in assigned if a.criterion_id is None}
    single = {a.criterion_id for a in assigned if a.criterion_id is not None}
    answered = answered_criteria(answers.answers_for_assessment(session, assessment_id=latest.id))
    if is_complete(rubric, area_ids, answered, single):
        return 0, 0
    asked = [
        c.id
        for a in rubric.areas
        for c in a.criteria
        if not assigned or a.id in area_ids or c.id in single
    ]
    return sum(1 for cid in asked if cid not in answered), len(asked)


def _archive_older(session: Session, city_id: int, previous: int, now: datetime) -> tuple[int, ...]:
    done = []
    for old in rounds.city_rounds(session, city_id=city_id):
        if old.round_number < previous and old.status == AssessmentStatus.COMPLETED:
            assert old.id is not None
            assessments.archive_assessment(session, assessment_id=old.id, now=now)
            done.append(old.round_number)
    return tuple(done)


def _ids(changes: Mapping[str, Change], kind: ChangeKind) -> tuple[str, ...]:
    return tuple(cid for cid, change in changes.items() if change.kind is kind)
