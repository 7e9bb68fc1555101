"""Deps: built once and shared, never copied into Bolt's lazy-listener requests."""

from __future__ import annotations

import copy
import datetime as dt

from bot.deps import Deps, utc_now
from bot.settings import load_settings
from bot.slack.client import build_client


def test_deps_survive_bolts_deep_copy_as_the_same_object() -> None:
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s" * 32)
    deps = Deps(settings=settings, client=build_client(settings))

    assert copy.deepcopy({"deps": deps})["deps"] is deps
    assert copy.copy(deps) is deps


def test_the_default_clock_is_aware_utc() -> None:
    assert utc_now().tzinfo is dt.UTC
