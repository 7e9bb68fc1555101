"""A coordinator settles a disagreement: accepts one respondent's answer, or asks the
respondents to talk it over.

Both re-check everything on each click: the disagreement exists and belongs to a city the
clicking person coordinates (a refusal is logged as a security event), it is still open, and
an accepted answer is still that respondent's newest. Accepting writes the answer with its
settlement into the answer history (`bot.services.respondents.adopt_answer`), closes the
disagreement and, when that completes the round, returns the result to announce. Talking it
over is claimed once in the ledger (`disagreement_talk`, `city:<id>/disagreement:<id>`), so a
double click or a retry opens one conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.services.access import N_, NOT_YOURS, AccessDenied, Actor, deny, find_actor, require_role
from bot.services.disagreement_views import DisagreementView, RoundRef, disagreement_views
from bot.services.respondents import adopt_answer, current_answers, lock_assessment
from rubric.schema import Rubric
from storage.enums import Resolution, Role
from storage.models import Assessment, City, Disagreement, Person
from storage.repo import disagreements as disagreement_repo
from storage.repo import ledger
from storage.session import unit_of_work

if TYPE_CHECKING:
    from bot.deps import Deps
    from bot.services.results import ResultAnnouncement

TALK_KIND = "disagreement_talk"
TALK_PERIOD = "talk"

ALREADY_SETTLED = N_("That disagreement is already settled, so nothing was changed.")
ANSWER_CHANGED = N_(
    "{name} changed their answer after this list was made, so nothing was settled. "
    "Look at the answers again on your App Home."
)
ALREADY_TALKING = N_(
    "You already asked them to talk it over on {date}; the conversation is in your messages."
)


@dataclass(frozen=True)
class Refused:
    """Why a click changed nothing (an untranslated message and its placeholders)."""

    lang: str | None
    reason: str
    params: dict[str, str] = field(default_factory=dict)
    on: datetime | None = None
    """A moment the reason names as `{date}`, shown in the reader's calendar."""


@dataclass(frozen=True)
class Settled:
    """An accepted answer: who to tell, and the round's result if it is now complete."""

    lang: str | None
    city_name: str
    city_language: str
    criterion_id: str
    accepted_name: str
    settled_by_name: str
    respondents: tuple[tuple[str, str | None], ...]
    """(Slack id, language) of each respondent to tell."""
    talk_channel_id: str | None
    announcement: ResultAnnouncement | None = None


@dataclass(frozen=True)
class TalkRequest:
    """A conversation to open with the respondents and the coordinator, claimed once."""

    lang: str | None
    ledger_id: int
    disagreement_id: int
    users: tuple[str, ...]
    """Slack ids: the respondents, then the coordinator who asked."""
    view: DisagreementView
    coordinator_name: str
    city_language: str


def accept_answer(
    deps: Deps,
    *,
    team_id: str | None,
    user_id: str,
    disagreement_id: int,
    answer_id: int,
    now: datetime,
) -> Settled | Refused:
    """Make one respondent's answer the city's and close the disagreement (one unit of work)."""
    assert deps.engine is not None and deps.rubric is not None
    with unit_of_work(deps.engine) as session:
        opened = _unsettled(session, team_id, user_id, disagreement_id, "accept")
        if isinstance(opened, Refused):
            return opened
        found, city, coordinator = opened
        lang = _lang(coordinator)
        assessment = _assessment(session, found)
        rubric = _rubric(deps, assessment)
        lock_assessment(session, found.assessment_id)
        area_id = rubric.area_of(found.criterion_id).id
        people, given = current_answers(
            session,
            assessment_id=found.assessment_id,
            area_id=area_id,
            criterion_id=found.criterion_id,
        )
        chosen = next((row for row in given.values() if row.id == answer_id), None)
        if chosen is None or chosen.person_id is None:
            return Refused(lang, ANSWER_CHANGED, {"name": _name_of(session, answer_id)})
        assert coordinator.id is not None
        adopt_answer(session, answer=chosen, settled_by_id=coordinator.id, now=now)
        disagreement_repo.settle(
            session,
            disagreement=found,
            resolution=Resolution.ACCEPTED,
            now=now,
            settled_by_id=coordinator.id,
            accepted_id=chosen.id,
        )
        from bot.services.results import announce_if_complete

        announcement = announce_if_complete(
            session, deps=deps, assessment_id=found.assessment_id, now=now
        )
        tell = [session.get(Person, pid) for pid in people]
        accepted = session.get(Person, chosen.person_id)
        return Settled(
            lang=lang,
            city_name=city.name,
            city_language=city.language,
            criterion_id=found.criterion_id,
            accepted_name=accepted.display_name if accepted else "?",
            settled_by_name=coordinator.display_name,
            respondents=tuple(
                (p.slack_user_id, _lang(p))
                for p in tell
                if p is not None and p.id != coordinator.id
            ),
            talk_channel_id=found.talk_channel_id,
            announcement=announcement,
        )


def request_talk(
    deps: Deps, *, team_id: str | None, user_id: str, disagreement_id: int, now: datetime
) -> TalkRequest | Refused:
    """Claim the talk-it-over conversation of a disagreement (once), to open after the ack."""
    assert deps.engine is not None and deps.rubric is not None
    with unit_of_work(deps.engine) as session:
        opened = _unsettled(session, team_id, user_id, disagreement_id, "talk")
        if isinstance(opened, Refused):
            return opened
        found, city, coordinator = opened
        lang = _lang(coordinator)
        assessment = _assessment(session, found)
        assert city.id is not None and assessment.id is not None
        ref = RoundRef(
            assessment.id, city.id, city.name, assessment.rubric_id, assessment.rubric_version
        )
        views = disagreement_views(
            session, rubric=deps.rubric, rounds=[ref], rubrics=deps.rubrics
        ).get(assessment.id, ())
        view = next((v for v in views if v.disagreement_id == disagreement_id), None)
        assert view is not None
        claim = ledger.claim_notification(
            session,
            kind=TALK_KIND,
            target=talk_target(city.id, disagreement_id),
            period_key=TALK_PERIOD,
            now=now,
        )
        if claim is None or claim.id is None:
            return Refused(lang, ALREADY_TALKING, on=found.talk_started_at or now)
        found.talk_started_at = now
        found.talk_started_by_id = coordinator.id
        session.add(found)
        users = [a.slack_user_id for a in view.answers if a.slack_user_id]
        users = list(dict.fromkeys([*users, coordinator.slack_user_id]))
        return TalkRequest(
            lang=lang,
            ledger_id=claim.id,
            disagreement_id=disagreement_id,
            users=tuple(users),
            view=view,
            coordinator_name=coordinator.display_name,
            city_language=city.language,
        )


def talk_opened(
    deps: Deps, *, request: TalkRequest, channel_id: str | None, error: str | None, now: datetime
) -> None:
    """Record how opening the conversation went: its channel, or the error (retryable)."""
    assert deps.engine is not None
    with unit_of_work(deps.engine) as session:
        if error is not None:
            ledger.mark_failed(session, ledger_id=request.ledger_id, error=error, now=now)
            return
        ledger.mark_sent(session, ledger_id=request.ledger_id, now=now)
        found = disagreement_repo.get_disagreement(
            session, disagreement_id=request.disagreement_id, for_update=True
        )
        if found is not None:
            found.talk_channel_id = channel_id
            session.add(found)


def talk_target(city_id: int, disagreement_id: int) -> str:
    """The ledger target of a disagreement's conversation (removed with the city)."""
    return f"city:{city_id}/disagreement:{disagreement_id}"


# ---- internals ----------------------------------------------------------------------------------


def _unsettled(
    session: Session, team_id: str | None, user_id: str, disagreement_id: int, action: str
) -> tuple[Disagreement, City, Person] | Refused:
    """The disagreement, its city and the coordinator acting on it, while it is open; else
    why not (refused, or settled already)."""
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    try:
        found, city, coordinator = _checked(session, actor, disagreement_id, action)
    except AccessDenied as denied:
        return Refused(_lang(actor.person), denied.reason)
    if found.settled_at is not None:
        return Refused(_lang(coordinator), ALREADY_SETTLED)
    return found, city, coordinator


def _checked(
    session: Session, actor: Actor, disagreement_id: int, action: str
) -> tuple[Disagreement, City, Person]:
    found = disagreement_repo.get_disagreement(
        session, disagreement_id=disagreement_id, for_update=True
    )
    if found is None:
        raise deny(NOT_YOURS, action=f"disagreement.{action}", actor=actor,
                   target=f"disagreement:{disagreement_id}")  # fmt: skip
    assessment = _assessment(session, found)
    coordinator = require_role(
        session,
        actor=actor,
        city_id=assessment.city_id,
        roles=[Role.COORDINATOR],
        action=f"disagreement.{action}",
    )
    city = session.get(City, assessment.city_id)
    assert city is not None
    return found, city, coordinator


def _assessment(session: Session, found: Disagreement) -> Assessment:
    assessment = session.get(Assessment, found.assessment_id)
    assert assessment is not None
    return assessment


def _rubric(deps: Deps, assessment: Assessment) -> Rubric:
    from bot.services.scores import rubric_for

    assert deps.rubric is not None
    return rubric_for(assessment, deps.rubric, deps.rubrics)


def _lang(person: Person | None) -> str | None:
    return (person.language or person.locale) if person else None


def _name_of(session: Session, answer_id: int) -> str:
    from storage.models import RespondentAnswer

    row = session.get(RespondentAnswer, answer_id)
    person = session.get(Person, row.person_id) if row and row.person_id else None
    return person.display_name if person else "?"
