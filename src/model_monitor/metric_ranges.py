"""Each metric's range of possible values, declared once: no bound is drawn or applied beyond it.

A reference rule's bound sits at reference - 0.05 (accuracy) or reference * 1.10 (log loss);
near a range's edge that lands outside it (an accuracy bound below 0, an AUC bound above 1), where
no value can ever reach. `clamp_to_range` moves such a bound to the edge; the rules then treat a
value at the edge as crossing it (alerts/judging.py), and the report draws the line there.
"""

from __future__ import annotations

import math

from model_monitor.alerts.observations.catalog import ESTIMATED_PREFIX
from model_monitor.performance.metrics import base_metric
from model_monitor.tables.metrics import TABLE_METRICS, UNBOUNDED
from model_monitor.tables.statistics import JUDGED_RANGES, NON_NEGATIVE, UNIT

CORRELATION = (-1.0, 1.0)
AT_MOST_ONE = (-math.inf, 1.0)

_UNIT_METRICS = (
    # binary, realized or estimated (CBPE)
    "accuracy", "precision", "recall", "f1", "specificity", "roc_auc", "average_precision",
    "brier_score", "expected_calibration_error", "false_positive_rate", "balanced_accuracy",
    "positive_prediction_rate", "prevalence",
    # multiclass averages
    "precision_macro", "recall_macro", "f1_macro", "precision_weighted", "recall_weighted",
    "f1_weighted", "precision_micro", "recall_micro", "f1_micro",
)  # fmt: skip
_NON_NEGATIVE_METRICS = (
    "log_loss", "mae", "mse", "rmse", "mape", "stddev_value",
    "true_positives", "false_positives", "true_negatives", "false_negatives", "support",
    "freshness_hours",
)  # fmt: skip

# metric name -> (lowest, highest) possible value; a metric not listed is unbounded.
METRIC_RANGES: dict[str, tuple[float, float]] = {
    **dict.fromkeys(_UNIT_METRICS, UNIT),
    **dict.fromkeys(_NON_NEGATIVE_METRICS, NON_NEGATIVE),
    **JUDGED_RANGES,  # the drift statistics' (tables/statistics.py)
    **{m.name: m.value_range for m in TABLE_METRICS if m.judged},  # tables/metrics.py
    "matthews_corrcoef": CORRELATION,
    "r2": AT_MOST_ONE,
    "mean_error": UNBOUNDED,
}


def metric_range(metric_name: str) -> tuple[float, float]:
    """Return the lowest and highest value a metric can take (estimated_ and [class] ignored)."""
    name = base_metric(metric_name).removeprefix(ESTIMATED_PREFIX)
    return METRIC_RANGES.get(name, UNBOUNDED)


def clamp_to_range(metric_name: str, value: float) -> float:
    """Return the value moved into the metric's range (unchanged when within it)."""
    low, high = metric_range(metric_name)
    return min(max(value, low), high)


def is_clamped(metric_name: str, value: float) -> bool:
    """Whether a bound lies beyond the metric's range (clamping would move it)."""
    return not math.isnan(value) and clamp_to_range(metric_name, value) != value
