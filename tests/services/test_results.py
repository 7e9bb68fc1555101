"""The result: announced once, when every assigned area is answered, with the gap to go."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import pytest
from sqlmodel import Session

from bot.deps import Deps
from bot.services.results import (
    RESULT_KIND,
    RESULT_PERIOD,
    ResultAnnouncement,
    announce_if_complete,
    result_target,
)
from bot.settings import load_settings
from bot.slack.client import build_client
from rubric.loader import load_bundled_rubric
from storage.engine import make_engine
from storage.enums import AnswerStatus, AssessmentStatus
from storage.repo import answers, assessments, ledger
from storage.session import unit_of_work
from tests.builders import NOW, CitySetup, build_city

RUBRIC = load_bundled_rubric()
AREAS = {"OD": ["rita"], "EVAL": ["cora"]}


@pytest.fixture
def deps() -> Deps:
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s" * 32)
    return Deps(settings=settings, client=build_client(settings), rubric=RUBRIC)


def _answer_area(
    session: Session,
    city: CitySetup,
    area_id: str,
    who: str,
    *,
    met: Iterable[str] = (),
    status: AnswerStatus = AnswerStatus.ANSWERED,
) -> None:
    met = set(met)
    for criterion in RUBRIC.area(area_id).criteria:
        answers.record_answer(
            session,
            assessment_id=city.assessment_id,
            criterion_id=criterion.id,
            person_id=city.person_id(who),
            ticked=[it.id for it in criterion.checklist] if criterion.id in met else [],
            status=status,
            note=None,
            evidence=[],
            now=NOW,
            source="click",
        )


def test_nothing_is_announced_while_an_assigned_area_waits(session: Session, deps: Deps) -> None:
    city = build_city(session, areas=AREAS)
    _answer_area(session, city, "OD", "rita")

    assert (
        announce_if_complete(session, deps=deps, assessment_id=city.assessment_id, now=NOW) is None
    )
    assessment = assessments.get_assessment(session, assessment_id=city.assessment_id)
    assert assessment.status == AssessmentStatus.OPEN


def test_a_skipped_criterion_still_waits_but_unsure_counts_as_answered(
    session: Session, deps: Deps
) -> None:
    city = build_city(session, areas=AREAS)
    _answer_area(session, city, "OD", "rita")
    _answer_area(session, city, "EVAL", "cora", status=AnswerStatus.SKIPPED)

    assert (
        announce_if_complete(session, deps=deps, assessment_id=city.assessment_id, now=NOW) is None
    )

    _answer_area(session, city, "EVAL", "cora", status=AnswerStatus.UNSURE)
    found = announce_if_complete(session, deps=deps, assessment_id=city.assessment_id, now=NOW)

    assert found is not None and found.unsure == 4


def test_the_last_answer_announces_once_and_completes_the_assessment(
    session: Session, deps: Deps
) -> None:
    city = build_city(session, areas=AREAS)
    _answer_area(session, city, "OD", "rita", met=["OD1", "OD2"])
    _answer_area(session, city, "EVAL", "cora")

    first = announce_if_complete(session, deps=deps, assessment_id=city.assessment_id, now=NOW)
    session.commit()
    again = announce_if_complete(session, deps=deps, assessment_id=city.assessment_id, now=NOW)

    assert isinstance(first, ResultAnnouncement) and again is None
    assessment = assessments.get_assessment(session, assessment_id=city.assessment_id)
    assert assessment.status == AssessmentStatus.COMPLETED and assessment.completed_at == NOW
    claim = ledger.get_notification(
        session,
        kind=RESULT_KIND,
        target=result_target(city.assessment_id),
        period_key=RESULT_PERIOD,
    )
    assert claim is not None and claim.id == first.ledger_id


def test_the_announcement_carries_score_level_areas_and_gap(session: Session, deps: Deps) -> None:
    city = build_city(session, areas=AREAS)
    _answer_area(session, city, "OD", "rita", met=["OD1", "OD2"])
    _answer_area(session, city, "EVAL", "cora")

    found = announce_if_complete(session, deps=deps, assessment_id=city.assessment_id, now=NOW)

    assert found is not None
    assert (found.city_name, found.channel_id, found.language) == ("Springfield", "C0DIGEST", "en")
    assert found.coordinators == (city.person("cora").slack_user_id,)
    assert (found.met, found.total, found.level) == (2, 43, None)
    assert [b.criterion_id for b in found.blockers] == ["DM1", "LC1", "PA1"]
    rows = {row.area_id: row for row in found.areas}
    assert (rows["OD"].met, rows["OD"].total, rows["OD"].assigned) == (2, 4, True)
    assert rows["DM"].assigned is False
    assert found.target is not None and found.target.en == "Silver"
    assert [s.criterion_id for s in found.steps[:3]] == ["DM1", "LC1", "PA1"]
    assert all(s.core for s in found.steps[:3])
    assert len(found.steps) >= 20  # 22 of 43 criteria reach Silver


def test_an_assessment_nobody_was_assigned_to_is_never_complete(
    session: Session, deps: Deps
) -> None:
    city = build_city(session, areas={})

    assert (
        announce_if_complete(session, deps=deps, assessment_id=city.assessment_id, now=NOW) is None
    )


def test_two_people_answering_their_last_question_at_once_announce_exactly_once(
    db_url: str, db_backend: str, deps: Deps
) -> None:
    setup_engine = make_engine(db_url)
    with Session(setup_engine) as session:
        city = build_city(session, areas=AREAS)
        assessment_id = city.assessment_id
        _answer_area(session, city, "OD", "rita")
        _answer_area(session, city, "EVAL", "cora")
        last = {"rita": "OD4", "cora": "EVAL4"}
        people = {name: city.person_id(name) for name in last}
        for criterion_id in last.values():
            answer = answers.get_answer(
                session, assessment_id=assessment_id, criterion_id=criterion_id
            )
            assert answer is not None
            session.delete(answer)
        session.commit()
    setup_engine.dispose()
    engines = {name: make_engine(db_url) for name in last}
    start = threading.Barrier(len(engines))
    # On PostgreSQL both answers are stored (not yet committed) before either checks, the race
    # the lock must settle; SQLite lets one writer in at a time, so there is nothing to wait for.
    stored = threading.Barrier(len(engines) if db_backend == "postgresql" else 1)
    found: list[ResultAnnouncement | None] = []
    errors: list[BaseException] = []

    def finish(name: str) -> None:
        try:
            start.wait()
            with unit_of_work(engines[name]) as session:
                answers.record_answer(
                    session, assessment_id=assessment_id, criterion_id=last[name],
                    person_id=people[name], ticked=[], status=AnswerStatus.ANSWERED, note=None,
                    evidence=[], now=NOW, source="click",
                )  # fmt: skip
                stored.wait(timeout=10)
                found.append(
                    announce_if_complete(session, deps=deps, assessment_id=assessment_id, now=NOW)
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=finish, args=(name,)) for name in last]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines.values():
        engine.dispose()

    assert errors == []
    assert len(found) == 2
    assert len([f for f in found if f is not None]) == 1
