"""The sandbox's behaviour, apart from HTTP: every call checked, logged, faulted or answered.

`SandboxCore.handle_api` answers one Web API call; `handle_response_url` and `handle_upload` serve
the URLs Slack hands out; the methods marked `@control` are what a driver reads and changes, in
this process or (through `bot.sandbox.remote`) from another one.
"""

from __future__ import annotations

import collections
import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from bot.sandbox import checks
from bot.sandbox.methods import METHODS, Violation, encode, slack_file_problems
from bot.sandbox.methods import upload as store_upload
from bot.sandbox.store import Json, SlackError, Store, with_ids
from bot.sandbox.teams import Workspaces

DEFAULT_BOT_TOKEN = "xoxb-0000000001-0000000002-sandboxsandboxsandbox"
CALL_LOG_LIMIT = 100_000
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}

Reply = tuple[int, dict[str, str], bytes]
F = TypeVar("F", bound=Callable[..., Any])


def control(func: F) -> F:
    """Mark a method as a driver operation, callable over the control endpoint too."""
    func._sandbox_control = True  # type: ignore[attr-defined]
    return func


def control_ops(cls: type) -> frozenset[str]:
    """The names of a class's driver operations (methods marked with `@control`)."""
    return frozenset(
        name for name in dir(cls) if getattr(getattr(cls, name), "_sandbox_control", False)
    )


@dataclass
class Fault:
    """Answer the next `times` calls of `method` with this status / error instead of running it."""

    method: str
    status: int
    error: str
    retry_after: int | None
    times: int


def _reply(status: int, body: Json, headers: dict[str, str] | None = None) -> Reply:
    return status, {**JSON_HEADERS, **(headers or {})}, encode(body)


class SandboxCore:
    """A Slack workspace in memory with a strict Web API in front of it."""

    def __init__(
        self, *, bot_token: str = DEFAULT_BOT_TOKEN, clock: Callable[[], float] = time.time
    ) -> None:
        self.bot_token = bot_token
        self.clock = clock
        self.workspaces = Workspaces(clock, bot_token)
        self.base_url = "http://127.0.0.1/"
        self._lock = threading.Lock()
        self._calls: collections.deque[Json] = collections.deque(maxlen=CALL_LOG_LIMIT)
        self._violations: list[Json] = []
        self._faults: list[Fault] = []
        self._seq = 0

    @property
    def store(self) -> Store:
        """The first workspace: the one the sandbox's own bot token belongs to."""
        return self.workspaces.primary

    # the Web API ------------------------------------------------------------------------------
    def handle_api(
        self,
        method: str,
        args: Json,
        token: str | None,
        credentials: tuple[str, str] | None = None,
    ) -> Reply:
        """Answer one Web API call: check it, log it, apply a fault, or run the method.

        The token picks the workspace; `oauth.v2.access` authenticates with the app's client
        id and secret (`credentials`, from HTTP Basic auth) instead.
        """
        call = self._log_call(method, args)
        if method == "oauth.v2.access" and token is None:
            return self._answer(call, lambda: self.workspaces.exchange(args, credentials))
        store, problems, error = self._contract_problems(method, args, token)
        if store is None and not problems:
            call["error"] = error
            return _reply(200, {"ok": False, "error": error})
        if store is not None:
            call["team"] = store.team_id
        if not problems and store is not None:
            problems, error = slack_file_problems(store, args), "invalid_blocks"
        if problems or store is None:
            return self._violation(call, error, problems)
        fault = self._take_fault(method)
        if fault is not None:
            call["fault"] = asdict(fault) | {"times": None}
            headers = (
                {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            )
            return _reply(fault.status, {"ok": False, "error": fault.error}, headers)
        implementation = METHODS.get(method)
        if implementation is None:
            return self._violation(
                call, "not_implemented", [f"the sandbox does not implement {method} yet"]
            )
        return self._answer(call, lambda: implementation(store, args, self.base_url))

    def _answer(self, call: Json, run: Callable[[], Json]) -> Reply:
        try:
            body = run()
        except Violation as exc:
            return self._violation(call, exc.error, exc.problems)
        except SlackError as exc:
            call["error"] = exc.code
            return _reply(exc.status, self._error_body(exc))
        call["ok"] = True
        return _reply(200, {"ok": True, **body})

    def _contract_problems(
        self, method: str, args: Json, token: str | None
    ) -> tuple[Store | None, list[str], str]:
        """The token's workspace, and what breaks the contract (a revoked token breaks none)."""
        if token is None:
            return None, ["no token was sent"], "not_authed"
        store = self.workspaces.of_token(token)
        if store is None:
            if self.workspaces.is_revoked(token):
                return None, [], "token_revoked"
            kind = token.split("-", 1)[0] + "-" if "-" in token else "unknown"
            return (
                None,
                [f"the token is not the sandbox's bot token (a {kind} token was sent)"],
                "invalid_auth",
            )
        if checks.method_arguments(method) is None:
            return store, [f"{method} is not a Web API method known to slack_sdk"], "unknown_method"
        problems = checks.check_arguments(method, args)
        if problems:
            return store, problems, "invalid_arguments"
        return store, self.workspaces.foreign_ids(store, args), "channel_not_found"

    def _violation(self, call: Json, error: str, problems: list[str]) -> Reply:
        call["error"] = error
        with self._lock:
            self._violations.append(
                {"method": call["method"], "error": error, "problems": problems, "at": call["at"]}
            )
        return _reply(
            200, {"ok": False, "error": error, "response_metadata": {"messages": problems}}
        )

    @staticmethod
    def _error_body(exc: SlackError) -> Json:
        body: Json = {"ok": False, "error": exc.code}
        if exc.extra.get("messages"):
            body["response_metadata"] = {"messages": exc.extra["messages"]}
        return body

    def _log_call(self, method: str, args: Json) -> Json:
        with self._lock:
            self._seq += 1
            call = {"seq": self._seq, "method": method, "at": self.clock(), "args": args}
            self._calls.append(call)
            return call

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method == method and fault.times > 0:
                    fault.times -= 1
                    return Fault(fault.method, fault.status, fault.error, fault.retry_after, 1)
            return None

    # response URLs and uploads ------------------------------------------------------------------
    def handle_response_url(self, token: str, body: Any) -> Reply:
        """A message sent to a response_url: checked, then shown as Slack would show it."""
        call = self._log_call("response_url", body if isinstance(body, dict) else {"body": body})
        problems = checks.check_response_body(body)
        if problems:
            self._violation(call, "invalid_blocks", problems)
            return 400, {"Content-Type": "text/plain"}, b"invalid_blocks"
        try:
            store = self.workspaces.of_response_url(token)
            entry = store.use_response_url(token)
        except SlackError as exc:
            call["error"] = exc.code
            return exc.status, {"Content-Type": "text/plain"}, exc.code.encode()
        self._show_response(
            entry["user"], entry["channel"], body, entry.get("source"), "response_url", store
        )
        call["ok"] = True
        return _reply(200, {"ok": True})

    def _show_response(
        self,
        user_id: str,
        channel_id: str,
        body: Json,
        source: Json | None,
        how: str,
        store: Store,
    ) -> None:
        content = {
            "text": body.get("text", ""),
            "blocks": with_ids(checks.decode_json(body.get("blocks")) or []),
        }
        original = self._source_message(source, store)
        with store.lock:
            if original is not None and _flag(body.get("delete_original")):
                original["deleted"] = True
                return
            if original is not None and _flag(body.get("replace_original")):
                original.setdefault("history", []).append(
                    {"text": original["text"], "blocks": original["blocks"]}
                )
                original.update(content)
                return
        if body.get("response_type") == "in_channel":
            message = {"user": store.bot_user_id, "bot_id": store.bot_id, **content}
            store.add_message(channel_id, message)
        else:
            store.add_ephemeral(channel_id, user_id, content, how)

    @staticmethod
    def _source_message(source: Json | None, store: Store) -> Json | None:
        if not source:
            return None
        if source.get("ephemeral_ts"):
            return next((m for m in store.ephemerals if m["ts"] == source["ephemeral_ts"]), None)
        return store.find_message(source["channel"], source["ts"], missing_ok=True)

    def handle_upload(self, file_id: str, data: bytes) -> Reply:
        """The upload URL of files.getUploadURLExternal."""
        self._log_call("upload", {"file_id": file_id, "length": len(data)})
        try:
            text = store_upload(self.workspaces.of_file(file_id), file_id, data)
        except SlackError as exc:
            return exc.status, {"Content-Type": "text/plain"}, exc.code.encode()
        return 200, {"Content-Type": "text/plain"}, text.encode()

    # control operations: faults, logs, the workspace ---------------------------------------------
    @control
    def inject_fault(
        self,
        method: str,
        *,
        status: int = 200,
        error: str = "",
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with this status, error and Retry-After."""
        if status == 429:
            error = error or "ratelimited"
            retry_after = 1 if retry_after is None else retry_after
        with self._lock:
            self._faults.append(
                Fault(method, status, error or "internal_error", retry_after, times)
            )

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """Answer `method` with HTTP 429 and `Retry-After: retry_after` for `times` calls."""
        self.inject_fault(method, status=429, retry_after=retry_after, times=times)

    def server_error(self, method: str, *, status: int = 500, times: int = 1) -> None:
        """Answer `method` with an HTTP 5xx for the next `times` calls."""
        self.inject_fault(method, status=status, error="internal_error", times=times)

    def slack_error(self, method: str, error: str, *, times: int = 1) -> None:
        """Answer `method` with `{"ok": false, "error": error}` for the next `times` calls."""
        self.inject_fault(method, status=200, error=error, times=times)

    @control
    def calls(self, method: str | None = None) -> list[Json]:
        """The calls received, oldest first (optionally of one method)."""
        with self._lock:
            return [dict(c) for c in self._calls if method is None or c["method"] == method]

    @control
    def call_counts(self, methods: list[str], since: float = 0.0) -> dict[str, Json]:
        """Per method, the calls received at or after `since`: `ok`, `failed`, `last_at`.

        A cheap summary to poll while a load is running (`calls` copies every argument); a
        call still being answered is in neither count.
        """
        found = {m: {"ok": 0, "failed": 0, "last_at": 0.0} for m in methods}
        with self._lock:
            for call in self._calls:
                counts = found.get(call["method"])
                if counts is None or call["at"] < since:
                    continue
                if call.get("ok"):
                    counts["ok"] += 1
                elif "error" in call or "fault" in call:
                    counts["failed"] += 1
                else:
                    continue
                counts["last_at"] = max(counts["last_at"], call["at"])
        return found

    @control
    def violations(self) -> list[Json]:
        """Every contract violation recorded so far."""
        with self._lock:
            return list(self._violations)

    @control
    def clear_violations(self) -> list[Json]:
        """Forget recorded violations (a test that provokes them on purpose); returns them."""
        with self._lock:
            found, self._violations = self._violations, []
            return found

    @control
    def reset(self) -> None:
        """Forget calls, violations, faults and what is in every workspace; keep the workspaces,
        their bots' identities and their tokens."""
        with self._lock:
            self._calls.clear()
            self._violations.clear()
            self._faults.clear()
        self.workspaces.reset()

    @control
    def identity(self, team_id: str | None = None) -> Json:
        """A workspace's ids (the first one's by default), and the URLs to give the bot."""
        return self.workspaces.identity(self.workspaces.get(team_id), self.base_url)


def _flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def parse_form_or_json(content_type: str, raw: bytes) -> Json:
    """A call's arguments from a JSON or form-encoded body."""
    if not raw:
        return {}
    if "json" in content_type:
        data = json.loads(raw)
        return data if isinstance(data, dict) else {}
    from urllib.parse import parse_qsl

    return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
