"""What the report reads of each table: the columns per table and the metrics per task."""

from __future__ import annotations

# Metrics plotted over time per task (the first is the headline of the overview and the slices).
HEADLINE_METRICS = {
    "binary": ("accuracy", "roc_auc", "f1"),
    "multiclass": ("accuracy", "f1_macro"),
    "regression": ("mae", "rmse", "r2"),
}
PERFORMANCE_METRICS = tuple(dict.fromkeys(m for ms in HEADLINE_METRICS.values() for m in ms))
SLICE_METRICS = ("accuracy", "mae")

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
