"""What a notification says: alert records, titles and bodies, Slack blocks, Teams cards."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from model_monitor.alerts.record import Alert, Severity, Status

# The alert fields that are numbers: NaN is sent as null.
NUMBER_FIELDS = ("observed_value", "threshold", "expected_low", "expected_high")

_SEVERITY_EMOJI = {
    "info": ":large_blue_circle:",
    "warning": ":warning:",
    "critical": ":red_circle:",
}


def alert_record(alert: Alert) -> dict[str, Any]:
    """A JSON-ready record of an alert, as the jsonl and webhook channels send it."""

    def number(value: float | None) -> float | None:
        return None if value is None or math.isnan(value) else value

    fields = alert.as_fields()
    return fields | {
        "window_start": alert.window_start.isoformat(),
        "window_end": None if alert.window_end is None else alert.window_end.isoformat(),
        **{name: number(fields[name]) for name in NUMBER_FIELDS},
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


def apprise_type(alerts: Sequence[Alert]) -> Any:
    """apprise's notification type: success when all resolved, else by the worst severity."""
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


def most_severe_first(alerts: Sequence[Alert]) -> list[Alert]:
    """The alerts, critical first, then warning, then info; in the given order otherwise."""
    return sorted(alerts, key=lambda a: -Severity(a.severity).rank)


def severity_counts(alerts: Sequence[Alert]) -> str:
    """'2 critical, 5 warning': how many alerts of each severity, the worst first."""
    counts = [
        f"{n} {severity.value}"
        for severity in reversed(Severity)
        if (n := sum(Severity(a.severity) is severity for a in alerts))
    ]
    return ", ".join(counts)


def more_line(hidden: Sequence[Alert]) -> str:
    """The line standing for the alerts left out of a console message."""
    return f"and {len(hidden)} more ({severity_counts(hidden)})"


def alert_lines(alerts: Sequence[Alert]) -> list[str]:
    """One aligned line per alert: severity, monitor and version, window, rule, message."""
    rows = []
    for alert in alerts:
        where = alert.monitor_name
        if alert.model_version is not None:
            where += f" {alert.model_version}"
        if alert.slice_key is not None:
            where += f" [{alert.slice_key}={alert.slice_value}]"
        start = alert.window_start
        window = (
            f"{start:%Y-%m-%d}"
            if (start.hour, start.minute) == (0, 0)
            else f"{start:%Y-%m-%d %H:%M}"
        )
        status = Status(alert.status)
        severity = Severity(alert.severity).value + (
            "" if status is Status.NEW else f" ({status.value})"
        )
        rows.append((severity, where, window, alert.rule_name, alert.message))
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  "
        + row[4]
        for row in rows
    ]


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
