"""Rules a rubric must follow beyond its types, each problem reported with its id path.

`validate_rubric` runs every rule and returns every problem found; `check_criterion` holds the
rules that need only one criterion, so a loader can still run them when another part of the file
failed to parse. Text limits are Slack's, for the surface where each text is shown.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from rubric.graph import prerequisite_order
from rubric.problems import Loc, format_loc
from rubric.schema import (
    BUTTON_TEXT_MAX,
    HEADER_TEXT_MAX,
    OPTION_TEXT_MAX,
    SECTION_TEXT_MAX,
    Area,
    ChecklistItem,
    Criterion,
    Level,
    NextStep,
    Resource,
    Rubric,
    Text,
)

CHECKLIST_SIZE = (2, 5)
"""A criterion has between 2 and 5 checklist items."""
NEXT_STEPS_SIZE = (1, 3)
"""A criterion has between 1 and 3 next steps."""

TEXT_LIMITS: dict[tuple[type, str], tuple[int, str]] = {
    (Rubric, "title"): (HEADER_TEXT_MAX, "a header"),
    (Level, "name"): (HEADER_TEXT_MAX, "a header"),
    (Area, "name"): (HEADER_TEXT_MAX, "a header"),
    (Area, "summary"): (SECTION_TEXT_MAX, "a section"),
    (Criterion, "statement"): (SECTION_TEXT_MAX, "a section"),
    (Criterion, "why"): (SECTION_TEXT_MAX, "a section"),
    (Criterion, "evidence"): (SECTION_TEXT_MAX, "a section"),
    (ChecklistItem, "text"): (OPTION_TEXT_MAX, "a checkbox option"),
    (ChecklistItem, "hint"): (OPTION_TEXT_MAX, "a checkbox option's description"),
    (NextStep, "action"): (SECTION_TEXT_MAX, "a section"),
    (NextStep, "deliverable"): (SECTION_TEXT_MAX, "a section"),
    (NextStep, "owner"): (OPTION_TEXT_MAX, "a select option"),
    (Resource, "title"): (BUTTON_TEXT_MAX, "a link button"),
}
"""The longest each text may be in every language, and where Slack shows it."""

_LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "pt": "Portuguese"}


@dataclass(frozen=True, slots=True)
class Issue:
    """One rule broken at `loc`, with a message that says how to fix it."""

    loc: Loc
    message: str


def validate_rubric(rubric: Rubric) -> list[Issue]:
    """Every rule the rubric breaks (the loader sorts them by line)."""
    issues = list(_texts(rubric, ()))
    for i, level in enumerate(rubric.levels):
        issues += _texts(level, ("levels", i))
    if not rubric.levels:
        issues.append(
            Issue(
                ("levels",),
                "at least one level is needed, like {id: silver, name: Silver, min_percent: 51}",
            )
        )
    issues += _duplicates([lv.id for lv in rubric.levels], ("levels",), "level id")
    issues += _ascending_levels(rubric.levels)
    if not rubric.areas:
        issues.append(Issue(("areas",), "at least one practice area is needed"))
    issues += _duplicates([a.id for a in rubric.areas], ("areas",), "area id")
    criterion_locs: dict[str, Loc] = {}
    for i, area in enumerate(rubric.areas):
        loc = ("areas", i)
        issues += _texts(area, loc)
        if not area.criteria:
            issues.append(Issue((*loc, "criteria"), "at least one criterion is needed"))
        for j, criterion in enumerate(area.criteria):
            cloc = (*loc, "criteria", j)
            issues += [Issue(cloc + it.loc, it.message) for it in check_criterion(criterion)]
            if criterion.id in criterion_locs:
                first = format_loc(criterion_locs[criterion.id])
                issues.append(
                    Issue(
                        (*cloc, "id"),
                        f"criterion id {criterion.id} is already used at {first}: "
                        "criterion ids must be unique across the rubric",
                    )
                )
            else:
                criterion_locs[criterion.id] = cloc
    issues += _prerequisite_links(rubric, criterion_locs)
    return issues


def check_criterion(criterion: Criterion) -> list[Issue]:
    """The rules one criterion must follow on its own; locs are relative to the criterion."""
    issues = list(_texts(criterion, ()))
    n = len(criterion.checklist)
    low, high = CHECKLIST_SIZE
    if n == 0:
        issues.append(
            Issue(
                ("checklist",),
                f"at least one item is needed (a criterion has {low} to {high} checklist items)",
            )
        )
    elif n < low:
        issues.append(
            Issue(("checklist",), f"has {n} item; add another: a criterion has {low} to {high}")
        )
    elif n > high:
        issues.append(
            Issue(("checklist",), f"has {n} items; merge or drop some: at most {high} are allowed")
        )
    at_least = criterion.rule.at_least
    if at_least is not None and n and at_least > n:
        issues.append(
            Issue(
                ("rule", "at_least"),
                f"at least {at_least} of {n} items can never be met: "
                f"lower it to {n} or fewer, or write `rule: all`",
            )
        )
    issues += _duplicates([it.id for it in criterion.checklist], ("checklist",), "item id")
    steps = len(criterion.next_steps)
    low, high = NEXT_STEPS_SIZE
    if steps < low:
        issues.append(Issue(("next_steps",), "at least one next step is needed"))
    elif steps > high:
        issues.append(
            Issue(("next_steps",), f"has {steps} next steps; keep the {high} most useful")
        )
    seen: set[str] = set()
    for k, prereq in enumerate(criterion.prerequisites):
        if prereq == criterion.id:
            issues.append(
                Issue(("prerequisites", k), f"{prereq} cannot be its own prerequisite: remove it")
            )
        elif prereq in seen:
            issues.append(Issue(("prerequisites", k), f"{prereq} is listed twice: remove one"))
        seen.add(prereq)
    return issues


def _texts(model: BaseModel, loc: Loc) -> Iterator[Issue]:
    """Length and blankness of the model's own Text fields, and of its items' and steps'."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Text):
            yield from _text(value, (*loc, name), TEXT_LIMITS[(type(model), name)])
    if isinstance(model, Criterion):
        for i, item in enumerate(model.checklist):
            yield from _texts(item, (*loc, "checklist", i))
        for i, step in enumerate(model.next_steps):
            yield from _texts(step, (*loc, "next_steps", i))
            for r, res in enumerate(step.resources):
                yield from _texts(res, (*loc, "next_steps", i, "resources", r))


def _text(text: Text, loc: Loc, limit: tuple[int, str]) -> Iterator[Issue]:
    most, surface = limit
    for lang, value in text.variants().items():
        if value is None:
            continue
        where = loc if lang == "en" else (*loc, lang)
        name = _LANGUAGE_NAMES[lang]
        if not value.strip():
            fix = "write it" if lang == "en" else "fill it in or remove the key"
            yield Issue(where, f"the {name} text is blank: {fix}")
        elif len(value) > most:
            yield Issue(
                where,
                f"the {name} text is {len(value)} characters; Slack shows at most {most} "
                f"in {surface}: shorten it by {len(value) - most}",
            )


def _duplicates(ids: Sequence[str], loc: Loc, what: str) -> Iterator[Issue]:
    first: dict[str, int] = {}
    for i, value in enumerate(ids):
        if value in first:
            yield Issue(
                (*loc, i, "id"),
                f"{what} {value} is already used at {format_loc((*loc, first[value]))}: "
                "give each its own id",
            )
        else:
            first[value] = i


def _ascending_levels(levels: Sequence[Level]) -> Iterator[Issue]:
    for i in range(1, len(levels)):
        before, level = levels[i - 1], levels[i]
        if level.min_percent <= before.min_percent:
            yield Issue(
                ("levels", i, "min_percent"),
                f"{level.id} needs {level.min_percent}%, which is not above "
                f"{before.id}'s {before.min_percent}%: list levels from lowest to highest, "
                "each with a higher min_percent",
            )


def _prerequisite_links(rubric: Rubric, locs: dict[str, Loc]) -> Iterator[Issue]:
    ids = list(locs)
    links: dict[str, list[str]] = {}
    for criterion in rubric.criteria():
        if locs.get(criterion.id) is None or criterion.id in links:
            continue
        links[criterion.id] = [p for p in criterion.prerequisites if p != criterion.id]
        for k, prereq in enumerate(criterion.prerequisites):
            if prereq not in locs:
                others = [cid for cid in ids if cid != criterion.id]
                near = difflib.get_close_matches(prereq, others, n=1)
                hint = f"did you mean {near[0]}?" if near else "check the id"
                yield Issue(
                    (*locs[criterion.id], "prerequisites", k),
                    f"there is no criterion {prereq} in this rubric: {hint}",
                )
    for cycle in prerequisite_order(links)[1]:
        if len(cycle) == 1:
            continue
        chain = " -> ".join((*cycle, cycle[0]))
        yield Issue(
            (*locs[cycle[0]], "prerequisites"),
            f"prerequisites form a cycle ({chain}, each needing the next): remove one of the links",
        )
