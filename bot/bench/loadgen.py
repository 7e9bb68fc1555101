"""The load generator: pre-signed requests sent over kept-alive connections from worker processes.

`sign_requests` turns bodies into complete HTTP/1.1 requests, signed as Slack signs them, before
the clock starts. `run_load` splits them over `concurrency` clients (one connection each),
spread over at most `processes` worker processes, releases every client at once and returns
each request's latency, the wall time, the statuses and the CPU the clients spent, so that the
cost of the generator itself is known. Only the standard library is imported here: worker
processes start fast.
"""

from __future__ import annotations

import hashlib
import hmac
import multiprocessing
import socket
import threading
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

READY_TIMEOUT_S = 30.0
RUN_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class Request:
    """One request to the app before signing: its body and content type."""

    body: bytes
    content_type: str


def slack_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Slack-Signature of `body` sent at `timestamp` (HMAC-SHA256 of `v0:ts:body`)."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def sign_requests(url: str, requests: list[Request], secret: str, timestamp: int) -> list[bytes]:
    """Complete HTTP/1.1 POSTs to `url`, each signed for `timestamp` (keep-alive)."""
    parts = urlsplit(url)
    host = f"{parts.hostname}:{parts.port}"
    path = parts.path or "/"
    signed = []
    for request in requests:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {request.content_type}\r\n"
            f"Content-Length: {len(request.body)}\r\nX-Slack-Request-Timestamp: {timestamp}\r\n"
            f"X-Slack-Signature: {slack_signature(secret, timestamp, request.body)}\r\n\r\n"
        )
        signed.append(head.encode("latin-1") + request.body)
    return signed


@dataclass
class LoadResult:
    """What one run of the generator measured."""

    concurrency: int
    processes: int
    latencies_ns: list[int]
    wall_s: float
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    client_cpu_s: float = 0.0
    started_at: float = 0.0
    """Wall-clock time (time.time) when the clients were released."""

    @property
    def count(self) -> int:
        """Requests answered (any status)."""
        return len(self.latencies_ns)

    @property
    def ok(self) -> int:
        """Requests answered with 200."""
        return self.statuses.get(200, 0)

    def summary(self) -> dict[str, Any]:
        """p50, p99, mean and max latency in ms, throughput, errors and client CPU per request."""
        ordered = sorted(self.latencies_ns)
        return {
            "concurrency": self.concurrency,
            "requests": self.count,
            "ok": self.ok,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "failures": self.failures[:5],
            "p50_ms": round(percentile(ordered, 50) / 1e6, 3),
            "p99_ms": round(percentile(ordered, 99) / 1e6, 3),
            "mean_ms": round(sum(ordered) / len(ordered) / 1e6, 3) if ordered else 0.0,
            "max_ms": round(ordered[-1] / 1e6, 3) if ordered else 0.0,
            "throughput_rps": round(self.count / self.wall_s, 1) if self.wall_s > 0 else 0.0,
            "wall_s": round(self.wall_s, 3),
            "client_processes": self.processes,
            "client_cpu_us_per_request": (
                round(self.client_cpu_s / self.count * 1e6, 1) if self.count else 0.0
            ),
        }


def percentile(ordered: list[int], pct: float) -> float:
    """The nearest-rank percentile of sorted values (0 for none)."""
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * pct // 100))
    return float(ordered[int(rank) - 1])


class _Connection:
    """One kept-alive connection that sends raw requests and reads Content-Length answers."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.address = (host, port)
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.buffer = b""

    def connect(self) -> None:
        self.close()
        sock = socket.create_connection(self.address, timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self.buffer = sock, b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def exchange(self, raw: bytes) -> int:
        """Send one request and read its answer; returns the status."""
        if self.sock is None:
            self.connect()
        assert self.sock is not None
        self.sock.sendall(raw)
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:])
        }
        if "content-length" not in headers:
            raise ConnectionError(f"answer without Content-Length (status {status})")
        length = int(headers["content-length"])
        self.buffer = rest
        while len(self.buffer) < length:
            self._fill()
        self.buffer = self.buffer[length:]
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status

    def _fill(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk


def _client(
    connection: _Connection,
    raws: list[bytes],
    start: threading.Barrier,
    latencies: array[int],
    statuses: Counter[int],
    failures: list[str],
) -> None:
    start.wait()
    clock = time.perf_counter_ns
    for raw in raws:
        began = clock()
        try:
            status = connection.exchange(raw)
        except OSError as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
            connection.close()
            continue
        latencies.append(clock() - began)
        statuses[status] += 1
    connection.close()


def _worker(
    host: str, port: int, shares: list[list[bytes]], timeout: float, ready: Any, go: Any, out: Any
) -> None:
    """A worker process: one thread per client, released together when `go` is set."""
    connections = [_Connection(host, port, timeout) for _ in shares]
    for connection in connections:
        connection.connect()
    latencies: list[array[int]] = [array("q") for _ in shares]
    statuses: list[Counter[int]] = [Counter() for _ in shares]
    failures: list[str] = []
    barrier = threading.Barrier(len(shares) + 1)
    threads = [
        threading.Thread(
            target=_client, args=(c, s, barrier, lat, st, failures), daemon=True, name="client"
        )
        for c, s, lat, st in zip(connections, shares, latencies, statuses, strict=True)
    ]
    for thread in threads:
        thread.start()
    ready.set()
    go.wait(READY_TIMEOUT_S)
    cpu_before = time.process_time()
    began = time.perf_counter_ns()
    barrier.wait()
    for thread in threads:
        thread.join(RUN_TIMEOUT_S)
    ended = time.perf_counter_ns()
    total: Counter[int] = Counter()
    for counter in statuses:
        total.update(counter)
    merged = array("q")
    for part in latencies:
        merged.extend(part)
    out.send(
        {
            "latencies": merged.tobytes(),
            "began": began,
            "ended": ended,
            "statuses": dict(total),
            "failures": failures[:20],
            "cpu": time.process_time() - cpu_before,
        }
    )
    out.close()


def run_load(
    url: str,
    raws: list[bytes],
    *,
    concurrency: int,
    processes: int = 2,
    timeout: float = 30.0,
) -> LoadResult:
    """Send `raws` from `concurrency` clients at once (client i sends raws[i::concurrency])."""
    if concurrency < 1 or not raws:
        raise ValueError("need at least one client and one request")
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", int(parts.port or 80)
    shares = [raws[i::concurrency] for i in range(concurrency)]
    shares = [share for share in shares if share]
    used = max(1, min(processes, len(shares)))
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    workers = []
    for index in range(used):
        ready = context.Event()
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_worker,
            args=(host, port, shares[index::used], timeout, ready, go, send),
            daemon=True,
        )
        process.start()
        send.close()
        workers.append((process, ready, receive))
    try:
        for process, ready, _ in workers:
            if not ready.wait(READY_TIMEOUT_S):
                raise RuntimeError(f"load generator worker {process.pid} did not get ready")
        started_at = time.time()
        go.set()
        answers = []
        for process, _, receive in workers:
            if not receive.poll(RUN_TIMEOUT_S):
                raise RuntimeError(f"load generator worker {process.pid} did not finish")
            answers.append(receive.recv())
    finally:
        for process, _, receive in workers:
            receive.close()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
    latencies: list[int] = []
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    for answer in answers:
        values = array("q")
        values.frombytes(answer["latencies"])
        latencies.extend(values)
        statuses.update({int(k): v for k, v in answer["statuses"].items()})
        failures.extend(answer["failures"])
    began = min(a["began"] for a in answers)
    ended = max(a["ended"] for a in answers)
    return LoadResult(
        concurrency=concurrency,
        processes=used,
        latencies_ns=latencies,
        wall_s=(ended - began) / 1e9,
        statuses=statuses,
        failures=failures,
        client_cpu_s=sum(a["cpu"] for a in answers),
        started_at=started_at,
    )
