"""The Web API client's retries against the sandbox's faults: 429 always, 5xx only where safe."""

from __future__ import annotations

from bot.i18n import translator
from bot.sandbox.driver import Workspace
from bot.sandbox.server import LocalSandbox
from bot.slack.builders.failure import build_failure_message


def test_429_is_retried_after_retry_after_and_the_help_still_arrives(
    workspace: Workspace, sandbox: LocalSandbox
) -> None:
    ana = workspace.add_user("ana")
    sandbox.rate_limit("users.info", retry_after=1, times=1)

    workspace.command(ana, "help")

    workspace.wait_for_message(ana, "citycheck commands", timeout=10)
    first, second = sandbox.calls("users.info")
    assert first["fault"]["status"] == 429
    assert "fault" not in second and second["ok"]
    assert second["at"] - first["at"] >= 1.0


def test_5xx_on_post_message_is_not_retried_and_the_person_is_told(
    workspace: Workspace, sandbox: LocalSandbox
) -> None:
    ana = workspace.add_user("ana")
    sandbox.server_error("chat.postMessage", status=500, times=1)

    workspace.type(ana, "hello")

    notice = build_failure_message(translator("en")).text
    shown = workspace.wait_for_message(ana, "Nothing you saved before was lost")
    assert shown["text"] == notice
    posts = sandbox.calls("chat.postMessage")
    assert len(posts) == 2  # the failed reply (not repeated) and the notice
    assert posts[0]["fault"]["status"] == 500
    assert posts[1]["args"]["text"] == notice
    assert [m["text"] for m in workspace.messages(ana)] == [notice]


def test_5xx_on_views_publish_is_retried(workspace: Workspace, sandbox: LocalSandbox) -> None:
    ana = workspace.add_user("ana")
    sandbox.server_error("views.publish", status=503, times=1)

    workspace.open_home(ana)

    workspace.wait_for(lambda: workspace.home(ana), timeout=10, what="the Home tab")
    first, second = sandbox.calls("views.publish")
    assert first["fault"]["status"] == 503
    assert second["ok"]
