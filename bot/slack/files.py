"""Uploading report files to Slack: exports to a person's DM, the result chart to a channel.

Uploads go through slack_sdk's `files_upload_v2`: files.getUploadURLExternal for each file, the
bytes to the URL Slack returns, then one files.completeUploadExternal that shares them all in
one message. Files are shared in a channel id (a DM is opened first with conversations.open).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.services.reports import ReportUpload, remember_chart, result_chart

logger = logging.getLogger("citycheck.reports")


def dm_channel(client: WebClient, user_id: str) -> str:
    """The id of the bot's direct-message channel with a person (opened if needed)."""
    response = client.conversations_open(users=user_id)
    return str(response["channel"]["id"])


def upload_files(
    client: WebClient,
    *,
    channel_id: str,
    files: Sequence[ReportUpload],
    comment: str | None = None,
    thread_ts: str | None = None,
) -> list[str]:
    """Upload files and share them in one message in the channel; returns their Slack ids."""
    items: list[dict[str, Any]] = []
    for upload in files:
        item: dict[str, Any] = {
            "content": upload.content,
            "filename": upload.filename,
            "title": upload.title,
        }
        if upload.alt_text:
            item["alt_txt"] = upload.alt_text
        items.append(item)
    response = client.files_upload_v2(
        file_uploads=items, channel=channel_id, initial_comment=comment, thread_ts=thread_ts
    )
    return [str(f["id"]) for f in response.get("files") or []]


def post_result_chart(
    client: WebClient,
    deps: Deps,
    *,
    assessment_id: int,
    channel_id: str,
    thread_ts: str | None = None,
) -> str:
    """Upload a round's result chart to a channel (under `thread_ts` if given); its file id.

    The upload is remembered, so the coordinators' App Home can show the chart afterwards.
    """
    assert deps.engine is not None and deps.rubric is not None
    chart = result_chart(
        deps.engine, rubric=deps.rubric, assessment_id=assessment_id, rubrics=deps.rubrics
    )
    file_ids = upload_files(
        client, channel_id=channel_id, files=[chart.upload], thread_ts=thread_ts
    )
    remember_chart(
        deps.engine,
        assessment_id=assessment_id,
        slack_file_id=file_ids[0],
        channel_id=channel_id,
        now=deps.clock(),
    )
    logger.info("result chart of assessment %s shared in %s", assessment_id, channel_id)
    return file_ids[0]


def share_result_chart(
    client: WebClient, deps: Deps | None, *, assessment_id: int, channel_id: str
) -> str | None:
    """Share the result chart after the result message; a failure is logged, never raised.

    The result itself has already been posted and recorded; a chart that cannot be uploaded
    (no files:write scope, the channel gone) must not turn that into an error for the person.
    """
    if deps is None or deps.engine is None or deps.rubric is None:
        return None
    try:
        return post_result_chart(client, deps, assessment_id=assessment_id, channel_id=channel_id)
    except SlackApiError as exc:
        logger.warning(
            "result chart of assessment %s not shared in %s: %s",
            assessment_id,
            channel_id,
            exc.response.get("error"),
        )
        return None
