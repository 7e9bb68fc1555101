"""`citycheck run` (the bot) and `citycheck sandbox` (a local Slack to run it against)."""

from __future__ import annotations

import sys
from typing import Any

import typer

DEFAULT_THREADS = 16


def _fail(message: str, code: int = 2) -> typer.Exit:
    print(f"citycheck: {message}", file=sys.stderr)
    return typer.Exit(code)


def _secrets(settings: Any) -> list[str]:
    values = [
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.slack_client_secret,
    ]
    found = [v.get_secret_value() for v in values if v is not None]
    from urllib.parse import urlsplit

    password = urlsplit(settings.database_url.get_secret_value()).password
    return found + ([password] if password else [])


def _check_token(settings: Any) -> None:
    """Ask Slack (auth.test) whether the bot token works; a refusal stops the start.

    In OAuth mode each workspace's token comes from its installation: nothing to check here.
    """
    import logging

    from bot.slack.client import TokenRefused, build_client, verify_token

    if settings.oauth_enabled:
        if settings.slack_bot_token is not None:
            logging.getLogger("citycheck").warning(
                "SLACK_BOT_TOKEN is ignored: with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET each "
                "workspace's token comes from its installation (install at /slack/install)"
            )
        return
    try:
        identity = verify_token(build_client(settings))
    except TokenRefused as exc:
        raise _fail(
            f"Slack refused SLACK_BOT_TOKEN ({exc.error}): copy it again from OAuth & Permissions"
        ) from None
    if identity is not None:
        logging.getLogger("citycheck").info(
            "signed in to team %s as bot user %s", identity.get("team_id"), identity.get("user_id")
        )


def _prepare(settings: Any) -> Any:
    """Once, before serving: bring the database schema up to date and load (so check) the rubric."""
    from bot.deps import load_configured_registry, migrate_database
    from rubric.problems import DataFileError
    from storage.engine import DatabaseUnavailableError, DatabaseUrlError
    from storage.migrate import MigrationError, SchemaOutdatedError

    try:
        migrate_database(settings)
        registry = load_configured_registry(settings)  # every version, so each is checked
        return registry.current if registry is not None else None
    except (DatabaseUrlError, DatabaseUnavailableError, MigrationError, SchemaOutdatedError) as exc:
        raise _fail(str(exc)) from None
    except DataFileError as exc:
        raise _fail(f"the rubric cannot be used: {exc}") from None


def _background_services(no_scheduler: bool) -> list[Any]:
    """Factories of services run beside the listeners (`bot.slack.server.ServiceFactory`).

    The scheduler (reminders, digests, follow-ups), left out with --no-scheduler: the factory
    gets the serving process's Deps and returns an object with `start()` and `stop()`, started
    once the app is built and stopped at shutdown. Each worker process runs one, and they
    elect one leader among themselves and every other scheduler on the database (see
    `bot.schedule.leader`); the ledger keeps sends single whatever happens.
    """
    if no_scheduler:
        return []
    from bot.slack.outbox import scheduler_service

    return [scheduler_service]


def _refuse_second_sqlite_scheduler(settings: Any) -> None:
    """On SQLite, stop here if another process already runs a scheduler on the same file."""
    from bot.schedule.leader import sqlite_refusal
    from storage.engine import parse_database_url
    from storage.leader import FileLock, scheduler_lock

    lock = scheduler_lock(parse_database_url(settings.database_url.get_secret_value()))
    if not isinstance(lock, FileLock):
        return
    if not lock.try_acquire():
        raise _fail(sqlite_refusal(lock))
    lock.release()  # this server's scheduler (one of its workers) takes it once serving


def run(
    http: bool = typer.Option(False, "--http", help="Serve HTTP even when SLACK_APP_TOKEN is set."),
    socket_mode: bool = typer.Option(
        False, "--socket-mode", help="Use Socket Mode (needs SLACK_APP_TOKEN)."
    ),
    host: str = typer.Option("0.0.0.0", "--host", help="Address to bind in HTTP mode."),
    port: int | None = typer.Option(
        None, "--port", help="Port in HTTP mode (default: PORT, else 3000).", show_default=False
    ),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes in HTTP mode."),
    threads: int = typer.Option(
        DEFAULT_THREADS, "--threads", min=1, help="Request threads per worker."
    ),
    no_scheduler: bool = typer.Option(
        False, "--no-scheduler", help="Do not run reminders and digests in this process."
    ),
) -> None:
    """Run the bot: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT.

    HTTP serves POST /slack/events (events, commands, interactions) and GET /healthz, plus
    GET /slack/install and /slack/oauth_redirect with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET
    (one installation for several workspaces; always HTTP). Stop with SIGTERM or Ctrl-C:
    requests in flight finish first.
    """
    from bot.settings import SettingsError, load_settings
    from bot.slack.logging_setup import setup_logging

    if http and socket_mode:
        raise _fail("choose one of --http and --socket-mode")
    try:
        settings = load_settings()
        settings.check_slack()
        level = setup_logging(secrets=_secrets(settings))
    except (SettingsError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if socket_mode and settings.oauth_enabled:
        raise _fail(
            "installing in several workspaces (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) needs "
            "HTTP mode, where Slack sends installers back to /slack/oauth_redirect: drop "
            "--socket-mode"
        )
    use_socket = socket_mode or (
        settings.slack_app_token is not None and not http and not settings.oauth_enabled
    )
    if use_socket and settings.slack_app_token is None:
        raise _fail(
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-...) with "
            "connections:write, from your Slack app's Basic Information page"
        )
    _check_token(settings)
    rubric = _prepare(settings)
    from bot.slack import server

    services = _background_services(no_scheduler)
    if services:
        _refuse_second_sqlite_scheduler(settings)
    if use_socket:
        server.serve_socket_mode(settings, services=services, rubric=rubric)
        return
    import logging

    server.serve_http(
        settings,
        host=host,
        port=port if port is not None else settings.port,
        workers=workers,
        threads=threads,
        services=services,
        rubric=rubric,
        secrets=_secrets(settings),
        log_level=logging.getLevelName(level).lower(),
    )


def sandbox(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind."),
    port: int = typer.Option(0, "--port", help="Port (0: any free port)."),
    bot_token: str | None = typer.Option(
        None,
        "--bot-token",
        help="The bot token to accept (default: SLACK_BOT_TOKEN, else a built-in one).",
    ),
) -> None:
    """Run the sandbox Slack: a local Web API to point SLACK_API_URL at (trials, the demo)."""
    import os

    from bot.sandbox.core import DEFAULT_BOT_TOKEN
    from bot.sandbox.server import LocalSandbox, run_until_signalled

    token = bot_token or os.environ.get("SLACK_BOT_TOKEN") or DEFAULT_BOT_TOKEN
    run_until_signalled(
        LocalSandbox(host=host, port=port, bot_token=token), lambda line: print(line, flush=True)
    )


def register(app: typer.Typer) -> None:
    """Attach `run` and `sandbox` to the main command line."""
    app.command("run")(run)
    app.command("sandbox")(sandbox)
