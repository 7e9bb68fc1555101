"""The App Home section with the coordinator's latest result chart (an uploaded Slack file)."""

from __future__ import annotations

from bot.i18n import Translator
from bot.services.reports import ReportChartView
from bot.slack import ids
from bot.slack.builders.blocks import Block, clip, plain

IMAGE_TEXT_LIMIT = 2000


def build_report_chart_section(view: ReportChartView, tr: Translator) -> list[Block]:
    """One image block per chart, shown from the file shared with the result (`slack_file`)."""
    blocks: list[Block] = []
    for index, chart in enumerate(view.charts):
        title = tr.gettext("{city}: result of round {round}").format(
            city=chart.city_name, round=chart.round_number
        )
        alt = tr.gettext(
            "Bar chart of {city}'s share of criteria met in each practice area, "
            "with the level thresholds"
        ).format(city=chart.city_name)
        blocks.append(
            {
                "type": "image",
                "block_id": f"{ids.BLOCK_HOME_CHART_PREFIX}{index}",
                "slack_file": {"id": chart.slack_file_id},
                "alt_text": clip(alt, IMAGE_TEXT_LIMIT),
                "title": plain(clip(title, IMAGE_TEXT_LIMIT)),
            }
        )
    return blocks
