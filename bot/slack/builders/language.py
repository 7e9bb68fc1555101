"""The answer to `/citycheck language`: the person's language and their cities', and how to
change them; after a change, in the language just chosen."""

from __future__ import annotations

from bot.i18n import LANGUAGE_NAMES, SUPPORTED, Translator
from bot.services.language import LanguageReply
from bot.slack import ids
from bot.slack.builders.access import build_city_choice_message, problem_text
from bot.slack.builders.blocks import Block, Message, escape, section


def _choices(prefix: str) -> str:
    shown = (f"`{ids.COMMAND} {prefix}{code}` ({LANGUAGE_NAMES[code]})" for code in SUPPORTED)
    return ", ".join(shown)


def person_lines(tr: Translator, reply: LanguageReply) -> list[str]:
    """The person's language, why it is that one, and how to change it."""
    name = tr.language_name(reply.lang)
    if reply.changed == "person":
        if reply.chosen:
            first = tr.gettext("Done: from now on I will write to you in {language}.")
        else:
            first = tr.gettext("Done: I follow your Slack language again: {language}.")
    elif reply.chosen:
        first = tr.gettext("I write to you in {language}, the language you chose.")
    elif reply.locale:
        first = tr.gettext("I write to you in {language}, following your Slack language.")
    else:
        first = tr.gettext("I write to you in {language}.")
    how = tr.gettext("To change it: {choices}.").format(choices=_choices("language "))
    lines = [first.format(language=name), how]
    if reply.chosen:
        lines.append(
            tr.gettext("`{command}` follows your Slack language again.").format(
                command=f"{ids.COMMAND} language auto"
            )
        )
    return lines


def city_lines(tr: Translator, reply: LanguageReply) -> list[str]:
    """Each coordinated city's channel language, and how to change it."""
    lines = []
    if reply.changed == "city" and reply.city is not None:
        lines.append(
            tr.gettext(
                "Done: {city}'s digests, start notice and result are now posted in {language}."
            ).format(city=escape(reply.city.name), language=tr.language_name(reply.city.lang))
        )
    for city in reply.cities:
        if reply.city is not None and city.name == reply.city.name:
            continue
        lines.append(
            tr.gettext("{city} posts its digests and result in {language}.").format(
                city=escape(city.name), language=tr.language_name(city.lang)
            )
        )
    if reply.cities:
        example = "language city "
        lines.append(tr.gettext("To change a city's: {choices}.").format(choices=_choices(example)))
        if len(reply.cities) > 1:
            lines.append(
                tr.gettext("Add the city's name when you coordinate several, e.g. `{example}`.")
                .format(example=f"{ids.COMMAND} language city es {reply.cities[0].name}")
            )  # fmt: skip
    return lines


def build_language_message(tr: Translator, reply: LanguageReply) -> Message:
    """The private answer to `/citycheck language ...`."""
    if reply.choice is not None:
        return build_city_choice_message(tr, reply.choice)
    blocks: list[Block] = []
    texts: list[str] = []
    if reply.refusal is not None:
        refused = problem_text(tr, reply.refusal)
        return Message(text=refused, blocks=[section(":no_entry: " + refused, ids.BLOCK_NOTICE)])
    if reply.problem is not None:
        problem = tr.gettext(reply.problem).format(**(reply.params or {}))
        blocks.append(section(problem, ids.BLOCK_LANGUAGE_PROBLEM))
        texts.append(problem)
    mine = "\n".join(person_lines(tr, reply))
    cities = "\n".join(city_lines(tr, reply))
    parts = [(mine, ids.BLOCK_LANGUAGE_PERSON), (cities, ids.BLOCK_LANGUAGE_CITIES)]
    if reply.changed == "city":  # what was just done comes first
        parts.reverse()
    for text, block_id in parts:
        if text:
            blocks.append(section(text, block_id))
            texts.append(text)
    return Message(text="\n".join(texts), blocks=blocks)
