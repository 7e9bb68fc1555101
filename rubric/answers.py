"""Answers files: criterion ids mapped to `all`, `none`, `unsure` or a list of ticked item ids.

```yaml
DM1: all                          # every checklist item is in place
DM2: [documented-method, updated-recently]
DM3: none                         # nothing in place yet
DM4: unsure                       # nobody knows yet
DM5:                              # left empty: not answered
```

Ids the rubric does not have, and bare `yes`/`no`, are problems with their line, never ignored.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from rubric.problems import AnswersError, Problem
from rubric.schema import Criterion, Rubric
from rubric.scoring import Answer
from rubric.yaml_reader import Located, read_yaml, scalar_reading, too_large

_WORDS = "all, none, unsure or a list of ticked item ids"


def load_answers(path: Path | str, rubric: Rubric) -> dict[str, Answer]:
    """Read an answers file for `rubric`; AnswersError lists every problem found."""
    path = Path(path)
    try:
        large = too_large(str(path), path.stat().st_size)  # refused before it is read
        if large is not None:
            raise AnswersError([large])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise AnswersError(
            [Problem(str(path), None, "", f"cannot read the file: {reason}")]
        ) from None
    return parse_answers(text, str(path), rubric)


def parse_answers(text: str, filename: str, rubric: Rubric) -> dict[str, Answer]:
    """Answers from YAML text; `filename` is only used in problem messages."""
    found = read_yaml(text, filename)
    if found.data is None and found.problems:
        raise AnswersError(found.problems)
    if not isinstance(found.data, dict):
        message = f"expected a mapping of criterion ids to {_WORDS}, e.g. `DM1: all`"
        raise AnswersError([*found.problems, found.problem((), "", message)])
    criteria = {c.id: c for c in rubric.criteria()}
    answers: dict[str, Answer] = {}
    problems = list(found.problems)
    for cid, value in found.data.items():
        criterion = criteria.get(cid)
        if criterion is None:
            near = difflib.get_close_matches(cid, list(criteria), n=1)
            hint = f"did you mean {near[0]}?" if near else "check the id"
            where = f"{rubric.id} {rubric.version}"
            problems.append(found.problem((cid,), cid, f"no criterion {cid} in {where}: {hint}"))
            continue
        answer = _answer(criterion, value, found, problems)
        if answer is not None:
            answers[cid] = answer
    if problems:
        raise AnswersError(problems)
    return answers


def _answer(
    criterion: Criterion, value: Any, found: Located, problems: list[Problem]
) -> Answer | None:
    cid = criterion.id
    if value is None:
        return None  # left empty: not answered
    if value == "all":
        return Answer.all_of(criterion)
    if value == "none":
        return Answer.none()
    if value == "unsure":
        return Answer.not_sure()
    if isinstance(value, list):
        ticked: set[str] = set()
        known = [it.id for it in criterion.checklist]
        for k, item in enumerate(value):
            if isinstance(item, str) and item in known:
                ticked.add(item)
                continue
            reading = scalar_reading(found.nodes.get((cid, k)))
            what = f"{reading}, not an item id" if reading else f"{cid} has no item `{item}`"
            problems.append(
                found.problem((cid, k), f"{cid}[{k}]", f"{what}: its items are {', '.join(known)}")
            )
        return Answer(frozenset(ticked))
    reading = scalar_reading(found.nodes.get((cid,)))
    what = f"{reading}, not an answer" if reading else f"`{value}` is not an answer"
    problems.append(found.problem((cid,), cid, f"{what}: write {_WORDS}"))
    return None
