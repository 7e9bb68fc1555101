"""Several rubric versions side by side: loading them, looking them up, ordering versions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from rubric.loader import load_bundled_rubric
from rubric.problems import RubricError
from rubric.registry import RubricRegistry, UnknownRubricError, load_registry, version_key
from tests.rubric.versions import V1, V2, v1, v2


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_without_settings_the_bundled_rubric_is_current_and_alone() -> None:
    registry = load_registry()

    bundled = load_bundled_rubric()
    assert registry.current is bundled
    assert registry.loaded() == (("city-data-practices", "2022.1"),)
    assert registry.get("city-data-practices", "2022.1") is bundled


def test_the_configured_rubric_is_current_and_folder_versions_sit_beside_it(
    tmp_path: Path,
) -> None:
    current = _write(tmp_path / "conf", "rounds.yaml", V2)
    _write(tmp_path / "older", "rounds-2026.yaml", V1)

    registry = load_registry(current, [tmp_path / "older"])

    assert (registry.current.id, registry.current.version) == ("rounds-sample", "2027.1")
    assert registry.loaded() == (
        ("city-data-practices", "2022.1"),
        ("rounds-sample", "2026.1"),
        ("rounds-sample", "2027.1"),
    )
    assert registry.versions("rounds-sample") == ("2026.1", "2027.1")
    assert registry.get("rounds-sample", "2026.1").criterion("LEG1").id == "LEG1"


def test_an_unknown_version_names_the_loaded_ones() -> None:
    registry = RubricRegistry(v2(), [v1()])

    with pytest.raises(UnknownRubricError) as raised:
        registry.get("rounds-sample", "1999.1")

    assert "rounds-sample 1999.1" in str(raised.value)
    assert "rounds-sample 2026.1, rounds-sample 2027.1" in str(raised.value)
    assert registry.find("rounds-sample", "1999.1") is None


def test_the_configured_rubric_wins_over_a_namesake_in_a_folder(tmp_path: Path) -> None:
    edited = V2.replace("Rounds sample rubric", "Our own rounds rubric")
    current = _write(tmp_path, "current.yml", edited)
    _write(tmp_path / "more", "same-version.yaml", V2)

    registry = load_registry(current, [tmp_path / "more"])

    assert registry.get("rounds-sample", "2027.1").title.en == "Our own rounds rubric"


def test_two_files_with_one_version_and_different_content_are_refused(tmp_path: Path) -> None:
    _write(tmp_path / "more", "a.yaml", V1)
    clash = _write(tmp_path / "more", "b.yaml", V1.replace("Legacy systems", "Old systems"))

    with pytest.raises(RubricError) as raised:
        load_registry(None, [tmp_path / "more"])

    assert str(clash) in str(raised.value)
    assert "give each version of a rubric its own version string" in str(raised.value)


def test_a_broken_file_in_a_folder_is_reported_with_its_line(tmp_path: Path) -> None:
    broken = _write(tmp_path / "more", "broken.yaml", V1.replace('version: "2026.1"', "version:"))

    with pytest.raises(RubricError) as raised:
        load_registry(None, [tmp_path / "more"])

    assert f"{broken}:2" in str(raised.value)


def test_a_missing_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="not a folder"):
        load_registry(None, [tmp_path / "nowhere"])


def test_versions_order_by_their_numbers() -> None:
    ordered = sorted(["2022.10", "2024.1", "2022.2", "2022.1"], key=version_key)

    assert ordered == ["2022.1", "2022.2", "2022.10", "2024.1"]


def test_newer_is_only_said_of_versions_of_one_rubric() -> None:
    registry = RubricRegistry(v2(), [v1(), load_bundled_rubric()])

    assert registry.is_newer(v2(), v1())
    assert not registry.is_newer(v1(), v2())
    assert not registry.is_newer(v2(), load_bundled_rubric())


def test_a_version_string_finds_its_rubric_the_current_ones_first() -> None:
    registry = RubricRegistry(v2(), [v1()])

    assert [r.version for r in registry.with_version("2026.1")] == ["2026.1"]
    assert registry.with_version("2030.1") == ()


def test_changes_between_two_held_versions_are_computed_once() -> None:
    old, new = v1(), v2()
    registry = RubricRegistry(new, [old])

    first = registry.changes(old, new)

    assert registry.changes(old, new) is first
    assert first["OPS3"].kind.value == "added"
