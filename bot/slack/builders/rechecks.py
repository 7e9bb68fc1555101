"""Re-checks: the question asked again after a milestone, its record, the coordinators' notice.

The question is the interview's own message (`build_question_message`: statement, why, the
checklist pre-ticked with the round's current answer, the rule and the evidence asked for),
with the milestone said first and the re-check's buttons in place of the interview's: "Still
the same", Save, None of these, Not sure. Their value is the re-check id, nothing else.
"""

from __future__ import annotations

from bot.i18n import Translator, translator
from bot.interview.model import Kind
from bot.interview.views import Question
from bot.reports.recheck_view import score_words
from bot.schedule.recheck_view import RecheckView
from bot.schedule.views import DigestView
from bot.services.rechecks import RecheckOutcome
from bot.services.score_change import ScoreChange
from bot.slack import ids
from bot.slack.builders.blocks import Block, Message, button, clip, context, escape, section
from bot.slack.builders.question import (
    STATUS_ICONS,
    build_question_message,
    record_line,
    status_words,
)

STATEMENT_PREVIEW = 150


def build_recheck_message(view: RecheckView) -> Message:
    """The criterion asked again, pre-filled, with "Still the same" when there is an answer."""
    tr = translator(view.lang)
    rubric = view.rubric
    area = rubric.area_of(view.criterion_id)
    in_area = [c.id for c in area.criteria]
    position = in_area.index(view.criterion_id) + 1
    kind = Kind(view.answer_status) if view.answer_status in set(Kind) else None
    question = Question(
        assessment_id=view.assessment_id,
        criterion_id=view.criterion_id,
        area_id=area.id,
        area_position=position,
        area_total=len(in_area),
        position=position,
        total=len(in_area),
        ticked=view.ticked,
        given=kind,
        evidence_count=view.evidence_count,
    )
    asked = build_question_message(tr, rubric, question)
    intro = recheck_intro(tr, view)
    blocks: list[Block] = []
    for block in asked.blocks:
        block_id = block.get("block_id")
        if block_id == ids.BLOCK_QUESTION_PLACE:
            blocks.append(context(escape(intro), ids.BLOCK_RECHECK_INTRO))
        elif block_id == ids.BLOCK_QUESTION_RULE:  # the typed replies belong to the interview
            blocks.append({**block, "elements": block["elements"][:1]})
        elif block_id == ids.BLOCK_QUESTION_ACTIONS:
            blocks.append(_actions(tr, view))
        else:
            blocks.append(block)
    statement = rubric.criterion(view.criterion_id).statement.get(tr.lang)
    return Message(text=f"{intro}\n{view.criterion_id}: {statement}", blocks=blocks)


def recheck_intro(tr: Translator, view: RecheckView) -> str:
    """Why the question comes again, and what the current answer is."""
    done = tr.gettext("Milestone done: {title}.").format(title=view.milestone_title)
    if not view.answered:
        ask = tr.gettext(
            "{city} has no answer to this question in this round yet: tick what is in place "
            "and save."
        ).format(city=view.city_name)
        return f"✅ {done} {ask}"
    count = len(view.rubric.criterion(view.criterion_id).checklist)
    current = tr.gettext("{ticked} of {count} in place").format(
        ticked=len(view.ticked), count=count
    )
    if view.answer_status == Kind.UNSURE:
        current += " · " + tr.gettext("not sure")
    if view.evidence_count:
        current += f" · 📎 {view.evidence_count}"
    ask = tr.gettext(
        "Is {city}'s answer still the same ({answer})? One click keeps it; or change the ticks "
        "and save."
    ).format(city=view.city_name, answer=current)
    return f"✅ {done} {ask}"


def build_recheck_record(tr: Translator, outcome: RecheckOutcome) -> Message:
    """What replaces the re-check once answered: the record, kept or changed."""
    assert outcome.record is not None
    line = record_line(tr, outcome.record)
    if outcome.confirmed:
        line += " · " + tr.gettext("still the same")
    blocks: list[Block] = [section(escape(line), ids.BLOCK_RECHECK_RECORD)]
    if outcome.change is not None:
        thanks = tr.gettext("Thank you: the coordinators see the new score.")
        blocks.append(context(escape(thanks), ids.BLOCK_RECHECK_CHANGE_CONTEXT))
        line += "\n" + thanks
    return Message(text=line, blocks=blocks)


def build_score_change(tr: Translator, change: ScoreChange) -> Message:
    """The coordinators' notice: the criterion's new status, the score and level then and now."""
    summary = score_change_line(tr, change)
    statement = clip(change.statement.get(tr.lang), STATEMENT_PREVIEW)
    who = tr.gettext("{name} answered it again after the milestone {title} was done.").format(
        name=change.answered_by, title=change.milestone_title
    )
    where = f"{change.city_name} · {change.criterion_id}: {statement}"
    blocks: list[Block] = [
        section("🔁 " + escape(summary), ids.BLOCK_RECHECK_CHANGE),
        context(escape(f"{where}\n{who}"), ids.BLOCK_RECHECK_CHANGE_CONTEXT),
    ]
    return Message(text=f"{summary}\n{where}\n{who}", blocks=blocks)


def score_change_line(tr: Translator, change: ScoreChange) -> str:
    """ "OD1 is now met (was partly met): score 61.3% → 64.5% · level Silver → Gold"."""
    before, after = change.before, change.after
    if before.status is after.status:
        status = tr.gettext("{criterion} is still {status}").format(
            criterion=change.criterion_id, status=status_words(tr, after.status)
        )
    else:
        status = tr.gettext("{criterion} is now {status} (was {before})").format(
            criterion=change.criterion_id,
            status=status_words(tr, after.status),
            before=status_words(tr, before.status),
        )
    return f"{STATUS_ICONS[after.status]} {status}: {score_words(tr, before, after)}"


def _actions(tr: Translator, view: RecheckView) -> Block:
    value = str(view.recheck_id)
    if view.answered:  # keeping the answer is the one-click default
        first = [
            button(tr.gettext("Still the same"), ids.RECHECK_SAME, value, style="primary"),
            button(tr.gettext("Save"), ids.RECHECK_SAVE, value),
        ]
    else:
        first = [button(tr.gettext("Save"), ids.RECHECK_SAVE, value, style="primary")]
    return {
        "type": "actions",
        "block_id": ids.BLOCK_RECHECK_ACTIONS,
        "elements": [
            *first,
            button(tr.gettext("None of these"), ids.RECHECK_NONE, value),
            button(tr.gettext("Not sure"), ids.RECHECK_UNSURE, value),
        ],
    }


def stale_digest_lines(tr: Translator, view: DigestView) -> list[str]:
    """The digest's line on criteria whose evidence is all older than the maximum age."""
    if not view.stale_evidence or view.stale_before is None:
        return []
    count = len(view.stale_evidence)
    line = tr.ngettext(
        "• {count} criterion rests only on evidence given before {date}: {ids}. Ask for a "
        "current link (Add evidence); the next round asks for it too.",
        "• {count} criteria rest only on evidence given before {date}: {ids}. Ask for current "
        "links (Add evidence); the next round asks for them too.",
        count,
    )
    return [
        line.format(
            count=count, date=tr.date(view.stale_before), ids=", ".join(view.stale_evidence)
        )
    ]
