"""The alert store: `monitor_alerts` and `monitor_alert_deliveries` in the warehouse.

Both tables are created on first use with portable DDL (column types from the adapter, the
same choices as the package's cross-db macros). Every write goes through one transaction per
call: alerts are inserted only where their `alert_id` is absent, and a delivery row is replaced
per (alert_id, channel), so re-running an evaluation on the same data writes nothing new.
Every literal is escaped by the warehouse and every identifier quoted.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

import pandas as pd

from model_monitor.alerts import Alert, Severity, Status
from model_monitor.errors import WarehouseError

ALERTS_TABLE = "monitor_alerts"
DELIVERIES_TABLE = "monitor_alert_deliveries"

# (column, kind): kinds are rendered per engine by Warehouse.column_type.
ALERT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("alert_id", "string"),
    ("alert_key", "string"),
    ("evaluated_at", "timestamp"),
    ("monitor_name", "string"),
    ("window_start", "timestamp"),
    ("window_end", "timestamp"),
    ("model_version", "string"),
    ("slice_key", "string"),
    ("slice_value", "string"),
    ("column_name", "string"),
    ("metric_name", "string"),
    ("rule_name", "string"),
    ("severity", "string"),
    ("status", "string"),
    ("observed_value", "double"),
    ("threshold", "double"),
    ("expected_low", "double"),
    ("expected_high", "double"),
    ("message", "string"),
)
DELIVERY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("alert_id", "string"),
    ("channel", "string"),
    ("delivery_status", "string"),
    ("attempts", "integer"),
    ("last_error", "string"),
    ("updated_at", "timestamp"),
)

# Rows per INSERT statement and values per IN list: keeps statements well under engine limits.
_CHUNK = 200


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


class SqlWarehouse(Protocol):
    """What the store needs of a warehouse (model_monitor.warehouse.Warehouse has it)."""

    adapter_type: str

    @property
    def target_schema(self) -> str: ...

    def query(self, sql: str) -> pd.DataFrame: ...

    def execute(self, *statements: str) -> None: ...

    def quote(self, identifier: str) -> str: ...

    def table_relation(self, identifier: str, schema: str | None = None) -> str: ...

    def ensure_schema(self, schema: str) -> None: ...

    def column_type(self, kind: str) -> str: ...

    def string_literal(self, value: str) -> str: ...


def naive_utc(value: dt.datetime) -> dt.datetime:
    """Return a timestamp as naive UTC (how the tables store it), microseconds kept."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


class AlertStore:
    """monitor_alerts and monitor_alert_deliveries in one schema of a warehouse."""

    def __init__(self, warehouse: SqlWarehouse, schema: str | None = None) -> None:
        """Use `schema` (default: the target schema); nothing is read or created yet."""
        self.warehouse = warehouse
        self.schema = schema or warehouse.target_schema
        self.alerts_relation = warehouse.table_relation(ALERTS_TABLE, self.schema)
        self.deliveries_relation = warehouse.table_relation(DELIVERIES_TABLE, self.schema)
        self._types = {
            kind: warehouse.column_type(kind)
            for kind in ("string", "double", "timestamp", "integer")
        }

    # --- DDL ------------------------------------------------------------------------------

    def ensure_tables(self) -> None:
        """Create the schema and both tables where missing."""
        self.warehouse.ensure_schema(self.schema)
        self.warehouse.execute(
            self._create_sql(self.alerts_relation, ALERT_COLUMNS),
            self._create_sql(self.deliveries_relation, DELIVERY_COLUMNS),
        )

    def _create_sql(self, relation: str, columns: Sequence[tuple[str, str]]) -> str:
        q = self.warehouse.quote
        body = ",\n  ".join(f"{q(name)} {self._types[kind]}" for name, kind in columns)
        # UPDATE/DELETE on Spark need a Delta table; elsewhere the default storage is right.
        using = " using delta" if self.warehouse.adapter_type in ("spark", "databricks") else ""
        return f"create table if not exists {relation} (\n  {body}\n){using}"

    def exists(self) -> bool:
        """Whether monitor_alerts can be read (a dry run must not create it)."""
        try:
            self.warehouse.query(
                f"select {self.warehouse.quote('alert_id')} from {self.alerts_relation} where 1 = 0"
            )
        except WarehouseError:
            return False
        return True

    # --- reads ----------------------------------------------------------------------------

    def latest_alerts(self, monitors: Iterable[str]) -> dict[str, StoredAlert]:
        """Return the latest stored row per alert_key (by window, then evaluation) of monitors."""
        monitors = sorted(set(monitors))
        if not monitors:
            return {}
        q = self.warehouse.quote
        columns = ", ".join(q(name) for name, _ in ALERT_COLUMNS)
        latest: dict[str, StoredAlert] = {}
        for chunk in _chunks(monitors):
            frame = self.warehouse.query(
                f"select {columns} from (\n"
                f"  select {columns}, row_number() over (\n"
                f"    partition by {q('alert_key')}\n"
                f"    order by {q('window_start')} desc, {q('evaluated_at')} desc, "
                f"{q('alert_id')} desc\n"
                f"  ) as {q('mm_rank')}\n"
                f"  from {self.alerts_relation}\n"
                f"  where {q('monitor_name')} in ({self._strings(chunk)})\n"
                f") ranked where {q('mm_rank')} = 1"
            )
            for row in _records(frame):
                stored = _stored_alert(row)
                latest[stored.alert.alert_key] = stored
        return latest

    def stored_statuses(self, alert_ids: Iterable[str]) -> dict[str, Status]:
        """Return the stored status of each of these alert_ids that is already in the table."""
        q = self.warehouse.quote
        found: dict[str, Status] = {}
        for chunk in _chunks(sorted(set(alert_ids))):
            frame = self.warehouse.query(
                f"select {q('alert_id')}, {q('status')} from {self.alerts_relation} "
                f"where {q('alert_id')} in ({self._strings(chunk)})"
            )
            for row in _records(frame):
                found[row["alert_id"]] = _enum(Status, row["status"], "status")
        return found

    def last_notified(self, monitors: Iterable[str]) -> dict[tuple[str, str], dt.datetime]:
        """Return when each (alert_key, channel) of these monitors was last delivered."""
        monitors = sorted(set(monitors))
        q = self.warehouse.quote
        notified: dict[tuple[str, str], dt.datetime] = {}
        for chunk in _chunks(monitors):
            frame = self.warehouse.query(
                f"select a.{q('alert_key')}, d.{q('channel')}, "
                f"max(d.{q('updated_at')}) as {q('notified_at')}\n"
                f"from {self.deliveries_relation} d\n"
                f"join {self.alerts_relation} a on a.{q('alert_id')} = d.{q('alert_id')}\n"
                f"where d.{q('delivery_status')} = "
                f"{self.warehouse.string_literal(DeliveryStatus.DELIVERED.value)}\n"
                f"  and a.{q('monitor_name')} in ({self._strings(chunk)})\n"
                f"group by a.{q('alert_key')}, d.{q('channel')}"
            )
            for row in _records(frame):
                notified[(row["alert_key"], row["channel"])] = naive_utc(row["notified_at"])
        return notified

    def failed_deliveries(self, channels: Iterable[str]) -> list[FailedDelivery]:
        """Return deliveries left failed on these channels, oldest alert first."""
        channels = sorted(set(channels))
        if not channels:
            return []
        q = self.warehouse.quote
        columns = ", ".join(f"a.{q(name)}" for name, _ in ALERT_COLUMNS)
        frame = self.warehouse.query(
            f"select {columns}, d.{q('channel')}, d.{q('attempts')}, d.{q('last_error')}\n"
            f"from {self.deliveries_relation} d\n"
            f"join {self.alerts_relation} a on a.{q('alert_id')} = d.{q('alert_id')}\n"
            f"where d.{q('delivery_status')} = "
            f"{self.warehouse.string_literal(DeliveryStatus.FAILED.value)}\n"
            f"  and d.{q('channel')} in ({self._strings(channels)})\n"
            f"order by a.{q('evaluated_at')}, a.{q('window_start')}, a.{q('alert_id')}"
        )
        failed: dict[tuple[str, str], FailedDelivery] = {}
        for row in _records(frame):
            stored = _stored_alert(row)
            attempts = row["attempts"]
            failed.setdefault(
                (stored.alert_id, row["channel"]),
                FailedDelivery(
                    stored=stored,
                    channel=row["channel"],
                    attempts=0 if attempts is None else int(attempts),
                    last_error=row["last_error"],
                ),
            )
        return list(failed.values())

    def load_alerts(self) -> list[StoredAlert]:
        """Return every stored alert (for tests and reports), oldest evaluation first."""
        q = self.warehouse.quote
        columns = ", ".join(q(name) for name, _ in ALERT_COLUMNS)
        frame = self.warehouse.query(
            f"select {columns} from {self.alerts_relation} "
            f"order by {q('evaluated_at')}, {q('window_start')}, {q('alert_id')}"
        )
        return [_stored_alert(row) for row in _records(frame)]

    def load_deliveries(self) -> list[DeliveryRecord]:
        """Return every delivery row, ordered by alert_id and channel."""
        q = self.warehouse.quote
        columns = ", ".join(q(name) for name, _ in DELIVERY_COLUMNS)
        frame = self.warehouse.query(
            f"select {columns} from {self.deliveries_relation} "
            f"order by {q('alert_id')}, {q('channel')}"
        )
        return [
            DeliveryRecord(
                alert_id=row["alert_id"],
                channel=row["channel"],
                delivery_status=_enum(DeliveryStatus, row["delivery_status"], "delivery_status"),
                attempts=int(row["attempts"] or 0),
                last_error=row["last_error"],
                updated_at=naive_utc(row["updated_at"]),
            )
            for row in _records(frame)
        ]

    # --- writes ---------------------------------------------------------------------------

    def save(
        self,
        alerts: Sequence[Alert],
        deliveries: Sequence[DeliveryRecord],
        evaluated_at: dt.datetime,
    ) -> None:
        """Insert alerts whose alert_id is absent and replace these delivery rows, atomically."""
        statements = [*self._insert_alerts_sql(alerts, evaluated_at)]
        statements += self._replace_deliveries_sql(deliveries)
        if statements:
            self.warehouse.execute(*statements)

    def insert_alerts(self, alerts: Sequence[Alert], evaluated_at: dt.datetime) -> None:
        """Insert the alerts whose alert_id is not stored yet; others are left as they are."""
        self.save(alerts, (), evaluated_at)

    def record_deliveries(self, deliveries: Sequence[DeliveryRecord]) -> None:
        """Write one row per (alert_id, channel), replacing the row it had."""
        self.save((), deliveries, dt.datetime.now(dt.timezone.utc))

    def _insert_alerts_sql(self, alerts: Sequence[Alert], evaluated_at: dt.datetime) -> list[str]:
        unique = list({alert.alert_id: alert for alert in alerts}.values())
        q = self.warehouse.quote
        names = ", ".join(q(name) for name, _ in ALERT_COLUMNS)
        statements = []
        for chunk in _chunks(unique):
            rows = ",\n  ".join(
                "(" + ", ".join(self._alert_values(alert, evaluated_at)) + ")" for alert in chunk
            )
            statements.append(
                f"insert into {self.alerts_relation} ({names})\n"
                f"select {names} from (values\n  {rows}\n) as incoming ({names})\n"
                f"where not exists (select 1 from {self.alerts_relation} stored "
                f"where stored.{q('alert_id')} = incoming.{q('alert_id')})"
            )
        return statements

    def _alert_values(self, alert: Alert, evaluated_at: dt.datetime) -> list[str]:
        values: dict[str, Any] = {
            "alert_id": alert.alert_id,
            "alert_key": alert.alert_key,
            "evaluated_at": evaluated_at,
            "monitor_name": alert.monitor_name,
            "window_start": alert.window_start,
            "window_end": alert.window_end,
            "model_version": alert.model_version,
            "slice_key": alert.slice_key,
            "slice_value": alert.slice_value,
            "column_name": alert.column_name,
            "metric_name": alert.metric_name,
            "rule_name": alert.rule_name,
            "severity": Severity(alert.severity).value,
            "status": Status(alert.status).value,
            "observed_value": alert.observed_value,
            "threshold": alert.threshold,
            "expected_low": alert.expected_low,
            "expected_high": alert.expected_high,
            "message": alert.message,
        }
        return [self._literal(values[name], kind) for name, kind in ALERT_COLUMNS]

    def _replace_deliveries_sql(self, deliveries: Sequence[DeliveryRecord]) -> list[str]:
        unique = list({(d.alert_id, d.channel): d for d in deliveries}.values())
        for record in unique:
            if record.delivery_status is DeliveryStatus.PENDING:
                raise WarehouseError(
                    "a pending (dry-run) delivery cannot be stored",
                    key="delivery_status",
                    obj=record.alert_id,
                )
        q = self.warehouse.quote
        names = ", ".join(q(name) for name, _ in DELIVERY_COLUMNS)
        statements = []
        by_channel: dict[str, list[str]] = {}
        for record in unique:
            by_channel.setdefault(record.channel, []).append(record.alert_id)
        for channel, alert_ids in sorted(by_channel.items()):
            for chunk in _chunks(alert_ids):
                statements.append(
                    f"delete from {self.deliveries_relation} "
                    f"where {q('channel')} = {self.warehouse.string_literal(channel)} "
                    f"and {q('alert_id')} in ({self._strings(chunk)})"
                )
        for chunk in _chunks(unique):
            rows = ",\n  ".join(
                "("
                + ", ".join(
                    [
                        self._literal(record.alert_id, "string"),
                        self._literal(record.channel, "string"),
                        self._literal(record.delivery_status.value, "string"),
                        self._literal(record.attempts, "integer"),
                        self._literal(record.last_error, "string"),
                        self._literal(record.updated_at, "timestamp"),
                    ]
                )
                + ")"
                for record in chunk
            )
            statements.append(f"insert into {self.deliveries_relation} ({names}) values\n  {rows}")
        return statements

    # --- literals -------------------------------------------------------------------------

    def _literal(self, value: Any, kind: str) -> str:
        """A typed literal: every value is cast, so NULLs and VALUES rows type alike."""
        sql_type = self._types[kind]
        if value is None or (isinstance(value, float) and math.isnan(value) and kind != "double"):
            return f"cast(null as {sql_type})"
        if kind == "string":
            return f"cast({self.warehouse.string_literal(str(value))} as {sql_type})"
        if kind == "timestamp":
            text = naive_utc(value).isoformat(sep=" ", timespec="microseconds")
            return f"cast({self.warehouse.string_literal(text)} as {sql_type})"
        if kind == "integer":
            return f"cast({int(value)} as {sql_type})"
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            text = "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")
            return f"cast({self.warehouse.string_literal(text)} as {sql_type})"
        return f"cast({number!r} as {sql_type})"

    def _strings(self, values: Iterable[str]) -> str:
        return ", ".join(self.warehouse.string_literal(v) for v in values)


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Rows as dicts of plain values: NULL, NaN of a NULL double and NaT all become None."""
    # Engines may fold identifier case (unquoted aliases): match on lower case.
    frame = frame.rename(columns=str.lower)
    for row in frame.astype(object).to_dict(orient="records"):
        yield {key: (None if _is_missing(value) else value) for key, value in row.items()}


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _enum(kind: type[Any], value: Any, column: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise WarehouseError(
            f"{ALERTS_TABLE} holds an unknown {column} {value!r}", key=column, obj=str(value)
        ) from None


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _stored_alert(row: dict[str, Any]) -> StoredAlert:
    """Rebuild the Alert of one monitor_alerts row (its `details` are not stored)."""
    window_end = row["window_end"]
    alert = Alert(
        monitor_name=row["monitor_name"],
        rule_name=row["rule_name"],
        metric_name=row["metric_name"],
        severity=_enum(Severity, row["severity"], "severity"),
        window_start=naive_utc(row["window_start"]),
        window_end=None if window_end is None else naive_utc(window_end),
        message=row["message"] or "",
        observed_value=_float(row["observed_value"]),
        threshold=_float(row["threshold"]),
        expected_low=_float(row["expected_low"]),
        expected_high=_float(row["expected_high"]),
        column_name=row["column_name"],
        model_version=row["model_version"],
        slice_key=row["slice_key"],
        slice_value=row["slice_value"],
        status=_enum(Status, row["status"], "status"),
    )
    evaluated_at = row["evaluated_at"]
    return StoredAlert(
        alert_id=row["alert_id"],
        alert=alert,
        evaluated_at=None if evaluated_at is None else naive_utc(evaluated_at),
    )
