"""The result chart, read back as an image: its size, its bars and the rubric's thresholds."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from io import BytesIO

import pytest
from PIL import Image

from bot.i18n import Translator
from bot.reports.chart import (
    BAR_COLOUR,
    DPI,
    LEVEL_COLOURS,
    MISSING_COLOUR,
    WIDTH_INCHES,
    chart_alt_text,
    chart_title,
    render_result_chart,
)
from rubric.answers import load_answers
from rubric.loader import load_bundled_rubric
from rubric.schema import Level, Rubric, Text
from rubric.scoring import Answer, Score, score
from tests.reports.helpers import EXAMPLES


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _scored(example: str, rubric: Rubric | None = None) -> tuple[Rubric, Score]:
    rubric = rubric or load_bundled_rubric()
    return rubric, score(rubric, load_answers(EXAMPLES / f"{example}.yaml", rubric))


def _image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(BytesIO(png)).convert("RGB")


def _columns_with(image: Image.Image, colour: tuple[int, int, int]) -> dict[int, int]:
    """How many pixels of exactly this colour each column holds (columns without any left out)."""
    counts: dict[int, int] = {}
    raw, width, wanted = image.tobytes(), image.width, bytes(colour)
    for offset in range(0, len(raw), 3):
        if raw[offset : offset + 3] == wanted:
            column = (offset // 3) % width
            counts[column] = counts.get(column, 0) + 1
    return counts


def _axis(image: Image.Image) -> tuple[int, int]:
    """The columns of 0% and 100%: where the bars and the grey track behind them start and end."""
    columns = set(_columns_with(image, _rgb(MISSING_COLOUR))) | set(
        _columns_with(image, _rgb(BAR_COLOUR))
    )
    return min(columns), max(columns)


def test_the_chart_is_a_phone_sized_png_with_bars_and_thresholds() -> None:
    rubric, result = _scored("silver")

    image = _image(render_result_chart(rubric, result, Translator(), city="Springfield"))

    assert image.width == int(WIDTH_INCHES * DPI) == 1080
    assert 900 <= image.height <= 1800  # eight areas, each bar tall enough to tap and read
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # text, bars, lines: not a blank image
    present = {colour for _, colour in colours}
    assert _rgb(BAR_COLOUR) in present
    assert _rgb(MISSING_COLOUR) in present
    for index in range(len(rubric.levels)):
        assert _rgb(LEVEL_COLOURS[index]) in present


def test_bars_are_as_long_as_the_share_met() -> None:
    rubric, result = _scored("gold")
    image = _image(render_result_chart(rubric, result))
    bars = _columns_with(image, _rgb(BAR_COLOUR))
    left, right = _axis(image)
    longest = max(area.percent for area in result.areas)

    assert max(bars) - left == pytest.approx(float(longest) / 100 * (right - left), abs=3)


def test_thresholds_are_drawn_where_the_rubric_puts_them() -> None:
    bundled = load_bundled_rubric()
    moved = bundled.model_copy(
        update={
            "levels": (
                Level(id="bronze", name=Text(en="Bronze"), min_percent=Decimal(30)),
                Level(id="steel", name=Text(en="Steel"), min_percent=Decimal("62.5")),
            )
        }
    )
    rubric, result = _scored("silver", moved)

    image = _image(render_result_chart(rubric, result))

    left, right = _axis(image)
    for index, level in enumerate(rubric.levels):
        columns = _columns_with(image, _rgb(LEVEL_COLOURS[index]))
        line = max(columns, key=lambda x: columns[x])
        expected = left + float(level.min_percent) / 100 * (right - left)
        assert line == pytest.approx(expected, abs=3), level.id
    assert _rgb(LEVEL_COLOURS[2]) not in {c for _, c in image.getcolors(1_000_000) or []}


def test_title_names_the_level_or_what_holds_it_back() -> None:
    rubric, silver = _scored("silver")
    _, held = _scored("held-back-by-core")
    core_only = {cid: Answer.all_of(rubric.criterion(cid)) for cid in rubric.core_ids()}
    nothing = score(rubric, core_only)

    assert chart_title(rubric, silver, Translator(), "Springfield") == (
        "Springfield: 23 of 43 criteria met (53.4%) · Level: Silver"
    )
    assert chart_title(rubric, held, Translator()).endswith(
        "No level yet: core criterion PA1 not met"
    )
    assert chart_title(rubric, nothing, Translator()).endswith("No level yet: Silver needs 51%")


def test_labels_follow_the_language() -> None:
    rubric, silver = _scored("silver")

    assert "Plata" in chart_title(rubric, silver, Translator("es"))
    alt = chart_alt_text(rubric, silver, Translator("pt"), "Springfield")
    assert rubric.areas[0].name.get("pt") in alt
    assert rubric.areas[0].name.get("en") not in alt


def test_importing_reports_loads_neither_matplotlib_nor_pyplot_nor_jinja() -> None:
    code = (
        "import sys\n"
        "import bot.cli, bot.reports.chart, bot.reports.html, bot.services.reports\n"
        "print(sorted(m for m in ('matplotlib', 'jinja2') if m in sys.modules))\n"
        "from rubric.loader import load_bundled_rubric\n"
        "from rubric.scoring import score\n"
        "from bot.reports.chart import render_result_chart\n"
        "rubric = load_bundled_rubric()\n"
        "render_result_chart(rubric, score(rubric, {}))\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")

    assert out[0] == "[]"
    assert out[1] == "False"  # drawn on its own Figure: pyplot's global state is never touched
