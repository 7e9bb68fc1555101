"""Setting a city up through `/citycheck setup`, over HTTP against the sandbox Slack."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from bot.sandbox.driver import Workspace
from bot.sandbox.server import LocalSandbox
from bot.slack import ids
from storage.enums import Role
from storage.repo import orgs
from tests.e2e.journeys import (
    RUBRIC,
    assessments_of,
    channel_texts,
    city_named,
    make_team,
    open_modal,
    set_up,
)


def _initial(view: dict, block_id: str) -> object:
    element = next(b for b in view["blocks"] if b["block_id"] == block_id)["element"]
    for key in ("initial_option", "initial_users", "initial_conversation", "initial_value"):
        if key in element:
            value = element[key]
            return value["value"] if key == "initial_option" else value
    return None


def test_setup_opens_a_modal_checks_it_and_starts_the_assessment(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = make_team(workspace)
    cora = team["cora"]

    modal = open_modal(workspace, cora, "setup", team.channel)

    assert modal["callback_id"] == ids.VIEW_SETUP
    assert _initial(modal, ids.BLOCK_SETUP_TIMEZONE) == "America/Chicago"  # her Slack timezone
    assert _initial(modal, ids.BLOCK_SETUP_COUNTRY) == "US"
    assert _initial(modal, ids.BLOCK_SETUP_CHANNEL) == team.channel
    assert _initial(modal, ids.BLOCK_SETUP_COORDINATORS) == [cora]

    refused = workspace.submit_modal(cora, {"City name": "   ", "Population": "0"})

    assert not refused.closed
    assert refused.errors == {
        ids.BLOCK_SETUP_NAME: "Enter the city's name.",
        ids.BLOCK_SETUP_POPULATION: (
            "Enter the population as a whole number from 1 to 100,000,000, such as 120000."
        ),
    }
    assert workspace.modal(cora) is not None

    done = workspace.submit_modal(
        cora,
        {"City name": "Springfield", "State or province": "Illinois", "Population": "114394",
         "Leaders": [team["leo"]]},
    )  # fmt: skip

    assert done.closed
    notice = workspace.wait_for(
        lambda: [t for t in channel_texts(workspace, team.channel) if "is starting" in t],
        what="the start notice",
    )[0]
    assert "*Springfield is starting its data-practices self-assessment*" in notice
    assert f"Coordinator: <@{cora}>." in notice and f"Leader: <@{team['leo']}>." in notice
    assert "43 criteria in 8 practice areas" in notice
    workspace.wait_for_message(cora, "Springfield is set up")
    city = city_named(db_engine, "Springfield")
    assert (city.state, city.population, city.timezone, city.digest_channel_id) == (
        "Illinois", 114394, "America/Chicago", team.channel,
    )  # fmt: skip
    rounds = assessments_of(db_engine, city.id or 0)
    assert [(a.round_number, a.rubric_version) for a in rounds] == [(1, RUBRIC.version)]
    with Session(db_engine) as session:
        coordinators = orgs.people_with_role(session, city_id=city.id or 0, role=Role.COORDINATOR)
        leaders = orgs.people_with_role(session, city_id=city.id or 0, role=Role.LEADER)
    assert [(p.slack_user_id, p.display_name, p.timezone) for p in coordinators] == [
        (cora, "cora", "America/Chicago")
    ]
    assert [p.display_name for p in leaders] == ["leo"]


def test_running_setup_again_changes_the_city_and_nothing_else(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = make_team(workspace)
    cora = team["cora"]
    set_up(workspace, cora, team.channel)
    city = city_named(db_engine, "Springfield")

    modal = open_modal(workspace, cora, "setup", team.channel)

    assert modal["private_metadata"] == str(city.id)
    assert _initial(modal, ids.BLOCK_SETUP_NAME) == "Springfield"
    assert _initial(modal, ids.BLOCK_SETUP_POPULATION) == "114394"
    saved = workspace.submit_modal(cora, {"Population": "120000"})
    assert saved.closed
    workspace.wait_for_message(cora, "settings are saved")
    assert city_named(db_engine, "Springfield").population == 120000
    assert len(assessments_of(db_engine, city.id or 0)) == 1
    notices = [t for t in channel_texts(workspace, team.channel) if "is starting" in t]
    assert len(notices) == 1


def test_someone_else_naming_a_city_already_set_up_is_told_what_to_do(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = make_team(workspace)
    set_up(workspace, team["cora"], team.channel)
    rita = team["rita"]

    open_modal(workspace, rita, "setup", team.channel)
    refused = workspace.submit_modal(rita, {"City name": "springfield", "Population": "5"})

    assert refused.errors == {
        ids.BLOCK_SETUP_NAME: (
            "Springfield is already set up here. Ask its coordinators (cora) to add you, "
            "or use another name if this is a different city."
        )
    }
    workspace.close_modal(rita)
    workspace.command(rita, "setup Springfield")
    explained = workspace.wait_for_message(rita, "only its coordinators can change it")
    assert explained["ephemeral_to"] == rita
    assert workspace.modal(rita) is None
    assert city_named(db_engine, "Springfield").population == 114394


def test_an_unknown_timezone_comes_back_as_a_field_error(
    workspace: Workspace, sandbox: LocalSandbox, db_engine: Engine
) -> None:
    team = make_team(workspace)
    cora = team["cora"]
    modal = open_modal(workspace, cora, "setup", team.channel)
    forged = {"text": {"type": "plain_text", "text": "Mars"}, "value": "Mars/Olympus_Mons"}
    sandbox.set_view_values(
        view_id=modal["id"],
        values={
            ids.BLOCK_SETUP_TIMEZONE: {
                ids.ACTION_SETUP_TIMEZONE: {"type": "static_select", "selected_option": forged}
            }
        },
    )

    refused = workspace.submit_modal(cora, {"City name": "Springfield", "Population": "10"})

    assert refused.errors == {
        ids.BLOCK_SETUP_TIMEZONE: "Pick a timezone from the list, such as America/Chicago."
    }


def test_a_forged_setup_for_another_city_changes_nothing_and_says_why(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = make_team(workspace)
    set_up(workspace, team["cora"], team.channel)
    springfield = city_named(db_engine, "Springfield")
    sam = workspace.add_user("sam", tz="America/Chicago")
    other = workspace.add_channel("shelbyville-data", [sam])
    set_up(workspace, sam, other, name="Shelbyville")
    open_modal(workspace, sam, "setup", other)

    result = workspace.submit_modal(
        sam,
        {"City name": "Springfield", "Population": "1"},
        private_metadata=str(springfield.id),
    )

    assert not result.closed and result.view is not None
    assert result.view["callback_id"] == ids.VIEW_NOTICE
    assert "only your city's coordinators can do that" in (
        result.view["blocks"][0]["text"]["text"].lower()
    )
    unchanged = city_named(db_engine, "Springfield")
    assert (unchanged.population, unchanged.digest_channel_id) == (114394, team.channel)
