"""Messages of `/citycheck new-round`: the offer to close an open round, the new round's notice
in the digest channel, each assignee's direct message with Start, the coordinator's summary;
and the line about last round on the coordinator's status."""

from __future__ import annotations

from bot.i18n import Translator
from bot.reports.history import RoundResult
from bot.services.round_team import RoundNotice
from bot.services.rounds import NewRoundStarted, OfferToClose
from bot.slack import ids
from bot.slack.builders.blocks import Block, Message, button, context, escape, section
from bot.slack.builders.status import share


def close_value(offer: OfferToClose) -> str:
    """The close button's value: the open round's id and the version asked for (may be empty)."""
    return f"{offer.assessment_id}:{offer.version or ''}"


def parse_close_value(value: str | None) -> tuple[int, str | None] | None:
    """(assessment id, version or None) from a close button's value; None when malformed."""
    head, sep, version = (value or "").partition(":")
    if not sep or not (head.isascii() and head.isdigit()) or len(head) > 18 or len(version) > 40:
        return None
    if version and not all(ch.isalnum() or ch in ".-_" for ch in version):
        return None
    return int(head), version or None


def build_close_offer(tr: Translator, offer: OfferToClose) -> Message:
    """The round is still open: finish it first, or close it as it stands and start the next."""
    following = offer.round_number + 1
    text = tr.gettext(
        "{city}'s round {round} is still open: {unanswered} of its {total} questions are "
        "unanswered. Finish it first (`/citycheck status` shows who is behind), or close it as "
        "it stands and start round {next}: the unanswered questions then count as not met in "
        "round {round}'s result."
    ).format(
        city=offer.city_name,
        round=offer.round_number,
        unanswered=offer.unanswered,
        total=offer.total,
        next=following,
    )
    label = tr.gettext("Close round {round}, start round {next}").format(
        round=offer.round_number, next=following
    )
    actions: Block = {
        "type": "actions",
        "block_id": ids.BLOCK_NEW_ROUND_ACTIONS,
        "elements": [button(label, ids.NEW_ROUND_CLOSE, close_value(offer), style="danger")],
    }
    return Message(text=text, blocks=[section(escape(text), ids.BLOCK_NEW_ROUND_TEXT), actions])


def _changes_line(tr: Translator, started: NewRoundStarted) -> str | None:
    if not started.rubric_changed:
        return None
    counts = [
        tr.ngettext("{count} question changed", "{count} questions changed", len(started.changed)),
        tr.ngettext("{count} new", "{count} new", len(started.added)),
        tr.ngettext("{count} dropped", "{count} dropped", len(started.removed)),
    ]
    sizes = (len(started.changed), len(started.added), len(started.removed))
    listed = ", ".join(text.format(count=n) for text, n in zip(counts, sizes, strict=True))
    return tr.gettext(
        "The rubric changed from version {before} to {after} ({counts}): changed and new "
        "questions are asked afresh."
    ).format(before=started.previous_version, after=started.version, counts=listed)


def _team_lines(tr: Translator, started: NewRoundStarted) -> list[str]:
    lines = [
        f"• *{escape(move.name.get(tr.lang))}*: {escape(', '.join(move.people))}"
        for move in started.kept
    ]
    for move in started.dropped:
        lines.append(
            "• "
            + tr.gettext(
                "{area} is no longer in the rubric: {people} will not be asked it."
            ).format(area=escape(move.name.get(tr.lang)), people=escape(", ".join(move.people)))
        )
    if started.unassigned:
        names = ", ".join(escape(name.get(tr.lang)) for name in started.unassigned)
        lines.append(
            "• "
            + tr.gettext(
                "Nobody answers {areas} yet: assign them with `/citycheck assign`."
            ).format(areas=names)
        )
    return lines


def build_round_notice(tr: Translator, started: NewRoundStarted) -> Message:
    """The digest channel's notice: round N has started, same team, last answers to confirm."""
    text = "🔁 " + tr.gettext(
        "{city}'s assessment round {round} has started (rubric version {version}). Everyone "
        "answers the same practice areas as in round {previous}, and last round's answers are "
        "waiting with a *Still true* button: an unchanged question takes one click."
    ).format(
        city=started.city_name,
        round=started.round_number,
        version=started.version,
        previous=started.previous_round,
    )
    changes = _changes_line(tr, started)
    lines = _team_lines(tr, started)
    blocks: list[Block] = [section(escape(text), ids.BLOCK_NEW_ROUND_TEXT)]
    if lines:
        blocks.append(section("\n".join(lines), ids.BLOCK_NEW_ROUND_AREAS))
    if changes:
        blocks.append(context(escape(changes), ids.BLOCK_NEW_ROUND_NOTE))
    return Message(text="\n".join([text, *([changes] if changes else [])]), blocks=blocks)


def build_round_dm(tr: Translator, notice: RoundNotice) -> Message:
    """An assignee's direct message: the new round, their areas, what is waiting, Start."""
    intro = tr.gettext(
        "Round {round} of *{city}'s data-practices self-assessment* ({title}) has started, and "
        "you answer the same practice areas as last time:"
    ).format(
        round=notice.round_number,
        city=escape(notice.city_name),
        title=escape(notice.rubric_title.get(tr.lang)),
    )
    areas = [
        "• "
        + tr.ngettext(
            "*{area}* ({count} question)", "*{area}* ({count} questions)", a.criteria
        ).format(area=escape(a.name.get(tr.lang)), count=a.criteria)
        for a in notice.areas
    ]
    waiting = []
    if notice.carried:
        waiting.append(
            tr.gettext(
                "{carried} of your {questions} questions show last round's answer: click "
                "*Still true* when nothing changed, or change the ticks and save."
            ).format(carried=notice.carried, questions=notice.questions)
        )
    if notice.fresh:
        waiting.append(
            tr.ngettext(
                "{count} question changed or is new since last round and is asked afresh.",
                "{count} questions changed or are new since last round and are asked afresh.",
                notice.fresh,
            ).format(count=notice.fresh)
        )
    text = "\n".join([intro, *areas, *waiting])
    value = str(notice.assessment_id)
    actions: Block = {
        "type": "actions",
        "block_id": ids.BLOCK_NEW_ROUND_ACTIONS,
        "elements": [
            button(tr.gettext("Start"), ids.INTERVIEW_RESUME, value, style="primary"),
            button(tr.gettext("Later"), ids.ASSIGNMENT_LATER, value),
        ],
    }
    return Message(text=text, blocks=[section(text, ids.BLOCK_NEW_ROUND_TEXT), actions])


def build_round_started(tr: Translator, started: NewRoundStarted, *, posted: bool) -> Message:
    """The coordinator's summary: what started, what was closed, who was told."""
    parts = [
        tr.gettext("Round {round} of {city} has started on rubric version {version}.").format(
            round=started.round_number, city=started.city_name, version=started.version
        )
    ]
    if started.closed_previous:
        parts.append(
            tr.gettext("Round {round} was closed as it stood.").format(round=started.previous_round)
        )
    told = len(started.notices)
    parts.append(
        tr.ngettext(
            "I sent {count} person a direct message with a Start button.",
            "I sent {count} people a direct message with a Start button.",
            told,
        ).format(count=told)
    )
    if not posted:
        parts.append(
            tr.gettext(
                "I could not post in the digest channel: invite me there with `/invite @citycheck`."
            )
        )
    text = " ".join(parts)
    lines = _team_lines(tr, started)
    changes = _changes_line(tr, started)
    blocks: list[Block] = [section(escape(text), ids.BLOCK_NEW_ROUND_TEXT)]
    if lines:
        blocks.append(section("\n".join(lines), ids.BLOCK_NEW_ROUND_AREAS))
    if changes:
        blocks.append(context(escape(changes), ids.BLOCK_NEW_ROUND_NOTE))
    return Message(text="\n".join([text, *([changes] if changes else [])]), blocks=blocks)


def previous_round_line(tr: Translator, previous: RoundResult) -> str:
    """Last round on the coordinator's status: "Round 1 (March 1, 2027, 2022.1): Silver · ..."."""
    when = tr.date(previous.date, "medium")
    head = tr.gettext("Round {round} ({date}, rubric {version})").format(
        round=previous.round_number, date=when, version=previous.rubric_version
    )
    score = previous.score
    if score is None:
        return head + ": " + tr.gettext("its rubric version is not loaded")
    level = score.level.name.get(tr.lang) if score.level else tr.gettext("none yet")
    met = tr.gettext("{met} of {total} criteria met ({percent})").format(
        met=score.met, total=score.total, percent=share(tr, score.percent)
    )
    return f"{head}: {level} · {met}"
