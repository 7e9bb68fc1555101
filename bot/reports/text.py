"""Plain-text reports for a terminal: a city's score, its areas and the gap to the next level."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from decimal import Decimal

from bot.i18n import Translator
from bot.reports.labels import effort, rule_words
from rubric.planning import Gap, GapItem
from rubric.schema import Rubric, Text
from rubric.scoring import CriterionStatus, Score

WIDTH = 88
BAR = 20


def render_score_report(
    rubric: Rubric,
    score: Score,
    gap: Gap,
    *,
    title: str | None = None,
    tr: Translator | None = None,
) -> str:
    """The report a coordinator reads: overall result, level or what blocks it, areas, the gap."""
    tr = tr or Translator()
    version = tr.gettext("Rubric: {rubric}").format(rubric=f"{rubric.id} {rubric.version}")
    lines = [title or _t(rubric.title, tr), version]
    lines += ["", *_overall(rubric, score, tr), "", *_areas(rubric, score, tr), ""]
    lines += _gap(rubric, gap, tr)
    return "\n".join(lines) + "\n"


def render_summary(rows: Sequence[tuple[str, Score]], tr: Translator | None = None) -> str:
    """One line per scored file: its name, level, criteria met and share met."""
    tr = tr or Translator()
    name_width = max([len(name) for name, _ in rows] + [8])
    headings = (tr.gettext("Answers"), tr.gettext("Level"), tr.gettext("Met"))
    out = ["  {:<{w}}  {:<10}  {:>7}".format(*headings, w=name_width)]
    for name, score in rows:
        level = _t(score.level.name, tr) if score.level else tr.gettext("none")
        met = f"{score.met}/{score.total}"
        out.append(f"  {name:<{name_width}}  {level:<10}  {met:>7}  {_pct(score.percent, tr)}")
    return "\n".join(out) + "\n"


def render_rubric_table(rubric: Rubric, tr: Translator | None = None) -> str:
    """The rubric's levels, then each area with its criteria, one row per criterion."""
    tr = tr or Translator()
    levels = " · ".join(f"{_t(lv.name, tr)} {_pct(lv.min_percent, tr)}" for lv in rubric.levels)
    out = [
        f"{_t(rubric.title, tr)} ({rubric.id} {rubric.version})",
        tr.gettext("Levels: {levels}").format(levels=levels),
    ]
    core_mark = tr.gettext("core")
    for area in rubric.areas:
        out += ["", f"{area.id}  {_t(area.name, tr)} ({len(area.criteria)})"]
        for crit in area.criteria:
            rule = rule_words(crit, tr)
            flags = [core_mark] if crit.core else []
            if crit.prerequisites:
                flags.append(tr.gettext("needs {ids}").format(ids=", ".join(crit.prerequisites)))
            head = f"  {crit.id:<6} {rule:<16} {'; '.join(flags):<18} "
            out.append(head + _clip(_t(crit.statement, tr), WIDTH - len(head)))
    return "\n".join(out) + "\n"


def _overall(rubric: Rubric, score: Score, tr: Translator) -> list[str]:
    met = tr.gettext("{met} of {total} criteria met ({percent})").format(
        met=score.met, total=score.total, percent=_pct(score.percent, tr)
    )
    if score.level is not None:
        level = tr.gettext("Level: {level}").format(level=_t(score.level.name, tr))
        lines = [f"{level} · {met}"]
    else:
        level = tr.gettext("Level: {level}").format(level=tr.gettext("none yet"))
        lines = [f"{level} · {met}"]
        if score.blocked_by:
            ids = ", ".join(score.blocked_by)
            lines.append(
                "  "
                + tr.ngettext(
                    "Held back: core criterion {ids} is not met.",
                    "Held back: core criteria {ids} are not met.",
                    len(score.blocked_by),
                ).format(ids=ids)
            )
        if score.level_by_percent is not None:
            lines.append(
                "  "
                + tr.gettext("The share met alone would reach {level}.").format(
                    level=_t(score.level_by_percent.name, tr)
                )
            )
        elif rubric.levels:
            lowest = min(rubric.levels, key=lambda lv: lv.min_percent)
            lines.append(
                "  "
                + tr.gettext("{level} needs {percent} of criteria met.").format(
                    level=_t(lowest.name, tr), percent=_pct(lowest.min_percent, tr)
                )
            )
    if score.unknown:
        lines.append(
            tr.ngettext(
                "{count} criterion is not answered yet or marked unsure.",
                "{count} criteria are not answered yet or marked unsure.",
                score.unknown,
            ).format(count=score.unknown)
        )
    return lines


def _areas(rubric: Rubric, score: Score, tr: Translator) -> list[str]:
    names = {area.id: _t(area.name, tr) for area in rubric.areas}
    width = max(len(n) for n in names.values()) if names else 10
    lines = [tr.gettext("Practice areas")]
    for result in score.areas:
        filled = result.met * BAR // result.total if result.total else 0
        bar = "█" * filled + "░" * (BAR - filled)
        met = f"{result.met}/{result.total}"
        name = names[result.area_id]
        lines.append(
            f"  {result.area_id:<5} {name:<{width}}  {bar}  {met:>5}  {_pct(result.percent, tr):>6}"
        )
    return lines


def _gap(rubric: Rubric, gap: Gap, tr: Translator) -> list[str]:
    if gap.target is None:
        if gap.current is None:
            return []
        return [
            tr.gettext(
                "Already at {level}, the top level: keep it up at the next check-up."
            ).format(level=_t(gap.current.name, tr))
        ]
    reaches = gap.reaches or gap.target
    count = tr.ngettext("{count} criterion", "{count} criteria", len(gap.items)).format(
        count=len(gap.items)
    )
    lines = [
        tr.gettext("To reach {level} ({percent}), meet {count}:").format(
            level=_t(reaches.name, tr), percent=_pct(reaches.min_percent, tr), count=count
        )
    ]
    areas = {area.id: _t(area.name, tr) for area in rubric.areas}
    for n, item in enumerate(gap.items, start=1):
        crit = rubric.criterion(item.criterion_id)
        notes = [_status_label(item, tr), areas[item.area_id]]
        if item.core:
            notes.insert(0, tr.gettext("core"))
        if item.needed_for:
            notes.insert(0, tr.gettext("needed first for {id}").format(id=item.needed_for))
        lines.append(f"{n:>3}. {item.criterion_id:<6} {' · '.join(notes)}")
        lines.append(" " * 12 + _clip(_t(crit.statement, tr), WIDTH - 12))
        step = item.next_step
        detail = tr.ngettext(
            "{effort}, {owner}, within {months} month",
            "{effort}, {owner}, within {months} months",
            step.horizon_months,
        ).format(
            effort=effort(step.effort, tr), owner=_t(step.owner, tr), months=step.horizon_months
        )
        action = f"{_t(step.action, tr)} → {_t(step.deliverable, tr)}"
        text = tr.gettext("Next step: {action} ({details})").format(action=action, details=detail)
        lines += textwrap.wrap(text, WIDTH, initial_indent=" " * 12, subsequent_indent=" " * 14)
    if gap.unblocked:
        lines.append(
            tr.ngettext(
                "Then {ids} counts too: its answer already meets it.",
                "Then {ids} count too: their answers already meet them.",
                len(gap.unblocked),
            ).format(ids=", ".join(gap.unblocked))
        )
    return lines


def _status_label(item: GapItem, tr: Translator) -> str:
    if item.status is CriterionStatus.PARTLY_MET:
        return tr.ngettext(
            "partly met, {count} more item needed",
            "partly met, {count} more items needed",
            item.missing,
        ).format(count=item.missing)
    labels = {
        CriterionStatus.NOT_MET: tr.gettext("not met"),
        CriterionStatus.UNKNOWN: tr.gettext("not answered or unsure"),
        CriterionStatus.BLOCKED: tr.gettext("waiting for a prerequisite"),
    }
    return labels.get(item.status, item.status.value)


def _t(text: Text, tr: Translator) -> str:
    return text.get(tr.lang)


def _pct(value: Decimal, tr: Translator) -> str:
    return tr.percent_points(value)


def _clip(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(room - 1, 0)].rstrip() + "…"
