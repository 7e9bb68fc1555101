"""Respondents' own answers, single-criterion assignments and disagreements, on both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from storage.enums import AnswerSource, AnswerStatus, Resolution
from storage.models import Assignment
from storage.repo import assessments
from storage.repo import disagreements as disagreement_repo
from storage.repo import respondents as repo
from tests.builders import NOW, build_city

LATER = NOW + timedelta(minutes=5)


def _save(session: Session, assessment_id: int, person_id: int, ticked: list[str],
          note: str | None = None, when: object = NOW) -> repo.Saved:  # fmt: skip
    return repo.record_respondent_answer(
        session, assessment_id=assessment_id, criterion_id="OD1", person_id=person_id,
        ticked=ticked, status=AnswerStatus.ANSWERED, note=note,
        evidence=["https://example.gov/a"], now=when, source=AnswerSource.CLICK,  # type: ignore[arg-type]
    )  # fmt: skip


def test_each_change_of_a_respondents_answer_is_a_new_row_and_a_repeat_none(
    session: Session,
) -> None:
    city = build_city(session)
    rita = city.person_id("rita")
    first = _save(session, city.assessment_id, rita, ["b", "a"])
    repeat = _save(session, city.assessment_id, rita, ["a", "b"], when=LATER)
    changed = _save(session, city.assessment_id, rita, ["a"], note=" kept ", when=LATER)
    session.commit()

    assert first.changed and first.before is None and first.after.ticked == ["a", "b"]
    assert not repeat.changed and repeat.after.id == first.after.id
    assert changed.changed and changed.before is not None
    assert changed.before.id == first.after.id and changed.after.note == "kept"
    assert changed.after.evidence[0]["added_at"] == NOW.isoformat()  # the link keeps its date
    rows = repo.criterion_answers(session, assessment_id=city.assessment_id, criterion_id="OD1")
    assert [r.ticked for r in rows] == [["a", "b"], ["a"]]
    assert repo.latest_by_person(rows)[rita].id == changed.after.id
    assert repo.own_answers(session, assessment_id=city.assessment_id, person_id=rita)[
        "OD1"
    ].ticked == ["a"]


def test_a_person_may_hold_an_area_and_single_criteria_but_each_once(session: Session) -> None:
    city = build_city(session)
    aid, rita = city.assessment_id, city.person_id("rita")

    whole = assessments.assign_area(session, assessment_id=aid, area_id="BF", person_id=rita,
                                    now=NOW)  # fmt: skip
    again = assessments.assign_area(session, assessment_id=aid, area_id="BF", person_id=rita,
                                    now=LATER)  # fmt: skip
    one = repo.assign_criterion(session, assessment_id=aid, area_id="BF", criterion_id="BF2",
                                person_id=rita, now=NOW)  # fmt: skip
    two = repo.assign_criterion(session, assessment_id=aid, area_id="BF", criterion_id="BF3",
                                person_id=rita, now=NOW)  # fmt: skip
    one_again = repo.assign_criterion(session, assessment_id=aid, area_id="BF",
                                      criterion_id="BF2", person_id=rita, now=LATER)  # fmt: skip
    session.commit()

    assert again.id == whole.id and one_again.id == one.id and one.id != two.id
    rows = session.exec(select(Assignment).where(Assignment.area_id == "BF")).all()
    assert sorted((r.criterion_id or "") for r in rows) == ["", "BF2", "BF3"]
    assert [p.id for p in assessments.assignees(session, assessment_id=aid, area_id="BF")] == [rita]
    assert [p.id for p in repo.respondents_of(session, assessment_id=aid, area_id="BF",
                                               criterion_id="BF2")] == [rita]  # fmt: skip
    assert repo.unassign_criterion(session, assessment_id=aid, criterion_id="BF2", person_id=rita)
    assert assessments.unassign_area(session, assessment_id=aid, area_id="BF", person_id=rita)
    session.commit()
    left = session.exec(select(Assignment).where(Assignment.area_id == "BF")).all()
    assert [r.criterion_id for r in left] == ["BF3"]


def test_a_criterion_has_one_open_disagreement_and_the_tally_counts_criteria(
    session: Session,
) -> None:
    city = build_city(session)
    aid = city.assessment_id
    first, new = disagreement_repo.open_disagreement(
        session, assessment_id=aid, criterion_id="OD1", now=NOW
    )
    same, again = disagreement_repo.open_disagreement(
        session, assessment_id=aid, criterion_id="OD1", now=LATER
    )
    assert new and not again and same.id == first.id
    disagreement_repo.settle(session, disagreement=first, resolution=Resolution.AGREED, now=LATER)
    reopened, fresh = disagreement_repo.open_disagreement(
        session, assessment_id=aid, criterion_id="OD1", now=LATER
    )
    disagreement_repo.open_disagreement(session, assessment_id=aid, criterion_id="OD2", now=NOW)
    settled, _ = disagreement_repo.open_disagreement(
        session, assessment_id=aid, criterion_id="OD3", now=NOW
    )
    disagreement_repo.settle(session, disagreement=settled, resolution=Resolution.ACCEPTED,
                             now=LATER)  # fmt: skip
    session.commit()

    assert fresh and reopened.id != first.id
    tally = disagreement_repo.tally(session, assessment_id=aid)
    assert (tally.settled, tally.unsettled, tally.unsettled_ids) == (1, 2, ("OD1", "OD2"))
    assert [d.criterion_id for d in disagreement_repo.open_disagreements(
        session, assessment_ids=[aid])] == ["OD2", "OD1"]  # fmt: skip


def test_the_open_answers_come_with_their_disagreement_and_respondent(session: Session) -> None:
    city = build_city(session)
    aid = city.assessment_id
    _save(session, aid, city.person_id("rita"), ["a"])
    _save(session, aid, city.person_id("cora"), ["b"])
    disagreement_repo.open_disagreement(session, assessment_id=aid, criterion_id="OD1", now=NOW)
    session.commit()

    rows = disagreement_repo.open_answers(session, assessment_ids=[aid, aid + 1])

    assert [(d.criterion_id, a.ticked, name) for d, a, name, _ in rows] == [
        ("OD1", ["a"], "Rita"),
        ("OD1", ["b"], "Cora"),
    ]
