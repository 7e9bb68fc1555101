"""A browser for the OAuth install flow: it follows redirects and keeps cookies per host.

`install(workspace, user_id)` walks an install as a person would: open the bot's
`/slack/install`, get sent to the sandbox's consent screen (signed in as `user_id`, so approving
at once, or cancelling with `approve=False`), get sent back to the bot's `/slack/oauth_redirect`
with a code and the state, carrying the state cookie the bot set, and end on the bot's page.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    from bot.sandbox.driver import Workspace

INSTALL_PATH = "/slack/install"
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Page:
    """Where the browser ended: status, URL, headers (lower-case names), body, and the way."""

    status: int
    url: str
    headers: dict[str, str]
    body: str
    visited: list[tuple[int, str]] = field(default_factory=list)


class Browser:
    """GET with redirects followed and cookies kept per host:port (`Set-Cookie` name=value)."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self.cookies: dict[str, dict[str, str]] = {}

    def set_cookie(self, url: str, name: str, value: str) -> None:
        """Set a cookie for the host of `url`, as signing in there would."""
        self.cookies.setdefault(urlsplit(url).netloc, {})[name] = value

    def get(self, url: str) -> Page:
        """Open `url`, following up to MAX_REDIRECTS redirects; the last page."""
        visited: list[tuple[int, str]] = []
        for _ in range(MAX_REDIRECTS + 1):
            status, headers, body = self._fetch(url)
            visited.append((status, url))
            location = headers.get("location")
            if status not in (301, 302, 303, 307) or not location:
                return Page(status, url, headers, body, visited)
            url = urljoin(url, location)
        raise RuntimeError(f"more than {MAX_REDIRECTS} redirects from {visited[0][1]}")

    def _fetch(self, url: str) -> tuple[int, dict[str, str], str]:
        parts = urlsplit(url)
        jar = self.cookies.setdefault(parts.netloc, {})
        headers = {"Accept": "text/html"}
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=self.timeout
        )
        try:
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", target or "/", headers=headers)
            answer = connection.getresponse()
            body = answer.read().decode("utf-8", "replace")
            received = answer.getheaders()
        finally:
            connection.close()
        for name, value in received:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                cookie, _, cookie_value = pair.partition("=")
                jar[cookie.strip()] = cookie_value.strip()
        return answer.status, {name.lower(): value for name, value in received}, body


def install(workspace: Workspace, user_id: str, *, approve: bool = True) -> Page:
    """Install the bot into `workspace` as `user_id` would in a browser; the page it ends on."""
    bot = urlsplit(workspace.bot_url)
    browser = Browser(workspace.timeout)
    browser.set_cookie(workspace.sandbox.base_url, "sandbox_user", user_id)
    if not approve:
        browser.set_cookie(workspace.sandbox.base_url, "sandbox_decision", "deny")
    return browser.get(f"{bot.scheme}://{bot.netloc}{INSTALL_PATH}")
