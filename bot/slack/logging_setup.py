"""Process logging: one stream handler, a level from CITYCHECK_LOG_LEVEL, and secret redaction.

Secrets are `SecretStr` and never formatted into messages on purpose; the `RedactSecrets` filter is
the second line of defence. It sits on the handlers (so records from every logger pass through
it, including slack_bolt's, slack_sdk's and gunicorn's) and rewrites the message, its arguments
and any traceback before they are written.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable

LEVEL_ENV = "CITYCHECK_LOG_LEVEL"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "[redacted]"

_TOKEN = re.compile(r"\b(?:xox[abeoprs]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]+")
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)(?P<pw>[^@\s]+)(?=@)")
_SIGNATURE = re.compile(r"\bv0=[0-9a-f]{64}\b")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with Slack tokens, URL passwords, request signatures and the given secrets masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    text = _TOKEN.sub(MASK, text)
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    return _SIGNATURE.sub("v0=" + MASK, text)


class RedactSecrets(logging.Filter):
    """A handler filter that masks secrets in every record's message and traceback."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if len(s) >= 6)
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def parse_level(value: str | None, default: int = logging.INFO) -> int:
    """A logging level from a name such as `debug` or `WARNING` (the default when unset)."""
    if not value:
        return default
    level = logging.getLevelNamesMapping().get(value.strip().upper())
    if level is None:
        names = "DEBUG, INFO, WARNING, ERROR"
        raise ValueError(f"{LEVEL_ENV}={value!r} is not a log level: use one of {names}")
    return level


def add_redaction(logger: logging.Logger, secrets: Iterable[str] = ()) -> None:
    """Put a RedactSecrets filter on each handler of `logger` that does not have one yet."""
    secrets = tuple(secrets)
    for handler in logger.handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets(secrets))


def setup_logging(level: str | None = None, secrets: Iterable[str] = ()) -> int:
    """Log to stderr at `level` (or CITYCHECK_LOG_LEVEL, else INFO) with secrets redacted."""
    resolved = parse_level(level if level is not None else os.environ.get(LEVEL_ENV))
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_citycheck", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._citycheck = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactSecrets(secrets))
    root.addHandler(handler)
    root.setLevel(resolved)
    # slack_sdk logs whole request bodies at DEBUG; keep them out unless asked for explicitly.
    if resolved > logging.DEBUG:
        logging.getLogger("slack_sdk").setLevel(max(resolved, logging.INFO))
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    return resolved
