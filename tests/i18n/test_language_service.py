"""`/citycheck language` as a service: what it shows, what it stores, who may change a city's."""

from __future__ import annotations

from sqlmodel import Session

from bot.i18n import translator
from bot.services.access import COORDINATORS_ONLY, NOT_SET_UP
from bot.services.language import (
    UNKNOWN_LANGUAGE,
    LanguageReply,
    language_command,
    parse_language,
    stored_language,
)
from bot.services.profiles import Profile
from bot.slack.builders.language import build_language_message
from storage.models import City
from storage.repo import orgs
from tests.builders import NOW, build_city

TEAM = "T0CITY"


def _run(
    session: Session, user_id: str, args: str, *, asked: list[str] | None = None
) -> LanguageReply:
    def profile() -> Profile:
        (asked if asked is not None else []).append(user_id)
        return Profile(user_id, "Nora", locale="pt-BR", timezone="America/Sao_Paulo")

    reply = language_command(
        session, team_id=TEAM, user_id=user_id, args=args, profile=profile, now=NOW
    )
    session.commit()
    return reply


def test_the_typed_language_may_be_a_code_or_a_name() -> None:
    typed = ("es", "Español", "PORTUGUÊS", "english", "auto", "fr")
    assert [parse_language(t) for t in typed] == ["es", "es", "pt", "en", "auto", None]


def test_a_person_chooses_spanish_over_their_slack_locale(session: Session) -> None:
    city = build_city(session)
    rita = city.person("rita")

    reply = _run(session, rita.slack_user_id, "es")

    assert (reply.changed, reply.lang, reply.chosen, reply.locale) == (
        "person",
        "es",
        "es",
        "en-US",
    )
    assert orgs.get_person(session, person_id=city.person_id("rita")).language == "es"
    assert stored_language(session, team_id=TEAM, user_id=rita.slack_user_id) == "es"
    text = build_language_message(translator(reply.lang), reply).text
    assert text.startswith("Listo: de ahora en adelante le escribiré en español.")
    assert "`/citycheck language auto` vuelve al idioma de su Slack." in text


def test_auto_returns_to_the_slack_locale(session: Session) -> None:
    city = build_city(session)
    rita = city.person("rita")
    _run(session, rita.slack_user_id, "pt")

    reply = _run(session, rita.slack_user_id, "auto")

    assert (reply.changed, reply.chosen, reply.lang) == ("person", None, "en")
    assert orgs.get_person(session, person_id=city.person_id("rita")).language is None
    text = build_language_message(translator(reply.lang), reply).text
    assert text.startswith("Done: I follow your Slack language again: English.")


def test_without_a_choice_it_shows_the_language_and_the_choices(session: Session) -> None:
    city = build_city(session)

    reply = _run(session, city.person("cora").slack_user_id, "")

    assert reply.changed is None
    text = build_language_message(translator(reply.lang), reply).text
    assert "I write to you in English, following your Slack language." in text
    assert "`/citycheck language es` (Español), `/citycheck language pt` (Português)" in text
    assert "Springfield posts its digests and result in English." in text  # cora coordinates
    assert "`/citycheck language city es` (Español)" in text


def test_someone_not_stored_yet_is_stored_from_their_profile(session: Session) -> None:
    build_city(session)
    asked: list[str] = []

    reply = _run(session, "U0NORA", "español", asked=asked)

    assert asked == ["U0NORA"] and reply.lang == "es"
    workspace = orgs.get_workspace(session, slack_team_id=TEAM)
    assert workspace is not None and workspace.id is not None
    nora = orgs.find_person(session, workspace_id=workspace.id, slack_user_id="U0NORA")
    assert nora is not None and (nora.locale, nora.language) == ("pt-BR", "es")


def test_a_workspace_not_set_up_gets_told_how_to_start(session: Session) -> None:
    reply = language_command(
        session, team_id="T0OTHER", user_id="U0X", args="pt", profile=lambda: None, now=NOW
    )
    assert reply.refusal is not None and reply.refusal.reason == NOT_SET_UP


def test_an_unknown_language_says_which_ones_exist(session: Session) -> None:
    city = build_city(session)

    reply = _run(session, city.person("rita").slack_user_id, "klingon")

    assert (reply.problem, reply.params, reply.changed) == (
        UNKNOWN_LANGUAGE,
        {"typed": "klingon"},
        None,
    )
    text = build_language_message(translator(reply.lang), reply).text
    assert text.startswith("I don't know the language `klingon`.")


def test_a_coordinator_sets_the_citys_channel_language(session: Session) -> None:
    city = build_city(session)

    reply = _run(session, city.person("cora").slack_user_id, "city pt")

    assert reply.changed == "city" and reply.city is not None and reply.city.lang == "pt"
    assert session.get(City, city.city_id).language == "pt"  # type: ignore[union-attr]
    text = build_language_message(translator(reply.lang), reply).text
    assert (
        "Done: Springfield's digests, start notice and result are now posted in Portuguese." in text
    )


def test_only_a_coordinator_may_set_the_citys_language(session: Session) -> None:
    city = build_city(session)

    reply = _run(session, city.person("rita").slack_user_id, "city es")

    assert reply.refusal is not None and reply.refusal.reason == COORDINATORS_ONLY
    assert session.get(City, city.city_id).language == "en"  # type: ignore[union-attr]


def test_a_coordinator_of_several_cities_names_one(session: Session) -> None:
    first = build_city(session)
    cora = first.person("cora")
    second = orgs.create_city(
        session,
        workspace_id=first.workspace.id or 0,
        name="Shelbyville",
        timezone="America/Chicago",
        now=NOW,
    )
    assert second.id is not None and cora.id is not None
    orgs.grant_role(session, city_id=second.id, person_id=cora.id, role="coordinator", now=NOW)
    session.commit()

    several = _run(session, cora.slack_user_id, "city es")
    named = _run(session, cora.slack_user_id, "city es Shelbyville")

    assert several.choice is not None and several.choice.command == "language city es"
    assert named.changed == "city" and session.get(City, second.id).language == "es"  # type: ignore[union-attr]
    assert session.get(City, first.city_id).language == "en"  # type: ignore[union-attr]
