"""Hostile, malformed or huge data files are refused with a clear message, at once.

The rubric, an answers file and a demo script are all read by `rubric.yaml_reader`: no aliases
(billion laughs), no Python tags, nesting at most MAX_DEPTH deep, at most MAX_BYTES. Each case
must end in the file's own error type whose message names the file and says what is wrong,
without building the hostile structure (the alias bomb would take gigabytes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.demo.script import load_script
from rubric.answers import load_answers
from rubric.loader import load_rubric
from rubric.problems import DataFileError
from rubric.yaml_reader import MAX_BYTES, MAX_DEPTH
from tests.security.world import RUBRIC

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
)
HOSTILE: dict[str, tuple[str | bytes, str]] = {
    "billion laughs": (BILLION_LAUGHS, "aliases"),
    "one alias": ("DM1: &x all\nDM2: *x\n", "aliases"),
    "merge key": ("base: &b {DM1: all}\n<<: *b\n", "aliases"),
    "deep flow nesting": ("DM1: " + "[" * 10_000 + "]" * 10_000 + "\n", "nesting"),
    "deep block nesting": (
        "".join(f"{'  ' * i}k{i}:\n" for i in range(MAX_DEPTH + 5))
        + "  " * (MAX_DEPTH + 5)
        + "x\n",
        "nesting",
    ),
    "python object tag": ("DM1: !!python/object/apply:os.system ['echo hacked']\n", "tag"),
    "python name tag": ("DM1: !!python/name:os.system\n", "tag"),
    "too large": ("# " + "x" * (MAX_BYTES + 10) + "\n", "bytes"),
    "two documents": ("DM1: all\n---\nDM2: all\n", "one YAML document"),
    "not YAML": ("DM1: [all\n", "not valid YAML"),
    "a list, not a mapping": ("- DM1\n- DM2\n", "mapping"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "UTF-8"),
    "empty": ("", "empty"),
}
LOADERS: dict[str, Callable[[Path], Any]] = {
    "rubric": load_rubric,
    "answers": lambda path: load_answers(path, RUBRIC),
    "demo script": lambda path: load_script(path, RUBRIC),
}


@pytest.mark.parametrize("case", HOSTILE)
@pytest.mark.parametrize("kind", LOADERS)
def test_a_hostile_file_is_refused_with_a_clear_message(
    tmp_path: Path, kind: str, case: str
) -> None:
    content, expected = HOSTILE[case]
    path = tmp_path / f"{kind.replace(' ', '-')}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")

    with pytest.raises(DataFileError) as refused:
        LOADERS[kind](path)

    message = str(refused.value)
    assert path.name in message
    assert expected in message
    assert len(message) < 2000  # one clear message, not a dump of the file


@pytest.mark.parametrize("kind", LOADERS)
def test_a_missing_file_or_a_folder_says_so(tmp_path: Path, kind: str) -> None:
    for path, reason in ((tmp_path / "missing.yaml", "No such file"), (tmp_path, "directory")):
        with pytest.raises(DataFileError) as refused:
            LOADERS[kind](path)
        assert reason in str(refused.value)
