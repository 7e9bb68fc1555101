"""Words for the statuses reports show, in the reader's language."""

from __future__ import annotations

from bot.i18n import Translator
from bot.reports.cohort import Standing
from rubric.schema import Criterion
from rubric.scoring import CriterionStatus
from storage.enums import AnswerStatus, MilestoneStatus


def criterion_status(status: CriterionStatus, tr: Translator) -> str:
    """A criterion's scored status: met, partly met, not met, unknown or blocked."""
    labels = {
        CriterionStatus.MET: tr.gettext("met"),
        CriterionStatus.PARTLY_MET: tr.gettext("partly met"),
        CriterionStatus.NOT_MET: tr.gettext("not met"),
        CriterionStatus.UNKNOWN: tr.gettext("not answered or unsure"),
        CriterionStatus.BLOCKED: tr.gettext("waiting for a prerequisite"),
    }
    return labels[status]


def answer_status(status: AnswerStatus | None, tr: Translator) -> str:
    """How a criterion was answered: answered, unsure, skipped, or not yet."""
    if status is None:
        return tr.gettext("not answered")
    labels = {
        AnswerStatus.ANSWERED: tr.gettext("answered"),
        AnswerStatus.UNSURE: tr.gettext("unsure"),
        AnswerStatus.SKIPPED: tr.gettext("skipped"),
    }
    return labels[status]


def milestone_status(status: MilestoneStatus, overdue: bool, tr: Translator) -> str:
    """A milestone's state: open (or overdue), done or dropped."""
    if status == MilestoneStatus.OPEN and overdue:
        return tr.gettext("overdue")
    labels = {
        MilestoneStatus.OPEN: tr.gettext("open"),
        MilestoneStatus.DONE: tr.gettext("done"),
        MilestoneStatus.DROPPED: tr.gettext("dropped"),
    }
    return labels[status]


def standing(value: Standing, tr: Translator) -> str:
    """Above, at or below the cohort's median."""
    labels = {
        Standing.ABOVE: tr.gettext("above the cohort median"),
        Standing.AT: tr.gettext("at the cohort median"),
        Standing.BELOW: tr.gettext("below the cohort median"),
    }
    return labels[value]


def effort(size: str, tr: Translator) -> str:
    """A next step's effort in words: small, medium or large effort."""
    labels = {
        "S": tr.gettext("small effort"),
        "M": tr.gettext("medium effort"),
        "L": tr.gettext("large effort"),
    }
    return labels.get(size, size)


def rule_words(criterion: Criterion, tr: Translator) -> str:
    """A criterion's rule in a few words: "all 3", "at least 3 of 4"."""
    count = len(criterion.checklist)
    if criterion.rule.at_least is None:
        return tr.gettext("all {count}").format(count=count)
    return tr.gettext("at least {required} of {count}").format(
        required=criterion.rule.at_least, count=count
    )
