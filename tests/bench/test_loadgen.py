"""The load generator: Slack-signed requests, each sent once on a kept-alive connection."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from slack_sdk.signature import SignatureVerifier

from bot.bench.loadgen import Request, percentile, run_load, sign_requests

SECRET = "test-secret"


def _split(raw: bytes) -> tuple[dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")[1:]
    headers = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return headers, body


def test_signed_requests_pass_slacks_signature_check() -> None:
    bodies = [Request(b"payload=%7B%7D", "application/x-www-form-urlencoded"),
              Request(b'{"type":"event_callback"}', "application/json")]  # fmt: skip
    timestamp = 1_800_000_000
    raws = sign_requests("http://127.0.0.1:8123/slack/events", bodies, SECRET, timestamp)

    verifier = SignatureVerifier(SECRET, clock=type("C", (), {"now": lambda self: timestamp})())
    for raw, request in zip(raws, bodies, strict=True):
        headers, body = _split(raw)
        assert raw.startswith(b"POST /slack/events HTTP/1.1\r\n")
        assert body == request.body
        assert headers["Content-Length"] == str(len(request.body))
        assert headers["Content-Type"] == request.content_type
        assert verifier.is_valid(
            body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
        )
    assert not verifier.is_valid(
        b"tampered", str(timestamp), _split(raws[0])[0]["X-Slack-Signature"]
    )


def test_percentiles_are_nearest_rank() -> None:
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7], 99) == 7
    assert percentile([], 50) == 0


class _Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bodies: Counter[bytes] = Counter()
        self.connections = 0


@pytest.fixture
def server() -> Iterator[tuple[str, _Recorder]]:
    """A keep-alive HTTP server that records every body and counts connections."""
    recorder = _Recorder()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            with recorder.lock:
                recorder.connections += 1

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with recorder.lock:
                recorder.bodies[body] += 1
            status = 200 if body != b"refuse" else 401
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/slack/events", recorder
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_every_request_is_sent_once_over_one_connection_per_client(
    server: tuple[str, _Recorder],
) -> None:
    url, recorder = server
    bodies = [Request(f"n={i}".encode(), "text/plain") for i in range(60)]
    bodies.append(Request(b"refuse", "text/plain"))

    result = run_load(url, sign_requests(url, bodies, SECRET, 1), concurrency=4, processes=2)

    assert recorder.bodies == Counter(r.body for r in bodies)
    assert recorder.connections == 4
    assert result.count == 61
    assert result.statuses == Counter({200: 60, 401: 1})
    summary = result.summary()
    assert summary["requests"] == 61 and summary["ok"] == 60
    assert summary["client_processes"] == 2
    assert 0 < summary["p50_ms"] <= summary["p99_ms"] <= summary["max_ms"]


def test_nothing_to_send_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        run_load("http://127.0.0.1:9/", [], concurrency=1)
