"""What counts as a changed question between two rubric versions."""

from __future__ import annotations

from rubric.diff import ChangeKind, Part, criterion_change, criterion_changes
from rubric.schema import Criterion, Rubric
from tests.rubric.samples import sample_rubric
from tests.rubric.versions import v1, v2


def _edit(criterion: Criterion, **changes: object) -> Criterion:
    return criterion.model_copy(update=changes)


def _gov2() -> Criterion:
    return sample_rubric().criterion("GOV2")


def test_the_two_sample_versions_differ_as_written() -> None:
    changes = criterion_changes(v1(), v2())

    assert {cid: c.kind for cid, c in changes.items()} == {
        "GOV1": ChangeKind.SAME,
        "GOV2": ChangeKind.CHANGED,
        "OPS1": ChangeKind.SAME,
        "OPS2": ChangeKind.SAME,
        "OPS3": ChangeKind.ADDED,
        "LEG1": ChangeKind.REMOVED,
    }
    assert changes["GOV2"].parts == (Part.CHECKLIST,)
    assert [cid for cid, c in changes.items() if c.carries_over] == ["GOV1", "OPS1", "OPS2"]


def test_the_newer_versions_order_comes_first_then_the_removed() -> None:
    assert list(criterion_changes(v1(), v2())) == ["GOV1", "GOV2", "OPS1", "OPS2", "OPS3", "LEG1"]


def test_a_version_compared_with_itself_is_all_the_same() -> None:
    rubric: Rubric = v2()

    assert {c.kind for c in criterion_changes(rubric, rubric).values()} == {ChangeKind.SAME}


def test_a_new_statement_changes_the_question() -> None:
    old = _gov2()
    new = _edit(old, statement=old.statement.model_copy(update={"en": "The city keeps a list."}))

    change = criterion_change(old, new)

    assert (change.kind, change.parts) == (ChangeKind.CHANGED, (Part.STATEMENT,))


def test_a_reworded_checklist_item_or_a_new_item_id_changes_the_question() -> None:
    old = _gov2()
    first, *rest = old.checklist
    text = first.text.model_copy(update={"en": "A method is written down"})
    reworded = _edit(old, checklist=(first.model_copy(update={"text": text}), *rest))
    renamed = _edit(old, checklist=(first.model_copy(update={"id": "approach"}), *rest))

    assert criterion_change(old, reworded).parts == (Part.CHECKLIST,)
    assert criterion_change(old, renamed).parts == (Part.CHECKLIST,)


def test_a_rule_that_needs_another_number_of_items_changes_the_question() -> None:
    old = _gov2()  # at least 2 of 3
    stricter = _edit(old, rule=old.rule.model_copy(update={"at_least": 3}))
    same_need = _edit(old, rule=old.rule.model_copy(update={"at_least": None}))  # all 3

    assert criterion_change(old, stricter).parts == (Part.RULE,)
    assert criterion_change(stricter, same_need).kind is ChangeKind.SAME


def test_why_hints_evidence_next_steps_core_and_translations_leave_the_question_alone() -> None:
    old = _gov2()
    new = _edit(
        old,
        why=old.why.model_copy(update={"en": "Something else entirely."}),
        evidence=old.evidence.model_copy(update={"en": "A spreadsheet."}),
        core=True,
        prerequisites=(),
        next_steps=old.next_steps[:1],
        statement=old.statement.model_copy(update={"es": "La ciudad mantiene un inventario."}),
    )

    assert criterion_change(old, new).kind is ChangeKind.SAME


def test_white_space_in_a_text_is_not_a_change() -> None:
    old = _gov2()
    spaced = "  The city keeps\n a   data inventory. "
    new = _edit(old, statement=old.statement.model_copy(update={"en": spaced}))

    assert criterion_change(old, new).kind is ChangeKind.SAME
