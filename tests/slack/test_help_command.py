"""`/citycheck help`, empty text and mistyped subcommands, over HTTP against the sandbox."""

from __future__ import annotations

from bot.sandbox.driver import Workspace
from bot.sandbox.server import LocalSandbox


def test_signed_help_command_is_acked_and_the_help_arrives_ephemeral(
    workspace: Workspace, sandbox: LocalSandbox
) -> None:
    ana = workspace.add_user("ana")

    response = workspace.command(ana, "help")

    assert response.status == 200
    help_message = workspace.wait_for_message(ana, "citycheck commands")
    assert help_message["ephemeral_to"] == ana
    assert "/citycheck help" in help_message["text"]
    assert [b["block_id"] for b in help_message["blocks"]] == [
        "help_header",
        "help_commands",
        "help_tip",
    ]
    assert sandbox.calls("response_url")[0]["args"]["response_type"] == "ephemeral"


def test_empty_text_answers_with_the_help(workspace: Workspace) -> None:
    ana = workspace.add_user("ana")

    workspace.command(ana, "")

    shown = workspace.wait_for_message(ana, "citycheck commands")
    assert "I don't know" not in shown["text"]


def test_mistyped_subcommand_gets_did_you_mean(workspace: Workspace) -> None:
    ana = workspace.add_user("ana")

    workspace.command(ana, "hlep me")

    shown = workspace.wait_for_message(ana, "Did you mean")
    assert "I don't know `/citycheck hlep`" in shown["text"]
    assert "`/citycheck help`" in shown["text"]


def test_unrelated_subcommand_lists_commands_without_a_guess(workspace: Workspace) -> None:
    ana = workspace.add_user("ana")

    workspace.command(ana, "xyzzy")

    shown = workspace.wait_for_message(ana, "I don't know")
    assert "Did you mean" not in shown["text"]
    assert "/citycheck help" in shown["text"]


def test_help_reads_the_persons_locale(workspace: Workspace, sandbox: LocalSandbox) -> None:
    luisa = workspace.add_user("luisa", locale="es-LA")

    workspace.command(luisa, "help")

    workspace.wait_for_message(luisa, "/citycheck help")
    lookups = sandbox.calls("users.info")
    assert lookups[-1]["args"]["user"] == luisa
    assert lookups[-1]["args"]["include_locale"] in ("1", 1, True)


def test_opening_home_publishes_the_home_tab(workspace: Workspace) -> None:
    ana = workspace.add_user("ana")

    assert workspace.open_home(ana).status == 200

    home = workspace.wait_for(lambda: workspace.home(ana), what="the Home tab")
    assert home["callback_id"] == "home"
    assert "Welcome to citycheck" in home["blocks"][0]["text"]["text"]


def test_typing_to_the_bot_answers_with_the_commands(
    workspace: Workspace, sandbox: LocalSandbox
) -> None:
    ana = workspace.add_user("ana")

    assert workspace.type(ana, "hello?").status == 200

    reply = workspace.wait_for_message(ana, "citycheck commands")
    assert "ephemeral_to" not in reply
    assert reply["channel"] == workspace.dm(ana)
    assert len(sandbox.calls("chat.postMessage")) == 1
