"""Reports for Slack: a coordinator's export files, the result chart, and where it was shared.

Each function is one unit of work. Access is checked against the database (the coordinator of
the city, never what the request says); files are built in the reader's language: the
coordinator's own for an export, the city's for the chart shared in its channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.i18n import Translator, translator
from bot.reports.chart import chart_alt_text, chart_title, render_result_chart
from bot.reports.export import csv_bytes, export_filename, render_json
from bot.reports.html import render_html
from bot.reports.model import build_city_report
from bot.services.access import N_, AmbiguousCity, city_for_role, find_actor
from bot.services.evidence_age import DEFAULT_MAX_AGE_MONTHS
from bot.services.scores import rubric_for, score_assessment
from rubric.registry import RubricRegistry
from rubric.schema import Rubric
from storage.enums import Role
from storage.models import City, CityRole
from storage.repo import assessments as assessment_repo
from storage.repo import orgs
from storage.repo import report_files as file_repo
from storage.session import unit_of_work

NO_ASSESSMENT = N_(
    "{city} has not started an assessment yet, so there is nothing to export. "
    "Start one with `/citycheck setup`, then try again."
)
EXPORT_READY = N_(
    "Here is {city}'s assessment, round {round}: the answers as CSV and JSON, and the report "
    "as a web page you can open, print or mail."
)
EXPORT_SENT = N_("I've sent {city}'s export to our direct messages.")
WHICH_CITY = N_(
    "You coordinate several cities: say which one, e.g. `/citycheck export {example}`. "
    "Yours: {cities}."
)


@dataclass(frozen=True)
class ReportUpload:
    """One file to upload: its name, bytes, title and (for images) alt text."""

    filename: str
    content: bytes
    title: str
    alt_text: str | None = None


@dataclass(frozen=True)
class ExportBundle:
    """What `/citycheck export` sends: the files, for which city and round, in which language."""

    city_name: str
    round_number: int
    tr: Translator
    files: tuple[ReportUpload, ...]


@dataclass(frozen=True)
class NothingToExport:
    """The city has no round yet; `message` is a message id with a `{city}` placeholder."""

    city_name: str
    tr: Translator
    message: str = NO_ASSESSMENT


@dataclass(frozen=True)
class ChooseCity:
    """The person coordinates several cities and must name one (`/citycheck export <city>`)."""

    cities: tuple[str, ...]
    tr: Translator
    message: str = WHICH_CITY


@dataclass(frozen=True)
class ResultChart:
    """A round's result chart in the city's language, ready to upload."""

    assessment_id: int
    upload: ReportUpload


def export_for_coordinator(
    engine: Engine,
    *,
    rubric: Rubric,
    team_id: str | None,
    user_id: str,
    city_name: str | None,
    now: datetime,
    rubrics: RubricRegistry | None = None,
    evidence_max_age_months: int = DEFAULT_MAX_AGE_MONTHS,
) -> ExportBundle | NothingToExport | ChooseCity:
    """The CSV, JSON and HTML of the coordinator's city's latest round (read against the
    rubric version it was taken on: `rubric`, or that version in `rubrics`).

    Raises AccessDenied for someone who coordinates no city here; asks which city when they
    coordinate several and `city_name` does not pick one.
    """
    with unit_of_work(engine, read_only=True) as session:
        actor = find_actor(session, team_id=team_id, user_id=user_id)
        person = actor.person
        tr = translator((person.language or person.locale) if person else None)
        try:
            city = city_for_role(
                session, actor=actor, roles=[Role.COORDINATOR], action="export", city_name=city_name
            )
        except AmbiguousCity as several:
            return ChooseCity(tuple(c.name for c in several.cities), tr)
        assert city.id is not None
        if assessment_repo.latest_assessment(session, city_id=city.id) is None:
            return NothingToExport(city_name=city.name, tr=tr)
        report = build_city_report(
            session,
            rubric=rubric,
            city_id=city.id,
            now=now,
            rubrics=rubrics,
            evidence_max_age_months=evidence_max_age_months,
        )
    chart = render_result_chart(report.rubric, report.score, tr, city=report.city.name)
    title = tr.gettext("{city}: assessment round {round}").format(
        city=report.city.name, round=report.assessment.round_number
    )
    files = (
        ReportUpload(export_filename(report, "csv"), csv_bytes(report, tr), title + " (CSV)"),
        ReportUpload(
            export_filename(report, "json"), render_json(report, tr).encode(), title + " (JSON)"
        ),
        ReportUpload(
            export_filename(report, "html"),
            render_html(report, tr, chart=chart).encode(),
            title + " (HTML)",
        ),
    )
    return ExportBundle(report.city.name, report.assessment.round_number, tr, files)


def result_chart(
    engine: Engine, *, rubric: Rubric, assessment_id: int, rubrics: RubricRegistry | None = None
) -> ResultChart:
    """The chart of a round's current result on its own rubric version, in its city's language."""
    with unit_of_work(engine, read_only=True) as session:
        assessment = assessment_repo.get_assessment(session, assessment_id=assessment_id)
        city = orgs.get_city(session, city_id=assessment.city_id)
        rubric = rubric_for(assessment, rubric, rubrics)
        result = score_assessment(session, rubric=rubric, assessment=assessment)
    tr = translator(city.language)
    png = render_result_chart(rubric, result, tr, city=city.name)
    upload = ReportUpload(
        filename=f"citycheck-result-round-{assessment.round_number}.png",
        content=png,
        title=chart_title(rubric, result, tr, city.name),
        alt_text=chart_alt_text(rubric, result, tr, city.name),
    )
    return ResultChart(assessment_id=assessment_id, upload=upload)


def remember_chart(
    engine: Engine, *, assessment_id: int, slack_file_id: str, channel_id: str | None, now: datetime
) -> None:
    """Record where a round's result chart was uploaded, so the App Home can show it."""
    with unit_of_work(engine) as session:
        file_repo.record_report_file(
            session,
            assessment_id=assessment_id,
            kind=file_repo.RESULT_CHART,
            slack_file_id=slack_file_id,
            channel_id=channel_id,
            now=now,
        )


@dataclass(frozen=True)
class HomeChart:
    """A city's latest result chart as uploaded to Slack, for the coordinator's App Home."""

    city_name: str
    round_number: int
    slack_file_id: str


@dataclass(frozen=True)
class ReportChartView:
    """The result charts a coordinator's App Home shows (one per city they coordinate)."""

    charts: tuple[HomeChart, ...]


HOME_CHART_LIMIT = 3
"""At most this many cities' charts on one Home tab (each is one image block)."""


def report_chart_view(session: Session, *, person_id: int) -> ReportChartView | None:
    """The latest uploaded result chart of each city the person coordinates; None if none."""
    query = (
        select(City)
        .join(CityRole, col(CityRole.city_id) == col(City.id))
        .where(CityRole.person_id == person_id, CityRole.role == Role.COORDINATOR)
        .order_by(col(City.name), col(City.id))
        .limit(HOME_CHART_LIMIT)
    )
    cities = list(session.exec(query))
    latest = [
        (city, assessment_repo.latest_assessment(session, city_id=city.id))
        for city in cities
        if city.id is not None
    ]
    rounds = [a.id for _, a in latest if a is not None and a.id is not None]
    files = file_repo.latest_report_files(
        session, assessment_ids=rounds, kind=file_repo.RESULT_CHART
    )
    charts = [
        HomeChart(city.name, assessment.round_number, files[assessment.id].slack_file_id)
        for city, assessment in latest
        if assessment is not None and assessment.id in files
    ]
    return ReportChartView(tuple(charts)) if charts else None
