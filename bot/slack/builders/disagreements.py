"""Disagreements between respondents: the coordinator's list (App Home, digest), the
talk-it-over conversation, and the notes when one is settled."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from bot.services.disagreement_views import CityDisagreements, DisagreementView, RespondentView
from bot.services.disagreements import Refused, Settled, TalkRequest
from bot.slack import ids
from bot.slack.builders.blocks import Block, Message, button, clip, context, escape, header, section
from storage.enums import AnswerStatus

NAME_IN_BUTTON = 40
"""A respondent's name is cut to this length in "Accept <name>'s answer" (75 characters)."""
NOTE_SHOWN = 500
"""Characters of a note shown under an answer."""
LINKS_SHOWN = 5
DIGEST_SHOWN = 5
"""Disagreements shown in the digest (the rest are counted)."""


def answer_line(tr: Translator, answer: RespondentView, items: int) -> str:
    """One respondent's answer: how many items, which, their note and links."""
    ticked = len(answer.ticked)
    if answer.status == AnswerStatus.UNSURE:
        what = tr.ngettext(
            "not sure ({count} item ticked)", "not sure ({count} items ticked)", ticked
        ).format(count=ticked)
    elif ticked == 0:
        what = tr.gettext("none of the items")
    else:
        what = tr.ngettext("{count} of {total} item", "{count} of {total} items", items).format(
            count=ticked, total=items
        )
    line = f"• *{escape(answer.name)}*: {what}"
    if answer.ticked:
        labels = " · ".join(escape(label.get(tr.lang)) for label in answer.ticked)
        line += f"\n   _{labels}_"
    if answer.note:
        line += "\n   " + tr.gettext("Note: {note}").format(
            note=escape(clip(" ".join(answer.note.split()), NOTE_SHOWN))
        )
    if answer.evidence:
        links = ", ".join(
            f"<{link}|{escape(clip(link, 60))}>" for link in answer.evidence[:LINKS_SHOWN]
        )
        line += "\n   " + tr.gettext("Evidence: {links}").format(links=links)
    return line


def disagreement_blocks(tr: Translator, view: DisagreementView) -> list[Block]:
    """A disagreement: the criterion, each answer with its Accept button, and Talk it over."""
    title = f"*{view.criterion_id}* {escape(view.statement.get(tr.lang))}"
    if view.talk_started_at is not None:
        title += (
            "\n_"
            + tr.gettext("Asked to talk it over on {date}.").format(
                date=tr.date(view.talk_started_at)
            )
            + "_"
        )
    blocks: list[Block] = [section(title, f"{ids.BLOCK_DISAGREEMENT_PREFIX}{view.disagreement_id}")]
    for answer in view.answers:
        block = section(
            answer_line(tr, answer, view.items),
            f"{ids.BLOCK_DISAGREEMENT_PREFIX}{view.disagreement_id}_{answer.answer_id}",
        )
        block["accessory"] = button(
            tr.gettext("Accept {name}'s answer").format(name=clip(answer.name, NAME_IN_BUTTON)),
            ids.DISAGREEMENT_ACCEPT,
            f"{view.disagreement_id}:{answer.answer_id}",
        )
        blocks.append(block)
    if view.talk_started_at is None:
        blocks.append(
            {
                "type": "actions",
                "block_id": f"{ids.BLOCK_DISAGREEMENT_BUTTONS_PREFIX}{view.disagreement_id}",
                "elements": [
                    button(
                        tr.gettext("Ask them to talk it over"),
                        ids.DISAGREEMENT_TALK,
                        str(view.disagreement_id),
                    )
                ],
            }
        )
    return blocks


def build_disagreement_home_section(
    tr: Translator, cities: Sequence[CityDisagreements]
) -> list[Block]:
    """The coordinator's disagreements to settle, by city, on the App Home."""
    total = sum(c.total for c in cities)
    blocks: list[Block] = [
        header(
            tr.ngettext(
                "{count} disagreement to settle", "{count} disagreements to settle", total
            ).format(count=total),
            ids.BLOCK_HOME_DISAGREEMENTS_HEADER,
        ),
    ]
    for city in cities:
        blocks.append(
            context(
                tr.gettext(
                    "*{city}*: respondents answered these differently. Until you settle one, "
                    "it counts as unknown for the level."
                ).format(city=escape(city.city_name)),
                f"{ids.BLOCK_HOME_DISAGREEMENTS_CITY_PREFIX}{city.city_id}",
            )
        )
        for view in city.shown:
            blocks += disagreement_blocks(tr, view)
        more = city.total - len(city.shown)
        if more > 0:
            blocks.append(
                context(
                    tr.ngettext(
                        "…and {count} more: settle these first.",
                        "…and {count} more: settle these first.",
                        more,
                    ).format(count=more),
                    f"{ids.BLOCK_HOME_DISAGREEMENTS_MORE_PREFIX}{city.city_id}",
                )
            )
    return blocks


def digest_disagreement_blocks(
    tr: Translator, views: Sequence[DisagreementView]
) -> tuple[list[Block], str]:
    """The digest's disagreements with their buttons, and the same as plain text."""
    if not views:
        return [], ""
    heading = tr.ngettext(
        "{count} disagreement to settle", "{count} disagreements to settle", len(views)
    ).format(count=len(views))
    intro = tr.gettext(
        "Respondents answered these differently; each counts as unknown for the level until a "
        "coordinator settles it."
    )
    blocks: list[Block] = [section(f"*{heading}*\n{intro}", ids.BLOCK_DIGEST_DISAGREEMENTS)]
    for view in views[:DIGEST_SHOWN]:
        blocks += disagreement_blocks(tr, view)
    more = len(views) - DIGEST_SHOWN
    if more > 0:
        blocks.append(
            context(
                tr.ngettext(
                    "…and {count} more on a coordinator's App Home.",
                    "…and {count} more on a coordinator's App Home.",
                    more,
                ).format(count=more),
                ids.BLOCK_DIGEST_DISAGREEMENTS_MORE,
            )
        )
    names = ", ".join(v.criterion_id for v in views)
    return blocks, f"*{heading}*: {names}"


def build_talk_message(tr: Translator, talk: TalkRequest) -> Message:
    """The group conversation: what differs, and a button to change one's own answer."""
    view = talk.view
    text = tr.gettext(
        "{coordinator} asks you to talk over *{criterion}* for {city}: your answers differ."
    ).format(
        coordinator=escape(talk.coordinator_name),
        criterion=view.criterion_id,
        city=escape(view.city_name),
    )
    statement = escape(view.statement.get(tr.lang))
    answers = "\n".join(answer_line(tr, a, view.items) for a in view.answers)
    then = tr.gettext(
        "When you agree, change your answer with the button below: once your answers match, "
        "that answer counts for the city. Or the coordinator accepts one of them."
    )
    return Message(
        text=f"{text}\n{statement}",
        blocks=[
            section(f"🤝 {text}\n>{statement}", ids.BLOCK_TALK_TEXT),
            section(answers, ids.BLOCK_TALK_ANSWERS),
            context(then, ids.BLOCK_TALK_TEXT + "_then"),
            {
                "type": "actions",
                "block_id": ids.BLOCK_TALK_ACTIONS,
                "elements": [
                    button(
                        tr.gettext("Change my answer"),
                        ids.DISAGREEMENT_CHANGE,
                        f"{view.assessment_id}:{view.criterion_id}",
                        style="primary",
                    )
                ],
            },
        ],
    )


def build_settled_notice(tr: Translator, settled: Settled) -> Message:
    """To the respondents (or their conversation): whose answer now counts."""
    text = tr.gettext(
        "{coordinator} settled *{criterion}* for {city}: {name}'s answer counts."
    ).format(
        coordinator=escape(settled.settled_by_name),
        criterion=settled.criterion_id,
        city=escape(settled.city_name),
        name=escape(settled.accepted_name),
    )
    return Message(text=text, blocks=[section("✅ " + text, ids.BLOCK_SETTLED_NOTICE)])


def build_settled_reply(tr: Translator, settled: Settled) -> Message:
    """To the coordinator who settled it."""
    text = tr.gettext("Settled: {name}'s answer now counts for *{criterion}*.").format(
        name=escape(settled.accepted_name), criterion=settled.criterion_id
    )
    return Message(text=text, blocks=[section(text, ids.BLOCK_DISAGREEMENT_REPLY)])


def build_talk_reply(tr: Translator, talk: TalkRequest, names: Sequence[str]) -> Message:
    """To the coordinator: the conversation is open."""
    text = tr.gettext(
        "I opened a conversation with {names} about *{criterion}*. You are in it too."
    ).format(names=escape(", ".join(names)), criterion=talk.view.criterion_id)
    return Message(text=text, blocks=[section(text, ids.BLOCK_DISAGREEMENT_REPLY)])


def build_talk_failed(tr: Translator, error: str) -> Message:
    """To the coordinator: Slack would not open the conversation."""
    text = tr.gettext(
        "Slack would not open the conversation (`{error}`), so nobody was asked. "
        "Try again in a moment, or talk to them yourself."
    ).format(error=escape(error))
    return Message(text=text, blocks=[section(text, ids.BLOCK_DISAGREEMENT_REPLY)])


def build_disagreement_refusal(tr: Translator, refused: Refused) -> Message:
    """Why a click changed nothing."""
    params = dict(refused.params)
    if refused.on is not None:
        params["date"] = tr.date(refused.on)
    text = tr.gettext(refused.reason).format(**{k: escape(v) for k, v in params.items()})
    return Message(text=text, blocks=[section(text, ids.BLOCK_DISAGREEMENT_REPLY)])
