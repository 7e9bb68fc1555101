"""A sandbox running in another process, driven over its control endpoint.

`RemoteSandbox(url)` offers the same operations as the in-process `Sandbox` (every method marked
`@control`, plus the fault helpers), so a `Workspace` driver works with either.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from bot.sandbox.core import control_ops
from bot.sandbox.ops import Sandbox

CONTROL_OPS = control_ops(Sandbox)


class SandboxUnavailable(RuntimeError):
    """The sandbox process did not answer or refused an operation."""


class RemoteSandbox:
    """Driver operations on a sandbox at `url` (e.g. `http://127.0.0.1:3100/`)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.base_url = url if url.endswith("/") else url + "/"
        self.timeout = timeout

    @property
    def url(self) -> str:
        """The sandbox's root URL."""
        return self.base_url

    @property
    def api_url(self) -> str:
        """The Web API base URL to give the bot as SLACK_API_URL."""
        return self.base_url + "api/"

    def call(self, op: str, **kwargs: Any) -> Any:
        """Run one control operation and return its result."""
        request = urllib.request.Request(
            self.base_url + "_sandbox/" + op,
            data=json.dumps(kwargs).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:  # the sandbox answered with a refusal
            answer = json.loads(exc.read() or b"{}")
        except OSError as exc:
            raise SandboxUnavailable(
                f"sandbox at {self.base_url} did not answer {op}: {exc}"
            ) from exc
        if not answer.get("ok"):
            raise SandboxUnavailable(f"sandbox refused {op}: {answer.get('error')}")
        return answer.get("result")

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in CONTROL_OPS:
            raise AttributeError(name)
        return lambda **kwargs: self.call(name, **kwargs)

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """Answer `method` with HTTP 429 and Retry-After for the next `times` calls."""
        self.call("inject_fault", method=method, status=429, retry_after=retry_after, times=times)

    def server_error(self, method: str, *, status: int = 500, times: int = 1) -> None:
        """Answer `method` with an HTTP 5xx for the next `times` calls."""
        self.call("inject_fault", method=method, status=status, error="internal_error", times=times)

    def slack_error(self, method: str, error: str, *, times: int = 1) -> None:
        """Answer `method` with `{"ok": false, "error": error}` for the next `times` calls."""
        self.call("inject_fault", method=method, status=200, error=error, times=times)
