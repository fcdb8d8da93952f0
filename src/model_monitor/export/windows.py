"""Which window each monitor exports."""

from __future__ import annotations

import datetime as dt

from model_monitor.errors import ConfigError
from model_monitor.export.snapshot import ExportWindow
from model_monitor.sql_values import (
    Queryable,
    as_datetime,
    sql_string,
    sql_timestamp,
    timestamp_text,
    validate_monitor_name,
)
from model_monitor.tables import names
from model_monitor.unmatched_filters import check_known_monitor


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
    q = warehouse.quote
    conditions = [f"{q('window_kind')} = 'current'", f"{q('metric_scope')} = 'window'"]
    if monitor is not None:
        conditions.append(f"{q('monitor_name')} = {sql_string(validate_monitor_name(monitor))}")
    if window is not None:
        conditions.append(f"{q('window_start')} = {sql_timestamp(window)}")
    where = " and ".join(conditions)
    sql = (
        f"select {q('monitor_name')} as monitor_name, max({q('window_start')}) as window_start,\n"
        f"  max({q('window_end')}) as window_end\n"
        f"from {relation}\nwhere {where}\ngroup by {q('monitor_name')}"
    )
    rows = warehouse.query(sql).to_dict("records")
    windows = [
        ExportWindow(str(r["monitor_name"]), start, as_datetime(r["window_end"]))
        for r in rows
        if (start := as_datetime(r["window_start"])) is not None
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
