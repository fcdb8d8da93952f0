"""A snapshot of one window's metrics per monitor, read from the metric tables for export.

Every value becomes a `Sample`: a metric family (named after the table column it comes from),
its labels and a finite or infinite float. NULL values (undefined metrics) give no sample. The
snapshot is format-neutral; `model_monitor.prometheus` renders it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from model_monitor.drift import (
    DRIFT_TABLE,
    Queryable,
    _as_datetime,
    _as_float,
    _as_int,
    _as_str,
    _timestamp_text,
    sql_string,
    sql_timestamp,
    validate_monitor_name,
)
from model_monitor.errors import ConfigError, WarehouseError
from model_monitor.performance.queries import COVERAGE_TABLE, OPERATIONS_TABLE, PERFORMANCE_TABLE
from model_monitor.stats import chi_square_pvalue, ks_pvalue

QUALITY_TABLE = "monitor_data_quality"

# Label names, in the order they are written. NULL label values become "" (Prometheus reads an
# empty label as an absent one): slice_key="" is the whole population, model_version="" none.
WINDOW_LABELS = ("monitor", "model_version", "slice_key", "slice_value", "window_start")
COLUMN_LABELS = (*WINDOW_LABELS, "column", "column_role")
PERFORMANCE_LABELS = (*WINDOW_LABELS, "metric", "source", "class")


@dataclass(frozen=True)
class Family:
    """One exported metric: its name (without the model_monitor_ prefix), help and labels."""

    name: str
    help: str
    labels: tuple[str, ...]


def _families(labels: tuple[str, ...], items: Iterable[tuple[str, str]]) -> dict[str, Family]:
    """Return families by name, all with the same labels."""
    return {name: Family(name, text, labels) for name, text in items}


# Column-level metrics of monitor_drift (p-values computed from the aggregates with scipy).
DRIFT_FAMILIES = _families(
    COLUMN_LABELS,
    [
        ("psi", "Population stability index of the column vs the reference."),
        ("chi_square", "Pearson chi-square statistic of the value bins vs the reference."),
        ("chi_square_pvalue", "p-value of chi_square (scipy, from the statistic and its dof)."),
        ("js_distance", "Jensen-Shannon distance (base 2) of the value bins vs the reference."),
        ("hellinger", "Hellinger distance of the value bins vs the reference."),
        ("tv_distance", "Total variation distance of the value bins vs the reference."),
        ("l_infinity", "Largest absolute difference of a bin share vs the reference."),
        ("ks_statistic", "Two-sample Kolmogorov-Smirnov statistic vs the reference."),
        ("ks_pvalue", "Asymptotic p-value of ks_statistic (scipy)."),
        ("wasserstein", "Wasserstein distance vs the reference, in the column's unit."),
        ("wasserstein_normed", "Wasserstein distance over the reference's standard deviation."),
        ("drift_current_count", "Non-null finite values of the window compared."),
        ("drift_reference_count", "Non-null finite values of the reference compared."),
    ],
)
DRIFT_SOURCES = {
    "drift_current_count": "current_count",
    "drift_reference_count": "reference_count",
}
# Column-level rows of monitor_data_quality.
QUALITY_FAMILIES = _families(
    COLUMN_LABELS,
    [
        ("null_rate", "Share of the window's rows where the column is NULL."),
        ("null_count", "Rows where the column is NULL."),
        ("nan_count", "Rows where the column is NaN or infinite."),
        ("distinct_count", "Distinct non-null finite values."),
        ("min_value", "Smallest finite value (numerical columns)."),
        ("max_value", "Largest finite value (numerical columns)."),
        ("mean_value", "Mean of the finite values (numerical columns)."),
        ("stddev_value", "Sample standard deviation of the finite values (numerical columns)."),
        ("out_of_range_count", "Finite values outside the reference's [min, max]."),
        ("unseen_category_count", "Non-null categorical values absent from the reference."),
    ],
)
# Window-level rows of monitor_data_quality, monitor_label_coverage and monitor_operations.
WINDOW_QUALITY_FAMILIES = _families(
    WINDOW_LABELS,
    [
        ("prediction_count", "Predictions in the window (0 for an empty window)."),
        ("duplicate_id_count", "Predictions in the window minus distinct prediction ids."),
    ],
)
COVERAGE_FAMILIES = _families(
    WINDOW_LABELS,
    [
        ("labeled_count", "Predictions of the window that have a label."),
        ("label_coverage", "Share of the window's predictions that have a label."),
        ("label_delay_median_hours", "Median hours from prediction to its first label."),
        ("label_delay_max_hours", "Largest hours from prediction to its first label."),
        ("duplicate_label_count", "Labels beyond the first for the window's predictions."),
    ],
)
OPERATIONS_FAMILIES = _families(
    WINDOW_LABELS,
    [
        ("throughput_per_hour", "Predictions per hour of the window."),
        ("latency_p50_ms", "Median prediction latency, milliseconds."),
        ("latency_p95_ms", "95th percentile of prediction latency, milliseconds."),
        ("latency_p99_ms", "99th percentile of prediction latency, milliseconds."),
        ("latency_max_ms", "Largest prediction latency, milliseconds."),
        ("error_count", "Prediction calls whose status is an error status."),
        ("error_rate", "Share of prediction calls whose status is an error status."),
    ],
)
PERFORMANCE_FAMILY = Family(
    "performance",
    "Model performance: source realized (from labels), estimated (CBPE) or reference; "
    "class set for per-class metrics.",
    PERFORMANCE_LABELS,
)
WINDOW_END_FAMILY = Family(
    "window_end_timestamp_seconds",
    "End of the exported window, Unix time (naive timestamps read as UTC).",
    ("monitor", "window_start"),
)
FAMILIES: dict[str, Family] = {
    WINDOW_END_FAMILY.name: WINDOW_END_FAMILY,
    **WINDOW_QUALITY_FAMILIES,
    **QUALITY_FAMILIES,
    **DRIFT_FAMILIES,
    PERFORMANCE_FAMILY.name: PERFORMANCE_FAMILY,
    **COVERAGE_FAMILIES,
    **OPERATIONS_FAMILIES,
}


@dataclass(frozen=True)
class ExportWindow:
    """The window exported for one monitor."""

    monitor_name: str
    window_start: dt.datetime
    window_end: dt.datetime | None


@dataclass(frozen=True)
class Sample:
    """One value of a metric family under one set of label values (in the family's order)."""

    family: str
    labels: tuple[str, ...]
    value: float


@dataclass
class Snapshot:
    """The samples of the exported windows, in a stable order, one per family and label set."""

    windows: list[ExportWindow]
    samples: list[Sample] = field(default_factory=list)
    # Samples dropped because another had the same labels: only when a slice column holds both
    # NULL and '' (both export as an empty label); the first one read is kept.
    duplicates: int = 0

    def by_family(self) -> dict[str, list[Sample]]:
        """Return the samples by family, in FAMILIES order (families without samples too)."""
        grouped: dict[str, list[Sample]] = {name: [] for name in FAMILIES}
        for sample in self.samples:
            grouped[sample.family].append(sample)
        return grouped


def label_text(value: Any) -> str:
    """Return a label value: text as is, NULL as '', a timestamp in ISO 8601."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = _as_str(value)
    return "" if text is None else text


def _unix_seconds(value: dt.datetime) -> float:
    """Return Unix time of a datetime; a naive one is read as UTC, as the package cuts windows."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.timestamp()


def _window_condition(warehouse: Queryable, windows: list[ExportWindow], alias: str) -> str:
    """Return a WHERE condition selecting the given (monitor, window_start) pairs."""
    q = warehouse.quote
    return (
        "("
        + " or ".join(
            f"({alias}.{q('monitor_name')} = {sql_string(w.monitor_name)} and "
            f"{alias}.{q('window_start')} = {sql_timestamp(w.window_start)})"
            for w in windows
        )
        + ")"
    )


def _known_monitors(warehouse: Queryable, relation: str) -> list[str]:
    """Return the monitors that have rows in a table."""
    frame = warehouse.query(f"select distinct {warehouse.quote('monitor_name')} from {relation}")
    return sorted(str(m) for m in frame.iloc[:, 0] if _as_str(m) is not None)


def export_windows(
    warehouse: Queryable,
    monitor: str | None = None,
    window: dt.datetime | dt.date | None = None,
) -> list[ExportWindow]:
    """Return the window to export per monitor: `window`, or the latest in monitor_data_quality.

    monitor_data_quality lists every window, empty ones included, so an outage's empty window is
    exported (prediction_count 0) rather than hidden behind the day before.
    """
    relation = warehouse.relation(QUALITY_TABLE)
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
        ExportWindow(str(r["monitor_name"]), start, _as_datetime(r["window_end"]))
        for r in rows
        if (start := _as_datetime(r["window_start"])) is not None
    ]
    if windows or (monitor is None and window is None):
        return sorted(windows, key=lambda w: w.monitor_name)
    known = _known_monitors(warehouse, relation)
    if monitor is not None and monitor not in known:
        listed = ", ".join(known) if known else "none (is the table empty?)"
        raise ConfigError(
            f"no rows in {relation}; known monitors: {listed}", monitor=monitor, key="monitor"
        )
    assert window is not None
    raise ConfigError(
        f"no window starts at {_timestamp_text(window)} in {relation}",
        monitor=monitor,
        key="window",
    )


def _select_rows(
    warehouse: Queryable,
    relation: str,
    columns: Iterable[str],
    windows: list[ExportWindow],
    slices: bool,
    extra: str | None = None,
) -> list[dict[Any, Any]]:
    """Return the rows of the exported windows (current window_kind) of one table."""
    q = warehouse.quote
    select = ", ".join(f"t.{q(c)} as {q(c)}" for c in dict.fromkeys(columns))
    conditions = [f"t.{q('window_kind')} = 'current'", _window_condition(warehouse, windows, "t")]
    if extra:
        conditions.append(extra)
    if not slices:
        conditions.append(f"t.{q('slice_key')} is null")
    sql = f"select {select}\nfrom {relation} as t\nwhere " + "\n  and ".join(conditions)
    return list(warehouse.query(sql).to_dict("records"))


def _optional_relation(warehouse: Queryable, table: str) -> str | None:
    """Return a table's relation, or None when the project does not build it."""
    try:
        return warehouse.relation(table)
    except WarehouseError:
        return None


def _window_labels(record: dict[Any, Any]) -> tuple[str, ...]:
    """Return the WINDOW_LABELS values of a row."""
    return (
        label_text(record["monitor_name"]),
        label_text(record["model_version"]),
        label_text(record["slice_key"]),
        label_text(record["slice_value"]),
        label_text(_as_datetime(record["window_start"])),
    )


def _column_labels(record: dict[Any, Any]) -> tuple[str, ...]:
    """Return the COLUMN_LABELS values of a row."""
    return (
        *_window_labels(record),
        label_text(record["column_name"]),
        label_text(record["column_role"]),
    )


def _add(samples: list[Sample], family: str, labels: tuple[str, ...], value: Any) -> None:
    """Append a sample unless the value is NULL or NaN."""
    number = _as_float(value)
    if number is not None and not math.isnan(number):
        samples.append(Sample(family, labels, number))


WINDOW_KEY_COLUMNS = ("monitor_name", "window_start", "model_version", "slice_key", "slice_value")
COLUMN_KEY_COLUMNS = (*WINDOW_KEY_COLUMNS, "column_name", "column_role")


def _quality_samples(
    warehouse: Queryable, windows: list[ExportWindow], slices: bool
) -> list[Sample]:
    """Return the samples of monitor_data_quality: window rows and column rows."""
    relation = warehouse.relation(QUALITY_TABLE)
    columns = (*COLUMN_KEY_COLUMNS, "metric_scope", *WINDOW_QUALITY_FAMILIES, *QUALITY_FAMILIES)
    samples: list[Sample] = []
    for record in _select_rows(warehouse, relation, columns, windows, slices):
        if record["metric_scope"] == "window":
            for name in WINDOW_QUALITY_FAMILIES:
                _add(samples, name, _window_labels(record), record[name])
        else:
            for name in QUALITY_FAMILIES:
                _add(samples, name, _column_labels(record), record[name])
    return samples


def _drift_samples(warehouse: Queryable, windows: list[ExportWindow], slices: bool) -> list[Sample]:
    """Return the samples of monitor_drift, with p-values from scipy."""
    relation = warehouse.relation(DRIFT_TABLE)
    stored = [DRIFT_SOURCES.get(n, n) for n in DRIFT_FAMILIES if not n.endswith("_pvalue")]
    columns = (*COLUMN_KEY_COLUMNS, *stored, "chi_square_dof")
    samples: list[Sample] = []
    for record in _select_rows(warehouse, relation, columns, windows, slices):
        values = dict(record)
        values["chi_square_pvalue"] = chi_square_pvalue(
            _as_float(record["chi_square"]), _as_int(record["chi_square_dof"])
        )
        values["ks_pvalue"] = ks_pvalue(
            _as_float(record["ks_statistic"]),
            _as_int(record["reference_count"]),
            _as_int(record["current_count"]),
        )
        for name in DRIFT_FAMILIES:
            _add(samples, name, _column_labels(record), values[DRIFT_SOURCES.get(name, name)])
    return samples


def _window_table_samples(
    warehouse: Queryable,
    table: str,
    families: dict[str, Family],
    windows: list[ExportWindow],
    slices: bool,
) -> list[Sample]:
    """Return the samples of a per-window table (label coverage, operations), if it is built."""
    relation = _optional_relation(warehouse, table)
    if relation is None:
        return []
    samples: list[Sample] = []
    for record in _select_rows(
        warehouse, relation, (*WINDOW_KEY_COLUMNS, *families), windows, slices
    ):
        for name in families:
            _add(samples, name, _window_labels(record), record[name])
    return samples


def _performance_samples(
    warehouse: Queryable, windows: list[ExportWindow], slices: bool
) -> list[Sample]:
    """Return realized and estimated metrics of the windows, and the reference's realized ones."""
    relation = _optional_relation(warehouse, PERFORMANCE_TABLE)
    if relation is None:
        return []
    q = warehouse.quote
    columns = ", ".join(
        f"t.{q(c)} as {q(c)}"
        for c in (*WINDOW_KEY_COLUMNS, "window_kind", "metric_source", "metric_name")
        + ("class_label", "metric_value")
    )
    current = f"(t.{q('window_kind')} = 'current' and {_window_condition(warehouse, windows, 't')})"
    names = ", ".join(sql_string(w.monitor_name) for w in windows)
    reference = (
        f"(t.{q('window_kind')} = 'reference' and t.{q('metric_source')} = 'realized'"
        f" and t.{q('monitor_name')} in ({names}))"
    )
    where = f"({current} or {reference})"
    if not slices:
        where += f" and t.{q('slice_key')} is null"
    frame = warehouse.query(f"select {columns}\nfrom {relation} as t\nwhere {where}")
    samples: list[Sample] = []
    for record in frame.to_dict("records"):
        is_reference = record["window_kind"] == "reference"
        labels = (
            *_window_labels(record),
            label_text(record["metric_name"]),
            "reference" if is_reference else label_text(record["metric_source"]),
            label_text(record["class_label"]),
        )
        _add(samples, PERFORMANCE_FAMILY.name, labels, record["metric_value"])
    return samples


def _deduplicated(samples: list[Sample]) -> tuple[list[Sample], int]:
    """Return samples sorted by family order and labels, one per family and label set."""
    order = {name: position for position, name in enumerate(FAMILIES)}
    ordered = sorted(samples, key=lambda s: (order[s.family], s.labels))
    kept: list[Sample] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for sample in ordered:
        key = (sample.family, sample.labels)
        if key not in seen:
            seen.add(key)
            kept.append(sample)
    return kept, len(ordered) - len(kept)


def load_snapshot(
    warehouse: Queryable,
    monitor: str | None = None,
    window: dt.datetime | dt.date | None = None,
    slices: bool = True,
) -> Snapshot:
    """Return every metric of the latest window (or `window`) of each monitor as samples."""
    windows = export_windows(warehouse, monitor, window)
    if not windows:
        return Snapshot(windows=[])
    samples = [
        Sample(
            WINDOW_END_FAMILY.name,
            (w.monitor_name, label_text(w.window_start)),
            _unix_seconds(w.window_end),
        )
        for w in windows
        if w.window_end is not None
    ]
    samples += _quality_samples(warehouse, windows, slices)
    samples += _drift_samples(warehouse, windows, slices)
    samples += _performance_samples(warehouse, windows, slices)
    samples += _window_table_samples(warehouse, COVERAGE_TABLE, COVERAGE_FAMILIES, windows, slices)
    samples += _window_table_samples(
        warehouse, OPERATIONS_TABLE, OPERATIONS_FAMILIES, windows, slices
    )
    kept, duplicates = _deduplicated(samples)
    return Snapshot(windows=windows, samples=kept, duplicates=duplicates)
