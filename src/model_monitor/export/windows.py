"""Which window each monitor exports."""

from __future__ import annotations

import datetime as dt

from model_monitor.errors import ConfigError
from model_monitor.export.snapshot import ExportWindow
from model_monitor.sql_values import (
    Queryable,
    as_datetime,
    sql_timestamp,
    timestamp_text,
)
from model_monitor.tables import names
from model_monitor.tables.reader import Where, window_spans_sql
from model_monitor.tables.unmatched import check_known_monitor


def export_windows(
    warehouse: Queryable,
    monitor: str | None = None,
    window: dt.datetime | dt.date | None = None,
) -> list[ExportWindow]:
    """Return the window to export per monitor: `window`, or the latest in monitor_data_quality.

    monitor_data_quality lists every window, empty ones included, so an outage's empty window is
    exported (prediction_count 0) rather than hidden behind the day before.
    """
    relation = warehouse.relation(names.DATA_QUALITY)
    q, where = warehouse.quote, Where(warehouse)
    conditions = [*where.current(), f"{q('metric_scope')} = 'window'", *where.monitor(monitor)]
    if window is not None:
        conditions.append(f"{q('window_start')} = {sql_timestamp(window)}")
    rows = warehouse.query(window_spans_sql(warehouse, relation, conditions)).to_dict("records")
    windows = [
        ExportWindow(str(r["monitor_name"]), start, as_datetime(r["latest_window_end"]))
        for r in rows
        if (start := as_datetime(r["latest_window_start"])) is not None
    ]
    if windows or (monitor is None and window is None):
        return sorted(windows, key=lambda w: w.monitor_name)
    if monitor is not None:
        check_known_monitor(warehouse, relation, monitor)
    assert window is not None
    raise ConfigError(
        f"no window starts at {timestamp_text(window)} in {relation}",
        monitor=monitor,
        key="window",
    )
