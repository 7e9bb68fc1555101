"""`/citycheck export [city]`: the coordinator's city's answers as CSV and JSON, and the report as
HTML, uploaded to the coordinator's DM."""

from __future__ import annotations

from bot.services.access import AccessDenied
from bot.services.reports import (
    EXPORT_READY,
    EXPORT_SENT,
    ChooseCity,
    NothingToExport,
    export_for_coordinator,
)
from bot.slack.files import dm_channel, upload_files
from bot.slack.listeners.commands.router import N_, CommandRequest, Router


def export_report(request: CommandRequest) -> None:
    """Check the coordinator, build the files, upload them to their DM, and say so."""
    deps = request.deps
    assert deps.engine is not None and deps.rubric is not None
    try:
        bundle = export_for_coordinator(
            deps.engine,
            rubric=deps.rubric,
            team_id=request.team_id,
            user_id=request.user_id,
            city_name=request.args or None,
            now=deps.clock(),
            rubrics=deps.rubrics,
            evidence_max_age_months=deps.settings.evidence_max_age_months,
        )
    except AccessDenied as denied:
        request.respond(response_type="ephemeral", text=request.tr.gettext(denied.reason))
        return
    if isinstance(bundle, ChooseCity):
        names = bundle.cities
        text = bundle.tr.gettext(bundle.message).format(example=names[0], cities=", ".join(names))
        request.respond(response_type="ephemeral", text=text)
        return
    if isinstance(bundle, NothingToExport):
        text = bundle.tr.gettext(bundle.message).format(city=bundle.city_name)
        request.respond(response_type="ephemeral", text=text)
        return
    tr = bundle.tr
    comment = tr.gettext(EXPORT_READY).format(city=bundle.city_name, round=bundle.round_number)
    channel = dm_channel(request.client, request.user_id)
    upload_files(request.client, channel_id=channel, files=bundle.files, comment=comment)
    if request.channel_id != channel:
        request.respond(
            response_type="ephemeral", text=tr.gettext(EXPORT_SENT).format(city=bundle.city_name)
        )


def register(router: Router) -> None:
    """Add `export` to the router."""
    router.add(
        "export",
        N_("Get your city's answers as CSV and JSON, and the report as a web page"),
        "[city]",
    )(export_report)
