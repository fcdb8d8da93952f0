"""The alert tables' names and typed columns, and the portable DDL that creates them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

ALERTS_TABLE = "monitor_alerts"
DELIVERIES_TABLE = "monitor_alert_deliveries"
# The label state each evaluation saw per window: how the next one knows which labels changed.
LABEL_WINDOWS_TABLE = "monitor_label_evaluations"

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

LABEL_WINDOW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("monitor_name", "string"),
    ("window_start", "timestamp"),
    ("model_version", "string"),
    ("prediction_count", "integer"),
    ("labeled_count", "integer"),
    ("duplicate_label_count", "integer"),
    ("label_coverage", "double"),
    ("outcome", "string"),
    ("evaluated_at", "timestamp"),
)


def create_table_sql(
    relation: str,
    columns: Sequence[tuple[str, str]],
    types: Mapping[str, str],
    quote: Callable[[str], str],
    adapter_type: str,
) -> str:
    """Return `create table if not exists` for a relation with these (column, kind) pairs."""
    body = ",\n  ".join(f"{quote(name)} {types[kind]}" for name, kind in columns)
    # UPDATE/DELETE on Spark need a Delta table; elsewhere the default storage is right.
    using = " using delta" if adapter_type in ("spark", "databricks") else ""
    return f"create table if not exists {relation} (\n  {body}\n){using}"
