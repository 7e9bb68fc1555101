"""Assigning practice areas with `/citycheck assign`, and Later, over HTTP against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from bot.sandbox.driver import Workspace
from bot.slack import ids
from rubric.loader import load_bundled_rubric
from storage.repo import answers, assessments, orgs, progress
from storage.session import unit_of_work
from tests.e2e.journeys import (
    Team,
    area_label,
    assessments_of,
    assign,
    channel_texts,
    city_named,
    make_team,
    open_modal,
    set_up,
)


def _assigned(engine: Engine, area_id: str) -> list[str]:
    city = city_named(engine, "Springfield")
    round_id = assessments_of(engine, city.id or 0)[0].id or 0
    with Session(engine) as session:
        people = assessments.assignees(session, assessment_id=round_id, area_id=area_id)
    return [p.display_name for p in people]


def _dms(workspace: Workspace, user: str) -> list[str]:
    return [m["text"] for m in workspace.messages(user) if "ephemeral_to" not in m]


def _ready(workspace: Workspace) -> Team:
    team = make_team(workspace)
    set_up(workspace, team["cora"], team.channel)
    return team


def test_assigned_people_get_what_which_how_long_with_start_and_later(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = _ready(workspace)
    cora, rita, rui = team["cora"], team["rita"], team["rui"]

    modal = open_modal(workspace, cora, "assign")
    pickers = [b for b in modal["blocks"] if b["type"] == "input"]
    assert len(pickers) == 8
    submitted = workspace.submit_modal(
        cora, {area_label("DM"): [rita], area_label("OD"): [rita, rui]}
    )

    assert submitted.closed
    to_rita = workspace.wait_for_message(rita, "asked you to help")
    assert (
        "cora asked you to help with *Springfield's data-practices self-assessment*"
        in (to_rita["text"])
    )
    assert "*Data Management* (9 questions)" in to_rita["text"]
    assert "*Open Data* (4 questions)" in to_rita["text"]
    assert "13 questions, about 15 minutes in all." in to_rita["text"]
    round_id = assessments_of(db_engine, city_named(db_engine, "Springfield").id or 0)[0].id
    buttons = to_rita["blocks"][-1]["elements"]
    assert [(b["text"]["text"], b["action_id"], b["value"]) for b in buttons] == [
        ("Start", ids.INTERVIEW_RESUME, str(round_id)),
        ("Later", ids.ASSIGNMENT_LATER, str(round_id)),
    ]
    assert "4 questions, about 5 minutes" in workspace.wait_for_message(rui, "asked you")["text"]
    workspace.wait_for_message(cora, "Assignments for Springfield saved: 3 changes")
    assert _assigned(db_engine, "OD") == ["rita", "rui"]
    with Session(db_engine) as session:
        city = city_named(db_engine, "Springfield")
        rita_row = orgs.find_person(session, workspace_id=city.workspace_id, slack_user_id=rita)
        assert rita_row is not None and rita_row.id is not None
        assert "respondent" in orgs.roles_of(session, city_id=city.id or 0, person_id=rita_row.id)

    workspace.click(rita, "Later")

    later = workspace.wait_for_message(rita, "I'll remind you")
    assert "I'll remind you on Tuesday, March 2, 2027 at 9:00" in later["text"]
    with Session(db_engine) as session:
        paused = progress.get_progress(session, person_id=rita_row.id, assessment_id=round_id or 0)
    assert paused is not None
    assert paused.paused_until == datetime(2027, 3, 2, 15, 0, tzinfo=UTC)  # 9:00 in Chicago


def test_reassigning_tells_both_people_and_an_unchanged_form_tells_nobody(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = _ready(workspace)
    cora, rita, rui, tom = team["cora"], team["rita"], team["rui"], team["tom"]
    assign(workspace, cora, {"DM": [rita], "OD": [rita]})
    workspace.wait_for_message(cora, "2 changes")

    assign(workspace, cora, {"DM": [rita], "OD": [tom]})

    workspace.wait_for_message(cora, "2 changes. I sent 2 people")
    thanked = workspace.wait_for_message(rita, "now answers")
    assert "tom now answers Open Data for Springfield; thanks for your help!" in thanked["text"]
    assert "*Open Data* (4 questions)" in workspace.wait_for_message(tom, "asked you")["text"]
    assert len([t for t in _dms(workspace, rita) if "asked you" in t]) == 1
    assert _assigned(db_engine, "OD") == ["tom"]
    before = {who: len(_dms(workspace, who)) for who in (rita, rui, tom)}

    assign(workspace, cora, {"DM": [rita], "OD": [tom]})

    workspace.wait_for_message(cora, "No assignments changed for Springfield")
    assert {who: len(_dms(workspace, who)) for who in (rita, rui, tom)} == before


def test_more_than_three_people_for_an_area_is_refused_in_the_modal(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = _ready(workspace)
    cora = team["cora"]

    refused = assign(workspace, cora, {"PA": [team["rita"], team["rui"], team["tom"], team["leo"]]})

    assert refused.errors == {"assign_area_PA": "Pick at most 3 people for one area."}
    assert _assigned(db_engine, "PA") == []


def test_people_who_do_not_coordinate_are_told_why_and_nothing_opens(
    workspace: Workspace,
) -> None:
    team = _ready(workspace)
    rita, tom = team["rita"], team["tom"]
    assign(workspace, team["cora"], {"DM": [rita]})
    workspace.wait_for_message(rita, "asked you")

    workspace.command(rita, "assign")
    workspace.command(tom, "assign")

    told = workspace.wait_for_message(rita, "Only your city's coordinators can do that")
    assert told["ephemeral_to"] == rita
    stranger = workspace.wait_for_message(tom, "You are not part of a city's assessment team")
    assert "Ask your city's coordinator to add you" in stranger["text"]
    assert workspace.modal(rita) is None and workspace.modal(tom) is None


def test_a_forged_assign_submission_for_another_city_changes_nothing(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = _ready(workspace)
    springfield = city_named(db_engine, "Springfield")
    assign(workspace, team["cora"], {"DM": [team["rita"]]})
    workspace.wait_for_message(team["cora"], "saved")
    sam = workspace.add_user("sam", tz="America/Chicago")
    set_up(workspace, sam, workspace.add_channel("shelbyville-data", [sam]), name="Shelbyville")
    open_modal(workspace, sam, "assign")

    result = workspace.submit_modal(
        sam, {area_label("DM"): [sam]}, private_metadata=str(springfield.id)
    )

    assert result.view is not None and result.view["callback_id"] == ids.VIEW_NOTICE
    assert "Only your city's coordinators can do that" in result.view["blocks"][0]["text"]["text"]
    assert _assigned(db_engine, "DM") == ["rita"]
    assert not [t for t in _dms(workspace, sam) if "asked you" in t]


def test_a_later_click_from_someone_not_assigned_changes_nothing(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = _ready(workspace)
    round_id = assessments_of(db_engine, city_named(db_engine, "Springfield").id or 0)[0].id

    workspace.click_forged(team["tom"], ids.ASSIGNMENT_LATER, str(round_id), label="Later")

    workspace.wait_for_message(team["tom"], "nothing was changed")
    with Session(db_engine) as session:
        city = city_named(db_engine, "Springfield")
        tom = orgs.find_person(session, workspace_id=city.workspace_id, slack_user_id=team["tom"])
    assert tom is None


def test_taking_away_the_only_unanswered_area_completes_the_round_and_posts_its_result(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = _ready(workspace)
    cora, rita, tom = team["cora"], team["rita"], team["tom"]
    assign(workspace, cora, {"DM": [rita], "OD": [tom]})
    workspace.wait_for_message(cora, "2 changes")
    _answer_data_management(db_engine, rita)

    assign(workspace, cora, {"DM": [rita], "OD": []})  # Open Data, unanswered, goes

    workspace.wait_for_message(cora, "1 change")
    _result_posted_once(workspace, db_engine, team)


def test_taking_away_the_only_unanswered_criterion_completes_the_round_too(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = _ready(workspace)
    cora, rita, tom = team["cora"], team["rita"], team["tom"]
    assign(workspace, cora, {"DM": [rita]})
    workspace.wait_for_message(cora, "1 change")
    workspace.command(cora, f"assign PA1 <@{tom}>")
    workspace.wait_for_message(tom, "PA1")
    _answer_data_management(db_engine, rita)
    assert not [t for t in channel_texts(workspace, team.channel) if "is complete" in t]

    workspace.command(cora, "assign PA1 nobody")

    _result_posted_once(workspace, db_engine, team)


def _answer_data_management(engine: Engine, slack_user_id: str) -> None:
    """Every Data Management criterion answered by this person, straight in the database."""
    city = city_named(engine, "Springfield")
    round_id = assessments_of(engine, city.id or 0)[0].id or 0
    rubric = load_bundled_rubric()
    with unit_of_work(engine) as session:
        person = orgs.find_person(
            session, workspace_id=city.workspace_id, slack_user_id=slack_user_id
        )
        assert person is not None and person.id is not None
        for criterion in next(a for a in rubric.areas if a.id == "DM").criteria:
            answers.record_answer(
                session, assessment_id=round_id, criterion_id=criterion.id,
                person_id=person.id, ticked=[criterion.checklist[0].id], status="answered",
                note=None, evidence=[], now=datetime(2027, 3, 1, 16, tzinfo=UTC), source="click",
            )  # fmt: skip


def _result_posted_once(workspace: Workspace, engine: Engine, team: Team) -> None:
    result = workspace.wait_for(
        lambda: [t for t in channel_texts(workspace, team.channel) if "is complete" in t],
        what="the result",
    )
    assert len(result) == 1 and result[0].startswith("Springfield's assessment is complete:")
    city = city_named(engine, "Springfield")
    assert assessments_of(engine, city.id or 0)[0].status == "completed"
