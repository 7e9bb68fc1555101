"""The cohort message and the App Home chart section stay within Slack's limits."""

from __future__ import annotations

import pytest

from bot.i18n import Translator
from bot.reports.cohort import CohortCity
from bot.sandbox.checks import MESSAGE_BLOCKS, check_blocks
from bot.services.reports import HomeChart, ReportChartView
from bot.slack.builders.cohort import build_cohort_message
from bot.slack.builders.report_home import build_report_chart_section
from storage.enums import AssessmentStatus


def _city(number: int) -> CohortCity:
    return CohortCity(
        city_id=number,
        name=f"City number {number:04d} with a long official name",
        state="Some State",
        country="US",
        workspace_id=1,
        round_number=1,
        status=AssessmentStatus.OPEN,
        answered=number % 44,
        total=43,
        score=None,
        previous=None,
    )


@pytest.mark.parametrize("count", [0, 1, 12, 600])
def test_the_cohort_message_fits_one_message_whatever_the_cohort_size(count: int) -> None:
    cities = [_city(n) for n in range(count)]

    message = build_cohort_message(cities, Translator())

    assert check_blocks(message.blocks, MESSAGE_BLOCKS) == []
    shown = [
        line
        for b in message.blocks
        if b["type"] == "section"
        for line in b["text"]["text"].split("\n")
    ]
    assert shown == [
        f"*{c.name}, Some State*: {c.answered} of 43 answered · taken on another rubric version"
        for c in cities[: len(shown)]
    ]
    note = message.blocks[-1]["elements"][0]["text"]
    if len(shown) < count:
        assert note.startswith(f"…and {count - len(shown)} more.")
    else:
        assert len(shown) == count


def test_the_chart_section_is_an_image_from_the_uploaded_file() -> None:
    view = ReportChartView((HomeChart("Springfield", 2, "F0000000042"),))

    blocks = build_report_chart_section(view, Translator("es"))

    assert check_blocks(blocks, MESSAGE_BLOCKS) == []
    assert blocks[0]["slack_file"] == {"id": "F0000000042"}
    assert blocks[0]["title"]["text"] == "Springfield: resultado de la ronda 2"
