"""`citycheck rubric check` on missing translations: warnings by default, errors for the
languages given to --require-translations, each with its file, line and id path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner, Result

from bot.cli import app
from tests.rubric.samples import SAMPLE


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


TEXT_KEYS = {"title", "name", "summary", "statement", "why", "evidence", "text", "hint"}
TEXT_KEYS |= {"action", "deliverable", "owner"}


def _translate(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _translate(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_translate(v) for v in value]
    if key in TEXT_KEYS and isinstance(value, str):
        return {"en": value, "es": f"ES {value}", "pt": f"PT {value}"}
    return value


def _translated(text: str) -> str:
    """SAMPLE with a Spanish and a Portuguese translation of every text."""
    data = _translate(yaml.safe_load(text))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200)


GAP = "pt: PT A written strategy exists"


def _without_one_translation(tmp_path: Path) -> tuple[Path, int]:
    """A rubric file missing GAP, and the line of the `text:` that lacks it."""
    lines = _translated(SAMPLE).splitlines()
    [gap] = [i for i, line in enumerate(lines) if line.strip() == GAP]
    text_line = gap - 3  # `text:`, then `en:`, `es:`, `pt:`; 0-based
    assert lines[text_line].strip() == "text:"
    path = tmp_path / "rubric.yaml"
    path.write_text("\n".join(lines[:gap] + lines[gap + 1 :]) + "\n")
    return path, text_line + 1


def test_the_bundled_rubric_is_complete_in_spanish_and_portuguese() -> None:
    result = run("rubric", "check", "--require-translations", "es,pt")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith("bundled rubric: ok: city-data-practices 2022.1")


def test_a_missing_translation_is_a_warning_with_its_line_and_path(tmp_path: Path) -> None:
    path, line = _without_one_translation(tmp_path)

    result = run("rubric", "check", path)

    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: {path}:{line} areas[0].criteria[0].checklist[0].text.pt: Portuguese text is "
        "missing: add `pt:` with the translation (until then the English is shown)"
    ]
    assert "ok: sample 1" in result.stdout


def test_a_required_language_makes_a_missing_translation_an_error(tmp_path: Path) -> None:
    path, line = _without_one_translation(tmp_path)

    result = run("rubric", "check", path, "--require-translations", "pt")

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        f"{path}:{line} areas[0].criteria[0].checklist[0].text.pt: Portuguese text is missing"
    )
    assert lines[-1] == "1 translation is missing: the rubric is not complete"
    assert result.stdout == ""
    assert run("rubric", "check", path, "--require-translations", "es").exit_code == 0


def test_an_empty_translation_is_always_an_error(tmp_path: Path) -> None:
    path = tmp_path / "rubric.yaml"
    path.write_text(_translated(SAMPLE).replace("es: ES A written strategy exists", 'es: ""'))

    result = run("rubric", "check", path)

    assert result.exit_code == 1
    assert "areas[0].criteria[0].checklist[0].text.es: the Spanish text is blank" in result.stderr


def test_a_rubric_in_english_only_gets_one_warning_per_language(tmp_path: Path) -> None:
    path = tmp_path / "rubric.yaml"
    path.write_text(SAMPLE)

    result = run("rubric", "check", path)

    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"warning: {path}: no text has a Spanish translation, so Spanish speakers read this "
        "rubric in English; add `es:` to each text",
        f"warning: {path}: no text has a Portuguese translation, so Portuguese speakers read "
        "this rubric in English; add `pt:` to each text",
    ]
    required = run("rubric", "check", path, "--require-translations", "es")
    assert required.exit_code == 1
    assert required.stderr.splitlines()[-1].endswith(
        "translations are missing: the rubric is not complete"
    )


def test_an_unknown_required_language_is_a_usage_error() -> None:
    result = run("rubric", "check", "--require-translations", "fr")

    assert result.exit_code == 2
    assert "fr: use es or pt" in result.output
