"""Choosing languages in Slack: `/citycheck language` for oneself and for a city's channel, and
the setup modal's channel language; over HTTP against the sandbox Slack."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.sandbox.driver import Workspace
from tests.e2e.journeys import channel_texts, city_named, make_team, open_modal, set_up


def _reply(workspace: Workspace, user: str, text: str, contains: str) -> str:
    workspace.command(user, text)
    shown = workspace.wait_for_message(user, contains)
    assert shown["ephemeral_to"] == user
    return str(shown["text"])


def test_a_person_switches_to_spanish_and_back(workspace: Workspace) -> None:
    team = make_team(workspace)
    set_up(workspace, team["cora"], team.channel)

    done = _reply(workspace, team["cora"], "language es", "Listo:")
    assert done.startswith("Listo: de ahora en adelante le escribiré en español.")

    help_text = _reply(workspace, team["cora"], "help", "Comandos de citycheck")
    assert "/citycheck status [city]: Ver el avance de la evaluación" in help_text
    modal = open_modal(workspace, team["cora"], "setup")
    assert modal["title"]["text"] == "Configurar su municipio"
    workspace.close_modal(team["cora"])

    shown = _reply(
        workspace, team["cora"], "language", "Le escribo en español, el idioma que eligió."
    )
    assert "Springfield publica sus resúmenes y su resultado en inglés." in shown

    back = _reply(workspace, team["cora"], "language auto", "Done:")
    assert back.startswith("Done: I follow your Slack language again: English.")
    assert "citycheck commands" in _reply(workspace, team["cora"], "help", "citycheck commands")


def test_a_coordinator_sets_the_channel_language_and_others_may_not(
    workspace: Workspace, db_engine: Engine
) -> None:
    team = make_team(workspace)
    set_up(workspace, team["cora"], team.channel)

    done = _reply(workspace, team["cora"], "language city pt", "Done:")
    assert done.startswith(
        "Done: Springfield's digests, start notice and result are now posted in Portuguese."
    )
    assert city_named(db_engine, "Springfield").language == "pt"

    refused = _reply(workspace, team["tom"], "language city es", "not part of")
    assert refused == (
        "You are not part of a city's assessment team here. Ask your city's coordinator to add you."
    )
    assert city_named(db_engine, "Springfield").language == "pt"


def test_the_setup_modal_sets_the_channel_language(workspace: Workspace, db_engine: Engine) -> None:
    team = make_team(workspace)

    modal = open_modal(workspace, team["cora"], "setup", team.channel)
    [language] = [b for b in modal["blocks"] if b.get("block_id") == "setup_language"]
    assert language["element"]["initial_option"]["text"]["text"] == "English"
    done = workspace.submit_modal(
        team["cora"],
        {"City name": "Recife", "Population": "1488920",
         "Language of channel messages": "Português"},
    )  # fmt: skip
    assert done.closed, done.errors
    workspace.wait_for_message(team["cora"], "is set up")

    notice = workspace.wait_for(lambda: channel_texts(workspace, team.channel), what="a notice")
    assert notice[0].startswith("*Recife está começando a autoavaliação das práticas de dados*")
    assert city_named(db_engine, "Recife").language == "pt"
