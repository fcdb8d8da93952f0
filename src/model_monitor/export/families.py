"""The exported metric families: names, help texts and labels, in the order they are written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from model_monitor.tables import names
from model_monitor.tables.metrics import TableMetric, table_metrics
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


def _exported(metrics: tuple[TableMetric, ...]) -> list[tuple[str, str]]:
    """(name, help) of each exported metric."""
    return [(m.name, m.help) for m in metrics if m.help is not None]


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
    COLUMN_LABELS, _exported(table_metrics(names.DATA_QUALITY, per_column=True, exported=True))
)
# Window-level rows of monitor_data_quality, monitor_label_coverage and monitor_operations.
WINDOW_QUALITY_FAMILIES = families_of(
    WINDOW_LABELS, _exported(table_metrics(names.DATA_QUALITY, exported=True))
)
COVERAGE_FAMILIES = families_of(
    WINDOW_LABELS, _exported(table_metrics(names.LABEL_COVERAGE, exported=True))
)
OPERATIONS_FAMILIES = families_of(
    WINDOW_LABELS, _exported(table_metrics(names.OPERATIONS, exported=True))
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
