"""The generic JSON webhook and email, through apprise (`json://` and `mailto://`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl, quote, urlsplit

from model_monitor.alerts.notify.channels import Channel, DeliveryError
from model_monitor.alerts.notify.payloads import alert_record, apprise_type, batch_text, batch_title
from model_monitor.alerts.notify.redaction import Redactor, apprise_capture
from model_monitor.alerts.record import Alert


def apprise_notify(
    plugin: Any, alerts: Sequence[Alert], timeout: float, redactor: Redactor
) -> None:
    """One apprise call with our timeout; its failure explained by what it logged."""
    from apprise import NotifyFormat

    plugin.socket_connect_timeout = timeout
    plugin.socket_read_timeout = timeout
    with apprise_capture(redactor) as capture:
        ok = plugin.notify(
            body=batch_text(alerts),
            title=batch_title(alerts),
            notify_type=apprise_type(alerts),
            body_format=NotifyFormat.TEXT,
        )
    if not ok:
        raise DeliveryError(" ".join(capture.lines) or "apprise reported a failure")


def apprise_plugin(spec: dict[str, Any]) -> Any:
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
        apprise_notify(apprise_plugin(self.apprise_spec(alerts)), alerts, timeout, redactor)


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
        apprise_notify(apprise_plugin(self.apprise_spec()), alerts, timeout, redactor)
