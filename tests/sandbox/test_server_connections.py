"""The sandbox's HTTP server keeps a connection open when the client asks (HTTP/1.1), closes
it when asked (`Connection: close`, as urllib sends), and closes kept ones when it stops."""

from __future__ import annotations

import http.client
import json
import socket

from bot.sandbox.server import LocalSandbox


def _connection(sandbox: LocalSandbox) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(sandbox.host, sandbox.port, timeout=5)


def _auth_test(
    connection: http.client.HTTPConnection, sandbox: LocalSandbox, header: str
) -> tuple[dict[str, object], str]:
    connection.request(
        "POST",
        "/api/auth.test",
        body=b"",
        headers={"Authorization": f"Bearer {sandbox.bot_token}", "Connection": header},
    )
    answer = connection.getresponse()
    return json.loads(answer.read()), str(answer.getheader("Connection"))


def test_requests_follow_each_other_on_a_kept_connection(sandbox: LocalSandbox) -> None:
    before = sandbox.connections
    connection = _connection(sandbox)

    answers = [_auth_test(connection, sandbox, "keep-alive") for _ in range(3)]

    assert [(body["ok"], header) for body, header in answers] == [(True, "keep-alive")] * 3
    assert sandbox.connections - before == 1
    assert len(sandbox.calls("auth.test")) == 3
    connection.close()


def test_connection_close_is_the_last_request_on_its_connection(sandbox: LocalSandbox) -> None:
    connection = _connection(sandbox)

    body, header = _auth_test(connection, sandbox, "close")

    assert body["ok"] is True and header == "close"
    assert connection.sock is None or connection.sock.recv(1) == b""


def test_stopping_closes_the_connections_it_kept() -> None:
    sandbox = LocalSandbox().start()
    connection = _connection(sandbox)
    _auth_test(connection, sandbox, "keep-alive")
    sock = connection.sock
    assert isinstance(sock, socket.socket)

    sandbox.stop()

    sock.settimeout(5)
    assert sock.recv(1) == b""
    connection.close()
