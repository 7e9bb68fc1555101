"""Assessment rounds and assignments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from storage.enums import AssessmentStatus
from storage.repo import assessments
from storage.repo.assessments import AssessmentAlreadyOpenError
from tests.builders import NOW, RUBRIC_ID, build_city


def test_rounds_are_numbered_and_only_one_is_open_at_a_time(session: Session) -> None:
    setup = build_city(session)
    first = setup.assessment
    assert (first.round_number, first.status) == (1, AssessmentStatus.OPEN)
    with pytest.raises(AssessmentAlreadyOpenError, match="already has an open assessment"):
        assessments.start_assessment(
            session, city_id=setup.city_id, rubric_id=RUBRIC_ID, rubric_version="2", now=NOW
        )
    done = assessments.complete_assessment(
        session, assessment_id=setup.assessment_id, now=NOW + timedelta(days=60)
    )
    assert (done.status, done.completed_at) == (
        AssessmentStatus.COMPLETED,
        NOW + timedelta(days=60),
    )
    second = assessments.start_assessment(
        session, city_id=setup.city_id, rubric_id=RUBRIC_ID, rubric_version="2", now=NOW
    )
    assert second.round_number == 2
    assert assessments.open_assessment(session, city_id=setup.city_id) == second
    assert assessments.latest_assessment(session, city_id=setup.city_id) == second
    assert assessments.open_assessments(session) == [second]
    archived = assessments.archive_assessment(session, assessment_id=second.id or 0, now=NOW)
    assert archived.status is AssessmentStatus.ARCHIVED and archived.archived_at == NOW
    assert assessments.open_assessment(session, city_id=setup.city_id) is None


def test_several_people_can_share_an_area_and_assigning_twice_is_harmless(
    session: Session,
) -> None:
    setup = build_city(session, areas={"DM": ["rita"]})
    cora, rita = setup.person_id("cora"), setup.person_id("rita")
    added = assessments.assign_area(
        session,
        assessment_id=setup.assessment_id,
        area_id="DM",
        person_id=cora,
        now=NOW,
        assigned_by_id=cora,
    )
    again = assessments.assign_area(
        session, assessment_id=setup.assessment_id, area_id="DM", person_id=cora, now=NOW
    )
    assert again.id == added.id
    names = assessments.assignees(session, assessment_id=setup.assessment_id, area_id="DM")
    assert [p.display_name for p in names] == ["Cora", "Rita"]
    every = assessments.assignments_for_assessment(session, assessment_id=setup.assessment_id)
    assert [(a.area_id, a.person_id) for a in every] == sorted([("DM", cora), ("DM", rita)])
    assert assessments.unassign_area(
        session, assessment_id=setup.assessment_id, area_id="DM", person_id=cora
    )
    assert not assessments.unassign_area(
        session, assessment_id=setup.assessment_id, area_id="DM", person_id=cora
    )


def test_a_persons_assignments_are_those_of_open_rounds(session: Session) -> None:
    setup = build_city(session)
    rita = setup.person_id("rita")
    mine = assessments.assignments_for_person(session, person_id=rita)
    assert sorted(a.area_id for a in mine) == ["DM", "OD"]
    assessments.complete_assessment(session, assessment_id=setup.assessment_id, now=NOW)
    assert assessments.assignments_for_person(session, person_id=rita) == []
    every = assessments.assignments_for_person(session, person_id=rita, open_only=False)
    assert len(every) == 2
