"""Away, back and reminder times, over HTTP against the sandbox: `/citycheck away` with its
mistakes, the deputy told once, the App Home's Away modal, I'm back, and Reminder times."""

from __future__ import annotations

import json

from sqlalchemy import Engine
from sqlmodel import select

from bot.sandbox.driver import Workspace
from bot.slack import ids
from storage.models import AwayPeriod, NudgePreference
from storage.session import unit_of_work
from tests.e2e.journeys import Team, assign, make_team, set_up

# The bot's clock: Monday 1 March 2027, 9:00 in Chicago.


def _ready(workspace: Workspace) -> Team:
    team = make_team(workspace)
    set_up(workspace, team["cora"], team.channel)
    assert assign(workspace, team["cora"], {"OD": [team["rita"]], "DM": [team["rui"]]}).closed
    for person in (team["rita"], team["rui"]):  # as people do, they open the app once told
        workspace.wait_for_message(person, "asked you to help with")
    return team


def _private(workspace: Workspace, user: str) -> str:
    return str(workspace.wait_for(lambda: workspace.messages(user)[-1:] or None)[0]["text"])


def _home_text(workspace: Workspace, user: str) -> str:
    home = workspace.home(user) or {}
    text = json.dumps(home.get("blocks"), ensure_ascii=False)
    return text.replace("\u202f", " ")  # Babel's narrow space before AM


def test_away_with_a_deputy_from_the_command_then_back_from_the_app_home(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = _ready(workspace)
    rita, rui, tom = team["rita"], team["rui"], team["tom"]

    workspace.command(rita, "away until 2027-02-26")
    assert workspace.wait_for_message(rita, "is not after today")["text"].startswith(
        "2027-02-26 is not after today. Give the day you are back, e.g. `/citycheck away until "
        "2027-03-15`"
    )
    workspace.command(rita, "away until someday")
    workspace.wait_for_message(rita, "I couldn't read `someday` as a date")
    workspace.command(rita, f"away until 2027-03-15 deputy <@{tom}|tom>")
    workspace.wait_for_message(rita, f"<@{tom}> is not on Springfield's assessment team")
    with unit_of_work(db_engine, read_only=True) as session:
        assert list(session.exec(select(AwayPeriod))) == []  # nothing stored by a mistake

    workspace.command(rita, f"away until March 15 deputy <@{rui}|rui>")
    reply = workspace.wait_for_message(rita, "You're away until")
    assert reply["text"] == (
        "🌴 You're away until Monday, March 15, 2027: no reminders or follow-ups reach you "
        "before then. rui gets your milestone reminders and follow-ups meanwhile; I've told "
        "them. Back sooner? Use `/citycheck back`."
    )
    notice = workspace.wait_for_message(rui, "named you their deputy")
    assert notice["text"] == (
        "rita is away until Monday, March 15, 2027 and named you their deputy for Springfield: "
        "their milestone reminders and the follow-ups about their unanswered questions come to "
        "you until then, then go back to them."
    )
    assert sum("named you their deputy" in m["text"] for m in workspace.messages(rui)) == 1

    workspace.open_home(rita)
    workspace.wait_for(lambda: "You're away until" in _home_text(workspace, rita) or None)
    home = _home_text(workspace, rita)
    assert "rui gets your milestone reminders and follow-ups meanwhile." in home
    assert "*Next nudge:* Monday 15 Mar 9:00 AM your time" in home
    workspace.open_home(rui)
    workspace.wait_for(
        lambda: "You're covering for rita until" in _home_text(workspace, rui) or None
    )

    workspace.click_home(rita, "I'm back")
    workspace.wait_for_message(rita, "Welcome back! Reminders reach you again")
    workspace.wait_for(lambda: "Away…" in _home_text(workspace, rita) or None)
    with unit_of_work(db_engine, read_only=True) as session:
        [period] = session.exec(select(AwayPeriod))
        assert period.ended_at is not None and period.deputy_id is not None


def test_the_away_modal_and_reminder_times_from_the_app_home(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = _ready(workspace)
    rita, cora = team["rita"], team["cora"]
    workspace.open_home(rita)
    workspace.click_home(rita, "Away…")
    modal = workspace.wait_for(lambda: workspace.modal(rita))
    assert modal["callback_id"] == ids.VIEW_AWAY
    wrong = workspace.submit_modal(rita, {"Back on": "2027-03-01", "Deputy (someone on your "
                                          "city's team)": rita})  # fmt: skip
    assert not wrong.closed and "is not after today" in wrong.errors[ids.BLOCK_AWAY_DATE]
    done = workspace.submit_modal(
        rita, {"Back on": "2027-03-08", "Deputy (someone on your city's team)": cora}
    )
    assert done.closed, done.errors
    workspace.wait_for_message(rita, "You're away until Monday, March 8, 2027")
    workspace.wait_for_message(cora, "rita is away until Monday, March 8, 2027")

    workspace.click_home(rita, "I'm back")
    workspace.wait_for_message(rita, "Welcome back!")
    workspace.click_home(rita, "Reminder times…")
    times = workspace.wait_for(lambda: workspace.modal(rita))
    assert times["callback_id"] == ids.VIEW_NUDGE_TIMES
    none = workspace.submit_modal(rita, {"Days": [], "From": "10:00\u202fam"})
    assert not none.closed
    saved = workspace.submit_modal(rita, {"Days": ["Tuesday", "Thursday"], "From": "10:00\u202fam"})
    assert saved.closed, saved.errors
    workspace.wait_for(
        lambda: (
            "*Next nudge:* Tuesday 2 Mar 10:00 AM your time" in _home_text(workspace, rita) or None
        )
    )
    assert "Reminders on Tue, Thu, 10:00 AM–5:00 PM your time (America/Chicago)" in _home_text(
        workspace, rita
    )
    with unit_of_work(db_engine, read_only=True) as session:
        [chosen] = session.exec(select(NudgePreference))
        assert chosen.days == [2, 4] and chosen.at.hour == 10
