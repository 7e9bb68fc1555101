"""Messages of `/citycheck assign <criterion> @person…`: the new respondent's DM and the
coordinator's confirmation."""

from __future__ import annotations

from bot.i18n import Translator
from bot.services.assign_one import CriterionAssigned, CriterionNotice
from bot.slack import ids
from bot.slack.builders.blocks import Message, button, escape, section


def build_criterion_assignment_message(tr: Translator, notice: CriterionNotice) -> Message:
    """The DM to a person asked to answer one criterion, with a Start button."""
    text = tr.gettext(
        "Hi! {coordinator} asked you to answer one question of *{city}'s data-practices "
        "self-assessment*: *{criterion}* {statement}"
    ).format(
        coordinator=escape(notice.coordinator_name),
        city=escape(notice.city_name),
        criterion=notice.criterion_id,
        statement=escape(notice.statement.get(tr.lang)),
    )
    if notice.with_names:
        text += "\n" + tr.gettext(
            "{names} answer it too. Each of you answers on your own: you will not see their "
            "answer before you give yours, and the coordinators settle any difference."
        ).format(names=escape(", ".join(notice.with_names)))
    actions = {
        "type": "actions",
        "block_id": ids.BLOCK_ASSIGNED_ACTIONS,
        "elements": [
            button(tr.gettext("Start"), ids.INTERVIEW_RESUME, str(notice.assessment_id), "primary")
        ],
    }
    return Message(text=text, blocks=[section(text, ids.BLOCK_ASSIGN_CRITERION), actions])


def build_criterion_assigned_reply(tr: Translator, done: CriterionAssigned) -> Message:
    """To the coordinator: who answers the criterion now."""
    everyone = [*done.area_people, *done.own_people]
    if everyone:
        text = tr.ngettext(
            "*{criterion}* of {city} is answered by {names}.",
            "*{criterion}* of {city} is answered by {names}, each on their own: where their "
            "answers differ, you settle it on your App Home.",
            len(everyone),
        ).format(
            criterion=done.criterion_id,
            city=escape(done.city_name),
            names=escape(", ".join(everyone)),
        )
    else:
        text = tr.gettext("*{criterion}* of {city} has nobody to answer it now.").format(
            criterion=done.criterion_id, city=escape(done.city_name)
        )
    return Message(text=text, blocks=[section(text, ids.BLOCK_ASSIGN_CRITERION)])
