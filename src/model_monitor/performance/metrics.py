"""Performance metrics by name: reading order per task, direction, per-class keys, the task."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
