"""Loading what the report shows: the aggregate tables, whole population plus latest slices.

One query per table for every monitor at once, filtered in SQL (monitor, `--since`, slices,
the histogram windows), so the report reads aggregates only and never the predictions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from model_monitor.alerts.record import Alert, Status
from model_monitor.errors import ConfigError, WarehouseError
from model_monitor.report.columns import (
    CALIBRATION_COLUMNS,
    COVERAGE_COLUMNS,
    DISTRIBUTION_COLUMNS,
    DRIFT_COLUMNS,
    FAIRNESS_COLUMNS,
    OPERATIONS_COLUMNS,
    PERFORMANCE_COLUMNS,
    PERFORMANCE_METRICS,
    QUALITY_COLUMNS,
    RESIDUAL_COLUMNS,
    SLICE_DRIFT_COLUMNS,
    SLICE_METRICS,
    SLICE_PERFORMANCE_COLUMNS,
    WINDOW_COLUMNS,
)
from model_monitor.report.data import MonitorData, ReportData, ReportOptions
from model_monitor.tables import names
from model_monitor.tables.pvalues import with_drift_pvalues
from model_monitor.tables.reader import Progress, TableReader, Where
from model_monitor.tables.unmatched import known_monitors


def infer_task(metric_names: set[str]) -> str | None:
    """Return binary, multiclass or regression from the headline metrics a monitor has."""
    if metric_names & {"mae", "rmse", "r2"}:
        return "regression"
    if "f1_macro" in metric_names:
        return "multiclass"
    if metric_names & {"accuracy", "roc_auc", "f1"}:
        return "binary"
    return None


def _last_windows(windows: pd.DataFrame, count: int) -> dict[str, list[dt.datetime]]:
    """Return the last `count` windows with predictions of each monitor."""
    filled = windows[windows["prediction_count"].fillna(0) > 0]
    chosen: dict[str, list[dt.datetime]] = {}
    for name, group in filled.groupby("monitor_name"):
        starts = sorted(group["window_start"].drop_duplicates())[-count:] if count else []
        chosen[str(name)] = [pd.Timestamp(s).to_pydatetime() for s in starts]
    return chosen


def _known_monitors(reader: TableReader) -> list[str]:
    """Return the monitors monitor_data_quality knows, for the error of a wrong --monitor."""
    try:
        relation = reader.warehouse.relation(names.DATA_QUALITY)
    except WarehouseError:
        return []
    return known_monitors(reader.warehouse, relation)


def _open_alerts(warehouse: Any, monitors: list[str]) -> dict[str, list[Alert]] | None:
    """Return the open (new or ongoing) alerts per monitor; None without a monitor_alerts table."""
    from model_monitor.alerts.store.alert_store import AlertStore

    try:
        store = AlertStore(warehouse)
    except (WarehouseError, AttributeError):
        return None  # a warehouse that cannot hold alerts (tests' stand-ins)
    if not store.exists():
        return None
    alerts: dict[str, list[Alert]] = {name: [] for name in monitors}
    for stored in store.latest_alerts(monitors).values():
        alert = stored.alert
        if alert.status in (Status.NEW, Status.ONGOING):
            alerts.setdefault(alert.monitor_name, []).append(alert)
    for found in alerts.values():
        found.sort(
            key=lambda a: (-a.severity.rank, a.rule_name, a.column_name or "", a.metric_name)
        )
    return alerts


def load_report_data(
    warehouse: Any, options: ReportOptions, progress: Progress | None = None
) -> ReportData:
    """Read every table the report shows, for the chosen monitors and windows."""
    reader = TableReader(warehouse, progress)
    where = Where(warehouse)
    monitor, whole = where.monitor(options.monitor), where.whole()
    since = where.since(options.since)
    window_scope = [f"{warehouse.quote('metric_scope')} = 'window'"]
    column_scope = [f"{warehouse.quote('metric_scope')} = 'column'"]

    windows = reader.select(
        names.DATA_QUALITY,
        WINDOW_COLUMNS,
        [*monitor, *whole, *since, *window_scope],
        "windows",
    )
    quality = reader.select(
        names.DATA_QUALITY,
        QUALITY_COLUMNS,
        [*monitor, *whole, *since, *column_scope],
        "columns",
    )
    drift = reader.select(names.DRIFT, DRIFT_COLUMNS, [*monitor, *whole, *since])
    monitor_names = sorted(set(windows["monitor_name"]) | set(drift["monitor_name"]))
    if options.monitor is not None and options.monitor not in monitor_names:
        known = _known_monitors(reader)
        if options.monitor not in known:
            listed = ", ".join(known) if known else "none (run dbt build first)"
            raise ConfigError(
                f"no such monitor; known monitors: {listed}", monitor=options.monitor, key="monitor"
            )
        raise ConfigError(
            f"no window starts at or after {options.since:%Y-%m-%d %H:%M}",
            monitor=options.monitor,
            key="since",
        )
    if not monitor_names and options.since is not None:
        raise ConfigError(
            f"no window starts at or after {options.since:%Y-%m-%d %H:%M}", key="since"
        )
    if not monitor_names:
        raise ConfigError("no monitor has windows yet: run dbt build first", key="monitor")
    latest = _last_windows(windows, 1)
    recent = _last_windows(windows, options.histogram_windows)

    slice_drift = reader.select(
        names.DRIFT,
        SLICE_DRIFT_COLUMNS,
        [*where.slices(), *where.windows(latest, False)],
        "slices, latest window",
    )
    distributions = reader.select(
        names.DISTRIBUTIONS,
        DISTRIBUTION_COLUMNS,
        [
            *monitor,
            *whole,
            f"{warehouse.quote('bin_type')} <> 'null'",
            *where.windows(recent, with_reference=True),
        ],
        f"reference and last {options.histogram_windows} windows",
    )
    with_reference = where.since(options.since, with_reference=True)
    performance = reader.select(
        names.PERFORMANCE,
        PERFORMANCE_COLUMNS,
        [
            *monitor,
            *whole,
            *with_reference,
            f"{warehouse.quote('class_label')} is null",
            *where.values("metric_name", PERFORMANCE_METRICS),
        ],
    )
    slice_performance = reader.select(
        names.PERFORMANCE,
        SLICE_PERFORMANCE_COLUMNS,
        [
            *monitor,
            *where.slices(),
            *with_reference,
            f"{warehouse.quote('metric_source')} = 'realized'",
            f"{warehouse.quote('class_label')} is null",
            *where.values("metric_name", SLICE_METRICS),
        ],
        "slices",
    )
    coverage = reader.select(names.LABEL_COVERAGE, COVERAGE_COLUMNS, [*monitor, *whole, *since])
    calibration = reader.select(
        names.CALIBRATION, CALIBRATION_COLUMNS, [*monitor, *whole, *with_reference]
    )
    residuals = reader.select(
        names.RESIDUALS, RESIDUAL_COLUMNS, [*monitor, *whole, *with_reference]
    )
    operations = reader.select(names.OPERATIONS, OPERATIONS_COLUMNS, [*monitor, *whole, *since])
    fairness = reader.select(names.FAIRNESS, FAIRNESS_COLUMNS, [*monitor, *since])
    alerts = _open_alerts(warehouse, monitor_names)

    drift = with_drift_pvalues(drift)

    def part(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        return frame[frame["monitor_name"] == name].reset_index(drop=True)

    monitors = []
    for name in monitor_names:
        perf = part(performance, name)
        monitors.append(
            MonitorData(
                name=name,
                task=infer_task(set(perf["metric_name"])),
                windows=part(windows, name),
                quality=part(quality, name),
                drift=part(drift, name),
                slice_drift=part(slice_drift, name),
                distributions=part(distributions, name),
                performance=perf,
                slice_performance=part(slice_performance, name),
                coverage=part(coverage, name),
                calibration=part(calibration, name),
                residuals=part(residuals, name),
                operations=part(operations, name),
                fairness=part(fairness, name),
                open_alerts=None if alerts is None else alerts.get(name, []),
            )
        )
    return ReportData(
        monitors=monitors,
        adapter_type=str(getattr(warehouse, "adapter_type", "")),
        target=str(getattr(warehouse, "target", "")),
        generated_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0),
        options=options,
        alerts_recorded=alerts is not None,
        missing_tables=sorted(set(reader.missing)),
    )
