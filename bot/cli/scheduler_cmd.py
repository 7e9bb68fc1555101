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
    """Settings, the Web API client (the bot token is enough), the database and the rubric.

    In OAuth mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) each workspace's client comes from
    its installation, in the same database.
    """
    from bot.cli.run_cmd import _prepare, _secrets
    from bot.deps import Deps
    from bot.settings import SettingsError, load_settings
    from bot.slack.client import build_client
    from bot.slack.logging_setup import setup_logging
    from storage.engine import DatabaseUrlError, make_engine

    try:
        settings = load_settings()
        setup_logging(secrets=_secrets(settings))
        settings.check_oauth_pair()
    except (SettingsError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if not settings.oauth_enabled and settings.slack_bot_token is None:
        raise _fail(
            "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) from your "
            "Slack app's OAuth & Permissions page (or, for several workspaces, set "
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)"
        )
    rubric = _prepare(settings)
    try:
        engine = make_engine(settings.database_url.get_secret_value())
    except DatabaseUrlError as exc:
        raise _fail(str(exc)) from None
    team_clients = None
    if settings.oauth_enabled:
        from bot.slack.installations import InstalledClients

        team_clients = InstalledClients.on_database(settings, engine)
    return Deps(
        settings=settings,
        client=build_client(settings),
        engine=engine,
        rubric=rubric,
        clock=clock,
        team_clients=team_clients,
    )


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

    Runs alone, for deployments whose bot processes run with `citycheck run --no-scheduler`.
    On PostgreSQL several may run: one leads (an advisory lock) and sweeps, the others take over
    within seconds when it stops or dies; --once skips its sweep while another leads. On SQLite
    a second scheduler is refused. Stop with SIGTERM or Ctrl-C: the send in progress finishes
    first.
    """
    import signal
    import threading

    from bot.schedule.leader import LeaderService, sqlite_refusal
    from bot.slack.outbox import build_sweeper, scheduler_service
    from storage.leader import FileLock

    deps = _deps(_clock(now))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    service: LeaderService = scheduler_service(
        deps, interval=interval, channel_interval=channel_interval
    )
    lock = service.lock
    try:
        if isinstance(lock, FileLock) and not lock.try_acquire():
            raise _fail(sqlite_refusal(lock))
        if once:
            if not lock.try_acquire():
                print("sweep: skipped: another scheduler is leading", flush=True)
                return
            sweeper = build_sweeper(deps, stop=stop, channel_interval=channel_interval)
            print(f"sweep: {sweeper.sweep().summary()}", flush=True)
            return
        service.announce = lambda line: print(line, flush=True)
        service.start()
        print(f"scheduler running: a sweep every {interval:g} s while leading", flush=True)
        stop.wait()
        service.stop()
    finally:
        lock.release()
        deps.engine.dispose()


def register(app: typer.Typer) -> None:
    """Attach `scheduler` to the main command line."""
    app.command("scheduler")(scheduler)
