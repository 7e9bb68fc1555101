"""The interview's other messages: intro, area summary with next steps, thanks, status, hints,
help, pause, evidence saved, refusals; and `build_reply`, which picks the builder for a reply."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import Translator
from bot.interview.model import PauseChoice
from bot.interview.views import (
    AllDone,
    AreaDone,
    AreaProgress,
    AskPause,
    EvidenceAdded,
    HelpReply,
    Hint,
    HintKind,
    Intro,
    Paused,
    Question,
    Record,
    Reply,
    StatusReport,
    WentBack,
)
from bot.interview.vocabulary import Word, shown_phrase
from bot.reports.labels import effort
from bot.slack import ids
from bot.slack.builders.blocks import Block, Message, button, clip, context, escape, header, section
from bot.slack.builders.question import (
    STATUS_ICONS,
    build_answer_record,
    build_question_message,
    build_went_back,
    status_words,
)
from rubric.schema import Rubric

STATEMENT_PREVIEW = 90


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """A bar of `width` cells: "▰▰▰▱▱▱▱▱▱▱"."""
    filled = (2 * width * done + total) // (2 * total) if total else 0  # half rounds up
    return "▰" * filled + "▱" * (width - filled)


def local_time(tr: Translator, when: datetime, timezone: str) -> str:
    """A moment in the person's timezone: "Tuesday, March 2, 2027 at 9:00 AM"."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = when.astimezone(zone)
    return tr.gettext("{day} at {time}").format(day=tr.date(local, "full"), time=tr.time(local))


def build_intro(tr: Translator, rubric: Rubric, intro: Intro) -> Message:
    """The first words of an interview, or the welcome back."""
    if intro.resumed:
        text = tr.gettext(
            "Welcome back! You have answered {answered} of {total}; here is where you left off."
        ).format(answered=intro.answered, total=intro.total)
    else:
        areas = ", ".join(
            f"{rubric.area(area_id).name.get(tr.lang)} ({count})" for area_id, count in intro.areas
        )
        text = tr.ngettext(
            "Let's start: {total} question, in {areas}.",
            "Let's start: {total} questions, in {areas}.",
            intro.total,
        ).format(total=intro.total, areas=areas)
        text += " " + tr.gettext(
            "Tick what is in place and save. Your answers are kept as you go: pause any time "
            "and pick up where you left off."
        )
    return Message(text=text, blocks=[section(escape(text), ids.BLOCK_INTERVIEW_INTRO)])


def build_area_summary(tr: Translator, rubric: Rubric, done: AreaDone) -> Message:
    """An area's score, each criterion's status, and the top next steps."""
    area = rubric.area(done.area_id).name.get(tr.lang)
    title = tr.gettext("{area} done: {met} of {total} met").format(
        area=area, met=done.met, total=done.total
    )
    rows = []
    for cid, status in done.rows:
        statement = clip(rubric.criterion(cid).statement.get(tr.lang), STATEMENT_PREVIEW)
        rows.append(f"{STATUS_ICONS[status]} *{cid}* {escape(statement)}")
    blocks: list[Block] = [
        header(title, ids.BLOCK_AREA_DONE_HEADER),
        section("\n".join(rows), ids.BLOCK_AREA_DONE_ROWS),
    ]
    lines = [title, *(f"{cid}: {status_words(tr, status)}" for cid, status in done.rows)]
    if done.nudges:
        heading = tr.gettext("Next steps")
        steps = [f"*{escape(heading)}*"]
        for nudge in done.nudges:
            step = nudge.next_step
            where = tr.ngettext(
                "{owner} · {effort} · about {months} month",
                "{owner} · {effort} · about {months} months",
                step.horizon_months,
            ).format(
                owner=step.owner.get(tr.lang),
                effort=effort(step.effort, tr),
                months=step.horizon_months,
            )
            first = f"*{nudge.criterion_id}* {escape(step.action.get(tr.lang))}"
            deliverable = escape(step.deliverable.get(tr.lang))
            steps.append(f"• {first}: _{deliverable}_ ({escape(where)})")
            lines.append(f"{nudge.criterion_id}: {step.action.get(tr.lang)}")
        blocks.append(section("\n".join(steps), ids.BLOCK_AREA_DONE_STEPS))
    return Message(text="\n".join(lines), blocks=blocks)


def build_all_done(tr: Translator, rubric: Rubric, done: AllDone) -> Message:
    """Thanks, each of the person's areas with its score, and what happens next."""
    if done.again:
        title = tr.gettext(
            "You have answered every question already. To change an answer, click Change "
            "on its record above."
        )
    else:
        title = "🎉 " + tr.gettext(
            "Thank you! Every question of your areas is answered. Your coordinator gets the "
            "city's result as soon as every area is done."
        )
    lines = [
        tr.gettext("{area}: {met} of {total} met").format(
            area=rubric.area(area_id).name.get(tr.lang), met=met, total=total
        )
        for area_id, met, total in done.areas
    ]
    if done.unsure:
        lines.append(
            tr.ngettext(
                "{count} answer is marked not sure; it counts once someone confirms it.",
                "{count} answers are marked not sure; they count once someone confirms them.",
                done.unsure,
            ).format(count=done.unsure)
        )
    blocks = [
        section(escape(title), ids.BLOCK_ALL_DONE),
        context(escape("\n".join(lines)), ids.BLOCK_ALL_DONE_AREAS),
    ]
    return Message(text="\n".join([title, *lines]), blocks=blocks)


def area_progress_line(tr: Translator, rubric: Rubric, area: AreaProgress) -> str:
    """One area's progress: "Open Data ▰▰▰▰▰▱▱▱▱▱ 2 of 4 (1 skipped)"."""
    name = rubric.area(area.area_id).name.get(tr.lang)
    line = tr.gettext("{area} {bar} {settled} of {total}").format(
        area=name,
        bar=progress_bar(area.settled, area.total),
        settled=area.settled,
        total=area.total,
    )
    if area.skipped:
        line += " " + tr.ngettext("({count} skipped)", "({count} skipped)", area.skipped).format(
            count=area.skipped
        )
    return line


def build_status(tr: Translator, rubric: Rubric, report: StatusReport) -> Message:
    """Each area's progress, the current question and any pause."""
    lines = [area_progress_line(tr, rubric, area) for area in report.areas]
    summary = tr.gettext("{settled} of {total} answered.").format(
        settled=report.settled, total=report.total
    )
    if report.current is not None:
        summary += " " + tr.gettext("You are on {criterion} ({position} of {total}).").format(
            criterion=report.current, position=report.position, total=report.total
        )
    if report.paused_until is not None:
        summary += " " + tr.gettext("Paused until {when}.").format(
            when=local_time(tr, report.paused_until, report.timezone)
        )
    text = "\n".join([summary, *lines])
    return Message(text=text, blocks=[section(escape(text), ids.BLOCK_INTERVIEW_NOTE)])


def hint_text(tr: Translator, hint: Hint) -> str:
    """The hint in words, with the person's own words for the replies it suggests."""
    words = {w.value: shown_phrase(w, tr.lang) for w in Word if w is not Word.ITEMS}
    texts = {
        HintKind.NOT_UNDERSTOOD: tr.gettext(
            "I did not catch that. Type the numbers of the items in place (e.g. `1 3`), or "
            "`{all}`, `{none}`, `{unsure}`, `{skip}`, `{back}`, `{pause}`, `{status}` or `{help}`."
        ),
        HintKind.NO_SUCH_ITEM: tr.gettext(
            "{criterion} has items 1 to {count}: type numbers in that range, e.g. `1 3`, "
            "or `{all}`."
        ),
        HintKind.SAY_WHICH: tr.gettext(
            "Which items are in place? Type their numbers (e.g. `1 3`), or `{all}`."
        ),
        HintKind.NO_OPEN_QUESTION: tr.gettext(
            "There is no open question yet. Type `{resume}` to begin."
        ),
        HintKind.ALREADY_DONE: tr.gettext(
            "You have answered every question, thank you! To change an answer, click Change "
            "on its record above."
        ),
        HintKind.FIRST_QUESTION: tr.gettext(
            "{criterion} is your first question, so there is nothing before it."
        ),
        HintKind.NOT_ASSIGNED: tr.gettext(
            "That question is not in your areas, so nothing was changed."
        ),
    }
    return texts[hint.kind].format(
        criterion=hint.criterion_id or "", count=hint.item_count or 0, **words
    )


def build_hint(tr: Translator, hint: Hint) -> Message:
    """A short hint that says what to do."""
    text = hint_text(tr, hint)
    return Message(text=text, blocks=[section(text, ids.BLOCK_INTERVIEW_NOTE)])


def build_interview_help(tr: Translator) -> Message:
    """What a person can type or click during the interview."""
    w = {word.value: shown_phrase(word, tr.lang) for word in Word if word is not Word.ITEMS}
    text = tr.gettext(
        "Tick the items in place and click Save, or type your answer here:\n"
        "• item numbers such as `1 3` or `2-4`, or `{all}`\n"
        "• `{none}` when nothing is in place, `{unsure}` when nobody knows yet\n"
        "• `{skip}` to come back to a question later, `{back}` for the one before\n"
        "• `{pause}` to stop for now, `{resume}` to carry on, `{status}` to see how far you are\n"
        "Click Change on an answer above to change it; nothing you save is lost."
    ).format(**w)
    return Message(text=text, blocks=[section(text, ids.BLOCK_INTERVIEW_NOTE)])


def build_pause_question(tr: Translator, ask: AskPause) -> Message:
    """Until when? Tomorrow, next week, or "I'll come back myself"."""
    text = tr.gettext("Take a break? Your place is kept. When should I remind you?")
    if ask.criterion_id is not None:
        text = tr.gettext(
            "Take a break? Your place is kept at {criterion} ({position} of {total}). "
            "When should I remind you?"
        ).format(criterion=ask.criterion_id, position=ask.position, total=ask.total)
    value = str(ask.assessment_id)
    choices = [
        button(tr.gettext("Tomorrow"), ids.INTERVIEW_PAUSE_TOMORROW, value),
        button(tr.gettext("Next week"), ids.INTERVIEW_PAUSE_NEXT_WEEK, value),
        button(tr.gettext("I'll come back myself"), ids.INTERVIEW_PAUSE_MYSELF, value),
    ]
    blocks: list[Block] = [
        section(escape(text), ids.BLOCK_INTERVIEW_NOTE),
        {"type": "actions", "block_id": ids.BLOCK_INTERVIEW_NOTE_ACTIONS, "elements": choices},
    ]
    return Message(text=text, blocks=blocks)


def build_paused(tr: Translator, paused: Paused) -> Message:
    """The pause is stored: until when, where the person is, and a Resume button."""
    if paused.choice is PauseChoice.MYSELF:
        text = "⏸️ " + tr.gettext(
            "Paused. I will not remind you for four weeks; come back whenever you are ready."
        )
    else:
        text = "⏸️ " + tr.gettext("Paused until {when}; I will remind you then.").format(
            when=local_time(tr, paused.until, paused.timezone)
        )
    if paused.criterion_id is not None:
        text += " " + tr.gettext("Your place is kept: {criterion} ({position} of {total}).").format(
            criterion=paused.criterion_id, position=paused.position, total=paused.total
        )
    resume = button(tr.gettext("Resume"), ids.INTERVIEW_RESUME, str(paused.assessment_id))
    blocks: list[Block] = [
        section(escape(text), ids.BLOCK_INTERVIEW_NOTE),
        {"type": "actions", "block_id": ids.BLOCK_INTERVIEW_NOTE_ACTIONS, "elements": [resume]},
    ]
    return Message(text=text, blocks=blocks)


def build_evidence_added(tr: Translator, added: EvidenceAdded) -> Message:
    """Evidence saved for a criterion."""
    text = "📎 " + tr.ngettext(
        "Evidence saved for {criterion}: {count} link in all.",
        "Evidence saved for {criterion}: {count} links in all.",
        added.links_total,
    ).format(criterion=added.criterion_id, count=added.links_total)
    if added.note_saved:
        text += " " + tr.gettext("Your note is saved too.")
    return Message(text=text, blocks=[context(escape(text), ids.BLOCK_INTERVIEW_NOTE)])


def build_refusal(tr: Translator, reason: str) -> Message:
    """Why nothing was changed (the reason is an untranslated message)."""
    text = tr.gettext(reason)
    return Message(text=text, blocks=[section("⛔ " + escape(text), ids.BLOCK_INTERVIEW_NOTE)])


def build_reply(tr: Translator, rubric: Rubric, reply: Reply) -> Message:
    """The message for any interview reply."""
    if isinstance(reply, Question):
        return build_question_message(tr, rubric, reply)
    if isinstance(reply, Record):
        return build_answer_record(tr, rubric, reply)
    if isinstance(reply, WentBack):
        return build_went_back(tr, reply)
    if isinstance(reply, Intro):
        return build_intro(tr, rubric, reply)
    if isinstance(reply, AreaDone):
        return build_area_summary(tr, rubric, reply)
    if isinstance(reply, AllDone):
        return build_all_done(tr, rubric, reply)
    if isinstance(reply, StatusReport):
        return build_status(tr, rubric, reply)
    if isinstance(reply, Hint):
        return build_hint(tr, reply)
    if isinstance(reply, HelpReply):
        return build_interview_help(tr)
    if isinstance(reply, AskPause):
        return build_pause_question(tr, reply)
    if isinstance(reply, Paused):
        return build_paused(tr, reply)
    if isinstance(reply, EvidenceAdded):
        return build_evidence_added(tr, reply)
    raise TypeError(f"no builder for the interview reply {type(reply).__name__}")


def replaces_message(reply: Reply) -> bool:
    """True for a reply that takes the place of the clicked message."""
    return bool(getattr(reply, "replace", False))
