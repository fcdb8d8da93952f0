"""Notification channels: console, JSON lines, Slack, Microsoft Teams, generic webhook, email.

Channels come from a small config (a dict or a YAML file)::

    channels:
      - {type: console}
      - {type: jsonl, path: alerts.jsonl}            # or path: "-" for stdout
      - {type: slack, webhook_url_env: SLACK_WEBHOOK_URL}
      - {type: teams, webhook_url_env: TEAMS_WEBHOOK_URL}
      - {type: webhook, url_env: ALERT_WEBHOOK_URL}
      - {type: email, smtp_host: smtp.example.com, smtp_port: 587, username_env: SMTP_USER,
         password_env: SMTP_PASSWORD, from: monitor@example.com, to: [team@example.com],
         starttls: true}
    retry: {attempts: 3, initial_wait: 0.2, max_wait: 2, timeout: 5, total_timeout: 10}

Every channel also takes `name` (default: its type; needed to tell two of a type apart),
`min_severity` (info | warning | critical) and its own `retry`. Secrets (webhook URLs,
SMTP passwords) are read only from the named environment variables, and every error message
and log record emitted while delivering has them replaced by `***`.

The generic webhook and email go through apprise (`json://` / `mailto://`, built from the
configured URL and SMTP settings). Slack and Teams are POSTed with httpx instead: apprise's
slack:// plugin always posts to hooks.slack.com and its workflows:// (Teams) plugin rebuilds
an https URL of its own from the parts, so neither can post to the exact URL the user was
given (nor to a local test server), and both send apprise's message shape rather than Slack
blocks or an Adaptive Card. Each delivery is retried with exponential backoff (tenacity),
bounded by attempts and by a total time, and every network call has a timeout.
"""

from __future__ import annotations

import json
import logging
import math
import re
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl, quote, urlsplit

from model_monitor.alerts import Alert, Severity, Status
from model_monitor.errors import ConfigError

logger = logging.getLogger("model_monitor.notify")

REDACTED = "***"
CHANNEL_TYPES = ("console", "jsonl", "slack", "teams", "webhook", "email")

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
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SEVERITY_EMOJI = {
    "info": ":large_blue_circle:",
    "warning": ":warning:",
    "critical": ":red_circle:",
}


# --- retry policy and errors ----------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How one delivery is retried: attempts, exponential waits, and time limits in seconds."""

    attempts: int = 3
    initial_wait: float = 0.2
    max_wait: float = 2.0
    timeout: float = 5.0  # each network call
    total_timeout: float = 10.0  # all attempts of one delivery together


class DeliveryError(Exception):
    """A delivery failed; `retryable` is false when trying again cannot help (e.g. HTTP 404)."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class DeliveryOutcome:
    """What became of some alerts on one channel."""

    channel: str
    alert_ids: tuple[str, ...]
    delivered: bool
    attempts: int
    error: str | None = None


# --- secrets ----------------------------------------------------------------------------------


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


class _RedactingFilter(logging.Filter):
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


class _AppriseCapture(_RedactingFilter):
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
def _redacted_library_logs(redactor: Redactor) -> Iterator[None]:
    """While delivering, redact secrets from every record of the HTTP/apprise loggers."""
    if not redactor:
        yield
        return
    # Import first: a library's loggers exist only once it is imported, and the first
    # delivery must be covered too.
    import apprise  # noqa: F401
    import httpx  # noqa: F401
    import requests  # noqa: F401  (apprise's HTTP client; imports urllib3)

    the_filter = _RedactingFilter(redactor)
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


# --- alert rendering --------------------------------------------------------------------------


def alert_record(alert: Alert) -> dict[str, Any]:
    """A JSON-ready record of an alert, as the jsonl and webhook channels send it."""

    def number(value: float | None) -> float | None:
        return None if value is None or math.isnan(value) else value

    return {
        "alert_id": alert.alert_id,
        "alert_key": alert.alert_key,
        "status": Status(alert.status).value,
        "severity": Severity(alert.severity).value,
        "monitor_name": alert.monitor_name,
        "window_start": alert.window_start.isoformat(),
        "window_end": None if alert.window_end is None else alert.window_end.isoformat(),
        "model_version": alert.model_version,
        "slice_key": alert.slice_key,
        "slice_value": alert.slice_value,
        "column_name": alert.column_name,
        "metric_name": alert.metric_name,
        "rule_name": alert.rule_name,
        "observed_value": number(alert.observed_value),
        "threshold": number(alert.threshold),
        "expected_low": number(alert.expected_low),
        "expected_high": number(alert.expected_high),
        "message": alert.message,
    }


def alert_subject(alert: Alert) -> str:
    """One line naming the alert: severity, status, monitor, rule and column."""
    where = f" on {alert.column_name}" if alert.column_name else ""
    return (
        f"[{Severity(alert.severity).value.upper()}] {alert.monitor_name}: "
        f"{alert.rule_name}{where} ({Status(alert.status).value})"
    )


def alert_context(alert: Alert) -> str:
    """Window, version and slice of an alert, on one line."""
    parts = [f"window {alert.window_start:%Y-%m-%d %H:%M}"]
    if alert.model_version is not None:
        parts.append(f"version {alert.model_version}")
    if alert.slice_key is not None:
        parts.append(f"{alert.slice_key}={alert.slice_value}")
    return " · ".join(parts)


def batch_title(alerts: Sequence[Alert]) -> str:
    """Title of a message carrying these alerts."""
    if len(alerts) == 1:
        return alert_subject(alerts[0])
    worst = max((Severity(a.severity) for a in alerts), key=lambda s: s.rank)
    return f"[{worst.value.upper()}] model monitor: {len(alerts)} alerts"


def batch_text(alerts: Sequence[Alert]) -> str:
    """Plain-text body listing these alerts."""
    return "\n\n".join(
        f"{alert_subject(a)}\n{a.message}\n{alert_context(a)}\nalert_id {a.alert_id}"
        for a in alerts
    )


def _apprise_type(alerts: Sequence[Alert]) -> Any:
    from apprise import NotifyType

    if all(Status(a.status) is Status.RESOLVED for a in alerts):
        return NotifyType.SUCCESS
    worst = max((Severity(a.severity) for a in alerts), key=lambda s: s.rank)
    return {
        Severity.INFO: NotifyType.INFO,
        Severity.WARNING: NotifyType.WARNING,
        Severity.CRITICAL: NotifyType.FAILURE,
    }[worst]


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(alerts: Sequence[Alert]) -> dict[str, Any]:
    """A Slack incoming-webhook message: a header block and one section per alert."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": batch_title(alerts)[:150]}}
    ]
    for alert in alerts:
        severity = Severity(alert.severity).value
        status = Status(alert.status).value
        emoji = ":white_check_mark:" if status == "resolved" else _SEVERITY_EMOJI[severity]
        text = (
            f"{emoji} *{severity.upper()} · {status}* "
            f"`{_slack_escape(alert.monitor_name)}` {_slack_escape(alert.rule_name)}"
            + (f" on `{_slack_escape(alert.column_name)}`" if alert.column_name else "")
            + f"\n{_slack_escape(alert.message)}\n_{_slack_escape(alert_context(alert))}_"
        )
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    return {"text": batch_title(alerts), "blocks": blocks}


def teams_payload(alerts: Sequence[Alert]) -> dict[str, Any]:
    """A Teams message carrying an Adaptive Card (Workflows and connector webhooks take it)."""
    colors = {"info": "Accent", "warning": "Warning", "critical": "Attention"}
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "size": "Medium",
            "weight": "Bolder",
            "text": batch_title(alerts),
            "wrap": True,
        }
    ]
    for alert in alerts:
        resolved = Status(alert.status) is Status.RESOLVED
        body += [
            {
                "type": "TextBlock",
                "weight": "Bolder",
                "color": "Good" if resolved else colors[Severity(alert.severity).value],
                "text": alert_subject(alert),
                "wrap": True,
                "separator": True,
            },
            {"type": "TextBlock", "text": alert.message, "wrap": True},
            {
                "type": "FactSet",
                "facts": [
                    {"title": "Window", "value": alert_context(alert)},
                    {"title": "Alert", "value": alert.alert_id[:12]},
                ],
            },
        ]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def alert_table(alerts: Sequence[Alert]) -> Any:
    """A rich Table of alerts for the console."""
    from rich.table import Table

    table = Table(title=f"model monitor: {len(alerts)} alert(s)", title_justify="left")
    for column in ("status", "severity", "monitor", "window", "rule", "column", "value", "message"):
        table.add_column(column, overflow="fold")
    styles = {"info": "cyan", "warning": "yellow", "critical": "bold red"}
    for alert in alerts:
        severity = Severity(alert.severity).value
        where = alert.column_name or ""
        if alert.slice_key is not None:
            where += f" [{alert.slice_key}={alert.slice_value}]"
        value = "" if alert.observed_value is None else f"{alert.observed_value:.4g}"
        table.add_row(
            Status(alert.status).value,
            f"[{styles[severity]}]{severity}[/]",
            alert.monitor_name + (f" {alert.model_version}" if alert.model_version else ""),
            f"{alert.window_start:%Y-%m-%d %H:%M}",
            f"{alert.rule_name} ({alert.metric_name})",
            where,
            value,
            alert.message,
        )
    return table


# --- channels ---------------------------------------------------------------------------------


@dataclass
class Channel(ABC):
    """Somewhere alerts are delivered; `send` does one attempt, `deliver` retries."""

    name: str
    min_severity: Severity = Severity.INFO
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    secrets: tuple[str, ...] = field(default=(), repr=False)

    type_name: ClassVar[str] = ""
    batch_size: ClassVar[int | None] = None  # alerts per message; None = all at once

    @abstractmethod
    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """Send one message carrying these alerts, or raise DeliveryError."""

    def accepts(self, alert: Alert) -> bool:
        """Whether this channel takes alerts of this severity."""
        return Severity(alert.severity).at_least(self.min_severity)

    def redact(self, text: str) -> str:
        """Text with this channel's secrets replaced by `***`."""
        return Redactor(self.secrets)(text)

    def deliver(self, alerts: Sequence[Alert]) -> list[DeliveryOutcome]:
        """Send alerts in batches, each retried per the policy; one outcome per batch."""
        size = self.batch_size or max(len(alerts), 1)
        return [self._deliver_batch(alerts[i : i + size]) for i in range(0, len(alerts), size)]

    def _deliver_batch(self, batch: Sequence[Alert]) -> DeliveryOutcome:
        from tenacity import (
            Retrying,
            retry_if_exception,
            stop_after_attempt,
            stop_before_delay,
            wait_exponential,
        )

        policy = self.retry
        redactor = Redactor(self.secrets)
        deadline = time.monotonic() + policy.total_timeout
        attempts = 0

        def attempt() -> None:
            nonlocal attempts
            attempts += 1
            timeout = max(0.1, min(policy.timeout, deadline - time.monotonic()))
            self.send(batch, timeout)

        retrying = Retrying(
            stop=stop_after_attempt(policy.attempts) | stop_before_delay(policy.total_timeout),
            wait=wait_exponential(multiplier=policy.initial_wait, max=policy.max_wait),
            retry=retry_if_exception(lambda e: isinstance(e, DeliveryError) and e.retryable),
            reraise=True,
        )
        ids = tuple(a.alert_id for a in batch)
        try:
            with _redacted_library_logs(redactor):
                retrying(attempt)
        except DeliveryError as exc:
            error = redactor(str(exc))
            logger.warning(
                "channel %s: %d alert(s) not delivered after %d attempt(s): %s",
                self.name,
                len(batch),
                attempts,
                error,
            )
            return DeliveryOutcome(self.name, ids, False, attempts, error)
        return DeliveryOutcome(self.name, ids, True, attempts)


@dataclass
class ConsoleChannel(Channel):
    """A readable table on the terminal (rich)."""

    console: Any = None
    type_name: ClassVar[str] = "console"

    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """Print the alerts as one table."""
        from rich.console import Console

        console = self.console if self.console is not None else Console()
        console.print(alert_table(alerts))


@dataclass
class JsonlChannel(Channel):
    """One JSON object per alert per line, appended to a file or written to stdout (`-`)."""

    path: str = "-"
    type_name: ClassVar[str] = "jsonl"

    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """Write one line per alert."""
        text = "".join(json.dumps(alert_record(a), sort_keys=True) + "\n" for a in alerts)
        if self.path == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        try:
            target = Path(self.path).expanduser()
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("a", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise DeliveryError(f"cannot write {self.path}: {exc.strerror or exc}") from None


def _post_json(url: str, payload: Mapping[str, Any], timeout: float) -> None:
    """POST a JSON payload; raise DeliveryError unless the answer is 2xx."""
    import httpx

    try:
        response = httpx.post(url, json=payload, timeout=timeout, follow_redirects=False)
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"timed out after {timeout:.1f}s ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    if not 200 <= response.status_code < 300:
        detail = " ".join(response.text.split())[:200]
        retryable = response.status_code >= 500 or response.status_code in (408, 429)
        raise DeliveryError(
            f"HTTP {response.status_code} {response.reason_phrase}"
            + (f": {detail}" if detail else ""),
            retryable=retryable,
        )


@dataclass
class SlackChannel(Channel):
    """A Slack incoming webhook (blocks)."""

    url: str = field(default="", repr=False)
    type_name: ClassVar[str] = "slack"
    batch_size: ClassVar[int | None] = 20  # Slack takes at most 50 blocks per message

    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """POST one message."""
        _post_json(self.url, slack_payload(alerts), timeout)


@dataclass
class TeamsChannel(Channel):
    """A Microsoft Teams incoming webhook (Workflows or connector), as an Adaptive Card."""

    url: str = field(default="", repr=False)
    type_name: ClassVar[str] = "teams"
    batch_size: ClassVar[int | None] = 20

    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """POST one card."""
        _post_json(self.url, teams_payload(alerts), timeout)


@contextmanager
def _apprise_capture(redactor: Redactor) -> Iterator[_AppriseCapture]:
    """Collect apprise's warnings and socket errors for one call, redacted."""
    apprise_logger = logging.getLogger("apprise")
    previous_level = apprise_logger.level
    capture = _AppriseCapture(redactor, apprise_logger.getEffectiveLevel())
    apprise_logger.addFilter(capture)
    apprise_logger.setLevel(min(logging.DEBUG, capture.passing_level))
    try:
        yield capture
    finally:
        apprise_logger.removeFilter(capture)
        apprise_logger.setLevel(previous_level)


def _apprise_notify(
    plugin: Any, alerts: Sequence[Alert], timeout: float, redactor: Redactor
) -> None:
    """One apprise call with our timeout; its failure explained by what it logged."""
    from apprise import NotifyFormat

    plugin.socket_connect_timeout = timeout
    plugin.socket_read_timeout = timeout
    with _apprise_capture(redactor) as capture:
        ok = plugin.notify(
            body=batch_text(alerts),
            title=batch_title(alerts),
            notify_type=_apprise_type(alerts),
            body_format=NotifyFormat.TEXT,
        )
    if not ok:
        raise DeliveryError(" ".join(capture.lines) or "apprise reported a failure")


def _apprise_plugin(spec: dict[str, Any]) -> Any:
    """Instantiate an apprise plugin from its parsed form; our backoff replaces its throttle."""
    from apprise import Apprise

    plugin = Apprise.instantiate(spec, suppress_exceptions=False)
    if plugin is None:
        raise DeliveryError(f"apprise cannot build a {spec['schema']}:// notifier")
    plugin.request_rate_per_sec = 0
    return plugin


@dataclass
class WebhookChannel(Channel):
    """A generic JSON webhook through apprise's json:// (one POST per alert)."""

    url: str = field(default="", repr=False)
    type_name: ClassVar[str] = "webhook"
    batch_size: ClassVar[int | None] = 1

    def apprise_spec(self, alerts: Sequence[Alert]) -> dict[str, Any]:
        """apprise's parsed json:// form of the URL, the alert record as a payload extra."""
        parts = urlsplit(self.url)
        spec: dict[str, Any] = {
            "schema": "jsons" if parts.scheme == "https" else "json",
            "host": parts.hostname,
            "port": parts.port,
            "fullpath": parts.path or "/",
            "params": dict(parse_qsl(parts.query, keep_blank_values=True)),
            "redirect": "no",
            "payload": {"alerts": [alert_record(a) for a in alerts]},
        }
        if parts.username:
            spec["user"] = parts.username  # still percent-encoded, as apprise expects
        if parts.password:
            spec["password"] = parts.password
        return spec

    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """POST `{version, title, message, type, alerts: [record]}`."""
        redactor = Redactor(self.secrets)
        _apprise_notify(_apprise_plugin(self.apprise_spec(alerts)), alerts, timeout, redactor)


@dataclass
class EmailChannel(Channel):
    """Email through apprise's mailto:// to the configured SMTP server."""

    smtp_host: str = ""
    smtp_port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = ""
    recipients: tuple[str, ...] = ()
    mode: str = "starttls"  # starttls | ssl | insecure
    type_name: ClassVar[str] = "email"

    def apprise_spec(self) -> dict[str, Any]:
        """apprise's parsed mailto:// form of these settings."""
        secure = self.mode != "insecure"
        spec: dict[str, Any] = {
            "schema": "mailtos" if secure else "mailto",
            "secure": secure,
            "secure_mode": self.mode,
            "host": self.smtp_host,
            "port": self.smtp_port,
            "smtp_host": self.smtp_host,
            "from_addr": self.sender,
            "targets": list(self.recipients),
        }
        if self.username and self.password:
            # apprise percent-decodes user and password, so they go in encoded.
            spec["user"] = quote(self.username, safe="")
            spec["password"] = quote(self.password, safe="")
        return spec

    def send(self, alerts: Sequence[Alert], timeout: float) -> None:
        """Send one email listing the alerts."""
        redactor = Redactor(self.secrets)
        _apprise_notify(_apprise_plugin(self.apprise_spec()), alerts, timeout, redactor)


# --- configuration ----------------------------------------------------------------------------

_COMMON_KEYS = {"type", "name", "min_severity", "retry"}
_KEYS = {
    "console": set(),
    "jsonl": {"path"},
    "slack": {"webhook_url_env"},
    "teams": {"webhook_url_env"},
    "webhook": {"url_env"},
    "email": {
        "smtp_host",
        "smtp_port",
        "username_env",
        "password_env",
        "from",
        "to",
        "starttls",
        "ssl",
    },
}
_RETRY_KEYS = ("attempts", "initial_wait", "max_wait", "timeout", "total_timeout")


def load_channels(
    config: Mapping[str, Any] | str | Path,
    *,
    environ: Mapping[str, str] | None = None,
    console: Any = None,
) -> list[Channel]:
    """Build channels from a config mapping or YAML file; secrets come from environ.

    Raises ConfigError naming the key at fault (``channels[1].webhook_url_env``); secret
    values never appear in its message.
    """
    import os

    if isinstance(config, (str, Path)):
        config = _read_yaml(Path(config))
    if not isinstance(config, Mapping):
        raise ConfigError("expected a mapping with a `channels` list", key="channels")
    unknown = sorted(set(config) - {"channels", "retry"})
    if unknown:
        raise ConfigError(
            f"unknown key; expected channels, retry; got {unknown[0]!r}", key=unknown[0]
        )
    env = os.environ if environ is None else environ
    default_retry = _retry_policy(config.get("retry"), "retry", RetryPolicy())
    entries = config.get("channels")
    if not isinstance(entries, list) or not entries:
        raise ConfigError("expected a non-empty list of channels", key="channels")
    channels: list[Channel] = []
    for index, entry in enumerate(entries):
        channel = _channel(entry, f"channels[{index}]", env, default_retry, console)
        if any(c.name == channel.name for c in channels):
            raise ConfigError(
                f"two channels are named {channel.name!r}; give each a distinct `name`",
                key=f"channels[{index}].name",
            )
        channels.append(channel)
    return channels


def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}", key="channels") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}", key="channels") from None


def _channel(
    entry: Any, where: str, env: Mapping[str, str], default_retry: RetryPolicy, console: Any
) -> Channel:
    if not isinstance(entry, Mapping):
        raise ConfigError(f"expected a mapping; got {entry!r}", key=where)
    kind = entry.get("type")
    if kind not in CHANNEL_TYPES:
        raise ConfigError(
            f"expected one of {', '.join(CHANNEL_TYPES)}; got {kind!r}", key=f"{where}.type"
        )
    allowed = _COMMON_KEYS | _KEYS[kind]
    for key in entry:
        if key not in allowed:
            raise ConfigError(
                f"unknown key for a {kind} channel; expected one of {', '.join(sorted(allowed))}",
                key=f"{where}.{key}",
            )
    name = entry.get("name", kind)
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
        raise ConfigError(
            f"expected letters, digits, _ . - only; got {name!r}", key=f"{where}.name"
        )
    severity = entry.get("min_severity", "info")
    if severity not in [s.value for s in Severity]:
        raise ConfigError(
            f"expected one of info, warning, critical; got {severity!r}",
            key=f"{where}.min_severity",
        )
    common: dict[str, Any] = {
        "name": name,
        "min_severity": Severity(severity),
        "retry": _retry_policy(entry.get("retry"), f"{where}.retry", default_retry),
    }
    if kind == "console":
        return ConsoleChannel(**common, console=console)
    if kind == "jsonl":
        path = entry.get("path", "-")
        if not isinstance(path, str) or not path:
            raise ConfigError(f"expected a file path or '-'; got {path!r}", key=f"{where}.path")
        return JsonlChannel(**common, path=path)
    if kind in ("slack", "teams", "webhook"):
        key = "url_env" if kind == "webhook" else "webhook_url_env"
        url = _secret_url(entry, key, where, env)
        if kind == "slack":
            return SlackChannel(**common, secrets=(url,), url=url)
        if kind == "teams":
            return TeamsChannel(**common, secrets=(url,), url=url)
        return WebhookChannel(**common, secrets=(url,), url=url)
    return _email_channel(entry, where, env, common)


def _env_name(entry: Mapping[str, Any], key: str, where: str, *, required: bool) -> str | None:
    name = entry.get(key)
    if name is None and not required:
        return None
    if not isinstance(name, str) or not _ENV_NAME.match(name):
        raise ConfigError(
            f"expected the name of an environment variable; got {name!r}", key=f"{where}.{key}"
        )
    return name


def _env_value(env: Mapping[str, str], name: str, key: str, where: str) -> str:
    value = env.get(name)
    if not value:
        raise ConfigError(f"environment variable {name} is not set", key=f"{where}.{key}")
    return value


def _secret_url(entry: Mapping[str, Any], key: str, where: str, env: Mapping[str, str]) -> str:
    name = _env_name(entry, key, where, required=True)
    assert name is not None
    url = _env_value(env, name, key, where)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        # Never echo the value: it is a secret.
        raise ConfigError(
            f"environment variable {name} does not hold an http(s) URL", key=f"{where}.{key}"
        )
    return url


def _email_channel(
    entry: Mapping[str, Any], where: str, env: Mapping[str, str], common: dict[str, Any]
) -> EmailChannel:
    host = entry.get("smtp_host")
    if not isinstance(host, str) or not host:
        raise ConfigError(f"expected an SMTP host name; got {host!r}", key=f"{where}.smtp_host")
    for flag in ("starttls", "ssl"):
        if flag in entry and not isinstance(entry[flag], bool):
            raise ConfigError(f"expected true or false; got {entry[flag]!r}", key=f"{where}.{flag}")
    ssl = entry.get("ssl", False)
    if ssl and entry.get("starttls", False):
        raise ConfigError("starttls and ssl exclude each other", key=f"{where}.starttls")
    mode = "ssl" if ssl else ("starttls" if entry.get("starttls", True) else "insecure")
    port = entry.get("smtp_port", {"ssl": 465, "starttls": 587, "insecure": 25}[mode])
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ConfigError(f"expected a port number; got {port!r}", key=f"{where}.smtp_port")
    sender = entry.get("from")
    if not isinstance(sender, str) or "@" not in sender:
        raise ConfigError(f"expected an email address; got {sender!r}", key=f"{where}.from")
    recipients = entry.get("to")
    if isinstance(recipients, str):
        recipients = [recipients]
    if (
        not isinstance(recipients, list)
        or not recipients
        or not all(isinstance(r, str) and "@" in r for r in recipients)
    ):
        raise ConfigError(
            f"expected a list of email addresses; got {recipients!r}", key=f"{where}.to"
        )
    user_env = _env_name(entry, "username_env", where, required=False)
    password_env = _env_name(entry, "password_env", where, required=False)
    if (user_env is None) != (password_env is None):
        missing = "password_env" if password_env is None else "username_env"
        raise ConfigError("username_env and password_env go together", key=f"{where}.{missing}")
    username = password = None
    if user_env is not None and password_env is not None:
        username = _env_value(env, user_env, "username_env", where)
        password = _env_value(env, password_env, "password_env", where)
    channel = EmailChannel(
        **common,
        secrets=(password,) if password else (),
        smtp_host=host,
        smtp_port=port,
        username=username,
        password=password,
        sender=sender,
        recipients=tuple(recipients),
        mode=mode,
    )
    _check_email(channel, where)
    return channel


def _check_email(channel: EmailChannel, where: str) -> None:
    """Let apprise validate the addresses now, rather than fail at the first alert."""
    from apprise.exception import AppriseException

    redactor = Redactor(channel.secrets)
    try:
        with _apprise_capture(redactor) as capture:
            plugin = _apprise_plugin(channel.apprise_spec())
    except (AppriseException, DeliveryError, TypeError, ValueError) as exc:
        key = f"{where}.from" if "From" in str(exc) else where
        raise ConfigError(redactor(f"apprise refuses the settings: {exc}"), key=key) from None
    dropped = [line for line in capture.lines if "Dropped invalid" in line]
    if dropped or len(plugin.targets) != len(channel.recipients):
        raise ConfigError(redactor(" ".join(dropped) or "invalid recipient"), key=f"{where}.to")


def _retry_policy(raw: Any, where: str, base: RetryPolicy) -> RetryPolicy:
    if raw is None:
        return base
    if not isinstance(raw, Mapping):
        raise ConfigError(f"expected a mapping of {', '.join(_RETRY_KEYS)}", key=where)
    values = {name: getattr(base, name) for name in _RETRY_KEYS}
    for key, value in raw.items():
        if key not in values:
            raise ConfigError(
                f"unknown key; expected one of {', '.join(_RETRY_KEYS)}", key=f"{where}.{key}"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"expected a number; got {value!r}", key=f"{where}.{key}")
        if key == "attempts" and (not isinstance(value, int) or not 1 <= value <= 10):
            raise ConfigError(f"expected a whole number 1..10; got {value!r}", key=f"{where}.{key}")
        if key != "attempts" and not 0 < value <= 300:
            raise ConfigError(f"expected seconds in (0, 300]; got {value!r}", key=f"{where}.{key}")
        values[key] = value
    return RetryPolicy(**values)
