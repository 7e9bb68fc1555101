"""A whole assessment in Spanish, over HTTP against the sandbox Slack: a coordinator and a
respondent whose Slack locale is es-LA set the city up, assign Open Data, and answer it with
Spanish typed replies and buttons; every message, the area summary with its next steps and the
result posted in the channel read in Spanish, and every message the bot looked up has a Spanish
translation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.i18n import Translator
from bot.sandbox.driver import Workspace
from bot.sandbox.respondent import Respondent
from bot.sandbox.surfaces import controls
from bot.slack import ids
from tests.e2e.journeys import RUBRIC, channel_texts, open_modal
from tests.i18n.catalogs import catalog_path, messages, read_catalog

OPEN_DATA = RUBRIC.area("OD")


@pytest.fixture
def looked_up(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, object]]]:
    """Every (language, message id) the bot translates while the test runs."""
    seen: list[tuple[str, object]] = []
    gettext, ngettext = Translator.gettext, Translator.ngettext

    def record_gettext(self: Translator, message: str) -> str:
        seen.append((self.lang, message))
        return gettext(self, message)

    def record_ngettext(self: Translator, singular: str, plural: str, n: int) -> str:
        seen.append((self.lang, (singular, plural)))
        return ngettext(self, singular, plural, n)

    monkeypatch.setattr(Translator, "gettext", record_gettext)
    monkeypatch.setattr(Translator, "ngettext", record_ngettext)
    yield seen


def _labels(message: dict[str, object]) -> list[str]:
    return [c.label for c in controls(message.get("blocks") or []) if c.label]  # type: ignore[arg-type]


def _block(message: dict[str, object], block_id: str) -> str:
    for block in message.get("blocks") or []:  # type: ignore[attr-defined]
        if block.get("block_id") == block_id:
            text = block.get("text") or (block.get("elements") or [{}])[0]
            return str(text.get("text", ""))
    raise LookupError(block_id)


def test_a_city_takes_the_assessment_in_spanish(
    workspace: Workspace, looked_up: list[tuple[str, object]]
) -> None:
    cora = workspace.add_user("cora", locale="es-LA", tz="America/Bogota")
    rita = workspace.add_user("rita", locale="es-LA", tz="America/Bogota")
    channel = workspace.add_channel("bogota-datos", [cora, rita])

    # Setup, in Spanish: the modal, the note to the coordinator, the start notice in the channel.
    modal = open_modal(workspace, cora, "setup", channel)
    assert modal["title"]["text"] == "Configurar su municipio"
    done = workspace.submit_modal(cora, {"Nombre del municipio": "Bogotá", "Población": "7901653"})
    assert done.closed, done.errors
    workspace.wait_for_message(cora, "*Bogotá ya tiene citycheck configurado* y su evaluación")
    notice = workspace.wait_for(lambda: channel_texts(workspace, channel), what="the start notice")
    assert notice[0].startswith("*Bogotá inicia su autoevaluación de prácticas de datos*")
    assert "43 criterios en 8 áreas" in notice[0]

    # Assign Open Data to rita; she gets her invitation in Spanish.
    modal = open_modal(workspace, cora, "assign")
    assert modal["title"]["text"] == "Asignar áreas"
    label = f"{OPEN_DATA.name.es} (4 preguntas)"
    assert workspace.submit_modal(cora, {label: [rita]}).closed
    workspace.wait_for_message(cora, "Asignaciones de Bogotá guardadas: 1 cambio.")
    invitation = workspace.wait_for_message(rita, "le pidió que colabore")
    assert _labels(invitation) == ["Empezar", "Más tarde"]

    # The first question: the rubric's Spanish statement, checklist and buttons.
    respondent = Respondent(workspace, rita, lang="es")
    question = respondent.click_resume()
    assert respondent.criterion(question) == "OD1"
    assert any(m["text"].startswith("Empecemos: 4 preguntas, en Datos abiertos (4).")
               for m in respondent.messages())  # fmt: skip
    od1 = RUBRIC.criterion("OD1")
    assert od1.statement.es is not None and od1.statement.es in question["text"]
    assert (
        _block(question, ids.BLOCK_QUESTION_PLACE) == "*Datos abiertos · 1 de 4 · 1 de 4 en total*"
    )
    assert _block(question, ids.BLOCK_QUESTION_WHY).startswith("Por qué importa: ")
    assert respondent.items(question) == [item.text.es for item in od1.checklist]
    assert {"Guardar", "Ninguno", "No sé", "Saltar", "Atrás", "Agregar evidencia", "Pausa"} <= set(
        _labels(question)
    )

    # Buttons and Spanish typed replies.
    respondent.answer("all")  # ticks every item, clicks Guardar
    assert "cumplido" in respondent.record("OD1")["text"]
    respondent.type("todos")
    assert respondent.criterion() == "OD3"
    [status] = respondent.type("estado")
    assert status.startswith("2 de 4 respondidas. Va en OD3 (3 de 4).")
    respondent.type("no sé")
    assert "· no sé" in respondent.record("OD3")["text"]
    [help_text] = respondent.type("ayuda")
    assert help_text.startswith("Marque los ítems que se cumplen y haga clic en Guardar")
    assert "`saltar` para volver a una pregunta más tarde" in help_text
    [unclear] = respondent.type("quizás mañana")
    assert unclear.startswith("No entendí. Escriba los números de los ítems que se cumplen")

    # A pause until tomorrow, then back to work.
    paused = respondent.pause("Tomorrow")
    assert "En pausa hasta el martes, 2 de marzo de 2027 a las 9:00" in paused
    assert "ese día se lo recordaré. Su lugar queda guardado: OD4 (4 de 4)." in paused
    respondent.type("continuar")
    assert respondent.criterion() == "OD4"

    # The last answer: the area summary with its next steps, and the thanks.
    replies = respondent.type("ninguno")
    summary = next(t for t in replies if t.startswith("Datos abiertos: área completada"))
    assert summary.startswith("Datos abiertos: área completada, 2 de 4 cumplidos")
    assert "OD3: no cumplido" not in summary  # unsure is not "not met"
    unmet = [c for c in ("OD3", "OD4") if f"{c}: " in summary]
    steps = [RUBRIC.criterion(c).next_steps[0].action.es for c in unmet]
    assert any(step and step in summary for step in steps)
    thanks = next(t for t in replies if t.startswith("🎉 ¡Gracias!"))
    assert "1 respuesta está marcada como «No sé»" in thanks

    # The result, posted in the channel in the city's language.
    result = workspace.wait_for(
        lambda: [t for t in channel_texts(workspace, channel) if "está completa" in t],
        timeout=30,
        what="the result in the channel",
    )[0]
    assert result.startswith("La evaluación de Bogotá está completa: ")
    assert "criterios cumplidos" in result and "Para alcanzar Plata" in result

    # Every message the bot looked up in Spanish has a Spanish translation.
    spanish = messages(read_catalog(catalog_path("es"), "es"))
    untranslated = sorted({repr(m) for lang, m in looked_up if lang == "es" and m not in spanish})
    assert len([m for lang, m in looked_up if lang == "es"]) > 50
    assert untranslated == []
    assert not [m for lang, m in looked_up if lang == "en"]  # nobody here reads English
