"""The alert record shared by rule evaluation, the alert store and notification."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any


class Severity(str, Enum):
    """How bad an alert is; ordered info < warning < critical."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for critical."""
        return ("info", "warning", "critical").index(self.value)

    def at_least(self, other: Severity) -> bool:
        """Whether this severity is `other` or worse."""
        return self.rank >= other.rank


class Status(str, Enum):
    """Where an alert is in its lifecycle."""

    NEW = "new"
    ONGOING = "ongoing"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class Alert:
    """One rule firing (or resolving) for one window, version, slice, column and metric."""

    monitor_name: str
    rule_name: str
    metric_name: str
    severity: Severity
    window_start: datetime
    window_end: datetime | None
    message: str
    observed_value: float | None = None
    threshold: float | None = None
    expected_low: float | None = None
    expected_high: float | None = None
    column_name: str | None = None
    model_version: str | None = None
    slice_key: str | None = None
    slice_value: str | None = None
    status: Status = Status.NEW
    details: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def alert_key(self) -> str:
        """Stable identity across windows: the same problem in the next window has the same key."""
        parts = [
            self.monitor_name,
            self.rule_name,
            self.metric_name,
            self.column_name,
            self.model_version,
            self.slice_key,
            self.slice_value,
        ]
        return _digest(parts)

    @property
    def alert_id(self) -> str:
        """Identity of this alert in this window: re-evaluating the same window finds it again."""
        return _digest([self.alert_key, self.window_start.isoformat()])

    def with_status(self, status: Status) -> Alert:
        """A copy with another lifecycle status."""
        return replace(self, status=status)

    def as_fields(self) -> dict[str, Any]:
        """The alert as its published fields (ids, status and severity as text), in the order
        of a notification's payload; the store and the payloads start from this."""
        return {
            "alert_id": self.alert_id,
            "alert_key": self.alert_key,
            "status": Status(self.status).value,
            "severity": Severity(self.severity).value,
            "monitor_name": self.monitor_name,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "model_version": self.model_version,
            "slice_key": self.slice_key,
            "slice_value": self.slice_value,
            "column_name": self.column_name,
            "metric_name": self.metric_name,
            "rule_name": self.rule_name,
            "observed_value": self.observed_value,
            "threshold": self.threshold,
            "expected_low": self.expected_low,
            "expected_high": self.expected_high,
            "message": self.message,
        }


def _digest(parts: list[str | None]) -> str:
    # \x1f (unit separator) cannot appear in names we accept, and None differs from "".
    text = "\x1f".join("\x00" if part is None else part for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
