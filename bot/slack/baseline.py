"""The benchmarks' baseline: a bare Bolt app whose one listener only acks, on citycheck's server.

Same server as `citycheck run` (gunicorn gthread with `bot.slack.server.gunicorn_options`, Bolt's
WSGI adapter), same Bolt setting (`process_before_response=True`), signatures checked; nothing
else. `python -m bot.slack.baseline --port P --workers W --threads T --api-url URL` serves it until
SIGTERM; GET /healthz answers 200 once it is up.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from slack_bolt import App

BARE_ACTION_ID = "bench_answer"
"""The action id of the block_actions the bare app acks (any action id matches)."""


def build_bare_app(*, signing_secret: str, bot_token: str, api_url: str) -> App:
    """Bolt with one listener that acks every block_actions and does nothing else."""
    from slack_bolt import Ack, App
    from slack_sdk import WebClient

    app = App(
        client=WebClient(token=bot_token, base_url=api_url),
        signing_secret=signing_secret,
        process_before_response=True,
        token_verification_enabled=False,
    )

    @app.action(re.compile(".*"))
    def only_ack(ack: Ack) -> None:
        ack()

    return app


def build_bare_wsgi(app: App) -> WSGIApplication:
    """Bolt at /slack/events and a 200 at /healthz, as citycheck's WSGI app."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from bot.slack.server import EVENTS_PATH, HEALTH_PATH

    bolt = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
            return [b"ok"]
        return bolt(environ, start_response)

    return wsgi


def serve(*, port: int, workers: int, threads: int, api_url: str) -> None:
    """Serve the bare app with gunicorn on 127.0.0.1:port until SIGTERM."""
    from gunicorn.app.base import BaseApplication

    from bot.slack.server import gunicorn_options

    secret = os.environ["SLACK_SIGNING_SECRET"]
    token = os.environ["SLACK_BOT_TOKEN"]

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = gunicorn_options(
                "127.0.0.1", port, workers, threads, "warning"
            )
            options["proc_name"] = "citycheck-bench-bare"
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> WSGIApplication:
            app = build_bare_app(signing_secret=secret, bot_token=token, api_url=api_url)
            return build_bare_wsgi(app)

    Server().run()


def main(argv: list[str] | None = None) -> None:
    """Parse options and serve."""
    parser = argparse.ArgumentParser(prog="python -m bot.slack.baseline", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--api-url", required=True, help="the Web API base URL (the sandbox's)")
    options = parser.parse_args(argv)
    serve(
        port=options.port, workers=options.workers, threads=options.threads, api_url=options.api_url
    )


if __name__ == "__main__":
    main()
