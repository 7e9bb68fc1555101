"""Rubric files: YAML in, a validated `Rubric` out, or every problem with its file, line and path.

Problems come in two rounds. The first reports every problem of form at once: YAML syntax,
unknown or missing keys, wrong types, ids of the wrong shape, bare `yes`/`no` where text belongs;
the per-criterion rules (checklist size, rule size, next steps, text lengths) also run on every
criterion that parsed. Once the form is right, the rules across the rubric (unique ids,
prerequisites that exist and form no cycle, ascending levels) report every problem they find.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rubric.messages import problem_from_error
from rubric.problems import Problem, RubricError, format_loc
from rubric.schema import Criterion, Rubric
from rubric.validate import check_criterion, validate_rubric
from rubric.yaml_reader import Located, read_yaml, too_large

__all__ = [
    "BUNDLED_RUBRIC",
    "Problem",
    "RubricError",
    "bundled_rubric_path",
    "load_bundled_rubric",
    "load_rubric",
    "parse_rubric",
]

BUNDLED_RUBRIC = "city-data-practices.yaml"


def bundled_rubric_path() -> Path:
    """Where the rubric that ships with citycheck lives."""
    return Path(__file__).parent / "data" / BUNDLED_RUBRIC


@functools.cache
def load_bundled_rubric() -> Rubric:
    """The bundled rubric, read and validated once per process."""
    return load_rubric(bundled_rubric_path())


def load_rubric(path: Path | str) -> Rubric:
    """Read and validate a rubric file; RubricError lists every problem found."""
    path = Path(path)
    try:
        large = too_large(str(path), path.stat().st_size)
        raw = b"" if large else path.read_bytes()
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror or exc}"
        raise RubricError([Problem(str(path), None, "", message)]) from None
    if large is not None:
        raise RubricError([large])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text (byte {exc.start}): save the file as UTF-8"
        raise RubricError([Problem(str(path), None, "", message)]) from None
    return parse_rubric(text, str(path))


def parse_rubric(text: str, filename: str) -> Rubric:
    """Validate rubric YAML text; `filename` is only used in problem messages."""
    found = read_yaml(text, filename)
    if found.data is None:
        raise RubricError(found.problems)
    problems = list(found.problems)
    try:
        rubric = Rubric.model_validate(found.data)
    except ValidationError as exc:
        problems += [problem_from_error(error, found) for error in exc.errors()]
        problems += _criteria_on_their_own(found)
        raise RubricError(_unique(problems)) from None
    for issue in validate_rubric(rubric):
        problems.append(found.problem(issue.loc, format_loc(issue.loc), issue.message))
    if problems:
        raise RubricError(_unique(problems))
    return rubric


def _criteria_on_their_own(found: Located) -> Iterator[Problem]:
    """Per-criterion rules for each criterion that parses alone, while the whole file does not."""
    for (i, j), raw in _raw_criteria(found.data):
        try:
            criterion = Criterion.model_validate(raw)
        except ValidationError:
            continue
        for issue in check_criterion(criterion):
            loc = ("areas", i, "criteria", j, *issue.loc)
            yield found.problem(loc, format_loc(loc), issue.message)


def _raw_criteria(data: Any) -> Iterator[tuple[tuple[int, int], Any]]:
    areas = data.get("areas") if isinstance(data, dict) else None
    for i, area in enumerate(areas if isinstance(areas, list) else []):
        criteria = area.get("criteria") if isinstance(area, dict) else None
        for j, raw in enumerate(criteria if isinstance(criteria, list) else []):
            yield (i, j), raw


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
