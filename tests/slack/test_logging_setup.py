"""Secrets never reach a log line, even when code formats them by mistake."""

from __future__ import annotations

import io
import logging

import pytest

from bot.slack.logging_setup import MASK, RedactSecrets, parse_level, redact, setup_logging

BOT_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
APP_TOKEN = "xapp-1-A0123456789-1234567890123-abcdef0123456789"
USER_TOKEN = "xoxp-1234-5678-90ab"


def test_tokens_urls_and_signatures_are_masked() -> None:
    text = (
        f"bot {BOT_TOKEN} app {APP_TOKEN} user {USER_TOKEN} "
        "db postgresql+psycopg://city:hunter2hunter2@db:5432/cc "
        "sig v0=" + "a" * 64
    )

    cleaned = redact(text)

    for secret in (BOT_TOKEN, APP_TOKEN, USER_TOKEN, "hunter2hunter2", "a" * 64):
        assert secret not in cleaned
    assert "postgresql+psycopg://city:" + MASK + "@db:5432/cc" in cleaned


def test_known_secrets_are_masked_wherever_they_appear() -> None:
    assert (
        redact("secret=8f14e45fceea167a5a36dedd4bea2543!", ["8f14e45fceea167a5a36dedd4bea2543"])
        == f"secret={MASK}!"
    )


def _logger_with_filter(secrets: list[str]) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(secrets))
    logger = logging.getLogger("test.redaction")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_filter_masks_arguments_and_tracebacks() -> None:
    logger, stream = _logger_with_filter(["signing-secret-value"])

    logger.info("calling with %s and %s", BOT_TOKEN, "signing-secret-value")
    try:
        raise RuntimeError(f"refused {APP_TOKEN}")
    except RuntimeError:
        logger.exception("failed")

    written = stream.getvalue()
    assert (
        BOT_TOKEN not in written
        and APP_TOKEN not in written
        and "signing-secret-value" not in written
    )
    assert "RuntimeError: refused " + MASK in written


def test_level_names_and_a_clear_error_for_others() -> None:
    assert parse_level("debug") == logging.DEBUG
    assert parse_level(None) == logging.INFO
    with pytest.raises(ValueError, match="CITYCHECK_LOG_LEVEL='loud' is not a log level"):
        parse_level("loud")


def test_setup_logging_reads_the_level_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    monkeypatch.setenv("CITYCHECK_LOG_LEVEL", "warning")
    try:
        assert setup_logging(secrets=[BOT_TOKEN]) == logging.WARNING
        assert root.level == logging.WARNING
        ours = [h for h in root.handlers if any(isinstance(f, RedactSecrets) for f in h.filters)]
        assert len(ours) == 1
        setup_logging()  # called again: still one handler
        assert len([h for h in root.handlers if getattr(h, "_citycheck", False)]) == 1
    finally:
        root.setLevel(saved[0])
        root.handlers = saved[1]
