"""How `model-monitor evaluate` shows alerts: a table, JSON lines, and one-line summaries."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from model_monitor.alerts.judging import format_value
from model_monitor.alerts.lifecycle import Delivery
from model_monitor.alerts.record import Alert, Severity, Status
from model_monitor.alerts.store.records import DeliveryStatus
from model_monitor.formatting.values import format_slice, format_window, to_jsonable

SEVERITY_STYLES = {"critical": "bold red", "warning": "yellow", "info": "cyan"}


def alerts_table(alerts: Sequence[Alert]) -> Table:
    """Return a rich table of alerts in the order given: severity, where, what, why."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    cells: dict[str, Callable[[Alert], str | Text]] = {
        "severity": lambda a: Text(a.severity.value, style=SEVERITY_STYLES[a.severity.value]),
        "monitor": lambda a: a.monitor_name,
        "window": lambda a: format_window(a.window_start),
    }
    if any(a.model_version is not None for a in alerts):
        cells["version"] = lambda a: a.model_version or "-"
    if any(a.slice_key is not None for a in alerts):
        cells["slice"] = format_slice
    if any(a.status is not Status.NEW for a in alerts):
        cells["status"] = lambda a: a.status.value
    cells |= {
        "rule": lambda a: a.rule_name,
        "column": lambda a: a.column_name or "-",
        "observed": lambda a: format_value(a.metric_name, a.observed_value),
        # Text, not str: rich would read brackets in a message as markup.
        "explanation": lambda a: Text(a.message),
    }
    for header in cells:
        if header == "observed":
            table.add_column(header, justify="right", no_wrap=True)
        elif header in ("severity", "window", "rule"):
            table.add_column(header, no_wrap=True)
        else:
            table.add_column(header, overflow="fold")
    for alert in alerts:
        table.add_row(*(cell(alert) for cell in cells.values()))
    return table


def alert_json(alert: Alert) -> dict[str, Any]:
    """Return one alert as a JSON-ready object, with its alert_key and alert_id."""
    record = to_jsonable(alert)
    record["severity"] = alert.severity.value
    record["status"] = alert.status.value
    record["alert_key"] = alert.alert_key
    record["alert_id"] = alert.alert_id
    return record


def alerts_json_lines(alerts: Sequence[Alert]) -> str:
    """Return alerts as JSON lines: one object per line, NaN and infinities as null."""
    return "\n".join(json.dumps(alert_json(a), allow_nan=False) for a in alerts)


def alerts_summary(alerts: Sequence[Alert], windows: int, monitors: int) -> str:
    """Return '3 alerts (1 critical, 2 warning) over 1 window of 2 monitors'."""
    counts = [
        f"{n} {severity.value}"
        for severity in reversed(Severity)
        if (n := sum(a.severity is severity for a in alerts))
    ]
    what = f"{len(alerts)} alert{'s' if len(alerts) != 1 else ''}" if alerts else "No alerts"
    if counts:
        what += f" ({', '.join(counts)})"
    return (
        f"{what} over {windows} window{'s' if windows != 1 else ''} of {monitors} "
        f"monitor{'s' if monitors != 1 else ''}"
    )


def delivery_summary(deliveries: Sequence[Delivery], channels: Sequence[str]) -> str:
    """Return 'Notifications: webhook 3 delivered, 1 failed (...); jsonl 4 delivered'."""
    parts = []
    for channel in channels:
        mine = [d for d in deliveries if d.channel == channel]
        counts = [
            f"{n} {status.value}"
            for status in (
                DeliveryStatus.DELIVERED,
                DeliveryStatus.FAILED,
                DeliveryStatus.SUPPRESSED,
            )
            if (n := sum(d.delivery_status is status for d in mine))
        ]
        text = f"{channel} {', '.join(counts) or 'nothing new to send'}"
        retried = sum(d.retry for d in mine)
        if retried:
            text += f" ({retried} retried from an earlier run)"
        errors = [d.last_error for d in mine if d.delivery_status is DeliveryStatus.FAILED]
        if errors:
            text += f" (last error: {' '.join(str(errors[-1]).split())[:160]})"
        parts.append(text)
    line = "Notifications: " + "; ".join(parts)
    if any(d.delivery_status is DeliveryStatus.FAILED for d in deliveries):
        line += "; failed deliveries are stored and retried on the next run"
    return line
