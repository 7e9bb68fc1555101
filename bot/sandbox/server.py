"""The sandbox over HTTP on 127.0.0.1: a thread for tests, or the main loop of its own process.

Routes: `POST /api/<method>` (the Web API), `POST /_response/<token>` (response URLs),
`POST /_upload/<file_id>` (file uploads), `POST /_sandbox/<operation>` (driver operations, JSON
keyword arguments in, `{"ok": true, "result": ...}` out), `GET /oauth/v2/authorize` (a person
approving an install: see `authorize_page`) and `GET /healthz`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.sandbox.core import DEFAULT_BOT_TOKEN, Reply, control_ops, parse_form_or_json
from bot.sandbox.network import NetworkFaults, cut
from bot.sandbox.ops import Sandbox
from bot.sandbox.store import SlackError

CONTROL_OPS = control_ops(Sandbox)
logger = logging.getLogger("citycheck.sandbox")


MAX_LINE = 65536
IDLE_SECONDS = 60.0
"""A kept connection with no request for this long is closed (its client went away)."""
REASONS = {
    200: "OK",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    429: "Too Many Requests",
}
AUTHORIZE_PATH = "/oauth/v2/authorize"


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """A thread per connection, kept open between requests when the client asks for it
    (HTTP/1.1 keep-alive, as the bot's Web API client does); closed on `server_close`."""

    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024

    def __init__(
        self, address: tuple[str, int], handler: type[socketserver.BaseRequestHandler]
    ) -> None:
        super().__init__(address, handler)
        self._open: set[Any] = set()
        self._open_lock = threading.Lock()
        self.accepted = 0  # connections accepted so far

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self.accepted += 1
            self._open.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def server_close(self) -> None:
        super().server_close()
        with self._open_lock:
            still_open, self._open = list(self._open), set()
        for connection in still_open:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(socketserver.StreamRequestHandler):
    """Requests parsed by hand, one after another on a connection until either side closes it
    (a request with `Connection: close`, such as urllib's, is the last on its connection)."""

    sandbox: Sandbox
    network: NetworkFaults
    timeout = IDLE_SECONDS

    def handle(self) -> None:
        try:
            while self._one_request():
                pass
        except TimeoutError:
            return  # idle for IDLE_SECONDS: the client kept the connection and went away

    def _one_request(self) -> bool:
        """Answer one request; True when the connection stays open for another."""
        line = self.rfile.readline(MAX_LINE)
        if not line:
            return False
        try:
            verb, target, version = line.decode("latin-1").split(" ", 2)
        except ValueError:
            self._send((400, {"Content-Type": "text/plain"}, b"bad request line"), keep=False)
            return False
        headers: dict[str, str] = {}
        while True:
            header = self.rfile.readline(MAX_LINE)
            if header in (b"\r\n", b"\n", b""):
                break
            name, _, value = header.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        keep = version.strip() == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        drop = self.network.take(target)
        if drop is not None and not drop.after:
            cut(self.connection, drop)
            return False
        try:
            reply = _route(self.sandbox, verb, target, headers, raw)
        except Exception:
            logger.exception("the sandbox failed on %s %s", verb, target)
            reply = 500, {"Content-Type": "text/plain"}, b"sandbox error"
        if drop is not None:
            cut(self.connection, drop)
            return False
        self._send(reply, keep=keep)
        return keep

    def _send(self, reply: Reply, *, keep: bool) -> None:
        status, headers, body = reply
        head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}"]
        head += [f"{key}: {value}" for key, value in headers.items()]
        connection = "keep-alive" if keep else "close"
        head += [f"Content-Length: {len(body)}", f"Connection: {connection}", "", ""]
        self.wfile.write("\r\n".join(head).encode("latin-1") + body)


def _route(sandbox: Sandbox, verb: str, target: str, headers: dict[str, str], raw: bytes) -> Reply:
    """Dispatch one request to the Web API, a response URL, an upload or a driver operation."""
    parts = urlsplit(target)
    path = parts.path
    if verb == "GET" and path == "/healthz":
        return 200, {"Content-Type": "application/json"}, b'{"ok":true}'
    if path.startswith("/api/"):
        args: dict[str, Any] = dict(parse_qsl(parts.query))
        args.update(parse_form_or_json(headers.get("content-type", ""), raw))
        token = args.pop("token", None)
        auth = headers.get("authorization", "")
        if auth.startswith("Bearer "):
            token = auth[7:]
        return sandbox.handle_api(path[5:], args, token, _basic_credentials(auth))
    if verb == "GET" and path == AUTHORIZE_PATH:
        return authorize_page(sandbox, dict(parse_qsl(parts.query)), headers.get("cookie", ""))
    if verb != "POST":
        return 404, {"Content-Type": "text/plain"}, b"not found"
    if path.startswith("/_response/"):
        try:
            body: Any = json.loads(raw or b"{}")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        return sandbox.handle_response_url(path[11:], body)
    if path.startswith("/_upload/"):
        return sandbox.handle_upload(path[9:], raw)
    if path.startswith("/_sandbox/"):
        return _control(sandbox, path[10:], raw)
    return 404, {"Content-Type": "text/plain"}, b"not found"


def _basic_credentials(auth: str) -> tuple[str, str] | None:
    """The client id and secret of an `Authorization: Basic ...` header (oauth.v2.access)."""
    if not auth.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return user, password


def authorize_page(sandbox: Sandbox, query: dict[str, str], cookie_header: str) -> Reply:
    """Slack's consent screen, answered at once for the person the browser is signed in as.

    The browser's cookies say who it is (`sandbox_user=<user id>`) and what they choose
    (`sandbox_decision=deny` cancels); the answer redirects back to the app as Slack does, with
    a one-time `code` (or `error=access_denied`) and the app's `state`.
    """
    cookies = dict(part.strip().split("=", 1) for part in cookie_header.split(";") if "=" in part)
    user_id = cookies.get("sandbox_user")
    if not user_id:
        return 401, {"Content-Type": "text/plain"}, b"not signed in to a sandbox workspace"
    try:
        target = sandbox.authorize(
            user_id=user_id,
            client_id=query.get("client_id", ""),
            scope=query.get("scope", ""),
            state=query.get("state", ""),
            redirect_uri=query.get("redirect_uri"),
            approve=cookies.get("sandbox_decision") != "deny",
        )
    except SlackError as exc:
        return 400, {"Content-Type": "text/plain"}, exc.code.encode()
    return 302, {"Location": target, "Content-Type": "text/plain"}, b""


def _control(sandbox: Sandbox, op: str, raw: bytes) -> Reply:
    headers = {"Content-Type": "application/json"}
    if op not in CONTROL_OPS:
        return 404, headers, json.dumps({"ok": False, "error": f"no operation {op!r}"}).encode()
    try:
        kwargs = json.loads(raw or b"{}")
        result = getattr(sandbox, op)(**kwargs)
    except SlackError as exc:
        return 200, headers, json.dumps({"ok": False, "error": exc.code}).encode()
    except (TypeError, ValueError, KeyError) as exc:
        return (
            400,
            headers,
            json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}).encode(),
        )
    return 200, headers, json.dumps({"ok": True, "result": result}, default=repr).encode()


class LocalSandbox(Sandbox):
    """A sandbox served on 127.0.0.1 (a free port unless given): `start()` runs it in a thread."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_token: str = DEFAULT_BOT_TOKEN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(bot_token=bot_token, clock=clock)
        self.network = NetworkFaults()
        handler = type("SandboxHandler", (_Handler,), {"sandbox": self, "network": self.network})
        self._server = _Server((host, port), handler)
        self.host, self.port = (
            str(self._server.server_address[0]),
            int(self._server.server_address[1]),
        )
        self.base_url = f"http://{self.host}:{self.port}/"
        self._thread: threading.Thread | None = None

    def drop_connection(
        self, method: str, *, how: str = "reset", after: bool = False, times: int = 1,
        hold: float = 3.0,
    ) -> None:  # fmt: skip
        """Fail the next `times` calls of `method` on the network (see `bot.sandbox.network`)."""
        self.network.add(method, how=how, after=after, times=times, hold=hold)

    def dropped(self, method: str | None = None) -> list[dict[str, Any]]:
        """The calls failed by `drop_connection` so far, oldest first."""
        return self.network.dropped(method)

    @property
    def connections(self) -> int:
        """How many connections clients have opened to this sandbox so far."""
        return self._server.accepted

    @property
    def url(self) -> str:
        """The sandbox's root URL, ending in a slash."""
        return self.base_url

    @property
    def api_url(self) -> str:
        """The Web API base URL to give the bot as SLACK_API_URL."""
        return self.base_url + "api/"

    def start(self) -> LocalSandbox:
        """Serve in a daemon thread; returns self."""
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until `stop()` is called from another one (or a signal)."""
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LocalSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_until_signalled(sandbox: LocalSandbox, announce: Callable[[str], None] = print) -> None:
    """Serve until SIGTERM or SIGINT, announcing the URL first (the sandbox's own process)."""
    import signal

    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    sandbox.start()
    try:
        announce(f"sandbox Slack listening on {sandbox.url} (Web API: {sandbox.api_url})")
        stop.wait()
    finally:
        sandbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
