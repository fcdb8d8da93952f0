"""The exported metric families: names, help texts and labels, in the order they are written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from model_monitor.tables.statistics import statistics_with_pvalues

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


def families_of(labels: tuple[str, ...], items: Iterable[tuple[str, str]]) -> dict[str, Family]:
    """Return families by name, all with the same labels."""
    return {name: Family(name, text, labels) for name, text in items}


# Column-level metrics of monitor_drift (p-values computed from the aggregates with scipy).
DRIFT_FAMILIES = families_of(
    COLUMN_LABELS,
    [
        *statistics_with_pvalues(),
        ("drift_current_count", "Non-null finite values of the window compared."),
        ("drift_reference_count", "Non-null finite values of the reference compared."),
    ],
)
DRIFT_SOURCES = {
    "drift_current_count": "current_count",
    "drift_reference_count": "reference_count",
}
# Column-level rows of monitor_data_quality.
QUALITY_FAMILIES = families_of(
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
WINDOW_QUALITY_FAMILIES = families_of(
    WINDOW_LABELS,
    [
        ("prediction_count", "Predictions in the window (0 for an empty window)."),
        ("duplicate_id_count", "Predictions in the window minus distinct prediction ids."),
    ],
)
COVERAGE_FAMILIES = families_of(
    WINDOW_LABELS,
    [
        ("labeled_count", "Predictions of the window that have a label."),
        ("label_coverage", "Share of the window's predictions that have a label."),
        ("label_delay_median_hours", "Median hours from prediction to its first label."),
        ("label_delay_max_hours", "Largest hours from prediction to its first label."),
        ("duplicate_label_count", "Labels beyond the first for the window's predictions."),
    ],
)
OPERATIONS_FAMILIES = families_of(
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
