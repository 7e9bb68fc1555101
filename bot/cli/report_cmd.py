"""`citycheck report CITY` and `citycheck cohort report`: reports from the database at DATABASE_URL.

Both read only. Output goes to standard output or `--output FILE`; a progress bar on standard
error (only in a terminal) shows the work while it runs. Any problem becomes one line on
standard error saying what to do, and exit status 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.database import current_database

if TYPE_CHECKING:
    from datetime import datetime

    from rich.progress import Progress
    from sqlalchemy import Engine
    from sqlmodel import Session

    from bot.i18n import Translator
    from bot.reports.model import CityReport
    from rubric.registry import RubricRegistry
    from storage.models import City

cohort_app = typer.Typer(help="Reports across a cohort of cities.", no_args_is_help=True)
KNOWN_CITIES_SHOWN = 20


class ReportFormat(StrEnum):
    """What `citycheck report` writes."""

    text = "text"
    csv = "csv"
    json = "json"
    html = "html"


class CohortFormat(StrEnum):
    """What `citycheck cohort report` writes."""

    text = "text"
    csv = "csv"
    json = "json"


class Language(StrEnum):
    """The languages reports are written in."""

    en = "en"
    es = "es"
    pt = "pt"


Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", dir_okay=False, help="Write to this file, not the terminal."),
]
Lang = Annotated[
    Language | None,
    typer.Option("--lang", help="Language of the report. Default: the city's language."),
]
CohortLang = Annotated[
    Language | None, typer.Option("--lang", help="Language of the report. Default: English.")
]


def register(app: typer.Typer) -> None:
    """Attach `report` and `cohort report` to the main command line."""
    app.command("report")(report_command)
    app.add_typer(cohort_app, name="cohort")


def report_command(
    city: Annotated[str, typer.Argument(metavar="CITY", help="The city's name or id.")],
    output_format: Annotated[
        ReportFormat,
        typer.Option("--format", help="text, csv, json, or a self-contained html page."),
    ] = ReportFormat.text,
    output: Output = None,
    lang: Lang = None,
) -> None:
    """Report on a city's latest assessment round: result, areas, answers, gap, plan and peers."""
    from bot.i18n import translator
    from bot.reports.model import NoAssessmentError, build_city_report
    from bot.services.scores import RubricMismatchError

    with current_database(_failure) as engine, _progress() as progress:
        task = progress.add_task("Reading the database", total=3)
        rubrics = _rubrics()
        with _session(engine) as session:
            found = _find_city(session, city)
            assert found.id is not None
            try:
                report = build_city_report(
                    session,
                    rubric=rubrics.current,
                    city_id=found.id,
                    now=_now(),
                    rubrics=rubrics,
                    evidence_max_age_months=_evidence_months(),
                )
            except NoAssessmentError:
                raise _failure(
                    f"{found.name} has not started an assessment yet: nothing to report"
                ) from None
            except RubricMismatchError as exc:
                raise _failure(
                    f"{exc}; put that version's rubric file in the folder CITYCHECK_RUBRIC_DIR"
                ) from None
        tr = translator(lang.value if lang else report.city.language)
        progress.update(task, advance=1, description="Writing the report")
        content = _render(report, tr, output_format)
        progress.update(task, advance=2)
    _write(content, output, bom=output_format is ReportFormat.csv)


@cohort_app.command("report")
def cohort_report_command(
    output_format: Annotated[
        CohortFormat, typer.Option("--format", help="text for people, csv or json for programs.")
    ] = CohortFormat.text,
    workspace: Annotated[
        str | None,
        typer.Option(help="Only the cities of this Slack workspace (team id, e.g. T0123ABCD)."),
    ] = None,
    output: Output = None,
    lang: CohortLang = None,
) -> None:
    """Every city (or one workspace's) with its progress, level and change since the last round."""
    from bot.i18n import translator
    from bot.reports.cohort import all_city_ids, load_cohort
    from bot.reports.cohort_report import (
        render_cohort_csv,
        render_cohort_json,
        render_cohort_text,
    )
    from storage.repo import orgs

    with current_database(_failure) as engine, _progress() as progress:
        rubrics = _rubrics()
        with _session(engine) as session:
            workspace_id = None
            if workspace is not None:
                found = orgs.get_workspace(session, slack_team_id=workspace.strip())
                if found is None or found.id is None:
                    raise _failure(f"no workspace {workspace} in the database: check the team id")
                workspace_id = found.id
            city_ids = all_city_ids(session, workspace_id=workspace_id)
            task = progress.add_task("Scoring cities", total=len(city_ids))
            cities = load_cohort(
                session,
                rubric=rubrics.current,
                rubrics=rubrics,
                city_ids=city_ids,
                on_progress=lambda done: progress.update(task, completed=done),
            )
    tr = translator(lang.value if lang else None)
    if output_format is CohortFormat.csv:
        _write(render_cohort_csv(cities), output, bom=True)
    elif output_format is CohortFormat.json:
        _write(render_cohort_json(cities), output)
    else:
        _write(render_cohort_text(cities, tr), output)


def _render(report: CityReport, tr: Translator, output_format: ReportFormat) -> str:
    from bot.reports.city_text import render_city_text
    from bot.reports.export import render_csv, render_json
    from bot.reports.html import render_html

    renderers = {
        ReportFormat.text: render_city_text,
        ReportFormat.csv: render_csv,
        ReportFormat.json: render_json,
        ReportFormat.html: render_html,
    }
    return renderers[output_format](report, tr)


def _find_city(session: Session, wanted: str) -> City:
    """The city by id or (ignoring case) by name; otherwise exit listing the known ones."""
    from sqlmodel import col, select

    from storage.models import City

    cities = list(session.exec(select(City).order_by(col(City.name), col(City.id))))
    key = " ".join(wanted.split()).casefold()
    matches = [c for c in cities if str(c.id) == key or " ".join(c.name.split()).casefold() == key]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = "; ".join(_describe(c) for c in matches)
        raise _failure(f"several cities are called {wanted!r}: {listed}. Give the id instead")
    if not cities:
        raise _failure(
            "there are no cities in the database yet: set one up with `/citycheck setup`"
        )
    known = "; ".join(_describe(c) for c in cities[:KNOWN_CITIES_SHOWN])
    more = len(cities) - KNOWN_CITIES_SHOWN
    tail = f" and {more} more" if more > 0 else ""
    raise _failure(f"no city {wanted!r}. Known cities (name, id): {known}{tail}")


def _describe(city: City) -> str:
    where = ", ".join(part for part in (city.state, city.country) if part)
    return f"{city.name} ({where}), id {city.id}"


def _rubrics() -> RubricRegistry:
    """The current rubric (CITYCHECK_RUBRIC) with every other loaded version, or exit."""
    from bot.settings import SettingsError, load_settings
    from rubric.problems import RubricError
    from rubric.registry import load_registry

    try:
        settings = load_settings()
        folders = [settings.rubric_dir] if settings.rubric_dir else []
        return load_registry(settings.rubric_path, folders)
    except SettingsError as exc:
        raise _failure(str(exc)) from None
    except RubricError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise _failure(
            "a rubric file is not valid: fix it, or point the settings elsewhere"
        ) from None


def _evidence_months() -> int:
    """CITYCHECK_EVIDENCE_MAX_AGE_MONTHS: evidence given longer ago is marked stale."""
    from bot.settings import SettingsError, load_settings

    try:
        return load_settings().evidence_max_age_months
    except SettingsError as exc:
        raise _failure(str(exc)) from None


def _now() -> datetime:
    from bot.deps import utc_now

    return utc_now()


def _write(content: str, output: Path | None, *, bom: bool = False) -> None:
    if output is None:
        typer.echo(content, nl=False)
        return
    try:
        output.write_text(content, encoding="utf-8-sig" if bom else "utf-8", newline="")
    except OSError as exc:
        raise _failure(f"cannot write {output}: {exc.strerror}") from None
    typer.echo(f"wrote {output}", err=True)


@contextmanager
def _session(engine: Engine) -> Iterator[Session]:
    from storage.session import unit_of_work

    with unit_of_work(engine, read_only=True) as session:
        yield session


@contextmanager
def _progress() -> Iterator[Progress]:
    """A progress bar on standard error, drawn only when it is a terminal."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as progress:
        yield progress


def _failure(message: str) -> typer.Exit:
    """Print the problem on standard error; the exit (status 1) for the caller to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)
