"""What changed in each criterion between two versions of a rubric.

A criterion is the *same* question in both versions when its statement, its checklist (item
ids and texts, in order) and the number of ticked items its rule needs are all equal; texts are
compared in English with runs of white space counted as one space, so a reflowed YAML line or
a new translation changes nothing. Everything else a criterion carries (why it matters, the
evidence asked for, hints, next steps, core, prerequisites, its area) may differ without
changing what the answer means. A criterion only in the newer version is *added*; one only in
the older is *removed*.

An answer from last round can be carried over only to a criterion that is the same question.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rubric.schema import Criterion, Rubric, Text


class ChangeKind(StrEnum):
    """How a criterion differs between an older and a newer rubric version."""

    SAME = "same"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


class Part(StrEnum):
    """A part of a criterion whose change changes the question."""

    STATEMENT = "statement"
    CHECKLIST = "checklist"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class Change:
    """One criterion's change: its kind and, when changed, which parts differ."""

    kind: ChangeKind
    parts: tuple[Part, ...] = ()

    @property
    def carries_over(self) -> bool:
        """Whether last round's answer still answers this criterion."""
        return self.kind is ChangeKind.SAME


SAME = Change(ChangeKind.SAME)
ADDED = Change(ChangeKind.ADDED)
REMOVED = Change(ChangeKind.REMOVED)


def criterion_changes(old: Rubric, new: Rubric) -> dict[str, Change]:
    """Every criterion of either version by id: the newer's in its order, then those removed."""
    before = {c.id: c for c in old.criteria()}
    after = {c.id: c for c in new.criteria()}
    changes: dict[str, Change] = {}
    for cid, criterion in after.items():
        earlier = before.get(cid)
        changes[cid] = ADDED if earlier is None else criterion_change(earlier, criterion)
    for cid in before:
        if cid not in after:
            changes[cid] = REMOVED
    return changes


def criterion_change(old: Criterion, new: Criterion) -> Change:
    """How one criterion differs between two versions (SAME, or CHANGED with the parts)."""
    parts: list[Part] = []
    if _words(old.statement) != _words(new.statement):
        parts.append(Part.STATEMENT)
    if _items(old) != _items(new):
        parts.append(Part.CHECKLIST)
    if old.rule.required(len(old.checklist)) != new.rule.required(len(new.checklist)):
        parts.append(Part.RULE)
    return Change(ChangeKind.CHANGED, tuple(parts)) if parts else SAME


def _items(criterion: Criterion) -> tuple[tuple[str, str], ...]:
    return tuple((item.id, _words(item.text)) for item in criterion.checklist)


def _words(text: Text) -> str:
    return " ".join(text.en.split())
