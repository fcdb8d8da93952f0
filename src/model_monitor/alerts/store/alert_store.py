"""The alert store: `monitor_alerts` and `monitor_alert_deliveries` in the warehouse.

Both tables are created on first use with portable DDL (column types from the adapter, the
same choices as the package's cross-db macros). Every write goes through one transaction per
call: alerts are inserted only where their `alert_id` is absent, and a delivery row is replaced
per (alert_id, channel), so re-running an evaluation on the same data writes nothing new.
Every literal is escaped by the warehouse and every identifier quoted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from model_monitor.alerts.record import Alert, Status
from model_monitor.alerts.store.records import (
    DeliveryRecord,
    DeliveryStatus,
    FailedDelivery,
    LabelOutcome,
    LabelRecord,
    StoredAlert,
    naive_utc,
    parse_enum,
    result_rows,
    stored_alert,
)
from model_monitor.alerts.store.schema import (
    ALERT_COLUMNS,
    ALERTS_TABLE,
    DELIVERIES_TABLE,
    DELIVERY_COLUMNS,
    LABEL_WINDOW_COLUMNS,
    LABEL_WINDOWS_TABLE,
    create_table_sql,
)
from model_monitor.alerts.store.sql import SqlLiterals, SqlWarehouse, chunks
from model_monitor.alerts.store.writes import (
    insert_alerts_sql,
    insert_label_records_sql,
    replace_deliveries_sql,
)
from model_monitor.errors import WarehouseError


class AlertStore:
    """monitor_alerts and monitor_alert_deliveries in one schema of a warehouse."""

    def __init__(self, warehouse: SqlWarehouse, schema: str | None = None) -> None:
        """Use `schema` (default: the target schema); nothing is read or created yet."""
        self.warehouse = warehouse
        self.schema = schema or warehouse.target_schema
        self.alerts_relation = warehouse.table_relation(ALERTS_TABLE, self.schema)
        self.deliveries_relation = warehouse.table_relation(DELIVERIES_TABLE, self.schema)
        self.labels_relation = warehouse.table_relation(LABEL_WINDOWS_TABLE, self.schema)
        self.literals = SqlLiterals(warehouse)

    def ensure_tables(self) -> None:
        """Create the schema and both tables where missing."""
        self.warehouse.ensure_schema(self.schema)
        self.warehouse.execute(
            self._create_sql(self.alerts_relation, ALERT_COLUMNS),
            self._create_sql(self.deliveries_relation, DELIVERY_COLUMNS),
            self._create_sql(self.labels_relation, LABEL_WINDOW_COLUMNS),
        )

    def _create_sql(self, relation: str, columns: Sequence[tuple[str, str]]) -> str:
        return create_table_sql(
            relation,
            columns,
            self.literals.types,
            self.warehouse.quote,
            self.warehouse.adapter_type,
        )

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
        for chunk in chunks(monitors):
            frame = self.warehouse.query(
                f"select {columns} from (\n"
                f"  select {columns}, row_number() over (\n"
                f"    partition by {q('alert_key')}\n"
                f"    order by {q('window_start')} desc, {q('evaluated_at')} desc, "
                f"{q('alert_id')} desc\n"
                f"  ) as {q('mm_rank')}\n"
                f"  from {self.alerts_relation}\n"
                f"  where {q('monitor_name')} in ({self.literals.strings(chunk)})\n"
                f") ranked where {q('mm_rank')} = 1"
            )
            for row in result_rows(frame):
                stored = stored_alert(row)
                latest[stored.alert.alert_key] = stored
        return latest

    def label_records(self, monitors: Iterable[str]) -> dict[tuple[object, ...], LabelRecord]:
        """Return the latest label record per (monitor, window, version); {} before the table."""
        monitors = sorted(set(monitors))
        q = self.warehouse.quote
        columns = ", ".join(q(name) for name, _ in LABEL_WINDOW_COLUMNS)
        partition = ", ".join(q(c) for c in ("monitor_name", "window_start", "model_version"))
        latest: dict[tuple[object, ...], LabelRecord] = {}
        for chunk in chunks(monitors):
            sql = (
                f"select {columns} from (\n"
                f"  select {columns}, row_number() over (\n"
                f"    partition by {partition} order by {q('evaluated_at')} desc\n"
                f"  ) as {q('mm_rank')}\n"
                f"  from {self.labels_relation}\n"
                f"  where {q('monitor_name')} in ({self.literals.strings(chunk)})\n"
                f") ranked where {q('mm_rank')} = 1"
            )
            try:
                frame = self.warehouse.query(sql)
            except WarehouseError:
                return {}  # a store written before this table existed: no label history yet
            for row in result_rows(frame):
                record = LabelRecord(
                    monitor_name=row["monitor_name"],
                    window_start=naive_utc(row["window_start"]),
                    model_version=row["model_version"],
                    prediction_count=int(row["prediction_count"] or 0),
                    labeled_count=int(row["labeled_count"] or 0),
                    duplicate_label_count=int(row["duplicate_label_count"] or 0),
                    outcome=parse_enum(LabelOutcome, row["outcome"], "outcome"),
                    evaluated_at=naive_utc(row["evaluated_at"]),
                )
                latest[record.key] = record
        return latest

    def stored_statuses(self, alert_ids: Iterable[str]) -> dict[str, Status]:
        """Return the stored status of each of these alert_ids that is already in the table."""
        q = self.warehouse.quote
        found: dict[str, Status] = {}
        for chunk in chunks(sorted(set(alert_ids))):
            frame = self.warehouse.query(
                f"select {q('alert_id')}, {q('status')} from {self.alerts_relation} "
                f"where {q('alert_id')} in ({self.literals.strings(chunk)})"
            )
            for row in result_rows(frame):
                found[row["alert_id"]] = parse_enum(Status, row["status"], "status")
        return found

    def last_notified(self, monitors: Iterable[str]) -> dict[tuple[str, str], dt.datetime]:
        """Return when each (alert_key, channel) of these monitors was last delivered."""
        monitors = sorted(set(monitors))
        q = self.warehouse.quote
        notified: dict[tuple[str, str], dt.datetime] = {}
        for chunk in chunks(monitors):
            frame = self.warehouse.query(
                f"select a.{q('alert_key')}, d.{q('channel')}, "
                f"max(d.{q('updated_at')}) as {q('notified_at')}\n"
                f"from {self.deliveries_relation} d\n"
                f"join {self.alerts_relation} a on a.{q('alert_id')} = d.{q('alert_id')}\n"
                f"where d.{q('delivery_status')} = "
                f"{self.warehouse.string_literal(DeliveryStatus.DELIVERED.value)}\n"
                f"  and a.{q('monitor_name')} in ({self.literals.strings(chunk)})\n"
                f"group by a.{q('alert_key')}, d.{q('channel')}"
            )
            for row in result_rows(frame):
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
            f"  and d.{q('channel')} in ({self.literals.strings(channels)})\n"
            f"order by a.{q('evaluated_at')}, a.{q('window_start')}, a.{q('alert_id')}"
        )
        failed: dict[tuple[str, str], FailedDelivery] = {}
        for row in result_rows(frame):
            stored = stored_alert(row)
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
        return [stored_alert(row) for row in result_rows(frame)]

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
                delivery_status=parse_enum(
                    DeliveryStatus, row["delivery_status"], "delivery_status"
                ),
                attempts=int(row["attempts"] or 0),
                last_error=row["last_error"],
                updated_at=naive_utc(row["updated_at"]),
            )
            for row in result_rows(frame)
        ]

    # --- writes ---------------------------------------------------------------------------

    def save(
        self,
        alerts: Sequence[Alert],
        deliveries: Sequence[DeliveryRecord],
        evaluated_at: dt.datetime,
        label_records: Sequence[LabelRecord] = (),
    ) -> None:
        """Insert alerts whose alert_id is absent, replace these delivery rows and add the label
        records, atomically."""
        statements = insert_alerts_sql(self.literals, self.alerts_relation, alerts, evaluated_at)
        statements += replace_deliveries_sql(self.literals, self.deliveries_relation, deliveries)
        statements += insert_label_records_sql(
            self.literals, self.labels_relation, label_records, evaluated_at
        )
        if statements:
            self.warehouse.execute(*statements)

    def insert_alerts(self, alerts: Sequence[Alert], evaluated_at: dt.datetime) -> None:
        """Insert the alerts whose alert_id is not stored yet; others are left as they are."""
        self.save(alerts, (), evaluated_at)

    def record_deliveries(self, deliveries: Sequence[DeliveryRecord]) -> None:
        """Write one row per (alert_id, channel), replacing the row it had."""
        self.save((), deliveries, dt.datetime.now(dt.timezone.utc))
