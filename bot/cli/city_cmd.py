"""`citycheck city export CITY` and `citycheck city delete CITY`: a city's data, out or gone.

Both work on the database at DATABASE_URL. CITY is the city's name or its id (`citycheck report`
lists them when the name is not found). `export` writes one JSON archive of everything stored
about the city; `delete` removes all of it (after asking, unless `--yes`), with its people unless
another city has them too. Problems become one line on standard error and exit status 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.database import current_database

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from storage.models import City

city_app = typer.Typer(
    help="A city's data: export all of it, or delete all of it.", no_args_is_help=True
)
CityArg = Annotated[str, typer.Argument(metavar="CITY", help="The city's name or id.")]


def _failure(message: str) -> typer.Exit:
    typer.echo(f"citycheck: {message}", err=True)
    return typer.Exit(1)


@city_app.command("export")
def export_command(
    city: CityArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", dir_okay=False, help="Write to this file, not the terminal."
        ),
    ] = None,
) -> None:
    """Write everything stored about a city as one JSON archive."""
    from bot.deps import utc_now
    from bot.services.city_data import city_archive
    from storage.repo.city_data import city_rows

    with current_database(_failure) as engine, _session(engine) as session:
        found = _find_city(session, city)
        assert found.id is not None
        rows = city_rows(session, city_id=found.id)
        assert rows is not None
        text = json.dumps(city_archive(rows, now=utc_now()), ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
        return
    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise _failure(f"cannot write {output}: {exc.strerror}") from None
    typer.echo(f"wrote {output}", err=True)


@city_app.command("delete")
def delete_command(
    city: CityArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a city and everything of it: rounds, answers, history, plans, sends, people."""
    from bot.services.city_data import deletion_lines
    from storage.repo.city_data import city_rows, delete_city_rows, rows_naming_city

    with current_database(_failure) as engine, _session(engine) as session:
        found = _find_city(session, city)
        assert found.id is not None
        rows = city_rows(session, city_id=found.id)
        assert rows is not None
        typer.echo(f"Deleting {_describe(found)} removes:", err=True)
        for line in deletion_lines(rows):
            typer.echo(line, err=True)
        if not yes and not typer.confirm("Delete it for good?", default=False, err=True):
            raise _failure("nothing was deleted")
        rounds = [a.id for a in rows.assessments if a.id is not None]
        removed = delete_city_rows(session, rows=rows)
        left = {
            name: n
            for name, n in rows_naming_city(session, city_id=found.id, rounds=rounds).items()
            if n
        }
        if left:
            session.rollback()
            raise _failure(f"rows still name the city ({left}): nothing was deleted")
        session.commit()
    typer.echo(f"deleted {found.name} (id {found.id}) and {len(removed)} of its people")


def register(app: typer.Typer) -> None:
    """Attach `city export` and `city delete` to the main command line."""
    app.add_typer(city_app, name="city")


def _describe(city: City) -> str:
    where = ", ".join(part for part in (city.state, city.country) if part)
    return f"{city.name} ({where}), id {city.id}"


def _find_city(session: Session, wanted: str) -> City:
    """The city by id or (ignoring case) by name; otherwise exit saying which there are."""
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
    known = "; ".join(_describe(c) for c in cities[:20]) or "none yet"
    raise _failure(f"no city {wanted!r}. Known cities (name, id): {known}")


@contextmanager
def _session(engine: Engine) -> Iterator[Session]:
    from sqlmodel import Session

    with Session(engine, expire_on_commit=False) as session:
        yield session
