"""The SQL that writes the store: alerts inserted once per alert_id, delivery rows replaced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from model_monitor.alerts.record import Alert
from model_monitor.alerts.store.records import DeliveryRecord, DeliveryStatus, LabelRecord
from model_monitor.alerts.store.schema import ALERT_COLUMNS, DELIVERY_COLUMNS, LABEL_WINDOW_COLUMNS
from model_monitor.alerts.store.sql import SqlLiterals, chunks
from model_monitor.errors import WarehouseError


def insert_alerts_sql(
    literals: SqlLiterals, relation: str, alerts: Sequence[Alert], evaluated_at: dt.datetime
) -> list[str]:
    """INSERTs of the alerts whose alert_id the table does not hold yet."""
    unique = list({alert.alert_id: alert for alert in alerts}.values())
    q = literals.warehouse.quote
    names = ", ".join(q(name) for name, _ in ALERT_COLUMNS)
    statements = []
    for chunk in chunks(unique):
        rows = ",\n  ".join(
            "(" + ", ".join(alert_values(literals, alert, evaluated_at)) + ")" for alert in chunk
        )
        statements.append(
            f"insert into {relation} ({names})\n"
            f"select {names} from (values\n  {rows}\n) as incoming ({names})\n"
            f"where not exists (select 1 from {relation} stored "
            f"where stored.{q('alert_id')} = incoming.{q('alert_id')})"
        )
    return statements


def alert_values(literals: SqlLiterals, alert: Alert, evaluated_at: dt.datetime) -> list[str]:
    """One alert's typed literals, in ALERT_COLUMNS order."""
    values: dict[str, Any] = {**alert.as_fields(), "evaluated_at": evaluated_at}
    return [literals.literal(values[name], kind) for name, kind in ALERT_COLUMNS]


def replace_deliveries_sql(
    literals: SqlLiterals, relation: str, deliveries: Sequence[DeliveryRecord]
) -> list[str]:
    """DELETEs of these (alert_id, channel) rows, then INSERTs of their new values."""
    unique = list({(d.alert_id, d.channel): d for d in deliveries}.values())
    for record in unique:
        if record.delivery_status is DeliveryStatus.PENDING:
            raise WarehouseError(
                "a pending (dry-run) delivery cannot be stored",
                key="delivery_status",
                obj=record.alert_id,
            )
    q = literals.warehouse.quote
    names = ", ".join(q(name) for name, _ in DELIVERY_COLUMNS)
    statements = []
    by_channel: dict[str, list[str]] = {}
    for record in unique:
        by_channel.setdefault(record.channel, []).append(record.alert_id)
    for channel, alert_ids in sorted(by_channel.items()):
        for chunk in chunks(alert_ids):
            statements.append(
                f"delete from {relation} "
                f"where {q('channel')} = {literals.warehouse.string_literal(channel)} "
                f"and {q('alert_id')} in ({literals.strings(chunk)})"
            )
    for chunk in chunks(unique):
        rows = ",\n  ".join(
            "("
            + ", ".join(
                [
                    literals.literal(record.alert_id, "string"),
                    literals.literal(record.channel, "string"),
                    literals.literal(record.delivery_status.value, "string"),
                    literals.literal(record.attempts, "integer"),
                    literals.literal(record.last_error, "string"),
                    literals.literal(record.updated_at, "timestamp"),
                ]
            )
            + ")"
            for record in chunk
        )
        statements.append(f"insert into {relation} ({names}) values\n  {rows}")
    return statements


def insert_label_records_sql(
    literals: SqlLiterals, relation: str, records: Sequence[LabelRecord], evaluated_at: dt.datetime
) -> list[str]:
    """INSERTs of label records (the table only grows: the latest row per window counts)."""
    q = literals.warehouse.quote
    names = ", ".join(q(name) for name, _ in LABEL_WINDOW_COLUMNS)
    statements = []
    for chunk in chunks(records):
        rows = ",\n  ".join(
            "("
            + ", ".join(
                literals.literal(value, kind)
                for value, (_, kind) in zip(
                    (
                        r.monitor_name,
                        r.window_start,
                        r.model_version,
                        r.prediction_count,
                        r.labeled_count,
                        r.duplicate_label_count,
                        r.label_coverage,
                        r.outcome.value,
                        evaluated_at,
                    ),
                    LABEL_WINDOW_COLUMNS,
                    strict=True,
                )
            )
            + ")"
            for r in chunk
        )
        statements.append(f"insert into {relation} ({names}) values\n  {rows}")
    return statements
