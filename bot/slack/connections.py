"""Reused HTTP connections to the Web API: one TCP (and TLS) set-up for many calls.

slack_sdk's `WebClient` sends every call with `urllib.request.urlopen`, and urllib opens a new
connection for each request and closes it after the response (`Connection: close`): on Slack a
TCP and a TLS handshake per call, on the sandbox a connection accepted and torn down per call.
`reuse_connections(api_url)` installs, with urllib's own `install_opener`, an opener whose
`KeepAliveHandler` keeps connections to the Web API's address open between calls (at most
`MAX_IDLE` idle ones per address, each for at most `IDLE_SECONDS`) and leaves every other URL
to urllib's usual handlers. The WebClient is unchanged: its retries, timeouts and error handling
apply as before. (slack_sdk builds its own opener when a proxy is configured; then connections
are not kept.)

Safety:
- Before a kept connection is used again it is checked for a close by the server (readable
  while idle means end of file or stray data): such a connection is closed, never used.
- A call that fails is not sent again here, on a kept connection or a new one: the error
  reaches slack_sdk's retry handlers, which decide by method (see `bot.slack.client`).
- A response is read whole before its connection is kept, so no half-read connection is ever
  handed to the next call.
- Idle connections whose server went away are closed whenever another address is added, so a
  process that talks to many short-lived servers (the tests' sandboxes) does not pile them up.
"""

from __future__ import annotations

import http.client
import io
import select
import socket
import threading
import time
import urllib.request
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.response import addinfourl

MAX_IDLE = 16
"""Idle connections kept per address (each listener thread holds one at most while calling)."""
IDLE_SECONDS = 30.0
"""A connection idle this long is closed rather than used again (servers drop idle ones)."""

Idle = list[tuple[float, http.client.HTTPConnection]]


class KeepAliveHandler(urllib.request.BaseHandler):
    """Opens http(s) requests to the addresses it was given on kept connections; passes on
    every other request (returns None, so urllib's own handlers open it)."""

    handler_order = 400  # before urllib's own HTTPHandler and HTTPSHandler (500)

    def __init__(self) -> None:
        self._idle: dict[tuple[str, str], Idle] = {}
        self._lock = threading.Lock()

    def add(self, base_url: str) -> None:
        """Keep connections to `base_url`'s scheme, host and port; close dead idle ones."""
        key = _address(base_url)
        with self._lock:
            self._idle.setdefault(key, [])
        self.close_idle(only_dead=True)

    def http_open(self, req: urllib.request.Request) -> Any:
        """The response to a request to a kept address over http; None for any other."""
        return self._open(req, "http")

    def https_open(self, req: urllib.request.Request) -> Any:
        """The response to a request to a kept address over https; None for any other."""
        return self._open(req, "https")

    def close_idle(self, *, only_dead: bool = False) -> None:
        """Close the idle connections (only those closed by their server or too old, if asked)."""
        now = time.monotonic()
        closing: Idle = []
        with self._lock:
            for key, idle in self._idle.items():
                kept: Idle = []
                for entry in idle:
                    (kept if only_dead and _usable(entry, now) else closing).append(entry)
                self._idle[key] = kept
        for _, connection in closing:
            connection.close()

    def _open(self, req: urllib.request.Request, scheme: str) -> Any:
        key = (scheme, req.host.lower())
        if key not in self._idle or req.has_proxy():
            return None
        connection = self._checkout(key, req.timeout)
        headers = dict(req.unredirected_hdrs)
        headers.update({k: v for k, v in req.headers.items() if k not in headers})
        headers = {name.title(): value for name, value in headers.items()}
        headers["Connection"] = "keep-alive"
        try:
            try:
                connection.request(
                    req.get_method(), req.selector, req.data, headers,
                    encode_chunked=req.has_header("Transfer-encoding"),
                )  # fmt: skip
            except OSError as error:
                raise URLError(error) from error
            response = connection.getresponse()
            body = response.read()
        except BaseException:
            connection.close()
            raise
        if response.will_close:
            connection.close()
        else:
            self._checkin(key, connection)
        answer = addinfourl(io.BytesIO(body), response.headers, req.get_full_url(), response.status)
        answer.msg = response.reason  # type: ignore[attr-defined]  # as urllib's handler sets it
        return answer

    def _checkout(self, key: tuple[str, str], timeout: float | None) -> http.client.HTTPConnection:
        now = time.monotonic()
        while True:
            with self._lock:
                idle = self._idle.get(key)
                if not idle:
                    break
                entry = idle.pop()
            connection = entry[1]
            if _usable(entry, now):
                if timeout is not None and not isinstance(timeout, int | float):
                    timeout = socket.getdefaulttimeout()  # urlopen's "none given" marker
                connection.timeout = timeout
                if connection.sock is not None:
                    connection.sock.settimeout(timeout)
                return connection
            connection.close()
        scheme, netloc = key
        if scheme == "https":
            return http.client.HTTPSConnection(netloc, timeout=timeout)
        return http.client.HTTPConnection(netloc, timeout=timeout)

    def _checkin(self, key: tuple[str, str], connection: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.get(key)
            if idle is not None and len(idle) < MAX_IDLE:
                idle.append((time.monotonic(), connection))
                return
        connection.close()


def _address(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _usable(entry: tuple[float, http.client.HTTPConnection], now: float) -> bool:
    """True for an idle connection young enough and not closed by its server."""
    since, connection = entry
    sock = connection.sock
    if sock is None or now - since >= IDLE_SECONDS:
        return False
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return not poller.poll(0)
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


_handler: KeepAliveHandler | None = None
_install_lock = threading.Lock()


def reuse_connections(api_url: str) -> KeepAliveHandler:
    """Keep connections to `api_url`'s address open between calls, in this process.

    The first call installs urllib's global opener with the process's one `KeepAliveHandler`;
    each call adds its address to it. Returns the handler.
    """
    global _handler
    with _install_lock:
        if _handler is None:
            _handler = KeepAliveHandler()
            urllib.request.install_opener(urllib.request.build_opener(_handler))
        handler = _handler
    handler.add(api_url)
    return handler
