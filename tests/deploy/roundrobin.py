"""A tiny load balancer for tests: each request goes to the next bot process in turn.

It forwards a request's body and headers as they came (Slack's signature stays valid) and
remembers which process answered which request, so a test can see the traffic was shared.
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

FORWARDED = ("content-type", "x-slack-request-timestamp", "x-slack-signature", "x-slack-retry-num")


@dataclass(frozen=True)
class Served:
    """One request: which backend answered, with what status, and what Slack sent."""

    backend: int
    status: int
    kind: str
    """`action:<action_id>`, `event:<type>`, `command:<text>` or `other`."""


def kind_of(content_type: str, body: bytes) -> str:
    """What a request from Slack was, in a word."""
    if "json" in content_type:
        event = json.loads(body or b"{}").get("event") or {}
        return f"event:{event.get('type')}"
    form = parse_qs(body.decode("utf-8"))
    if "payload" in form:
        payload = json.loads(form["payload"][0])
        actions = payload.get("actions") or [{}]
        return f"action:{actions[0].get('action_id') or payload.get('type')}"
    if "command" in form:
        return f"command:{form.get('text', [''])[0]}"
    return "other"


class RoundRobin:
    """Serves on 127.0.0.1 and forwards each POST to the next of `backends` (base URLs)."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = [urlsplit(url) for url in backends]
        self.served: list[Served] = []
        self._turn = itertools.count()
        self._lock = threading.Lock()
        balancer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, answer = balancer.forward(self.path, self.headers, body)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def events_url(self) -> str:
        """The URL Slack would post to."""
        return self.url + "/slack/events"

    def forward(
        self, path: str, headers: Any, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Send one request to the next backend; its status, headers and body."""
        with self._lock:
            index = next(self._turn) % len(self.backends)
        target = self.backends[index]
        sent = {name: headers[name] for name in FORWARDED if headers.get(name) is not None}
        connection = http.client.HTTPConnection(
            target.hostname or "127.0.0.1", target.port, timeout=30
        )
        try:
            connection.request("POST", path, body=body, headers=sent)
            answer = connection.getresponse()
            data = answer.read()
            kept = [(k, v) for k, v in answer.getheaders() if k.lower() == "content-type"]
        finally:
            connection.close()
        kind = kind_of(headers.get("content-type") or "", body)
        with self._lock:
            self.served.append(Served(index, answer.status, kind))
        return answer.status, kept, data

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
