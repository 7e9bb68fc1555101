"""Problems found in a data file, each pointing at the file, the line and the id path."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Loc = tuple[str | int, ...]
"""A position inside parsed data: mapping keys and list indexes, e.g. ("areas", 3, "criteria")."""


def format_loc(loc: Loc) -> str:
    """The id path of a position, e.g. `areas[3].criteria[2].checklist`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a file: where it is and what to do about it."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class DataFileError(Exception):
    """A data file could not be used; `.problems` lists every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems, key=_file_order)
        super().__init__(_summary(self.problems))


class RubricError(DataFileError):
    """A rubric file is not valid."""


class AnswersError(DataFileError):
    """An answers file does not fit its rubric."""


def _file_order(problem: Problem) -> tuple[int, str]:
    return (problem.line or 0, problem.path)


def _summary(problems: Iterable[Problem]) -> str:
    lines = [str(p) for p in problems]
    if len(lines) == 1:
        return lines[0]
    return f"{len(lines)} problems:\n" + "\n".join(lines)
