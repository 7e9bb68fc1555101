"""Which rubric texts lack a translation, and where they are in the file."""

from __future__ import annotations

from pathlib import Path

from rubric.loader import bundled_rubric_path, load_bundled_rubric, parse_rubric
from rubric.translations import missing_translations, text_locs
from tests.rubric.samples import SAMPLE


def test_every_text_of_the_bundled_rubric_is_in_spanish_and_portuguese() -> None:
    rubric = load_bundled_rubric()
    texts = list(text_locs(rubric))

    found = missing_translations(rubric, bundled_rubric_path())

    assert [(m.lang, m.problems, m.texts) for m in found] == [
        ("es", (), len(texts)),
        ("pt", (), len(texts)),
    ]
    kinds = {loc[-1] for loc, _ in texts}
    assert {"title", "name", "summary", "statement", "why", "evidence", "text"} <= kinds
    assert {"hint", "action", "deliverable", "owner"} <= kinds
    assert len(texts) > 500


def test_a_text_in_english_only_points_at_its_line(tmp_path: Path) -> None:
    text = SAMPLE.replace(
        "    name: Governance\n", "    name:\n      en: Governance\n      es: Gobernanza\n"
    )
    path = tmp_path / "sample.yaml"
    path.write_text(text)
    rubric = parse_rubric(text, str(path))

    spanish, portuguese = missing_translations(rubric, path, filename="sample.yaml")

    assert not spanish.none_translated and portuguese.none_translated
    assert (
        spanish.texts == portuguese.texts == len(portuguese.problems) == len(spanish.problems) + 1
    )
    first = next(p for p in portuguese.problems if p.path == "areas[0].name.pt")
    line = text.splitlines().index("    name:") + 1
    assert str(first) == (
        f"sample.yaml:{line} areas[0].name.pt: Portuguese text is missing: add `pt:` with the "
        "translation (until then the English is shown)"
    )
    assert all(p.path != "areas[0].name.es" for p in spanish.problems)
