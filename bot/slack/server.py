"""Serving the app: HTTP behind gunicorn (gthread workers), or Socket Mode.

HTTP routes: `POST /slack/events` (events, slash commands and interactions, each signature
checked by Bolt), `GET /healthz` (`{"status": "ok", "database": "ok"}`, 503 when the database
does not answer) and, in OAuth mode, Bolt's install flow: `GET /slack/install` and
`GET /slack/oauth_redirect` (see `bot.slack.oauth`). Every process keeps its state in the
database, so any process can take any request. Gunicorn is embedded: `citycheck run` is the
whole command line. SIGTERM stops gracefully (requests in flight and queued Slack calls
finish, up to GRACEFUL_SECONDS); SIGINT too.

Background services (the scheduler) start in each serving process once the app is built and
stop when that process exits; see `BackgroundService`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from slack_bolt import App

    from bot.deps import Deps

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
GRACEFUL_SECONDS = 10
logger = logging.getLogger("citycheck.server")


class BackgroundService(Protocol):
    """Something that runs beside the listeners in a serving process (the scheduler)."""

    def start(self) -> None:
        """Begin work in background threads; return at once."""

    def stop(self) -> None:
        """Finish or abandon work cleanly; called once at shutdown."""


ServiceFactory = Callable[["Deps"], BackgroundService]


def health(deps: Deps) -> tuple[int, dict[str, str]]:
    """The health answer: 200 when serving (and the database answers), else 503."""
    if deps.engine is None:
        return 200, {"status": "ok", "database": "not configured"}
    from sqlalchemy import text

    try:
        with deps.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        logger.exception("health check: the database did not answer")
        return 503, {"status": "degraded", "database": "unavailable"}
    return 200, {"status": "ok", "database": "ok"}


def build_wsgi_app(app: App, deps: Deps) -> WSGIApplication:
    """The WSGI application: Bolt at /slack/events, the health check at /healthz."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    bolt = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            status, body = health(deps)
            payload = json.dumps(body).encode()
            reason = "OK" if status == 200 else "Service Unavailable"
            start_response(
                f"{status} {reason}",
                [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
            )
            return [payload]
        return bolt(environ, start_response)

    return wsgi


def make_serving_app(
    settings: Any, services: Sequence[ServiceFactory] = (), rubric: Any = None
) -> tuple[WSGIApplication, list[BackgroundService]]:
    """Build Deps, the Bolt app and the WSGI app in this process, and the background services."""
    from bot.deps import build_deps
    from bot.slack.app import build_app

    deps = build_deps(settings, migrate=False, rubric=rubric)
    wsgi = build_wsgi_app(build_app(deps), deps)
    return wsgi, [factory(deps) for factory in services]


def gunicorn_options(
    host: str, port: int, workers: int, threads: int, log_level: str
) -> dict[str, Any]:
    """Gunicorn settings for the bot: gthread workers, graceful stop, no access log.

    `preload_app` stays off: each worker builds its engine, clients and scheduler after the
    fork; only the modules are loaded before it (`preload_modules`).
    """
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 30,
        "graceful_timeout": GRACEFUL_SECONDS,
        "keepalive": 5,
        "backlog": 2048,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": log_level.lower(),
        "proc_name": "citycheck",
        "control_socket_disable": True,
        "preload_app": False,
    }


def serve_http(
    settings: Any,
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    services: Sequence[ServiceFactory] = (),
    rubric: Any = None,
    secrets: Sequence[str] = (),
    log_level: str = "info",
) -> None:
    """Serve over HTTP with gunicorn until SIGTERM/SIGINT; returns (exit 0) after a clean stop."""
    from gunicorn.app.base import BaseApplication

    from bot.slack.logging_setup import add_redaction

    running: list[BackgroundService] = []

    def redact_gunicorn_logs(server: Any) -> None:
        for name in ("gunicorn.error", "gunicorn.access"):
            add_redaction(logging.getLogger(name), secrets)

    def start_services(worker: Any) -> None:
        redact_gunicorn_logs(worker)
        for service in running:
            service.start()

    def stop_services(server: Any, worker: Any) -> None:
        for service in reversed(running):
            try:
                service.stop()
            except Exception:
                logger.exception(
                    "background service %s did not stop cleanly", type(service).__name__
                )

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = gunicorn_options(host, port, workers, threads, log_level)
            options |= {
                "on_starting": redact_gunicorn_logs,
                "post_worker_init": start_services,
                "worker_exit": stop_services,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> WSGIApplication:
            wsgi, built = make_serving_app(settings, services, rubric)
            running[:] = built
            return wsgi

    preload_modules()
    Server().run()


def preload_modules() -> None:
    """Import the app's modules once, before gunicorn forks its workers.

    Each worker then starts with them loaded (shared, copy-on-write) instead of importing them
    all again, several workers at once on the same cores; what each worker builds (engine,
    clients, threads) is still built after the fork, so no connection or thread crosses it.
    Importing them starts nothing: modules do no work at import time.
    """
    import importlib

    importlib.import_module("bot.slack.app")  # the listeners, services and storage below them


def serve_socket_mode(
    settings: Any, *, services: Sequence[ServiceFactory] = (), rubric: Any = None
) -> None:
    """Connect over Socket Mode (no public URL) until SIGTERM/SIGINT, then close cleanly."""
    import signal
    import threading

    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.deps import build_deps
    from bot.slack.app import build_app

    deps = build_deps(settings, migrate=False, rubric=rubric)
    app = build_app(deps)
    running = [factory(deps) for factory in services]
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    for service in running:
        service.start()
    try:
        handler.connect()  # type: ignore[no-untyped-call]
        logger.info("connected to Slack over Socket Mode")
        stop.wait()
    finally:
        logger.info("stopping")
        handler.close()  # type: ignore[no-untyped-call]
        for service in reversed(running):
            service.stop()


class InThreadServer:
    """A threaded WSGI server in a daemon thread: for tests and the demo, not production."""

    def __init__(self, wsgi: WSGIApplication, host: str = "127.0.0.1", port: int = 0) -> None:
        import threading
        from socketserver import ThreadingMixIn
        from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

        class Quiet(WSGIRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """No per-request log lines."""

        class Threaded(ThreadingMixIn, WSGIServer):
            daemon_threads = True
            request_queue_size = 256

        self._server = make_server(host, port, wsgi, server_class=Threaded, handler_class=Quiet)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="wsgi",
            daemon=True,
        )
        self._thread.start()

    @property
    def events_url(self) -> str:
        """The URL Slack would post to."""
        return self.url + EVENTS_PATH

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
