"""`/citycheck status` for each kind of person, the coordinator's Home, and the result posted
once when the last assigned area is answered; over HTTP against the sandbox Slack.

Answers are stored through the repository here, as the interview would store them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.sandbox.driver import Workspace
from bot.sandbox.testing import BotUnderTest
from bot.services.results import RESULT_KIND, RESULT_PERIOD, announce_if_complete, result_target
from bot.slack import ids
from bot.slack.results import post_result
from storage.enums import AnswerStatus, AssessmentStatus, NotificationStatus
from storage.repo import answers, ledger, orgs
from storage.session import unit_of_work
from tests.e2e.journeys import (
    NOW,
    RUBRIC,
    Team,
    assessments_of,
    assign,
    channel_texts,
    city_named,
    make_team,
    set_up,
)


def _ready(workspace: Workspace, picks: dict[str, list[str]] | None = None) -> Team:
    team = make_team(workspace)
    set_up(workspace, team["cora"], team.channel)
    assign(workspace, team["cora"], picks or {"OD": [team["rita"], team["rui"]]})
    workspace.wait_for_message(team["cora"], "saved")
    return team


def _round(engine: Engine) -> int:
    city = city_named(engine, "Springfield")
    return assessments_of(engine, city.id or 0)[0].id or 0


def _answer(
    engine: Engine, slack_id: str, criteria: Iterable[str], *, ago: timedelta = timedelta(0)
) -> None:
    city = city_named(engine, "Springfield")
    with unit_of_work(engine) as session:
        person = orgs.find_person(session, workspace_id=city.workspace_id, slack_user_id=slack_id)
        assert person is not None and person.id is not None
        for cid in criteria:
            answers.record_answer(
                session, assessment_id=_round(engine), criterion_id=cid, person_id=person.id,
                ticked=[it.id for it in RUBRIC.criterion(cid).checklist],
                status=AnswerStatus.ANSWERED, note=None, evidence=[], now=NOW - ago,
                source="click",
            )  # fmt: skip


def test_a_coordinator_sees_the_teams_progress_privately(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = _ready(workspace)
    _answer(db_engine, team["rita"], ["OD1"], ago=timedelta(days=2))

    workspace.command(team["cora"], "status")

    shown = workspace.wait_for_message(team["cora"], "questions answered")
    assert shown["ephemeral_to"] == team["cora"]
    blocks = {b["block_id"]: b for b in shown["blocks"]}
    assert blocks[ids.BLOCK_STATUS_HEADER]["text"]["text"] == "Springfield · assessment progress"
    areas = blocks[ids.BLOCK_STATUS_AREAS]["text"]["text"]
    assert "*Open Data* 1/4 · rita (2 days ago), rui (not started)" in areas
    assert "*Data Management* 0/9 · _nobody assigned_" in areas
    level = blocks[ids.BLOCK_STATUS_LEVEL]["text"]["text"]
    assert "*Level so far:* none yet · 0 of 43 criteria met" not in level  # OD1 is met
    assert "1 of 43 criteria met" in level
    assert "core criterion DM1 is not answered yet" in level
    assert "*Not started yet:* rui" in blocks[ids.BLOCK_STATUS_WAITING]["text"]["text"]


def test_a_respondent_sees_their_areas_with_a_resume_button(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = _ready(workspace)
    _answer(db_engine, team["rita"], ["OD1"])

    workspace.command(team["rita"], "status")

    shown = workspace.wait_for_message(team["rita"], "Your areas for Springfield")
    assert "• Open Data: 1/4" in shown["blocks"][0]["text"]["text"]
    button = shown["blocks"][1]["elements"][0]
    assert (button["text"]["text"], button["action_id"], button["value"]) == (
        "Resume", ids.INTERVIEW_RESUME, str(_round(db_engine)),
    )  # fmt: skip
    assert "assessment progress" not in shown["text"]


def test_someone_outside_the_team_is_told_how_to_get_involved(workspace: Workspace) -> None:
    team = _ready(workspace)

    workspace.command(team["tom"], "status")

    shown = workspace.wait_for_message(team["tom"], "To take part")
    assert "You are not part of a city's assessment team here." in shown["text"]
    assert "ask your city's coordinator to assign you a practice area" in shown["text"]


def test_the_coordinators_home_shows_the_team(workspace: Workspace) -> None:
    team = _ready(workspace)

    workspace.open_home(team["cora"])

    home = workspace.wait_for(lambda: workspace.home(team["cora"]), what="the Home tab")
    texts = [b.get("text", {}).get("text", "") for b in home["blocks"]]
    assert any(t.startswith("*Springfield* · 0 of 43 questions answered") for t in texts)
    assert any("Open Data 0/4 · rita, rui" in t for t in texts)


def test_the_result_is_posted_once_when_the_last_area_is_answered(
    workspace: Workspace, db_engine: Engine, bot: BotUnderTest
) -> None:
    team = _ready(workspace)
    deps = bot.deps
    round_id = _round(db_engine)
    _answer(db_engine, team["rita"], ["OD1", "OD2", "OD3"])

    with unit_of_work(db_engine) as session:
        assert announce_if_complete(session, deps=deps, assessment_id=round_id, now=NOW) is None

    _answer(db_engine, team["rui"], ["OD4"])
    found = []

    def finish() -> None:  # two people's last answers, handled at the same moment
        with unit_of_work(db_engine) as session:
            found.append(announce_if_complete(session, deps=deps, assessment_id=round_id, now=NOW))

    threads = [threading.Thread(target=finish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    announcements = [a for a in found if a is not None]
    assert len(announcements) == 1
    assert post_result(deps.client, announcements[0], deps=deps)

    results = [t for t in channel_texts(workspace, team.channel) if "is complete" in t]
    assert len(results) == 1
    assert results[0].startswith("Springfield's assessment is complete: 4 of 43 criteria met")
    posted = next(
        m for m in workspace.sandbox.history(channel_id=team.channel) if "is complete" in m["text"]
    )
    plan = posted["blocks"][-1]["elements"][0]
    assert (plan["text"]["text"], plan["action_id"], plan["value"]) == (
        "Create improvement plan", ids.PLAN_CREATE, str(round_id),
    )  # fmt: skip
    with Session(db_engine) as session:
        row = ledger.get_notification(
            session, kind=RESULT_KIND, target=result_target(round_id), period_key=RESULT_PERIOD
        )
        assert row is not None and row.status == NotificationStatus.SENT
    assert assessments_of(db_engine, city_named(db_engine, "Springfield").id or 0)[0].status == (
        AssessmentStatus.COMPLETED
    )
    with unit_of_work(db_engine) as session:
        assert announce_if_complete(session, deps=deps, assessment_id=round_id, now=NOW) is None


def test_a_result_the_channel_refuses_goes_to_the_coordinators(
    workspace: Workspace, db_engine: Engine, bot: BotUnderTest
) -> None:
    team = make_team(workspace)
    outside = workspace.add_channel("no-bot-here", [team["cora"]], bot_member=False)
    set_up(workspace, team["cora"], team.channel)
    assign(workspace, team["cora"], {"CI": [team["rita"]]})
    workspace.wait_for_message(team["cora"], "saved")
    city = city_named(db_engine, "Springfield")
    with unit_of_work(db_engine) as session:
        orgs.update_city(session, city_id=city.id or 0, digest_channel_id=outside)
    _answer(db_engine, team["rita"], ["CI1", "CI2", "CI3"])

    with unit_of_work(db_engine) as session:
        found = announce_if_complete(
            session, deps=bot.deps, assessment_id=_round(db_engine), now=NOW
        )
    assert found is not None

    assert post_result(bot.deps.client, found, deps=bot.deps) is False
    told = workspace.wait_for_message(team["cora"], "is complete")
    assert f"I could not post this result in <#{outside}>" in told["blocks"][0]["text"]["text"]
