"""The /citycheck subcommand registry: routing, suggestions, and the help it produces."""

from __future__ import annotations

import pytest

from bot.slack.listeners.commands import build_router
from bot.slack.listeners.commands.router import CommandRequest, Router


def _noop(request: CommandRequest) -> None:
    return None


def _router() -> Router:
    router = Router()
    router.add("help", "Show this list of commands")(_noop)
    router.add("status", "See who is behind")(_noop)
    router.add("assign", "Give a practice area to someone", "<area> @person")(_noop)
    router.add("debug", "Internal", hidden=True)(_noop)
    return router


def test_a_known_subcommand_resolves_with_its_arguments() -> None:
    found = _router().resolve("  Assign  GOV  <@U123>  ")

    assert found.subcommand is not None and found.subcommand.name == "assign"
    assert found.args == "GOV  <@U123>"


def test_empty_text_resolves_to_nothing_without_a_guess() -> None:
    found = _router().resolve("   ")

    assert found.subcommand is None and found.name == "" and found.suggestion is None


def test_a_typo_gets_the_closest_name() -> None:
    assert _router().resolve("stauts").suggestion == "status"
    assert _router().resolve("asign x").suggestion == "assign"


def test_an_unrelated_word_gets_no_suggestion() -> None:
    assert _router().resolve("banana").suggestion is None


def test_hidden_subcommands_are_routed_but_not_listed() -> None:
    router = _router()

    assert router.resolve("debug").subcommand is not None
    assert [entry.name for entry in router.help_entries()] == ["help", "status", "assign"]
    assert router.help_entries()[2].invocation() == "/citycheck assign <area> @person"


def test_a_name_cannot_be_registered_twice_or_be_two_words() -> None:
    router = _router()
    with pytest.raises(ValueError, match="registered twice"):
        router.add("help", "again")
    with pytest.raises(ValueError, match="one lower-case word"):
        router.add("set up", "two words")


def test_the_app_router_offers_help() -> None:
    assert "help" in build_router().names()
