"""Loading model performance per window: realized, estimated (CBPE) and the reference's figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from model_monitor.drift import (
    Queryable,
    _as_datetime,
    _as_float,
    _as_int,
    _as_str,
    _timestamp_text,
    _value,
    sql_string,
    sql_timestamp,
    validate_monitor_name,
)
from model_monitor.errors import ConfigError, WarehouseError

PERFORMANCE_TABLE = "monitor_performance"
COVERAGE_TABLE = "monitor_label_coverage"
OPERATIONS_TABLE = "monitor_operations"

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
KEY_COLUMNS = ("monitor_name", "window_start", "model_version", "slice_key", "slice_value")
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

# The order people read metrics in: headline figures first, confusion counts last.
METRIC_ORDER = {
    "binary": (
        "accuracy",
        "precision",
        "recall",
        "f1",
        "roc_auc",
        "average_precision",
        "log_loss",
        "brier_score",
        "expected_calibration_error",
        "specificity",
        "false_positive_rate",
        "balanced_accuracy",
        "matthews_corrcoef",
        "positive_prediction_rate",
        "prevalence",
        "true_positives",
        "false_positives",
        "true_negatives",
        "false_negatives",
    ),
    "multiclass": (
        "accuracy",
        "precision_macro",
        "recall_macro",
        "f1_macro",
        "precision_weighted",
        "recall_weighted",
        "f1_weighted",
        "precision_micro",
        "recall_micro",
        "f1_micro",
    ),
    "regression": ("mae", "rmse", "r2", "mape", "mean_error", "mse"),
}
PER_CLASS_ORDER = ("precision", "recall", "f1", "support")
COUNT_METRICS = frozenset(
    {"true_positives", "false_positives", "true_negatives", "false_negatives", "support"}
)
LOWER_IS_BETTER = frozenset(
    {
        "log_loss",
        "brier_score",
        "expected_calibration_error",
        "false_positive_rate",
        "mae",
        "mse",
        "rmse",
        "mape",
    }
)

SOURCES = ("realized", "estimated", "reference")

Key = tuple[Any, ...]


@dataclass(frozen=True)
class LabelCoverage:
    """How many of a window's predictions have a label, and how late labels arrive."""

    prediction_count: int | None
    labeled_count: int | None
    label_coverage: float | None
    label_delay_median_hours: float | None


@dataclass(frozen=True)
class Operations:
    """Serving health of a window: volume, latency percentiles and error rate."""

    prediction_count: int | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_p99_ms: float | None
    error_rate: float | None


@dataclass(frozen=True)
class PerformanceSummary:
    """Performance of one monitor, window, model version and slice, next to its reference.

    Metric dicts map a metric name (per-class metrics as `name[class]`) to its value, None when
    undefined; `undefined_reasons[source][metric]` says why, for source realized, estimated or
    reference. A metric missing from a dict was not computed for that source.
    """

    monitor_name: str
    window_start: dt.datetime | None
    window_end: dt.datetime | None
    model_version: str | None
    slice_key: str | None
    slice_value: str | None
    task: str | None
    labels_as_of: dt.datetime | None
    labeled_count: int | None
    scored_count: int | None
    reference_labeled_count: int | None
    realized: dict[str, float | int | None]
    estimated: dict[str, float | int | None]
    reference: dict[str, float | int | None]
    undefined_reasons: dict[str, dict[str, str]]
    label_coverage: LabelCoverage | None
    operations: Operations | None


def metric_key(metric_name: str, class_label: str | None) -> str:
    """Return the dict key of a metric: its name, with the class in brackets when per class."""
    return metric_name if class_label is None else f"{metric_name}[{class_label}]"


def base_metric(key: str) -> str:
    """Return the metric name of a key, without its class."""
    return key.split("[", 1)[0]


def infer_task(metric_names: Iterable[str]) -> str | None:
    """Return binary, multiclass or regression from the metrics a window has."""
    names = {base_metric(n) for n in metric_names}
    if "mae" in names:
        return "regression"
    if "f1_macro" in names or "support" in names:
        return "multiclass"
    if "true_positives" in names or "roc_auc" in names:
        return "binary"
    return None


def metric_sort_key(task: str | None, key: str) -> tuple[Any, ...]:
    """Sort key of a metric: the task's reading order, then per-class metrics by class."""
    order = METRIC_ORDER.get(task or "", ())
    name = base_metric(key)
    if key in order:
        return (0, order.index(key), "", 0, key)
    if key != name:  # per class: grouped by class, then precision, recall, f1, support
        class_label = key[len(name) + 1 : -1]
        rank = PER_CLASS_ORDER.index(name) if name in PER_CLASS_ORDER else len(PER_CLASS_ORDER)
        return (2, 0, class_label, rank, name)
    return (1, 0, "", 0, key)


def ordered_metrics(summary: PerformanceSummary) -> list[str]:
    """Return every metric key of a summary (any source) in reading order."""
    keys = {*summary.realized, *summary.estimated, *summary.reference}
    return sorted(keys, key=lambda k: metric_sort_key(summary.task, k))


def _selected_current(
    q: Callable[[str], str],
    alias: str,
    window: dt.datetime | dt.date | None,
    model_version: str | None,
) -> str:
    """Return the condition on current rows: the chosen window (or latest) and version."""
    parts = [f"{alias}.{q('window_kind')} = 'current'"]
    if window is not None:
        parts.append(f"{alias}.{q('window_start')} = {sql_timestamp(window)}")
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
) -> str:
    """Return the SELECT of the chosen current windows' metric rows plus the reference's."""
    relation = warehouse.relation(PERFORMANCE_TABLE)
    q = warehouse.quote
    select = ", ".join(f"perf.{q(c)}" for c in PERFORMANCE_COLUMNS)
    conditions = [
        f"(perf.{q('window_kind')} = 'reference' or "
        f"({_selected_current(q, 'perf', window, model_version)}))"
    ]
    monitor_condition = ""
    if monitor is not None:
        monitor_condition = f"{q('monitor_name')} = {sql_string(validate_monitor_name(monitor))}"
        conditions.append(f"perf.{monitor_condition}")
    if not slices:
        conditions.append(f"perf.{q('slice_key')} is null")
    where = "\nwhere " + "\n  and ".join(conditions)
    if window is not None:
        return f"select {select}\nfrom {relation} as perf{where}"
    # The latest current window per monitor (with the chosen version): the one to show.
    latest_filter = [f"{q('window_kind')} = 'current'"]
    if monitor_condition:
        latest_filter.append(monitor_condition)
    if model_version is not None:
        latest_filter.append(f"{q('model_version')} = {sql_string(model_version)}")
    return (
        f"with latest_windows as (\n"
        f"  select {q('monitor_name')}, max({q('window_start')}) as latest_window_start\n"
        f"  from {relation}\n"
        f"  where {' and '.join(latest_filter)}\n"
        f"  group by {q('monitor_name')}\n"
        f")\n"
        f"select {select}\nfrom {relation} as perf\n"
        f"left join latest_windows\n"
        f"  on perf.{q('monitor_name')} = latest_windows.{q('monitor_name')}\n"
        f"  and perf.{q('window_start')} = latest_windows.latest_window_start"
        f"{where}"
    )


def _window_rows_sql(
    warehouse: Queryable,
    relation: str,
    columns: tuple[str, ...],
    windows: list[tuple[str, dt.datetime]],
    slices: bool,
) -> str:
    """Return a SELECT of a per-window table's rows for the given (monitor, window_start)."""
    q = warehouse.quote
    select = ", ".join(q(c) for c in (*KEY_COLUMNS, *columns))
    chosen = " or ".join(
        f"({q('monitor_name')} = {sql_string(name)} and "
        f"{q('window_start')} = {sql_timestamp(start)})"
        for name, start in windows
    )
    where = f"({chosen})" + ("" if slices else f" and {q('slice_key')} is null")
    return f"select {select}\nfrom {relation}\nwhere {where}"


def _record_key(record: dict[str, Any]) -> Key:
    """Return the (monitor, window, version, slice) key of a result row."""
    return (
        str(record["monitor_name"]),
        _as_datetime(record["window_start"]),
        _as_str(record["model_version"]),
        _as_str(record["slice_key"]),
        _as_str(record["slice_value"]),
    )


def _load_window_table(
    warehouse: Queryable,
    table_name: str,
    columns: tuple[str, ...],
    windows: list[tuple[str, dt.datetime]],
    slices: bool,
) -> dict[Key, dict[str, Any]] | None:
    """Return rows of a per-window table by key; None when the project has no such table."""
    try:
        relation = warehouse.relation(table_name)
    except WarehouseError:
        return None  # an optional table: older package versions or a disabled model
    if not windows:
        return {}
    frame = warehouse.query(_window_rows_sql(warehouse, relation, columns, windows, slices))
    return {_record_key(r): r for r in frame.to_dict("records")}


def _coverage(record: dict[str, Any] | None) -> LabelCoverage | None:
    """Return a LabelCoverage from a monitor_label_coverage row."""
    if record is None:
        return None
    return LabelCoverage(
        prediction_count=_as_int(record["prediction_count"]),
        labeled_count=_as_int(record["labeled_count"]),
        label_coverage=_as_float(record["label_coverage"]),
        label_delay_median_hours=_as_float(record["label_delay_median_hours"]),
    )


def _operations(record: dict[str, Any] | None) -> Operations | None:
    """Return Operations from a monitor_operations row."""
    if record is None:
        return None
    return Operations(
        prediction_count=_as_int(record["prediction_count"]),
        latency_p50_ms=_as_float(record["latency_p50_ms"]),
        latency_p95_ms=_as_float(record["latency_p95_ms"]),
        latency_p99_ms=_as_float(record["latency_p99_ms"]),
        error_rate=_as_float(record["error_rate"]),
    )


class _MetricSet:
    """Metric values, undefined reasons and the rows used, gathered for one source."""

    def __init__(self) -> None:
        self.values: dict[str, float | int | None] = {}
        self.undefined: dict[str, str] = {}
        self.count: int | None = None

    def add(self, record: dict[str, Any]) -> None:
        """Add one monitor_performance row."""
        class_label = _as_str(record["class_label"])
        key = metric_key(str(record["metric_name"]), class_label)
        value = _as_float(record["metric_value"])
        if value is not None and base_metric(key) in COUNT_METRICS:
            self.values[key] = int(round(value))
        else:
            self.values[key] = value
        reason = _as_str(record["undefined_reason"])
        if value is None and reason is not None:
            self.undefined[key] = reason
        count = _as_int(record["labeled_count"])
        if class_label is None and count is not None:
            self.count = max(count, self.count or 0)

    def ordered(self, task: str | None) -> dict[str, float | int | None]:
        """Return the values in reading order."""
        return {
            k: self.values[k] for k in sorted(self.values, key=lambda k: metric_sort_key(task, k))
        }

    def reasons(self, task: str | None) -> dict[str, str]:
        """Return the undefined reasons in reading order."""
        keys = sorted(self.undefined, key=lambda k: metric_sort_key(task, k))
        return {k: self.undefined[k] for k in keys}


def _explain_empty(
    warehouse: Queryable,
    monitor: str | None,
    window: dt.datetime | dt.date | None,
    model_version: str | None,
) -> None:
    """Raise a ConfigError naming what exists when a filter matched no current window."""
    relation = warehouse.relation(PERFORMANCE_TABLE)
    q = warehouse.quote
    if monitor is not None:
        frame = warehouse.query(f"select distinct {q('monitor_name')} from {relation}")
        known = sorted(str(m) for m in frame.iloc[:, 0] if _value(m) is not None)
        if monitor not in known:
            listed = ", ".join(known) if known else "none (is the table empty?)"
            raise ConfigError(
                f"no rows in {relation}; known monitors: {listed}", monitor=monitor, key="monitor"
            )
    current = f"{q('window_kind')} = 'current'"
    if monitor is not None:
        current += f" and {q('monitor_name')} = {sql_string(monitor)}"
    if model_version is not None:
        frame = warehouse.query(
            f"select distinct {q('model_version')} from {relation} where {current}"
        )
        known = sorted(str(v) for v in frame.iloc[:, 0] if _value(v) is not None)
        if model_version not in known:
            listed = ", ".join(known) if known else "none"
            raise ConfigError(
                f"no window has model version {model_version!r}; versions: {listed}",
                monitor=monitor,
                key="version",
            )
    if window is not None:
        if model_version is not None:
            current += f" and {q('model_version')} = {sql_string(model_version)}"
        frame = warehouse.query(
            f"select min({q('window_start')}) as first_window, "
            f"max({q('window_start')}) as last_window from {relation} where {current}"
        )
        first, last = (_as_datetime(v) for v in frame.iloc[0]) if len(frame) else (None, None)
        span = f"windows run from {first} to {last}" if first else "no windows stored"
        raise ConfigError(
            f"no window with predictions starts at {_timestamp_text(window)}; {span}",
            monitor=monitor,
            key="window",
        )


def load_performance_summary(
    warehouse: Queryable,
    monitor: str | None = None,
    window: dt.datetime | dt.date | None = None,
    model_version: str | None = None,
    slices: bool = False,
) -> list[PerformanceSummary]:
    """Return one summary per monitor, window, version and slice (latest window by default)."""
    sql = build_performance_sql(warehouse, monitor, window, model_version, slices)
    records = warehouse.query(sql).to_dict("records")
    current: dict[Key, dict[str, Any]] = {}
    reference: dict[tuple[Any, ...], _MetricSet] = {}
    for record in records:
        if record["window_kind"] == "reference":
            ref_key = (str(record["monitor_name"]), *_record_key(record)[3:])
            if record["metric_source"] == "realized":
                reference.setdefault(ref_key, _MetricSet()).add(record)
            continue
        group = current.setdefault(
            _record_key(record),
            {"realized": _MetricSet(), "estimated": _MetricSet(), "first": record},
        )
        group[str(record["metric_source"])].add(record)
    if not current and (monitor is not None or window is not None or model_version is not None):
        _explain_empty(warehouse, monitor, window, model_version)
    windows = sorted({(key[0], key[1]) for key in current if key[1] is not None})
    coverage = _load_window_table(warehouse, COVERAGE_TABLE, COVERAGE_COLUMNS, windows, slices)
    operations = _load_window_table(
        warehouse, OPERATIONS_TABLE, OPERATIONS_COLUMNS, windows, slices
    )
    summaries = []
    for key, group in current.items():
        realized, estimated, first = group["realized"], group["estimated"], group["first"]
        ref = reference.get((key[0], key[3], key[4]), _MetricSet())
        task = infer_task([*realized.values, *ref.values])
        summaries.append(
            PerformanceSummary(
                monitor_name=key[0],
                window_start=key[1],
                window_end=_as_datetime(first["window_end"]),
                model_version=key[2],
                slice_key=key[3],
                slice_value=key[4],
                task=task,
                labels_as_of=_as_datetime(first["labels_as_of"]),
                labeled_count=realized.count,
                scored_count=estimated.count,
                reference_labeled_count=ref.count,
                realized=realized.ordered(task),
                estimated=estimated.ordered(task),
                reference=ref.ordered(task),
                undefined_reasons={
                    "realized": realized.reasons(task),
                    "estimated": estimated.reasons(task),
                    "reference": ref.reasons(task),
                },
                label_coverage=_coverage((coverage or {}).get(key)),
                operations=_operations((operations or {}).get(key)),
            )
        )
    return sorted(summaries, key=summary_order)


def summary_order(summary: PerformanceSummary) -> tuple[Any, ...]:
    """Sort key: by monitor, window, version, then the whole population before slices."""
    return (
        summary.monitor_name,
        summary.window_start or dt.datetime.min,
        summary.model_version or "",
        summary.slice_key is not None,
        summary.slice_key or "",
        summary.slice_value is None,
        summary.slice_value or "",
    )


def change_vs_reference(summary: PerformanceSummary, key: str) -> tuple[float | None, str | None]:
    """Return (value - reference value, source used): realized if defined, else estimated."""
    if base_metric(key) in COUNT_METRICS:
        return None, None  # counts scale with the window's size: no comparison
    ref = summary.reference.get(key)
    if ref is None:
        return None, None
    for source in ("realized", "estimated"):
        value = getattr(summary, source).get(key)
        if value is not None:
            return float(value) - float(ref), source
    return None, None
