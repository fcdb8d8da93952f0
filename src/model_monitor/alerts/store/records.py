"""The store's records (stored alerts, delivery rows) and how a result row becomes one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pandas as pd

from model_monitor.alerts.record import Alert, Severity, Status
from model_monitor.alerts.store.schema import ALERTS_TABLE
from model_monitor.errors import WarehouseError
from model_monitor.sql_values import is_missing


class DeliveryStatus(str, Enum):
    """Outcome of one alert on one channel."""

    DELIVERED = "delivered"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    PENDING = "pending"  # dry run only: would be sent; never written


@dataclass(frozen=True)
class StoredAlert:
    """An alert as stored: its id as written (not recomputed) and when it was evaluated."""

    alert_id: str
    alert: Alert
    evaluated_at: dt.datetime | None


@dataclass(frozen=True)
class DeliveryRecord:
    """One row of monitor_alert_deliveries."""

    alert_id: str
    channel: str
    delivery_status: DeliveryStatus
    attempts: int
    last_error: str | None
    updated_at: dt.datetime


@dataclass(frozen=True)
class FailedDelivery:
    """A delivery left failed by an earlier run, with the alert it was for."""

    stored: StoredAlert
    channel: str
    attempts: int
    last_error: str | None


class LabelOutcome(str, Enum):
    """What an evaluation did with a window's realized performance, given its labels."""

    JUDGED = "judged"  # mature, and its labels changed since it was last judged: judged now
    BASELINE = "baseline"  # mature at the monitor's first evaluation, older than the newest
    WAITING = "waiting"  # not mature yet: judged once it is


@dataclass(frozen=True)
class LabelRecord:
    """One row of monitor_label_evaluations: a window's label counts as an evaluation saw them."""

    monitor_name: str
    window_start: dt.datetime
    model_version: str | None
    prediction_count: int
    labeled_count: int
    duplicate_label_count: int
    outcome: LabelOutcome
    evaluated_at: dt.datetime | None = None

    @property
    def key(self) -> tuple[str, dt.datetime, str | None]:
        """(monitor, window_start, model_version): one window of one version."""
        return (self.monitor_name, self.window_start, self.model_version)

    @property
    def counts(self) -> tuple[int, int, int]:
        """The counts whose change means the window's outcomes changed."""
        return (self.prediction_count, self.labeled_count, self.duplicate_label_count)

    @property
    def label_coverage(self) -> float | None:
        """labeled_count / prediction_count, None without predictions."""
        return self.labeled_count / self.prediction_count if self.prediction_count else None


def naive_utc(value: dt.datetime) -> dt.datetime:
    """Return a timestamp as naive UTC (how the tables store it), microseconds kept."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def result_rows(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Rows as dicts of plain values: NULL, NaN of a NULL double and NaT all become None."""
    # Engines may fold identifier case (unquoted aliases): match on lower case.
    frame = frame.rename(columns=str.lower)
    for row in frame.astype(object).to_dict(orient="records"):
        yield {key: (None if is_missing(value) else value) for key, value in row.items()}


def parse_enum(kind: type[Any], value: Any, column: str) -> Any:
    """Return a stored text as its enum member; a WarehouseError naming the column if unknown."""
    try:
        return kind(value)
    except ValueError:
        raise WarehouseError(
            f"{ALERTS_TABLE} holds an unknown {column} {value!r}", key=column, obj=str(value)
        ) from None


def optional_float(value: Any) -> float | None:
    """Return a value as a float, None kept."""
    return None if value is None else float(value)


def stored_alert(row: dict[str, Any]) -> StoredAlert:
    """Rebuild the Alert of one monitor_alerts row (its `details` are not stored)."""
    window_end = row["window_end"]
    alert = Alert(
        monitor_name=row["monitor_name"],
        rule_name=row["rule_name"],
        metric_name=row["metric_name"],
        severity=parse_enum(Severity, row["severity"], "severity"),
        window_start=naive_utc(row["window_start"]),
        window_end=None if window_end is None else naive_utc(window_end),
        message=row["message"] or "",
        observed_value=optional_float(row["observed_value"]),
        threshold=optional_float(row["threshold"]),
        expected_low=optional_float(row["expected_low"]),
        expected_high=optional_float(row["expected_high"]),
        column_name=row["column_name"],
        model_version=row["model_version"],
        slice_key=row["slice_key"],
        slice_value=row["slice_value"],
        status=parse_enum(Status, row["status"], "status"),
    )
    evaluated_at = row["evaluated_at"]
    return StoredAlert(
        alert_id=row["alert_id"],
        alert=alert,
        evaluated_at=None if evaluated_at is None else naive_utc(evaluated_at),
    )
