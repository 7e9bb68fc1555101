"""Answers and their history: every change is kept, the same save twice is kept once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session

from storage.enums import AnswerSource, AnswerStatus
from storage.models import Answer
from storage.repo import answers, orgs
from tests.builders import NOW, CitySetup, build_city


def _save(
    session: Session,
    setup: CitySetup,
    who: str,
    ticked: Sequence[str],
    *,
    when: datetime = NOW,
    evidence: Sequence[str] = (),
    note: str | None = None,
    criterion_id: str = "DM1",
    status: str = AnswerStatus.ANSWERED,
    source: str = AnswerSource.CLICK,
) -> Answer:
    return answers.record_answer(
        session,
        assessment_id=setup.assessment_id,
        criterion_id=criterion_id,
        person_id=setup.person_id(who),
        ticked=ticked,
        status=status,
        note=note,
        evidence=list(evidence),
        now=when,
        source=source,
    )


def test_the_first_answer_is_stored_with_its_history(session: Session) -> None:
    setup = build_city(session)
    answer = _save(session, setup, "rita", ["written-strategy", "governance-body"], note=" ok ")
    session.commit()

    stored = answers.get_answer(session, assessment_id=setup.assessment_id, criterion_id="DM1")
    assert stored is not None and stored.id == answer.id
    assert stored.ticked == ["governance-body", "written-strategy"]
    assert stored.status is AnswerStatus.ANSWERED
    assert stored.note == "ok"
    assert stored.answered_by_id == setup.person_id("rita")
    assert stored.answered_at == NOW
    [first] = answers.answer_history(session, answer_id=stored.id)
    assert first.old_value is None
    assert first.new_value["ticked"] == ["governance-body", "written-strategy"]
    assert first.changed_by_id == setup.person_id("rita")
    assert first.source is AnswerSource.CLICK


def test_a_change_keeps_the_earlier_value_who_and_when(session: Session) -> None:
    setup = build_city(session)
    _save(session, setup, "rita", ["written-strategy"])
    later = NOW + timedelta(days=3)
    answer = _save(session, setup, "cora", [], when=later, status="unsure", source="edit")
    session.commit()

    assert answer.status is AnswerStatus.UNSURE and answer.ticked == []
    assert answer.answered_by_id == setup.person_id("cora") and answer.answered_at == later
    first, second = answers.answer_history(session, answer_id=answer.id)
    assert second.old_value == first.new_value
    assert second.old_value["ticked"] == ["written-strategy"]
    assert second.new_value["status"] == "unsure"
    assert (second.changed_by_id, second.changed_at) == (setup.person_id("cora"), later)
    assert second.source is AnswerSource.EDIT


def test_saving_the_same_value_again_adds_no_history(session: Session) -> None:
    setup = build_city(session)
    _save(session, setup, "rita", ["written-strategy", "strategy-approved"], note="see wiki")
    same = _save(
        session,
        setup,
        "cora",
        ["strategy-approved", "written-strategy", "written-strategy"],
        when=NOW + timedelta(hours=1),
        note="see wiki ",
    )
    session.commit()
    assert len(answers.answer_history(session, answer_id=same.id)) == 1
    assert same.answered_by_id == setup.person_id("rita")
    assert same.answered_at == NOW


def test_evidence_links_keep_the_time_they_were_first_given(session: Session) -> None:
    setup = build_city(session)
    strategy, minutes = "https://example.org/strategy.pdf", "https://example.org/minutes"
    _save(session, setup, "rita", ["written-strategy"], evidence=[strategy])
    later = NOW + timedelta(days=1)
    answer = _save(
        session, setup, "rita", ["written-strategy"], when=later, evidence=[strategy, minutes]
    )
    session.commit()
    rita = setup.person_id("rita")
    assert answer.evidence == [
        {"url": strategy, "added_at": NOW.isoformat(), "added_by": rita},
        {"url": minutes, "added_at": later.isoformat(), "added_by": rita},
    ]
    assert answer.evidence_at == later
    history = answers.answer_history(session, answer_id=answer.id)
    assert [len(h.new_value["evidence"]) for h in history] == [1, 2]


def test_removing_a_link_is_a_change_in_the_history(session: Session) -> None:
    setup = build_city(session)
    _save(session, setup, "rita", ["written-strategy"], evidence=["https://a.example"])
    answer = _save(session, setup, "rita", ["written-strategy"], evidence=[])
    session.commit()
    history = answers.answer_history(session, answer_id=answer.id)
    assert len(history) == 2 and history[1].new_value["evidence"] == []


def test_answers_of_an_assessment_and_its_audit_trail(session: Session) -> None:
    setup = build_city(session)
    _save(session, setup, "rita", ["documented-method"], criterion_id="DM2")
    _save(session, setup, "rita", ["written-strategy"], criterion_id="DM1")
    _save(session, setup, "cora", [], criterion_id="DM1", status="skipped")
    session.commit()
    listed = answers.answers_for_assessment(session, assessment_id=setup.assessment_id)
    assert [a.criterion_id for a in listed] == ["DM1", "DM2"]
    trail = answers.assessment_history(session, assessment_id=setup.assessment_id)
    assert [(c, h.new_value["status"]) for c, h in trail] == [
        ("DM2", "answered"),
        ("DM1", "answered"),
        ("DM1", "skipped"),
    ]


def test_bad_input_is_refused_before_anything_is_written(session: Session) -> None:
    setup = build_city(session)
    with pytest.raises(ValueError, match="not a valid AnswerStatus"):
        _save(session, setup, "rita", [], status="maybe")
    with pytest.raises(TypeError, match="lists of strings"):
        _save(session, setup, "rita", "written-strategy")
    with pytest.raises(ValueError, match="aware"):
        _save(session, setup, "rita", [], when=NOW.replace(tzinfo=None))
    assert answers.answers_for_assessment(session, assessment_id=setup.assessment_id) == []


def test_deleting_a_person_keeps_their_answers_and_history(session: Session) -> None:
    setup = build_city(session)
    answer = _save(session, setup, "rita", ["written-strategy"])
    session.commit()
    session.delete(orgs.get_person(session, person_id=setup.person_id("rita")))
    session.commit()
    session.expire_all()
    kept = answers.get_answer(session, assessment_id=setup.assessment_id, criterion_id="DM1")
    assert kept is not None and kept.ticked == ["written-strategy"]
    assert kept.answered_by_id is None
    [change] = answers.answer_history(session, answer_id=answer.id)
    assert change.changed_by_id is None and change.new_value["ticked"] == ["written-strategy"]


def _store(session: Session, setup: CitySetup, who: str, ticked: list[str], found: bool) -> int:
    return answers.store_answer(
        session,
        assessment_id=setup.assessment_id,
        criterion_id="DM1",
        person_id=setup.person_id(who),
        ticked=ticked,
        status=AnswerStatus.ANSWERED,
        note=None,
        evidence=[],
        now=NOW,
        source=AnswerSource.CLICK,
        found=found,
    )


def test_an_answer_click_stores_a_new_answer_as_record_answer_does(session: Session) -> None:
    setup = build_city(session)

    answer_id = _store(session, setup, "rita", ["written-strategy"], found=False)
    session.commit()

    stored = answers.get_answer(session, assessment_id=setup.assessment_id, criterion_id="DM1")
    assert stored is not None and stored.id == answer_id
    assert (stored.ticked, stored.status) == (["written-strategy"], AnswerStatus.ANSWERED)
    assert stored.answered_by_id == setup.person_id("rita") and stored.answered_at == NOW
    [first] = answers.answer_history(session, answer_id=answer_id)
    assert first.old_value is None and first.new_value["ticked"] == ["written-strategy"]


def test_an_answer_saved_meanwhile_by_someone_else_is_updated_with_its_history(
    session: Session,
) -> None:
    setup = build_city(session)
    theirs = _save(session, setup, "cora", ["governance-body"])
    session.commit()

    # read before cora's save was there: the click believes there is no answer yet
    answer_id = _store(session, setup, "rita", ["written-strategy"], found=False)
    session.commit()

    assert answer_id == theirs.id
    first, second = answers.answer_history(session, answer_id=answer_id)
    assert second.old_value == first.new_value
    assert second.new_value["ticked"] == ["written-strategy"]
    assert second.changed_by_id == setup.person_id("rita")
    assert len(answers.answers_for_assessment(session, assessment_id=setup.assessment_id)) == 1
