"""Several rubric versions side by side: the current one, and the others rounds were taken on.

Every assessment round names the rubric it was taken on (id and version). A city that re-takes
the assessment on a newer version keeps its older rounds, which are read, scored and compared
against their own version, never against the current one. `RubricRegistry` holds them all and
looks them up by (id, version); `load_registry` fills it from the rubric files that ship with
citycheck, the configured rubric (which is the current one) and any folders of further versions.

Versions of one rubric are ordered by `version_key`: numbers compare as numbers, so "2022.1" <
"2022.10" < "2024.1".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from rubric.diff import Change, criterion_changes
from rubric.loader import bundled_rubric_path, load_bundled_rubric, load_rubric
from rubric.problems import Problem, RubricError
from rubric.schema import Rubric

RubricKey = tuple[str, str]
"""A rubric's id and version."""


class UnknownRubricError(LookupError):
    """No loaded rubric has this id and version; carries the ones that are loaded."""

    def __init__(self, rubric_id: str, version: str, known: Sequence[RubricKey]) -> None:
        listed = ", ".join(f"{rid} {ver}" for rid, ver in known) or "none"
        super().__init__(f"no rubric {rubric_id} {version} is loaded (loaded: {listed})")
        self.rubric_id = rubric_id
        self.version = version
        self.known = tuple(known)


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key for version strings: digit runs compare as numbers, other runs as text."""
    parts = re.findall(r"\d+|[^\d.\-_ ]+", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p.casefold()) for p in parts)


class RubricRegistry:
    """The current rubric and every other loaded version, looked up by (id, version)."""

    def __init__(self, current: Rubric, others: Iterable[Rubric] = ()) -> None:
        self._current = current
        found: dict[RubricKey, Rubric] = {}
        for rubric in others:
            found.setdefault(key_of(rubric), rubric)
        found[key_of(current)] = current  # the configured rubric wins over a namesake
        ordered = sorted(found.items(), key=lambda kv: (kv[0][0], version_key(kv[0][1])))
        self._rubrics = dict(ordered)
        self._held = {id(rubric) for rubric in self._rubrics.values()}
        self._changes: dict[tuple[int, int], dict[str, Change]] = {}

    @property
    def current(self) -> Rubric:
        """The configured rubric: new cities and new rounds start on it."""
        return self._current

    def get(self, rubric_id: str, version: str) -> Rubric:
        """The rubric with this id and version; UnknownRubricError naming the loaded ones."""
        found = self._rubrics.get((rubric_id, version))
        if found is None:
            raise UnknownRubricError(rubric_id, version, tuple(self._rubrics))
        return found

    def find(self, rubric_id: str, version: str) -> Rubric | None:
        """The rubric with this id and version, or None."""
        return self._rubrics.get((rubric_id, version))

    def __contains__(self, key: object) -> bool:
        return key in self._rubrics

    def __len__(self) -> int:
        return len(self._rubrics)

    def loaded(self) -> tuple[RubricKey, ...]:
        """Every loaded (id, version), by id then version."""
        return tuple(self._rubrics)

    def with_version(self, version: str) -> tuple[Rubric, ...]:
        """The loaded rubrics with this version string, the current rubric's id first."""
        found = [r for (_, ver), r in self._rubrics.items() if ver == version]
        return tuple(sorted(found, key=lambda r: r.id != self._current.id))

    def versions(self, rubric_id: str) -> tuple[str, ...]:
        """The loaded versions of one rubric, oldest first."""
        return tuple(ver for rid, ver in self._rubrics if rid == rubric_id)

    def is_newer(self, rubric: Rubric, than: Rubric) -> bool:
        """Whether `rubric` is a later version than `than` (False across different rubric ids)."""
        return rubric.id == than.id and version_key(rubric.version) > version_key(than.version)

    def changes(self, old: Rubric, new: Rubric) -> dict[str, Change]:
        """`rubric.diff.criterion_changes(old, new)`, computed once per pair of rubrics."""
        pair = (id(old), id(new))
        found = self._changes.get(pair)
        if found is None:
            found = criterion_changes(old, new)
            if pair[0] in self._held and pair[1] in self._held:
                self._changes[pair] = found  # only for rubrics this registry keeps alive
        return found


def key_of(rubric: Rubric) -> RubricKey:
    """A rubric's (id, version)."""
    return (rubric.id, rubric.version)


def rubric_files(folder: Path) -> list[Path]:
    """The rubric files of a folder (`*.yaml` and `*.yml`), by name."""
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_registry(
    current: Path | None = None, folders: Sequence[Path] = (), *, loaded: Rubric | None = None
) -> RubricRegistry:
    """The registry of the bundled rubrics, the rubric file `current` (the bundled one when
    None; `loaded` when it is already read) and every rubric file in `folders`; RubricError
    lists every problem found.

    Two files with the same id and version must hold the same rubric, except that `current`
    may replace a bundled or folder file of its id and version.
    """
    if loaded is not None:
        current_rubric = loaded
    else:
        current_rubric = load_rubric(current) if current else load_bundled_rubric()
    problems: list[Problem] = []
    seen: dict[RubricKey, tuple[Rubric, Path]] = {}
    others: list[Rubric] = []
    for path in _candidates(folders):
        if current is not None and path.resolve() == current.resolve():
            continue
        try:
            rubric = load_bundled_rubric() if path == bundled_rubric_path() else load_rubric(path)
        except RubricError as exc:
            problems += exc.problems
            continue
        key = key_of(rubric)
        earlier = seen.get(key)
        if earlier is not None and earlier[0] != rubric and key != key_of(current_rubric):
            message = (
                f"{rubric.id} {rubric.version} is also in {earlier[1]} with other content: "
                "give each version of a rubric its own version string"
            )
            problems.append(Problem(str(path), None, "version", message))
            continue
        seen[key] = (rubric, path)
        others.append(rubric)
    if problems:
        raise RubricError(problems)
    return RubricRegistry(current_rubric, others)


def _candidates(folders: Sequence[Path]) -> list[Path]:
    bundled = bundled_rubric_path().parent
    found: list[Path] = []
    for folder in (bundled, *folders):
        if not folder.is_dir():
            message = "not a folder: give a folder of rubric files (*.yaml)"
            raise RubricError([Problem(str(folder), None, "", message)])
        found += rubric_files(folder)
    return list(dict.fromkeys(found))
