"""The result chart: one bar per practice area (share of criteria met) and the level thresholds.

Rendered headless with matplotlib's Agg canvas on a `Figure` of its own (no pyplot, so no
global backend or figure state), sized for a phone screen: 1,080 pixels wide, tall enough for
one readable bar per area. matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

import textwrap
from io import BytesIO
from typing import TYPE_CHECKING

from bot.i18n import Translator
from rubric.schema import Rubric
from rubric.scoring import Score

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH_INCHES = 7.2
DPI = 150
"""7.2 in × 150 dpi = 1,080 px: a phone's width, so Slack shows it without shrinking the text."""
BAR_INCHES = 0.62
FRAME_INCHES = 2.1
LABEL_WIDTH = 24
TITLE_WIDTH = 52
BAR_COLOUR = "#2f6db5"
MISSING_COLOUR = "#d7dde5"
LEVEL_COLOURS = ("#7a7a7a", "#b8860b", "#3b6e8f", "#6b4f9e", "#2e7d32")
"""Threshold line colours by the level's position (lowest first); values come from the rubric."""


def chart_title(rubric: Rubric, score: Score, tr: Translator, city: str | None = None) -> str:
    """The overall result in words: criteria met, share, and the level or why there is none."""
    met = tr.gettext("{met} of {total} criteria met ({percent})").format(
        met=score.met, total=score.total, percent=tr.percent_points(score.percent)
    )
    if score.level is not None:
        outcome = tr.gettext("Level: {level}").format(level=score.level.name.get(tr.lang))
    elif score.blocked_by:
        outcome = tr.ngettext(
            "No level yet: core criterion {ids} not met",
            "No level yet: core criteria {ids} not met",
            len(score.blocked_by),
        ).format(ids=", ".join(score.blocked_by))
    elif rubric.levels:
        lowest = min(rubric.levels, key=lambda lv: lv.min_percent)
        outcome = tr.gettext("No level yet: {level} needs {percent}").format(
            level=lowest.name.get(tr.lang), percent=tr.percent_points(lowest.min_percent)
        )
    else:
        outcome = tr.gettext("No level yet")
    head = f"{city}: {met}" if city else met
    return f"{head} · {outcome}"


def chart_alt_text(rubric: Rubric, score: Score, tr: Translator, city: str | None = None) -> str:
    """A plain-text reading of the chart for screen readers (Slack's alt text)."""
    parts = [chart_title(rubric, score, tr, city)]
    for area in rubric.areas:
        result = score.area(area.id)
        parts.append(
            tr.gettext("{area}: {percent} ({met} of {total})").format(
                area=area.name.get(tr.lang),
                percent=tr.percent_points(result.percent),
                met=result.met,
                total=result.total,
            )
        )
    return ". ".join(parts)[:1900]


def render_result_chart(
    rubric: Rubric, score: Score, tr: Translator | None = None, *, city: str | None = None
) -> bytes:
    """The chart as PNG bytes: a bar per area with the rubric's level thresholds drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    tr = tr or Translator()
    areas = list(rubric.areas)
    height = FRAME_INCHES + BAR_INCHES * max(len(areas), 1)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # attaches the headless canvas to this figure only
    axes = figure.add_subplot()
    labels = [textwrap.fill(area.name.get(tr.lang), LABEL_WIDTH) for area in areas]
    percents = [float(score.area(area.id).percent) for area in areas]
    positions = list(range(len(areas)))
    axes.barh(positions, [100.0] * len(areas), color=MISSING_COLOUR, height=0.62, zorder=1)
    bars = axes.barh(positions, percents, color=BAR_COLOUR, height=0.62, zorder=2)
    values = axes.bar_label(
        bars,
        labels=[tr.percent_points(p) for p in percents],
        padding=4,
        fontsize=11,
        color="#1b1b1b",
    )
    for value in values:  # readable where a threshold line crosses the label
        value.set_zorder(4)
        value.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1.0, "alpha": 0.85})
    axes.set_yticks(positions, labels=labels, fontsize=11)
    axes.tick_params(axis="y", length=0)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    ticks = [0, 25, 50, 75, 100]
    axes.set_xticks(ticks, labels=[tr.percent_points(t) for t in ticks], fontsize=10)
    axes.set_xlabel(tr.gettext("Share of criteria met"), fontsize=11)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    _draw_levels(axes, rubric, tr)
    figure.suptitle(
        textwrap.fill(chart_title(rubric, score, tr, city), TITLE_WIDTH),
        fontsize=13,
        fontweight="bold",
        x=0.02,
        ha="left",
    )
    buffer = BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _draw_levels(axes: Axes, rubric: Rubric, tr: Translator) -> None:
    """A labelled dashed line at each level's threshold, lowest first."""
    levels = sorted(rubric.levels, key=lambda lv: lv.min_percent)
    for index, level in enumerate(levels):
        colour = LEVEL_COLOURS[index % len(LEVEL_COLOURS)]
        x = float(level.min_percent)
        axes.axvline(x, color=colour, linestyle="--", linewidth=1.6, zorder=3)
        axes.annotate(
            f"{level.name.get(tr.lang)} {tr.percent_points(level.min_percent)}",
            xy=(x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 4 + 13 * (index % 2)),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=10,
            fontweight="bold",
            color=colour,
            annotation_clip=False,
        )
