"""Secrets kept out of every message: the Redactor and filters on the HTTP libraries' loggers."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import parse_qsl, quote, urlsplit

REDACTED = "***"

# Loggers of the HTTP and notification libraries: their records may carry a URL.
_LIBRARY_LOGGERS = ("apprise", "httpx", "httpcore", "urllib3", "requests")
# Those that log a request line or URL, named even before their module is imported.
_KNOWN_LOGGERS = (
    "apprise",
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "urllib3.connectionpool",
)


class Redactor:
    """Replaces secrets (and their URL-encoded forms and URL parts) with `***`."""

    def __init__(self, secrets: Sequence[str] = ()) -> None:
        """Collect the strings to hide; URLs contribute their path, query and password."""
        variants: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            variants.update({secret, quote(secret, safe=""), quote(secret)})
            parts = urlsplit(secret) if "://" in secret else None
            if parts is not None:
                tail = parts.path + (f"?{parts.query}" if parts.query else "")
                candidates = [tail, parts.query, parts.password or ""]
                # Long path segments and query values are tokens even when logged alone.
                candidates += [s for s in parts.path.split("/") if len(s) >= 16]
                candidates += [v for _, v in parse_qsl(parts.query) if len(v) >= 8]
                variants.update(c for c in candidates if len(c) >= 4 and c != "/")
        self._secrets = sorted(variants, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """Return text with every secret replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def __bool__(self) -> bool:
        return bool(self._secrets)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with secrets redacted, before any handler sees it."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redactor(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class AppriseCapture(RedactingFilter):
    """Keeps apprise's own explanation of a failure, letting through only what would pass."""

    def __init__(self, redactor: Redactor, passing_level: int) -> None:
        super().__init__(redactor)
        self.passing_level = passing_level
        self.lines: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        super().filter(record)
        message = record.getMessage()
        if record.levelno >= logging.WARNING or message.startswith("Socket Exception"):
            self.lines.append(message)
        # The level was lowered to see socket errors; don't hand the extra records on.
        return record.levelno >= self.passing_level


@contextmanager
def redacted_library_logs(redactor: Redactor) -> Iterator[None]:
    """While delivering, redact secrets from every record of the HTTP/apprise loggers."""
    if not redactor:
        yield
        return
    # Import first: a library's loggers exist only once it is imported, and the first
    # delivery must be covered too.
    import apprise  # noqa: F401
    import httpx  # noqa: F401
    import requests  # noqa: F401  (apprise's HTTP client; imports urllib3)

    the_filter = RedactingFilter(redactor)
    names = {
        name
        for name in list(logging.Logger.manager.loggerDict)
        if name.split(".")[0] in _LIBRARY_LOGGERS
    }
    loggers = [logging.getLogger(name) for name in sorted(names | set(_KNOWN_LOGGERS))]
    for one in loggers:
        one.addFilter(the_filter)
    try:
        yield
    finally:
        for one in loggers:
            one.removeFilter(the_filter)


@contextmanager
def apprise_capture(redactor: Redactor) -> Iterator[AppriseCapture]:
    """Collect apprise's warnings and socket errors for one call, redacted."""
    apprise_logger = logging.getLogger("apprise")
    previous_level = apprise_logger.level
    capture = AppriseCapture(redactor, apprise_logger.getEffectiveLevel())
    apprise_logger.addFilter(capture)
    apprise_logger.setLevel(min(logging.DEBUG, capture.passing_level))
    try:
        yield capture
    finally:
        apprise_logger.removeFilter(capture)
        apprise_logger.setLevel(previous_level)
