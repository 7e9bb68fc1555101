"""The rubric versions a process serves: the current one, and the others from the settings."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.deps import Deps, build_deps
from bot.settings import SettingsError, load_settings
from bot.slack.client import build_client
from rubric.registry import RubricRegistry
from tests.rubric.versions import V1, V2, v1, v2

SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s" * 32}


def test_deps_with_one_rubric_know_just_that_version() -> None:
    settings = load_settings(**SLACK)
    rubric = v1()

    deps = Deps(settings=settings, client=build_client(settings), rubric=rubric)

    assert deps.rubrics is not None and deps.rubrics.current is rubric
    assert deps.rubrics.loaded() == (("rounds-sample", "2026.1"),)


def test_deps_with_versions_take_the_current_one_as_their_rubric() -> None:
    settings = load_settings(**SLACK)
    registry = RubricRegistry(v2(), [v1()])

    deps = Deps(settings=settings, client=build_client(settings), rubrics=registry)

    assert deps.rubric is registry.current
    with pytest.raises(ValueError, match="current rubric"):
        Deps(settings=settings, client=build_client(settings), rubric=v1(), rubrics=registry)


def test_the_settings_name_the_current_rubric_and_a_folder_of_other_versions(
    tmp_path: Path,
) -> None:
    current = tmp_path / "rubric.yaml"
    current.write_text(textwrap.dedent(V2), encoding="utf-8")
    (tmp_path / "older").mkdir()
    (tmp_path / "older" / "2026.yaml").write_text(textwrap.dedent(V1), encoding="utf-8")
    settings = load_settings(
        **SLACK,
        DATABASE_URL=f"sqlite:///{tmp_path / 'citycheck.db'}",
        CITYCHECK_RUBRIC=str(current),
        CITYCHECK_RUBRIC_DIR=str(tmp_path / "older"),
    )

    deps = build_deps(settings, migrate=False)

    assert deps.rubric is not None and deps.rubric.version == "2027.1"
    assert deps.rubrics is not None
    assert deps.rubrics.versions("rounds-sample") == ("2026.1", "2027.1")
    assert ("city-data-practices", "2022.1") in deps.rubrics
    assert deps.engine is not None
    deps.engine.dispose()


def test_a_rubric_folder_that_is_not_a_folder_is_a_setting_to_fix(tmp_path: Path) -> None:
    file = tmp_path / "not-a-folder.yaml"
    file.write_text("x", encoding="utf-8")

    with pytest.raises(SettingsError, match="CITYCHECK_RUBRIC_DIR is not valid: no folder at"):
        load_settings(**SLACK, CITYCHECK_RUBRIC_DIR=str(file))
