"""Which texts of a rubric lack a translation, each with the line and id path to fix.

A text without Spanish or Portuguese is valid (the bot shows the English), so a missing
translation is reported apart from the loader's problems: `citycheck rubric check` warns about
it, or refuses the rubric for the languages a deployment requires. A blank translation is an
error of the loader itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from rubric.problems import Loc, Problem, format_loc
from rubric.schema import LANGUAGES, Rubric, Text
from rubric.yaml_reader import read_yaml

TRANSLATED: tuple[str, ...] = tuple(lang for lang in LANGUAGES if lang != "en")
"""The languages a rubric text may be translated into."""

LANGUAGE_NAMES = {"es": "Spanish", "pt": "Portuguese"}


@dataclass(frozen=True, slots=True)
class Missing:
    """The translations one language lacks: each text's problem, out of how many texts."""

    lang: str
    problems: tuple[Problem, ...]
    texts: int

    @property
    def none_translated(self) -> bool:
        """True when the rubric has no text at all in this language."""
        return self.texts > 0 and len(self.problems) == self.texts


def text_locs(rubric: Rubric) -> Iterator[tuple[Loc, Text]]:
    """Every text of the rubric with its id path, in file order."""
    yield from _walk(rubric, ())


def _walk(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, Text]]:
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Text):
            yield (*loc, name), value
        elif isinstance(value, BaseModel):
            yield from _walk(value, (*loc, name))
        elif isinstance(value, tuple | list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _walk(item, (*loc, name, i))


def missing_translations(
    rubric: Rubric, path: Path | str, *, languages: Sequence[str] = TRANSLATED, filename: str = ""
) -> list[Missing]:
    """For each language, the texts with no translation, pointing at their lines in `path`."""
    found = read_yaml(Path(path).read_text("utf-8"), filename or str(path))
    texts = list(text_locs(rubric))
    out = []
    for lang in languages:
        name = LANGUAGE_NAMES.get(lang, lang)
        problems = tuple(
            found.problem(
                (*loc, lang),
                format_loc((*loc, lang)),
                f"{name} text is missing: add `{lang}:` with the translation "
                "(until then the English is shown)",
            )
            for loc, text in texts
            if text.variants().get(lang) is None
        )
        out.append(Missing(lang, tuple(sorted(problems, key=_order)), len(texts)))
    return out


def _order(problem: Problem) -> tuple[int, str]:
    return (problem.line or 0, problem.path)
