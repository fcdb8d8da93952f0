"""The performance tables and the SELECTs that read them: chosen windows, their coverage and ops."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from model_monitor.sql_values import (
    Queryable,
    as_datetime,
    as_str,
    sql_string,
    sql_timestamp,
)
from model_monitor.tables import names
from model_monitor.tables.reader import (
    Where,
    latest_windows_cte,
    optional_relation,
    select_sql,
)

PERFORMANCE_COLUMNS = (
    "monitor_name",
    "window_kind",
    "window_start",
    "window_end",
    "model_version",
    "slice_key",
    "slice_value",
    "metric_source",
    "metric_name",
    "class_label",
    "metric_value",
    "labeled_count",
    "undefined_reason",
    "labels_as_of",
)
KEY_COLUMNS = names.MATCH_KEY
COVERAGE_COLUMNS = (
    "prediction_count",
    "labeled_count",
    "label_coverage",
    "label_delay_median_hours",
)
OPERATIONS_COLUMNS = (
    "prediction_count",
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "error_rate",
)

Key = tuple[Any, ...]


def _selected_current(
    q: Callable[[str], str],
    alias: str,
    window: dt.datetime | dt.date | None,
    model_version: str | None,
    chosen: dict[str, dt.datetime] | None = None,
) -> str:
    """Return the condition on current rows: the chosen window (or latest) and version.

    `chosen` maps monitors to the window to show instead of their latest (mature labels).
    """
    parts = [f"{alias}.{q('window_kind')} = 'current'"]
    if window is not None:
        parts.append(f"{alias}.{q('window_start')} = {sql_timestamp(window)}")
    elif chosen:
        monitors = ", ".join(sql_string(m) for m in sorted(chosen))
        picks = " or ".join(
            f"({alias}.{q('monitor_name')} = {sql_string(m)} and "
            f"{alias}.{q('window_start')} = {sql_timestamp(start)})"
            for m, start in sorted(chosen.items())
        )
        parts.append(
            f"((latest_windows.latest_window_start is not null and "
            f"{alias}.{q('monitor_name')} not in ({monitors})) or {picks})"
        )
    else:
        parts.append("latest_windows.latest_window_start is not null")
    if model_version is not None:
        parts.append(f"{alias}.{q('model_version')} = {sql_string(model_version)}")
    return " and ".join(parts)


def build_performance_sql(
    warehouse: Queryable,
    monitor: str | None = None,
    window: dt.datetime | dt.date | None = None,
    model_version: str | None = None,
    slices: bool = False,
    chosen: dict[str, dt.datetime] | None = None,
) -> str:
    """Return the SELECT of the chosen current windows' metric rows plus the reference's."""
    relation = warehouse.relation(names.PERFORMANCE)
    q, perf, plain = warehouse.quote, Where(warehouse, "perf"), Where(warehouse)
    current = _selected_current(q, "perf", window, model_version, chosen)
    conditions = [
        f"(perf.{q('window_kind')} = 'reference' or ({current}))",
        *perf.monitor(monitor),
        *perf.whole_unless(slices),
    ]
    if window is not None:
        return select_sql(warehouse, relation, PERFORMANCE_COLUMNS, conditions, alias="perf")
    # The latest current window per monitor (with the chosen version): the one to show.
    latest_filter = [*plain.current(), *plain.monitor(monitor)]
    if model_version is not None:
        latest_filter.append(f"{q('model_version')} = {sql_string(model_version)}")
    latest_join = (
        f"left join latest_windows\n"
        f"  on perf.{q('monitor_name')} = latest_windows.{q('monitor_name')}\n"
        f"  and perf.{q('window_start')} = latest_windows.latest_window_start"
    )
    return latest_windows_cte(warehouse, relation, latest_filter) + select_sql(
        warehouse, relation, PERFORMANCE_COLUMNS, conditions, alias="perf", join=latest_join
    )


def _window_rows_sql(
    warehouse: Queryable,
    relation: str,
    columns: tuple[str, ...],
    windows: list[tuple[str, dt.datetime]],
    slices: bool,
) -> str:
    """Return a SELECT of a per-window table's rows for the given (monitor, window_start)."""
    where = Where(warehouse)
    chosen: dict[str, list[dt.datetime]] = {}
    for name, start in windows:
        chosen.setdefault(name, []).append(start)
    conditions = [*where.windows(chosen), *where.whole_unless(slices)]
    return select_sql(warehouse, relation, (*KEY_COLUMNS, *columns), conditions)


def record_key(record: dict[str, Any]) -> Key:
    """Return the (monitor, window, version, slice) key of a result row."""
    return (
        str(record["monitor_name"]),
        as_datetime(record["window_start"]),
        as_str(record["model_version"]),
        as_str(record["slice_key"]),
        as_str(record["slice_value"]),
    )


def load_window_table(
    warehouse: Queryable,
    table_name: str,
    columns: tuple[str, ...],
    windows: list[tuple[str, dt.datetime]],
    slices: bool,
) -> dict[Key, dict[str, Any]] | None:
    """Return rows of a per-window table by key; None when the project has no such table."""
    relation = optional_relation(warehouse, table_name)
    if relation is None:
        return None  # an optional table: older package versions or a disabled model
    if not windows:
        return {}
    frame = warehouse.query(_window_rows_sql(warehouse, relation, columns, windows, slices))
    return {record_key(r): r for r in frame.to_dict("records")}
