"""Loading what the report shows: the aggregate tables, whole population plus latest slices.

One query per table for every monitor at once, filtered in SQL (monitor, `--since`, slices,
the histogram windows), so the report reads aggregates only and never the predictions.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model_monitor.alerts import Alert, Status
from model_monitor.drift import Queryable, sql_string, sql_timestamp, validate_monitor_name
from model_monitor.errors import ConfigError, WarehouseError
from model_monitor.stats import benjamini_hochberg, chi_square_pvalue, ks_pvalue

Progress = Callable[[str], None]

# Metrics plotted over time per task (the first is the headline of the overview and the slices).
HEADLINE_METRICS = {
    "binary": ("accuracy", "roc_auc", "f1"),
    "multiclass": ("accuracy", "f1_macro"),
    "regression": ("mae", "rmse", "r2"),
}
PERFORMANCE_METRICS = tuple(dict.fromkeys(m for ms in HEADLINE_METRICS.values() for m in ms))
SLICE_METRICS = ("accuracy", "mae")
# The roles the drift_test rule judges (and adjusts together with Benjamini-Hochberg).
ADJUSTED_ROLES = ("feature", "score", "prediction")

WINDOW_COLUMNS = ("window_start", "window_end", "model_version", "prediction_count")
QUALITY_COLUMNS = (
    "window_start",
    "model_version",
    "column_name",
    "column_role",
    "column_kind",
    "row_count",
    "null_count",
    "nan_count",
    "out_of_range_count",
    "unseen_category_count",
)
DRIFT_COLUMNS = (
    "window_start",
    "model_version",
    "column_name",
    "column_role",
    "column_kind",
    "reference_count",
    "current_count",
    "psi",
    "chi_square",
    "chi_square_dof",
    "ks_statistic",
)
SLICE_DRIFT_COLUMNS = (
    "window_start",
    "model_version",
    "slice_key",
    "slice_value",
    "column_name",
    "psi",
)
DISTRIBUTION_COLUMNS = (
    "window_kind",
    "window_start",
    "model_version",
    "column_name",
    "column_role",
    "column_kind",
    "bin_index",
    "bin_type",
    "bin_label",
    "bin_count",
    "value_share",
)
PERFORMANCE_COLUMNS = (
    "window_kind",
    "window_start",
    "model_version",
    "metric_source",
    "metric_name",
    "metric_value",
    "labeled_count",
)
SLICE_PERFORMANCE_COLUMNS = (
    "window_kind",
    "window_start",
    "model_version",
    "slice_key",
    "slice_value",
    "metric_name",
    "metric_value",
    "labeled_count",
)
COVERAGE_COLUMNS = (
    "window_start",
    "model_version",
    "prediction_count",
    "labeled_count",
    "label_coverage",
    "label_delay_median_hours",
)
CALIBRATION_COLUMNS = (
    "window_kind",
    "window_start",
    "model_version",
    "bin_index",
    "lower_bound",
    "upper_bound",
    "prediction_count",
    "mean_prediction",
    "observed_rate",
)
RESIDUAL_COLUMNS = (
    "window_kind",
    "window_start",
    "model_version",
    "bin_index",
    "lower_bound",
    "upper_bound",
    "bin_count",
)
OPERATIONS_COLUMNS = (
    "window_start",
    "model_version",
    "prediction_count",
    "throughput_per_hour",
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "error_count",
    "error_rate",
)
FAIRNESS_COLUMNS = (
    "window_start",
    "model_version",
    "slice_key",
    "metric_name",
    "metric_value",
    "min_slice_value",
    "max_slice_value",
)
TIME_COLUMNS = frozenset({"window_start", "window_end"})
TEXT_COLUMNS = frozenset(
    {
        "monitor_name",
        "window_kind",
        "model_version",
        "slice_key",
        "slice_value",
        "column_name",
        "column_role",
        "column_kind",
        "bin_type",
        "bin_label",
        "metric_source",
        "metric_name",
        "min_slice_value",
        "max_slice_value",
    }
)


@dataclass(frozen=True)
class ReportOptions:
    """What to load: one monitor or all, windows from `since` on, histograms of the last N."""

    monitor: str | None = None
    since: dt.datetime | None = None
    histogram_windows: int = 14


@dataclass
class MonitorData:
    """Everything the report shows of one monitor, whole population unless a frame says slice.

    Frames hold one row per table row (columns as the table's, see load.py's *_COLUMNS);
    `drift` adds `pvalue` (KS or chi-square, from scipy) and `pvalue_adjusted`
    (Benjamini-Hochberg across the window's feature, score and prediction columns).
    `open_alerts` is None when no alerts were ever recorded (no monitor_alerts table).
    """

    name: str
    task: str | None
    windows: pd.DataFrame
    quality: pd.DataFrame
    drift: pd.DataFrame
    slice_drift: pd.DataFrame
    distributions: pd.DataFrame
    performance: pd.DataFrame
    slice_performance: pd.DataFrame
    coverage: pd.DataFrame
    calibration: pd.DataFrame
    residuals: pd.DataFrame
    operations: pd.DataFrame
    fairness: pd.DataFrame
    open_alerts: list[Alert] | None = None

    @property
    def latest_window(self) -> dt.datetime | None:
        """The newest window with predictions, None when every window is empty."""
        filled = self.windows[self.windows["prediction_count"].fillna(0) > 0]
        return None if filled.empty else filled["window_start"].max().to_pydatetime()


@dataclass
class ReportData:
    """The monitors of one report and where their numbers came from."""

    monitors: list[MonitorData]
    adapter_type: str
    target: str
    generated_at: dt.datetime
    options: ReportOptions
    alerts_recorded: bool
    missing_tables: list[str] = field(default_factory=list)


class _Reader:
    """Runs the report's SELECTs, reporting progress and remembering tables that are absent."""

    def __init__(self, warehouse: Queryable, progress: Progress | None) -> None:
        self.warehouse = warehouse
        self.progress = progress or (lambda _message: None)
        self.missing: list[str] = []

    def select(
        self, table: str, columns: Sequence[str], conditions: Sequence[str], what: str = ""
    ) -> pd.DataFrame:
        """Return the chosen columns of a table's rows; an empty frame when it is absent."""
        names = ("monitor_name", *columns)
        try:
            relation = self.warehouse.relation(table)
        except WarehouseError:
            # An optional table (older package, disabled model): its section says so.
            self.missing.append(table)
            return _typed(pd.DataFrame({name: [] for name in names}))
        q = self.warehouse.quote
        where = ("\nwhere " + "\n  and ".join(conditions)) if conditions else ""
        sql = f"select {', '.join(q(c) for c in names)}\nfrom {relation}{where}"
        started = time.perf_counter()
        frame = self.warehouse.query(sql)
        frame.columns = [str(c).lower() for c in frame.columns]
        label = f"{table} ({what})" if what else table
        self.progress(f"read {label}: {len(frame):,} rows ({time.perf_counter() - started:.1f}s)")
        return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return frame with naive timestamps, text as objects (None for NULL), the rest as floats."""
    frame = frame.copy()
    for name in frame.columns:
        if name in TIME_COLUMNS:
            values = pd.to_datetime(frame[name], utc=True).dt.tz_localize(None)
            frame[name] = values.astype("datetime64[ns]")
        elif name in TEXT_COLUMNS:
            # object, not pandas' string dtype, which would turn None back into NaN
            values = [None if _missing(v) else str(v) for v in frame[name]]
            frame[name] = pd.Series(values, index=frame.index, dtype=object)
        else:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    return frame


def _missing(value: Any) -> bool:
    """Whether a cell is NULL in any of its pandas spellings."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


class _Conditions:
    """The WHERE clauses the report's queries share, quoted for the warehouse."""

    def __init__(self, warehouse: Queryable, options: ReportOptions) -> None:
        self.q = warehouse.quote
        self.options = options

    def monitor(self) -> list[str]:
        """Only the chosen monitor."""
        if self.options.monitor is None:
            return []
        name = sql_string(validate_monitor_name(self.options.monitor))
        return [f"{self.q('monitor_name')} = {name}"]

    def whole(self) -> list[str]:
        """The whole population, not the slices."""
        return [f"{self.q('slice_key')} is null"]

    def slices(self) -> list[str]:
        """The slices only."""
        return [f"{self.q('slice_key')} is not null"]

    def since(self, with_reference: bool = False) -> list[str]:
        """Windows starting at `since` or later (and the reference's rows, when asked)."""
        if self.options.since is None:
            return []
        current = f"{self.q('window_start')} >= {sql_timestamp(self.options.since)}"
        if not with_reference:
            return [current]
        return [f"({self.q('window_kind')} = 'reference' or {current})"]

    def windows(self, chosen: dict[str, list[dt.datetime]], with_reference: bool) -> list[str]:
        """Rows of the chosen windows per monitor (and the reference's, when asked)."""
        q = self.q
        parts = [
            f"({q('monitor_name')} = {sql_string(name)} and "
            f"{q('window_start')} in ({', '.join(sql_timestamp(s) for s in starts)}))"
            for name, starts in sorted(chosen.items())
            if starts
        ]
        if with_reference:
            parts.append(f"{q('window_kind')} = 'reference'")
        return [f"({' or '.join(parts)})" if parts else "1 = 0"]

    def values(self, column: str, values: Sequence[str]) -> list[str]:
        """The column is one of these strings."""
        return [f"{self.q(column)} in ({', '.join(sql_string(v) for v in values)})"]


def add_pvalues(drift: pd.DataFrame) -> pd.DataFrame:
    """Return drift rows with the drift test's p-value, raw and Benjamini-Hochberg adjusted."""
    drift = drift.copy()
    raw = []
    for row in drift.itertuples(index=False):
        if row.column_kind == "numerical":
            counts = (row.reference_count, row.current_count)
            p = None if any(np.isnan(counts)) else ks_pvalue(row.ks_statistic, *map(int, counts))
        else:
            dof = None if np.isnan(row.chi_square_dof) else int(row.chi_square_dof)
            p = chi_square_pvalue(None if np.isnan(row.chi_square) else row.chi_square, dof)
        raw.append(np.nan if p is None else float(p))
    drift["pvalue"] = np.asarray(raw, dtype=float)
    drift["pvalue_adjusted"] = drift["pvalue"]
    judged = drift[drift["column_role"].isin(ADJUSTED_ROLES)]
    for _, group in judged.groupby(["window_start", "model_version"], dropna=False):
        values = [None if np.isnan(p) else float(p) for p in group["pvalue"]]
        adjusted = [np.nan if p is None else p for p in benjamini_hochberg(values)]
        drift.loc[group.index, "pvalue_adjusted"] = adjusted
    return drift


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


def _known_monitors(reader: _Reader) -> list[str]:
    """Return the monitors monitor_data_quality knows, for the error of a wrong --monitor."""
    try:
        relation = reader.warehouse.relation("monitor_data_quality")
    except WarehouseError:
        return []
    q = reader.warehouse.quote
    frame = reader.warehouse.query(f"select distinct {q('monitor_name')} from {relation}")
    return sorted(str(v) for v in frame.iloc[:, 0] if not _missing(v))


def _open_alerts(warehouse: Any, monitors: list[str]) -> dict[str, list[Alert]] | None:
    """Return the open (new or ongoing) alerts per monitor; None without a monitor_alerts table."""
    from model_monitor.store import AlertStore

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
    reader = _Reader(warehouse, progress)
    where = _Conditions(warehouse, options)
    monitor, whole, since = where.monitor(), where.whole(), where.since()
    window_scope = [f"{warehouse.quote('metric_scope')} = 'window'"]
    column_scope = [f"{warehouse.quote('metric_scope')} = 'column'"]

    windows = reader.select(
        "monitor_data_quality",
        WINDOW_COLUMNS,
        [*monitor, *whole, *since, *window_scope],
        "windows",
    )
    quality = reader.select(
        "monitor_data_quality",
        QUALITY_COLUMNS,
        [*monitor, *whole, *since, *column_scope],
        "columns",
    )
    drift = reader.select("monitor_drift", DRIFT_COLUMNS, [*monitor, *whole, *since])
    names = sorted(set(windows["monitor_name"]) | set(drift["monitor_name"]))
    if options.monitor is not None and options.monitor not in names:
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
    if not names and options.since is not None:
        raise ConfigError(
            f"no window starts at or after {options.since:%Y-%m-%d %H:%M}", key="since"
        )
    if not names:
        raise ConfigError("no monitor has windows yet: run dbt build first", key="monitor")
    latest = _last_windows(windows, 1)
    recent = _last_windows(windows, options.histogram_windows)

    slice_drift = reader.select(
        "monitor_drift",
        SLICE_DRIFT_COLUMNS,
        [*where.slices(), *where.windows(latest, False)],
        "slices, latest window",
    )
    distributions = reader.select(
        "monitor_distributions",
        DISTRIBUTION_COLUMNS,
        [
            *monitor,
            *whole,
            f"{warehouse.quote('bin_type')} <> 'null'",
            *where.windows(recent, with_reference=True),
        ],
        f"reference and last {options.histogram_windows} windows",
    )
    with_reference = where.since(with_reference=True)
    performance = reader.select(
        "monitor_performance",
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
        "monitor_performance",
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
    coverage = reader.select("monitor_label_coverage", COVERAGE_COLUMNS, [*monitor, *whole, *since])
    calibration = reader.select(
        "monitor_calibration", CALIBRATION_COLUMNS, [*monitor, *whole, *with_reference]
    )
    residuals = reader.select(
        "monitor_residuals", RESIDUAL_COLUMNS, [*monitor, *whole, *with_reference]
    )
    operations = reader.select("monitor_operations", OPERATIONS_COLUMNS, [*monitor, *whole, *since])
    fairness = reader.select("monitor_fairness", FAIRNESS_COLUMNS, [*monitor, *since])
    alerts = _open_alerts(warehouse, names)

    drift = add_pvalues(drift)

    def part(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        return frame[frame["monitor_name"] == name].reset_index(drop=True)

    monitors = []
    for name in names:
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
