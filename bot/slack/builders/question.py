"""A question message, and the compact record of its answer that replaces it after saving.

The question: where it is ("Open Data · 2 of 4 · 6 of 13 overall", overall counting the
person's own questions), the statement, why it matters, the checklist as checkboxes (the
current answer pre-ticked), the rule and the evidence asked for, and the buttons. Every button
value is "<assessment id>:<criterion id>", nothing else.
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.interview.model import Kind
from bot.interview.views import LastAnswer, Question, Record, WentBack
from bot.interview.vocabulary import Word, shown_phrase
from bot.slack import ids
from bot.slack.builders.blocks import (
    Block,
    Message,
    button,
    clip,
    context,
    escape,
    mrkdwn,
    plain,
    section,
)
from rubric.diff import ChangeKind
from rubric.schema import Criterion, Rubric, Text
from rubric.scoring import CriterionStatus

OPTION_TEXT_LIMIT = 75
STATUS_ICONS = {
    CriterionStatus.MET: "✅",
    CriterionStatus.PARTLY_MET: "🟡",
    CriterionStatus.NOT_MET: "❌",
    CriterionStatus.UNKNOWN: "❓",
    CriterionStatus.BLOCKED: "🔒",
}
SKIPPED_ICON = "⏭️"


def button_value(assessment_id: int, criterion_id: str) -> str:
    """The value of an interview button: the assessment id and the criterion id."""
    return f"{assessment_id}:{criterion_id}"


def parse_button_value(value: str | None) -> tuple[int, str] | None:
    """(assessment id, criterion id) from a button value, or None when it is not one."""
    head, sep, criterion_id = (value or "").partition(":")
    if not sep or not (head.isascii() and head.isdigit()) or len(head) > 18:
        return None
    if not (criterion_id.isascii() and criterion_id.isalnum()) or len(criterion_id) > 16:
        return None
    return int(head), criterion_id


def status_words(tr: Translator, status: CriterionStatus) -> str:
    """A criterion's status in words: met, partly met, not met, unknown, waiting."""
    words = {
        CriterionStatus.MET: tr.gettext("met"),
        CriterionStatus.PARTLY_MET: tr.gettext("partly met"),
        CriterionStatus.NOT_MET: tr.gettext("not met"),
        CriterionStatus.UNKNOWN: tr.gettext("unknown"),
        CriterionStatus.BLOCKED: tr.gettext("waiting for a prerequisite"),
    }
    return words[status]


def rule_words(tr: Translator, criterion: Criterion) -> str:
    """The rule in words: "Met when all 5 are in place" or "... at least 3 of 4 ..."."""
    count = len(criterion.checklist)
    required = criterion.rule.required(count)
    if required >= count:
        return tr.ngettext(
            "Met when it is in place.", "Met when all {count} are in place.", count
        ).format(count=count)
    return tr.gettext("Met when at least {required} of {count} are in place.").format(
        required=required, count=count
    )


def place_line(tr: Translator, rubric: Rubric, q: Question) -> str:
    """Where the question is: "Open Data · 2 of 4 · 6 of 13 overall"."""
    area = rubric.area(q.area_id).name.get(tr.lang)
    return tr.gettext("{area} · {n} of {count} · {position} of {total} overall").format(
        area=area, n=q.area_position, count=q.area_total, position=q.position, total=q.total
    )


def build_question_message(tr: Translator, rubric: Rubric, q: Question) -> Message:
    """One criterion to answer: statement, why, checklist, rule, evidence and the buttons."""
    criterion = rubric.criterion(q.criterion_id)
    lang = tr.lang
    place = place_line(tr, rubric, q)
    notes = [f"*{escape(place)}*"]
    if q.only_left:
        notes.append(tr.gettext("the only question left: if nobody knows yet, click Not sure"))
    elif q.skipped_left:
        notes.append(
            tr.ngettext(
                "skipped earlier · {count} skipped question left",
                "skipped earlier · {count} skipped questions left",
                q.skipped_left,
            ).format(count=q.skipped_left)
        )
    elif q.given in (Kind.ANSWERED, Kind.UNSURE):
        notes.append(tr.gettext("answered before: change what you need and save"))
    if q.evidence_count:
        notes.append("📎 " + str(q.evidence_count))
    statement = criterion.statement.get(lang)
    why = criterion.why.get(lang)
    options = [_option(tr, item.id, item.text.get(lang), item.hint) for item in criterion.checklist]
    checkboxes: dict[str, object] = {
        "type": "checkboxes",
        "action_id": ids.INTERVIEW_ITEMS,
        "options": options,
    }
    chosen = [o for o in options if o["value"] in q.ticked]
    if chosen:
        checkboxes["initial_options"] = chosen
    value = button_value(q.assessment_id, q.criterion_id)
    evidence = tr.gettext("Evidence: {what}").format(what=criterion.evidence.get(lang))
    typed = tr.gettext(
        "You can also type the numbers of the items in place (e.g. `1 3`), or `{none}`, "
        "`{unsure}`, `{skip}`."
    ).format(**{w.value: shown_phrase(w, lang) for w in (Word.NONE, Word.UNSURE, Word.SKIP)})
    blocks: list[Block] = [context(" · ".join(notes), ids.BLOCK_QUESTION_PLACE)]
    if q.fresh is not None:
        blocks.append(context(escape(fresh_note(tr, q.fresh)), ids.BLOCK_QUESTION_CHANGED))
    blocks += [
        section(f"*{q.criterion_id}* · {escape(statement)}", ids.BLOCK_QUESTION_STATEMENT),
        context(
            escape(tr.gettext("Why it matters: {why}").format(why=why)), ids.BLOCK_QUESTION_WHY
        ),
        {"type": "actions", "block_id": ids.BLOCK_QUESTION_ITEMS, "elements": [checkboxes]},
        {
            "type": "context",
            "block_id": ids.BLOCK_QUESTION_RULE,
            "elements": [
                mrkdwn(f"*{escape(rule_words(tr, criterion))}* {escape(evidence)}"),
                mrkdwn(typed),
            ],
        },
    ]
    if q.last is not None:
        blocks.append(context(escape(last_line(tr, q.last, criterion)), ids.BLOCK_QUESTION_LAST))
    if q.stale_links:
        blocks.append(context(escape(stale_line(tr, q)), ids.BLOCK_QUESTION_STALE))
    save = [button(tr.gettext("Save"), ids.INTERVIEW_SAVE, value, style="primary")]
    if q.last is not None:  # keeping last round's answer is the one-click default
        save = [
            button(tr.gettext("Still true"), ids.INTERVIEW_STILL_TRUE, value, style="primary"),
            button(tr.gettext("Save"), ids.INTERVIEW_SAVE, value),
        ]
    blocks += [
        {
            "type": "actions",
            "block_id": ids.BLOCK_QUESTION_ACTIONS,
            "elements": [
                *save,
                button(tr.gettext("None of these"), ids.INTERVIEW_NONE, value),
                button(tr.gettext("Not sure"), ids.INTERVIEW_UNSURE, value),
                button(tr.gettext("Skip"), ids.INTERVIEW_SKIP, value),
                button(tr.gettext("Back"), ids.INTERVIEW_BACK, value),
                button(tr.gettext("Add evidence"), ids.INTERVIEW_EVIDENCE, value),
                button(tr.gettext("Pause"), ids.INTERVIEW_PAUSE, str(q.assessment_id)),
            ],
        },
    ]
    text = f"{place}: {q.criterion_id} {statement}"
    if q.fresh is not None:
        text += "\n" + fresh_note(tr, q.fresh)
    if q.last is not None:
        text += "\n" + last_line(tr, q.last, criterion)
    if q.stale_links:
        text += "\n" + stale_line(tr, q)
    return Message(text=text, blocks=blocks)


def stale_line(tr: Translator, q: Question) -> str:
    """Evidence too old to keep silently: give it again if it still holds, or a current one."""
    return "🕰️ " + tr.ngettext(
        "This evidence was given more than {months} month ago: {links}. If it still holds, "
        "give the link again with Add evidence; otherwise add a current one.",
        "This evidence was given more than {months} months ago: {links}. If it still holds, "
        "give the link again with Add evidence; otherwise add a current one.",
        q.stale_months,
    ).format(months=q.stale_months, links=", ".join(q.stale_links))


def fresh_note(tr: Translator, fresh: ChangeKind) -> str:
    """Why a question is asked afresh in this round."""
    if fresh is ChangeKind.ADDED:
        return "🆕 " + tr.gettext("This question is new since last round.")
    return "🔄 " + tr.gettext("This question changed since last round: answer it afresh.")


def last_line(tr: Translator, last: LastAnswer, criterion: Criterion) -> str:
    """Last round's answer: "Last round: ✅ 3 of 4 in place · met. Still true? ..."."""
    ticked = tr.gettext("{ticked} of {count} in place").format(
        ticked=len(last.ticked), count=len(criterion.checklist)
    )
    unsure = last.kind is Kind.UNSURE
    status = tr.gettext("not sure") if unsure else status_words(tr, last.status)
    words = [f"{STATUS_ICONS[last.status]} {ticked}", status]
    if last.evidence_count:
        words.append(f"📎 {last.evidence_count}")
    answer = tr.gettext("Last round: {answer}.").format(answer=" · ".join(words))
    offer = tr.gettext(
        "Still true? One click keeps it, with its note and evidence; or change the ticks and save."
    )
    return f"{answer} {offer}"


def record_line(tr: Translator, r: Record) -> str:
    """The record's first line: "✅ DM2 · 3 of 4 ticked · met"."""
    if r.kind is Kind.SKIPPED:
        parts = [SKIPPED_ICON, r.criterion_id, "·", tr.gettext("skipped: asked again later")]
        return " ".join(parts)
    ticked = tr.gettext("{ticked} of {count} ticked").format(
        ticked=len(r.ticked), count=r.item_count
    )
    words = [f"{STATUS_ICONS[r.status]} {r.criterion_id}", ticked]
    words.append(tr.gettext("not sure") if r.kind is Kind.UNSURE else status_words(tr, r.status))
    if r.blocked_by and r.status is CriterionStatus.MET:
        words.append(tr.gettext("counts once {ids} is met").format(ids=", ".join(r.blocked_by)))
    if r.still_true:
        words.append(tr.gettext("still true from last round"))
    elif r.changed:
        words.append(tr.gettext("changed"))
    if r.evidence_count:
        words.append(f"📎 {r.evidence_count}")
    return " · ".join(words)


def build_answer_record(tr: Translator, rubric: Rubric, r: Record) -> Message:
    """The compact record of an answer, with the ticked items and a Change button."""
    line = record_line(tr, r)
    criterion = rubric.criterion(r.criterion_id)
    blocks: list[Block] = [section(escape(line), ids.BLOCK_RECORD)]
    ticked = [it.text.get(tr.lang) for it in criterion.checklist if it.id in r.ticked]
    if ticked:
        blocks.append(context(" ".join(f"☑ {escape(t)}" for t in ticked), ids.BLOCK_RECORD_ITEMS))
    value = button_value(r.assessment_id, r.criterion_id)
    actions = [button(tr.gettext("Change"), ids.INTERVIEW_CHANGE, value)]
    if r.stale_links:  # kept, but its evidence is too old to carry silently
        refresh = tr.gettext(
            "Its evidence is stale: if it still holds, give the link again with Add evidence; "
            "otherwise add a current one."
        )
        blocks.append(context("🕰️ " + escape(refresh), ids.BLOCK_QUESTION_STALE))
        actions.insert(0, button(tr.gettext("Add evidence"), ids.INTERVIEW_EVIDENCE, value))
        line += "\n🕰️ " + refresh
    blocks.append({"type": "actions", "block_id": ids.BLOCK_RECORD_ACTIONS, "elements": actions})
    return Message(text=line, blocks=blocks)


def build_went_back(tr: Translator, w: WentBack) -> Message:
    """Replaces a question left for the one before it: "↩️ OD2 · back to OD1"."""
    line = tr.gettext("↩️ {criterion} · went back to {previous}; it comes again next").format(
        criterion=w.criterion_id, previous=w.to_criterion_id
    )
    return Message(text=line, blocks=[context(escape(line), ids.BLOCK_RECORD)])


def _option(tr: Translator, value: str, text: str, hint: Text | None) -> dict[str, object]:
    option: dict[str, object] = {"text": plain(clip(text, OPTION_TEXT_LIMIT)), "value": value}
    if hint is not None:
        option["description"] = plain(clip(hint.get(tr.lang), OPTION_TEXT_LIMIT))
    return option
