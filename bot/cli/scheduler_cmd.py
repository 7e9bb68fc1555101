"""`citycheck scheduler`: reminders, digests and follow-ups, alone in their own process."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import typer

DEFAULT_INTERVAL = 60.0


def _fail(message: str, code: int = 2) -> typer.Exit:
    print(f"citycheck: {message}", file=sys.stderr)
    return typer.Exit(code)


def _clock(start: str | None) -> Any:
    """The real clock, or one that starts at `start` (UTC, ISO 8601) and runs on from there."""
    from bot.deps import utc_now

    if start is None:
        return utc_now
    import time

    try:
        begin = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        raise _fail(f"--now {start!r} is not a time: write e.g. 2027-03-15T13:00:00Z") from None
    if begin.tzinfo is None:
        begin = begin.replace(tzinfo=UTC)
    origin = time.monotonic()
    return lambda: begin + timedelta(seconds=time.monotonic() - origin)


def _deps(clock: Any) -> Any:
    """Settings, the Web API client (the bot token is enough), the database and the rubric."""
    from slack_sdk import WebClient

    from bot.cli.run_cmd import _prepare, _secrets
    from bot.deps import Deps
    from bot.settings import SettingsError, load_settings
    from bot.slack.client import CLIENT_TIMEOUT_SECONDS, DEFAULT_API_URL, build_retry_handlers
    from bot.slack.logging_setup import setup_logging
    from storage.engine import DatabaseUrlError, make_engine

    try:
        settings = load_settings()
        setup_logging(secrets=_secrets(settings))
    except (SettingsError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if settings.slack_bot_token is None:
        raise _fail(
            "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) from your "
            "Slack app's OAuth & Permissions page"
        )
    rubric = _prepare(settings)
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url or DEFAULT_API_URL,
        timeout=CLIENT_TIMEOUT_SECONDS,
        retry_handlers=build_retry_handlers(),
    )
    try:
        engine = make_engine(settings.database_url.get_secret_value())
    except DatabaseUrlError as exc:
        raise _fail(str(exc)) from None
    return Deps(settings=settings, client=client, engine=engine, rubric=rubric, clock=clock)


def scheduler(
    once: bool = typer.Option(
        False, "--once", help="Run one sweep, print what it did, and exit (cron, tests)."
    ),
    interval: float = typer.Option(
        DEFAULT_INTERVAL, "--interval", min=0.1, help="Seconds between two sweeps."
    ),
    channel_interval: float = typer.Option(
        1.0, "--channel-interval", min=0.0, help="Seconds between two posts to one channel."
    ),
    now: str | None = typer.Option(
        None,
        "--now",
        help="Start the clock at this UTC time (ISO 8601) instead of now: for trials and tests.",
        show_default=False,
    ),
) -> None:
    """Send milestone reminders, weekly digests and respondent follow-ups, each exactly once.

    Runs alone, for deployments whose bot processes run with `citycheck run --no-scheduler`;
    several schedulers may run at once (every send is claimed in the database first). Stop with
    SIGTERM or Ctrl-C: the send in progress finishes first.
    """
    import signal
    import threading

    from bot.schedule.ticker import SchedulerService
    from bot.slack.outbox import build_sweeper

    deps = _deps(_clock(now))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    sweeper = build_sweeper(deps, stop=stop, channel_interval=channel_interval)
    try:
        if once:
            print(f"sweep: {sweeper.sweep().summary()}", flush=True)
            return
        service = SchedulerService(sweeper.sweep_safely, interval=interval, stop=stop)
        service.start()
        print(f"scheduler running: a sweep every {interval:g} s", flush=True)
        stop.wait()
        service.stop()
    finally:
        deps.engine.dispose()


def register(app: typer.Typer) -> None:
    """Attach `scheduler` to the main command line."""
    app.command("scheduler")(scheduler)
