"""The metrics of the per-window tables (data quality, label coverage, operations), declared once.

Each entry names a metric, the table it comes from, whether it is one per column or one per
window, its help text (the export's; None when it is not exported), whether the alert rules judge
it, its range of possible values, how alert messages name it and how they write its value. The
export's families, the rules' metric catalog, the metric ranges and the alert messages derive from
this tuple. The drift statistics have their own registry (`statistics.py`), the performance
metrics theirs (`performance/metrics.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Literal

from model_monitor.tables import names
from model_monitor.tables.statistics import NON_NEGATIVE, UNIT

UNBOUNDED = (-math.inf, math.inf)


@dataclass(frozen=True)
class TableMetric:
    """One metric of a per-window table."""

    name: str
    table: str
    # The export's help text; None: not exported (a share the observations derive from counts).
    help: str | None
    # One value per column (rows with metric_scope 'column') rather than one per window.
    per_column: bool = False
    judged: bool = False
    value_range: tuple[float, float] = UNBOUNDED
    # How alert messages name it (default: its name) and write its value.
    label: str | None = None
    kind: Literal["share", "count", "value"] = "value"


# The per-column metrics of monitor_data_quality.
_quality = partial(TableMetric, table=names.DATA_QUALITY, per_column=True)


TABLE_METRICS = (
    TableMetric(
        "prediction_count",
        names.DATA_QUALITY,
        "Predictions in the window (0 for an empty window).",
        judged=True,
        value_range=NON_NEGATIVE,
        label="prediction count",
        kind="count",
    ),
    TableMetric(
        "duplicate_id_count",
        names.DATA_QUALITY,
        "Predictions in the window minus distinct prediction ids.",
        judged=True,
        value_range=NON_NEGATIVE,
        label="duplicate ids",
        kind="count",
    ),
    _quality(
        "null_rate",
        help="Share of the window's rows where the column is NULL.",
        judged=True,
        value_range=UNIT,
        label="null rate",
        kind="share",
    ),
    _quality("null_count", help="Rows where the column is NULL."),
    _quality("nan_count", help="Rows where the column is NaN or infinite."),
    _quality("distinct_count", help="Distinct non-null finite values."),
    _quality("min_value", help="Smallest finite value (numerical columns)."),
    _quality("max_value", help="Largest finite value (numerical columns)."),
    _quality("mean_value", help="Mean of the finite values (numerical columns).", judged=True),
    _quality(
        "stddev_value",
        help="Sample standard deviation of the finite values (numerical columns).",
        judged=True,
        value_range=NON_NEGATIVE,
    ),
    _quality("out_of_range_count", help="Finite values outside the reference's [min, max]."),
    _quality(
        "out_of_range_share",
        help=None,
        judged=True,
        value_range=UNIT,
        label="out-of-range share",
        kind="share",
    ),
    _quality(
        "unseen_category_count", help="Non-null categorical values absent from the reference."
    ),
    _quality(
        "unseen_category_share",
        help=None,
        judged=True,
        value_range=UNIT,
        label="unseen-category share",
        kind="share",
    ),
    TableMetric(
        "labeled_count", names.LABEL_COVERAGE, "Predictions of the window that have a label."
    ),
    TableMetric(
        "label_coverage",
        names.LABEL_COVERAGE,
        "Share of the window's predictions that have a label.",
        judged=True,
        value_range=UNIT,
        label="label coverage",
        kind="share",
    ),
    TableMetric(
        "label_delay_median_hours",
        names.LABEL_COVERAGE,
        "Median hours from prediction to its first label.",
        judged=True,
        value_range=NON_NEGATIVE,
    ),
    TableMetric(
        "label_delay_max_hours",
        names.LABEL_COVERAGE,
        "Largest hours from prediction to its first label.",
    ),
    TableMetric(
        "duplicate_label_count",
        names.LABEL_COVERAGE,
        "Labels beyond the first for the window's predictions.",
    ),
    TableMetric("throughput_per_hour", names.OPERATIONS, "Predictions per hour of the window."),
    TableMetric(
        "latency_p50_ms",
        names.OPERATIONS,
        "Median prediction latency, milliseconds.",
        judged=True,
        value_range=NON_NEGATIVE,
    ),
    TableMetric(
        "latency_p95_ms",
        names.OPERATIONS,
        "95th percentile of prediction latency, milliseconds.",
        judged=True,
        value_range=NON_NEGATIVE,
    ),
    TableMetric(
        "latency_p99_ms",
        names.OPERATIONS,
        "99th percentile of prediction latency, milliseconds.",
        judged=True,
        value_range=NON_NEGATIVE,
    ),
    TableMetric("latency_max_ms", names.OPERATIONS, "Largest prediction latency, milliseconds."),
    TableMetric(
        "error_count", names.OPERATIONS, "Prediction calls whose status is an error status."
    ),
    TableMetric(
        "error_rate",
        names.OPERATIONS,
        "Share of prediction calls whose status is an error status.",
        judged=True,
        value_range=UNIT,
        label="error rate",
        kind="share",
    ),
)


def table_metrics(
    table: str, *, per_column: bool = False, judged: bool | None = None, exported: bool = False
) -> tuple[TableMetric, ...]:
    """Return a table's metrics in declared order: per column or per window, judged, exported."""
    return tuple(
        m
        for m in TABLE_METRICS
        if m.table == table
        and m.per_column == per_column
        and (judged is None or m.judged == judged)
        and (not exported or m.help is not None)
    )


def metric_names(metrics: tuple[TableMetric, ...]) -> tuple[str, ...]:
    """Return the names of the metrics."""
    return tuple(m.name for m in metrics)
