"""Two rounds of one city across a rubric upgrade, over HTTP against the strict sandbox Slack.

Round one is answered on version 2026.1. The bot is then restarted with 2027.1 as the current
rubric (2026.1 still loaded): GOV2's checklist changed, OPS3 is new, LEG1 and its area are gone.
A coordinator starts round two with `/citycheck new-round`; the team keeps its areas, unchanged
questions come with last round's answer and a one-click "Still true", changed and new ones are
asked afresh with a note, and the report shows what changed since round one and the level
history. Someone who is not a coordinator changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.reports.city_text import render_city_text
from bot.reports.export import report_data
from bot.reports.html import render_html
from bot.reports.model import build_city_report
from bot.sandbox.driver import Workspace
from bot.sandbox.respondent import Respondent, criterion_of
from bot.sandbox.server import LocalSandbox
from bot.sandbox.store import TEAM_ID
from bot.sandbox.testing import BotUnderTest, running_bot
from bot.slack import ids
from rubric.registry import RubricRegistry
from storage.engine import make_engine
from storage.enums import AnswerSource, AssessmentStatus, Role
from storage.models import Assessment, Assignment, Person
from storage.repo import answers, assessments, orgs
from tests.reports.page import Page
from tests.rubric.versions import v1, v2

ROUND_ONE = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
ROUND_TWO = datetime(2028, 3, 6, 15, 0, tzinfo=UTC)
STRATEGY = "https://springfield.gov/data-strategy.pdf"
V1, V2 = v1(), v2()


@dataclass
class City:
    """The seeded city: its people's Slack ids by short name, its id and digest channel."""

    users: dict[str, str]
    city_id: int
    channel_id: str


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """One database for both bot processes (a SQLite file, or PostgreSQL)."""
    made = make_engine(db_url)
    yield made
    made.dispose()


def _seed(engine: Engine, workspace: Workspace) -> City:
    """Springfield on 2026.1: rita answers Governance and Legacy systems, rui Operations."""
    users = {
        name: workspace.add_user(name, tz="America/Chicago")
        for name in ("cora", "rita", "rui", "tom")
    }
    channel = workspace.add_channel("springfield-data", list(users.values()))
    with Session(engine) as session:
        ws = orgs.upsert_workspace(session, slack_team_id=TEAM_ID, name="sandbox", now=ROUND_ONE)
        city = orgs.create_city(
            session,
            workspace_id=ws.id or 0,
            name="Springfield",
            timezone="America/Chicago",
            digest_channel_id=channel,
            now=ROUND_ONE,
        )
        assert city.id is not None
        person = {}
        for name, slack_id in users.items():
            row = orgs.upsert_person(
                session,
                workspace_id=ws.id or 0,
                slack_user_id=slack_id,
                display_name=name.title(),
                locale="en-US",
                timezone="America/Chicago",
                now=ROUND_ONE,
            )
            person[name] = row.id or 0
        orgs.grant_role(
            session, city_id=city.id, person_id=person["cora"], role=Role.COORDINATOR, now=ROUND_ONE
        )
        first = assessments.start_assessment(
            session, city_id=city.id, rubric_id=V1.id, rubric_version=V1.version, now=ROUND_ONE
        )
        for name, area in (("rita", "GOV"), ("rita", "LEG"), ("rui", "OPS")):
            orgs.grant_role(
                session,
                city_id=city.id,
                person_id=person[name],
                role=Role.RESPONDENT,
                now=ROUND_ONE,
            )
            assessments.assign_area(
                session,
                assessment_id=first.id or 0,
                area_id=area,
                person_id=person[name],
                now=ROUND_ONE,
            )
        session.commit()
        return City(users, city.id, channel)


def _rounds(engine: Engine, city: City) -> list[Assessment]:
    with Session(engine) as session:
        query = select(Assessment).where(Assessment.city_id == city.city_id)
        return list(session.exec(query.order_by(col(Assessment.round_number))))


def _answer_round_one(bot: BotUnderTest, city: City) -> None:
    workspace = bot.workspace
    rita = Respondent(workspace, city.users["rita"])
    question = rita.resume()
    assert criterion_of(question) == "GOV1"
    workspace.click_in(city.users["rita"], question, "Add evidence")
    workspace.wait_for(lambda: workspace.modal(city.users["rita"]), what="the evidence modal")
    assert workspace.submit_modal(city.users["rita"], {"Links, one per line": STRATEGY}).closed
    workspace.wait_for_message(city.users["rita"], "Evidence saved for GOV1")
    rita.answer("all")  # GOV1: met
    rita.answer([1])  # GOV2: 1 of the 2 it needs
    rita.answer("none")  # LEG1
    rui = Respondent(workspace, city.users["rui"])
    rui.resume()
    rui.answer("all")  # OPS1
    rui.answer([2])  # OPS2: the dashboard, enough
    workspace.wait_for(
        lambda: [
            m
            for m in workspace.sandbox.history(channel_id=city.channel_id)
            if "is complete" in m.get("text", "")
        ],
        what="round one's result",
    )


def _start(bot: BotUnderTest, user: str) -> dict[str, Any]:
    """Click Start in the person's newest new-round message; the question that follows."""
    respondent = Respondent(bot.workspace, user)
    notice = bot.workspace.wait_for_message(user, "Round 2 of")
    mark = respondent.messages()[-1]["ts"]
    bot.workspace.click_in(user, notice, "Start")
    return bot.workspace.wait_for(
        lambda: next(
            (
                m
                for m in respondent.messages()
                if float(m["ts"]) > float(mark) and "question_actions" in str(m)
            ),
            None,
        ),
        what="the first question of round two",
    )


def _block(message: dict[str, Any], block_id: str) -> str:
    """One block of a message as text (empty when the message has no such block)."""
    found = [b for b in message.get("blocks") or [] if b.get("block_id") == block_id]
    return str(found[0]) if found else ""


def _buttons(message: dict[str, Any], block_id: str) -> list[str]:
    """The labels of the buttons in one actions block of a message."""
    found = [b for b in message.get("blocks") or [] if b.get("block_id") == block_id]
    return [e["text"]["text"] for b in found for e in b.get("elements", [])]


def test_round_two_on_a_changed_rubric_carries_answers_over_and_reports_the_change(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    with running_bot(sandbox, engine=engine, rubric=V1, clock=lambda: ROUND_ONE) as bot:
        city = _seed(engine, bot.workspace)
        _answer_round_one(bot, city)
    first = _rounds(engine, city)[0]
    assert first.status == AssessmentStatus.COMPLETED

    upgraded = RubricRegistry(V2, [V1])
    with running_bot(sandbox, engine=engine, rubrics=upgraded, clock=lambda: ROUND_TWO) as bot:
        workspace = bot.workspace
        cora, rita, rui = (city.users[n] for n in ("cora", "rita", "rui"))

        # Not a coordinator: refused, nothing changes.
        workspace.command(rita, "new-round")
        workspace.wait_for_message(rita, "Only your city's coordinators can do that")
        workspace.command(city.users["tom"], "new-round")
        workspace.wait_for_message(city.users["tom"], "Only your city's coordinators can do that")
        # An unknown version: refused with the known ones.
        workspace.command(cora, "new-round 2031.1")
        unknown = workspace.wait_for_message(cora, "There is no rubric version 2031.1")
        assert "Known versions: 2026.1, 2027.1" in str(unknown["text"])
        assert len(_rounds(engine, city)) == 1

        workspace.command(cora, "new-round")

        summary = workspace.wait_for_message(cora, "Round 2 of Springfield has started")
        assert summary["ephemeral_to"] == cora
        assert "rubric version 2027.1" in str(summary["text"])
        notice = workspace.wait_for(
            lambda: next(
                (
                    m
                    for m in sandbox.history(channel_id=city.channel_id)
                    if "round 2 has started" in m.get("text", "")
                ),
                None,
            ),
            what="the new round's notice in the digest channel",
        )
        areas = _block(notice, ids.BLOCK_NEW_ROUND_AREAS)
        assert "*Governance*: Rita" in areas and "*Operations*: Rui" in areas
        assert "Legacy systems is no longer in the rubric: Rita will not be asked it." in areas
        assert "(1 question changed, 1 new, 1 dropped)" in str(notice["text"])
        dm = workspace.wait_for_message(rita, "Round 2 of")
        assert "1 of your 2 questions show last round's answer" in str(dm["text"])

        # Rita: GOV1 is the same question: last round's answer, one click.
        gov1 = _start(bot, rita)
        assert criterion_of(gov1) == "GOV1"
        assert "Last round: ✅ 2 of 2 in place · met · 📎 1." in str(gov1["text"])
        assert _buttons(gov1, ids.BLOCK_QUESTION_ACTIONS)[:2] == ["Still true", "Save"]
        # Its link was given a year and five days ago: asked to be refreshed, not carried silently.
        assert f"more than 12 months ago: {STRATEGY}" in _block(gov1, ids.BLOCK_QUESTION_STALE)
        respondent = Respondent(workspace, rita)
        respondent.answer("still true")
        record = respondent.record("GOV1")
        assert record["text"].splitlines() == [
            "✅ GOV1 · 2 of 2 ticked · met · still true from last round · 📎 1",
            "🕰️ Its evidence is stale: if it still holds, give the link again with Add evidence; "
            "otherwise add a current one.",
        ]
        assert _buttons(record, ids.BLOCK_RECORD_ACTIONS) == ["Add evidence", "Change"]
        # GOV2 changed: asked afresh, with the note and nothing ticked.
        gov2 = respondent.question()
        assert gov2 is not None and criterion_of(gov2) == "GOV2"
        assert "This question changed since last round" in _block(gov2, ids.BLOCK_QUESTION_CHANGED)
        assert "Still true" not in str(gov2["blocks"]) and "initial_options" not in str(gov2)
        respondent.answer("all")

        # Rui: OPS1 and OPS2 still true, OPS3 is new.
        _start(bot, rui)
        rui_answers = Respondent(workspace, rui)
        rui_answers.answer("still true")
        rui_answers.answer("still true")
        ops3 = rui_answers.question()
        assert ops3 is not None and criterion_of(ops3) == "OPS3"
        assert "This question is new since last round" in _block(ops3, ids.BLOCK_QUESTION_CHANGED)
        rui_answers.answer("none")
        workspace.wait_for(
            lambda: [
                m
                for m in sandbox.history(channel_id=city.channel_id)
                if "assessment is complete" in m.get("text", "")
            ][1:],
            what="round two's result",
        )

        # /citycheck status for the coordinator: last round's line.
        workspace.command(cora, "status")
        status = workspace.wait_for_message(cora, "questions answered")
        assert "Round 1 (" in _block(status, ids.BLOCK_STATUS_CHANGE)
        assert "rubric 2026.1): Silver · 3 of 5 criteria met (60%)" in _block(
            status, ids.BLOCK_STATUS_CHANGE
        )
        rubrics = bot.deps.rubrics

    first, second = _rounds(engine, city)
    assert (first.status, second.status) == (AssessmentStatus.COMPLETED, AssessmentStatus.COMPLETED)
    assert (second.round_number, second.rubric_version) == (2, "2027.1")
    with Session(engine) as session:
        kept = session.exec(select(Assignment).where(Assignment.assessment_id == second.id))
        assert sorted(a.area_id for a in kept) == ["GOV", "OPS"]
        gov1_now = answers.get_answer(session, assessment_id=second.id or 0, criterion_id="GOV1")
        assert gov1_now is not None
        (change,) = answers.answer_history(session, answer_id=gov1_now.id or 0)
        assert change.source == AnswerSource.CARRY_OVER
        assert change.changed_at == ROUND_TWO
        rita = session.exec(select(Person).where(Person.slack_user_id == city.users["rita"])).one()
        assert gov1_now.evidence == [  # as Rita gave it in round one
            {"url": STRATEGY, "added_at": ROUND_ONE.isoformat(), "added_by": rita.id}
        ]

        report = build_city_report(
            session, rubric=rubrics.current, city_id=city.city_id, now=ROUND_TWO, rubrics=rubrics
        )
        older = build_city_report(
            session,
            rubric=rubrics.current,
            city_id=city.city_id,
            now=ROUND_TWO,
            rubrics=rubrics,
            assessment_id=first.id,
        )

    # Round one still reads on its own version after the upgrade.
    assert (older.rubric.version, older.score.met, older.score.total) == ("2026.1", 3, 5)

    text = render_city_text(report)
    assert "Since round 1 (March 1, 2027, rubric 2026.1):" in text
    assert "+1 criterion met (3/5 → 4/5), +20 points (60% → 80%) · level: Silver → Gold" in text
    assert "GOV   Governance      +1 (1/2 → 2/2), +50 points" in text
    assert "OPS   Operations      0 (2/2 → 2/3), -33.4 points" in text
    assert "LEG   Legacy systems  dropped: was 0/1" in text
    assert "Level history" in text
    assert "Round 1  Mar 1, 2027  2026.1  3/5  60%  Silver" in text
    assert "Round 2  Mar 6, 2028  2027.1  4/5  80%  Gold" in text

    data = report_data(report)
    assert {k: data["change"][k] for k in ("since_round", "met_delta", "percent_delta")} == {
        "since_round": 1,
        "met_delta": 1,
        "percent_delta": 20.0,
    }
    assert (data["change"]["level_then"], data["change"]["level_now"]) == ("silver", "gold")
    by_area = {a["id"]: a for a in data["change"]["areas"]}
    assert (by_area["GOV"]["met_delta"], by_area["GOV"]["percent_delta"]) == (1, 50.0)
    assert by_area["LEG"]["state"] == "dropped" and by_area["LEG"]["met_now"] is None
    history_rows = [
        (h["round"], h["rubric"]["version"], h["met"], h["total"], h["level"])
        for h in data["history"]
    ]
    assert history_rows == [(1, "2026.1", 3, 5, "silver"), (2, "2027.1", 4, 5, "gold")]

    page = Page(render_html(report))
    change_rows = {row.attrs["data-area"]: row.cells for row in page.table("change").rows}
    assert change_rows["GOV"][1:3] == ["1/2", "2/2"]
    assert change_rows["LEG"][1:3] == ["0/1", ""]
    history = [row.cells for row in page.table("history").rows]
    assert [cells[2:] for cells in history] == [
        ["2026.1", "3/5", "60%", "Silver"],
        ["2027.1", "4/5", "80%", "Gold"],
    ]


def test_an_open_round_is_closed_only_when_the_coordinator_clicks_to_close_it(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    with running_bot(sandbox, engine=engine, rubric=V1, clock=lambda: ROUND_ONE) as bot:
        city = _seed(engine, bot.workspace)
        cora = city.users["cora"]
        rita = Respondent(bot.workspace, city.users["rita"])
        rita.resume()
        rita.answer("all")  # GOV1 only: 4 of 5 questions left

        bot.workspace.command(cora, "new-round")

        offer = bot.workspace.wait_for_message(cora, "is still open")
        assert "4 of its 5 questions are unanswered" in str(offer["text"])
        assert len(_rounds(engine, city)) == 1
        bot.workspace.click_in(cora, offer, "Close round 1, start round 2")
        summary = bot.workspace.wait_for_message(cora, "Round 2 of Springfield has started")
        assert "Round 1 was closed as it stood." in str(summary["text"])
        assert summary["ts"] == offer["ts"]  # the offer is replaced by what was done
        assert "Close round" not in str(summary["blocks"])

    first, second = _rounds(engine, city)
    assert (first.status, second.status) == (AssessmentStatus.COMPLETED, AssessmentStatus.OPEN)
    assert second.rubric_version == "2026.1"  # the current rubric: no change of version
