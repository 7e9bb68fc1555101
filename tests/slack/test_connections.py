"""The Web API client keeps its connections: fewer set-ups, the same answers and the same
retry rules when the network fails (bot.slack.connections)."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.server import LocalSandbox
from bot.settings import load_settings
from bot.slack.client import build_client
from bot.slack.connections import KeepAliveHandler


def _client(sandbox: LocalSandbox) -> WebClient:
    settings = load_settings(
        SLACK_BOT_TOKEN=sandbox.bot_token,
        SLACK_SIGNING_SECRET="x" * 32,
        SLACK_API_URL=sandbox.api_url,
    )
    return build_client(settings)


def test_calls_one_after_another_share_one_connection(sandbox: LocalSandbox) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    client = _client(sandbox)
    before = sandbox.connections

    client.auth_test()
    posted = client.chat_postMessage(channel=ana, text="Question 1")
    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="Saved: all four")
    client.chat_postMessage(channel=ana, text="Question 2")

    assert sandbox.connections - before == 1
    assert [m["text"] for m in sandbox.messages_for(user_id=ana)] == [
        "Saved: all four",
        "Question 2",
    ]


def test_calls_at_once_each_get_a_connection_and_all_arrive(sandbox: LocalSandbox) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    client = _client(sandbox)
    texts = [f"Question {n}" for n in range(12)]

    threads = [
        threading.Thread(target=client.chat_postMessage, kwargs={"channel": ana, "text": t})
        for t in texts
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(m["text"] for m in sandbox.messages_for(user_id=ana)) == sorted(texts)
    assert sandbox.connections <= len(texts)


def test_a_post_lost_on_a_kept_connection_is_not_repeated(sandbox: LocalSandbox) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    client = _client(sandbox)
    client.auth_test()  # the connection is now kept
    sandbox.drop_connection("chat.postMessage", how="reset", after=False)

    with pytest.raises(OSError):
        client.chat_postMessage(channel=ana, text="Your next question")

    assert len(sandbox.dropped("chat.postMessage")) == 1
    assert sandbox.messages_for(user_id=ana) == []
    client.chat_postMessage(channel=ana, text="Your next question")  # a new connection
    assert [m["text"] for m in sandbox.messages_for(user_id=ana)] == ["Your next question"]


def test_a_post_run_but_whose_answer_was_lost_is_there_once(sandbox: LocalSandbox) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    client = _client(sandbox)
    client.auth_test()
    sandbox.drop_connection("chat.postMessage", how="reset", after=True)

    with pytest.raises(OSError):
        client.chat_postMessage(channel=ana, text="Your next question")

    assert [m["text"] for m in sandbox.messages_for(user_id=ana)] == ["Your next question"]


def test_an_update_lost_on_a_kept_connection_is_retried_and_applied(
    sandbox: LocalSandbox,
) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    client = _client(sandbox)
    posted = client.chat_postMessage(channel=ana, text="Question 1")
    sandbox.drop_connection("chat.update", how="reset", after=True)

    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="Saved: all four")

    assert len(sandbox.calls("chat.update")) == 2
    assert [m["text"] for m in sandbox.messages_for(user_id=ana)] == ["Saved: all four"]


def test_errors_come_back_as_they_do_on_new_connections(sandbox: LocalSandbox) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    client = _client(sandbox)
    client.auth_test()
    sandbox.server_error("chat.postMessage", status=503)
    sandbox.slack_error("chat.update", "message_not_found")

    with pytest.raises(SlackApiError) as failed:
        client.chat_postMessage(channel=ana, text="hello")
    with pytest.raises(SlackApiError) as refused:
        client.chat_update(channel=ana, ts="1.000001", text="hello")

    assert failed.value.response.status_code == 503
    assert refused.value.response["error"] == "message_not_found"
    assert client.chat_postMessage(channel=ana, text="hello")["ok"]


class _Recorder(BaseHTTPRequestHandler):
    """Answers every request with 200 and its connection header; counts connections."""

    protocol_version = "HTTP/1.1"
    connections: ClassVar[list[int]] = []
    close_after_answer: ClassVar[bool] = False

    def setup(self) -> None:
        super().setup()
        type(self).connections.append(self.client_address[1])

    def do_GET(self) -> None:
        body = (self.headers.get("Connection") or "").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if type(self).close_after_answer:  # says nothing, as a server dropping idle ones
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    """Counts the connections it has closed (`closed.acquire()` waits for the next one)."""

    closed: threading.Semaphore

    def shutdown_request(self, request: object) -> None:
        super().shutdown_request(request)  # type: ignore[arg-type]
        self.closed.release()


@pytest.fixture
def recorder() -> Iterator[tuple[str, type[_Recorder], _Server]]:
    handler = type("Recorder", (_Recorder,), {"connections": [], "close_after_answer": False})
    server = _Server(("127.0.0.1", 0), handler)
    server.closed = threading.Semaphore(0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", handler, server
    finally:
        server.shutdown()
        server.server_close()


def _get(opener: urllib.request.OpenerDirector, url: str) -> str:
    with opener.open(url, timeout=5) as answer:
        return str(answer.read().decode())


def _opener(kept: str) -> urllib.request.OpenerDirector:
    """An opener like the one `reuse_connections` installs, keeping connections to `kept` only
    (its own handler: addresses other tests in this process kept do not count)."""
    handler = KeepAliveHandler()
    handler.add(kept)
    return urllib.request.build_opener(handler)


def test_a_connection_the_server_closed_while_idle_is_replaced(
    recorder: tuple[str, type[_Recorder], _Server],
) -> None:
    url, handler, server = recorder
    handler.close_after_answer = True
    opener = _opener(url)

    answers = []
    for _ in range(3):
        answers.append(_get(opener, url + "api/auth.test"))
        assert server.closed.acquire(timeout=5)  # closed by the server, idle in the pool

    assert answers == ["keep-alive"] * 3
    assert len(handler.connections) == 3


def test_other_addresses_are_left_to_urllib(
    recorder: tuple[str, type[_Recorder], _Server],
) -> None:
    url, handler, _ = recorder
    opener = _opener("http://127.0.0.1:9/api/")  # another address is kept, not this one

    answers = [_get(opener, url) for _ in range(2)]

    assert answers == ["close", "close"]
    assert len(handler.connections) == 2
