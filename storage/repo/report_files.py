"""Report files the bot uploaded to Slack: which Slack file shows a round's result chart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import ReportFile

RESULT_CHART = "result_chart"
"""The kind of a round's result chart (a PNG shared with the result)."""


def record_report_file(
    session: Session,
    *,
    assessment_id: int,
    kind: str,
    slack_file_id: str,
    now: datetime,
    channel_id: str | None = None,
) -> ReportFile:
    """Remember a file uploaded for a round."""
    row = ReportFile(
        assessment_id=assessment_id,
        kind=kind,
        slack_file_id=slack_file_id,
        channel_id=channel_id,
        uploaded_at=now,
    )
    session.add(row)
    session.flush()
    return row


def latest_report_files(
    session: Session, *, assessment_ids: Sequence[int], kind: str
) -> dict[int, ReportFile]:
    """The newest file of this kind for each of these rounds (rounds without one are left out)."""
    if not assessment_ids:
        return {}
    query = (
        select(ReportFile)
        .where(col(ReportFile.assessment_id).in_(list(assessment_ids)), ReportFile.kind == kind)
        .order_by(col(ReportFile.uploaded_at), col(ReportFile.id))
    )
    return {row.assessment_id: row for row in session.exec(query)}
