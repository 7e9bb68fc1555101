"""`citycheck rubric ...` and `citycheck score`: check, show and score a rubric."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rubric.planning import Gap
    from rubric.schema import NextStep, Rubric
    from rubric.scoring import Score

rubric_app = typer.Typer(help="Check and show an assessment rubric.", no_args_is_help=True)

RubricPath = Annotated[
    Path | None,
    typer.Argument(
        exists=True,
        dir_okay=False,
        metavar="[PATH]",
        help="A rubric YAML file. Default: the bundled city data-practices rubric.",
        show_default=False,
    ),
]


class OutputFormat(StrEnum):
    """How `citycheck score` prints its result."""

    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    """Attach the rubric commands to the main command line."""
    app.add_typer(rubric_app, name="rubric")
    app.command("score")(score_command)


RequiredLanguages = Annotated[
    str,
    typer.Option(
        "--require-translations",
        metavar="LANGS",
        help="Languages every text must be translated into, e.g. es,pt: a missing "
        "translation is then an error (exit 1). Otherwise it is a warning.",
        show_default=False,
    ),
]


@rubric_app.command("check")
def check_command(path: RubricPath = None, require_translations: RequiredLanguages = "") -> None:
    """Validate a rubric file: a one-line summary if it is valid, every problem if not (exit 1).

    Texts without a Spanish or Portuguese translation are listed as warnings (the bot shows
    the English there), or as errors for the languages given to --require-translations.
    """
    from rubric.scoring import format_percent

    required = _languages(require_translations)
    rubric = load_or_exit(path)
    if not _translations_ok(rubric, path, required):
        raise typer.Exit(1)
    criteria = rubric.criteria()
    levels = ", ".join(f"{lv.name.en} {format_percent(lv.min_percent)}%" for lv in rubric.levels)
    name = path.name if path else "bundled rubric"
    typer.echo(
        f"{name}: ok: {rubric.id} {rubric.version}, {len(rubric.areas)} areas, "
        f"{len(criteria)} criteria ({len(rubric.core_ids())} core), "
        f"{len(rubric.levels)} levels ({levels})"
    )


def _languages(value: str) -> tuple[str, ...]:
    """The languages of --require-translations ("es,pt"), or a usage error naming the choices."""
    from rubric.translations import TRANSLATED

    wanted = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [lang for lang in wanted if lang not in TRANSLATED]
    if unknown:
        raise typer.BadParameter(
            f"{', '.join(unknown)}: use {' or '.join(TRANSLATED)} (comma-separated, e.g. es,pt)",
            param_hint="--require-translations",
        )
    return wanted


def _translations_ok(rubric: Rubric, path: Path | None, required: tuple[str, ...]) -> bool:
    """Report missing translations: errors for `required` languages, warnings for the others."""
    from rubric.loader import bundled_rubric_path
    from rubric.translations import LANGUAGE_NAMES, missing_translations

    source = path or bundled_rubric_path()
    shown = str(path) if path else source.name
    errors = 0
    for missing in missing_translations(rubric, source, filename=shown):
        if not missing.problems:
            continue
        name = LANGUAGE_NAMES.get(missing.lang, missing.lang)
        if missing.lang in required:
            errors += len(missing.problems)
            for problem in missing.problems:
                typer.echo(str(problem), err=True)
        elif missing.none_translated:
            typer.echo(
                f"warning: {shown}: no text has a {name} translation, so {name} speakers read "
                f"this rubric in English; add `{missing.lang}:` to each text",
                err=True,
            )
        else:
            for problem in missing.problems:
                typer.echo(f"warning: {problem}", err=True)
    if errors:
        plural = "s are" if errors != 1 else " is"
        typer.echo(f"{errors} translation{plural} missing: the rubric is not complete", err=True)
    return errors == 0


@rubric_app.command("show")
def show_command(path: RubricPath = None) -> None:
    """Print the rubric's levels, areas and criteria as a table."""
    from bot.reports.text import render_rubric_table

    typer.echo(render_rubric_table(load_or_exit(path)), nl=False)


def score_command(
    answers: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            metavar="ANSWERS.yaml",
            help="YAML mapping criterion ids to all, none, unsure or a list of ticked item ids.",
        ),
    ],
    rubric_path: Annotated[
        Path | None,
        typer.Option(
            "--rubric",
            exists=True,
            metavar="PATH",
            dir_okay=False,
            help="Score against this rubric file instead of the bundled one.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text for people, json for programs.")
    ] = OutputFormat.text,
) -> None:
    """Score an answers file: level, share met per area, and the gap to the next level."""
    from bot.reports.text import render_score_report

    rubric = load_or_exit(rubric_path)
    score, gap = score_file_or_exit(rubric, answers)
    if output is OutputFormat.json:
        typer.echo(json.dumps(score_as_dict(rubric, score, gap), indent=2, ensure_ascii=False))
    else:
        typer.echo(render_score_report(rubric, score, gap, title=str(answers)), nl=False)


def load_or_exit(path: Path | None) -> Rubric:
    """The rubric at `path` (the bundled one if None), or every problem printed and exit 1."""
    from rubric.loader import load_bundled_rubric, load_rubric
    from rubric.problems import RubricError

    try:
        return load_rubric(path) if path else load_bundled_rubric()
    except RubricError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        count = len(exc.problems)
        typer.echo(f"{count} problem{'s' if count != 1 else ''}: the rubric is not valid", err=True)
        raise typer.Exit(1) from None


def score_file_or_exit(rubric: Rubric, answers_path: Path) -> tuple[Score, Gap]:
    """Score an answers file and plan the gap, or print every problem and exit 1."""
    from rubric.answers import load_answers
    from rubric.planning import gap_to_next_level
    from rubric.problems import AnswersError
    from rubric.scoring import score

    try:
        answers = load_answers(answers_path, rubric)
    except AnswersError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{answers_path}: fix the answers above and run again", err=True)
        raise typer.Exit(1) from None
    result = score(rubric, answers)
    return result, gap_to_next_level(rubric, result)


def score_as_dict(rubric: Rubric, score: Score, gap: Gap) -> dict[str, Any]:
    """The score and gap as plain JSON-ready data."""
    names = {area.id: area.name.en for area in rubric.areas}
    return {
        "rubric": {"id": rubric.id, "version": rubric.version},
        "level": score.level.id if score.level else None,
        "level_by_percent": score.level_by_percent.id if score.level_by_percent else None,
        "percent": float(score.percent),
        "met": score.met,
        "total": score.total,
        "unknown": score.unknown,
        "blocked_by": list(score.blocked_by),
        "reason": score.reason,
        "areas": [
            {
                "id": a.area_id,
                "name": names[a.area_id],
                "met": a.met,
                "total": a.total,
                "percent": float(a.percent),
                "unknown": a.unknown,
            }
            for a in score.areas
        ],
        "criteria": [
            {
                "id": r.criterion_id,
                "area": r.area_id,
                "status": r.status.value,
                "ticked": r.ticked,
                "required": r.required,
                "blocked_by": list(r.blocked_by),
            }
            for r in score.criteria.values()
        ],
        "next_level": {
            "target": gap.target.id if gap.target else None,
            "reaches": gap.reaches.id if gap.reaches else None,
            "message": gap.message,
        },
        "gap": [
            {
                "criterion": item.criterion_id,
                "area": item.area_id,
                "core": item.core,
                "status": item.status.value,
                "needed_for": item.needed_for,
                "next_step": _step_as_dict(item.next_step),
            }
            for item in gap.items
        ],
    }


def _step_as_dict(step: NextStep) -> dict[str, Any]:
    return {
        "action": step.action.en,
        "deliverable": step.deliverable.en,
        "effort": step.effort,
        "owner": step.owner.en,
        "horizon_months": step.horizon_months,
    }
