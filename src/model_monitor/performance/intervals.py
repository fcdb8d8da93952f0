"""Confidence intervals of realized metrics: Wilson intervals for the rates, none otherwise."""

from __future__ import annotations

from collections.abc import Mapping

from model_monitor.alerts.maturity import wilson_interval

Interval = tuple[float, float]


def _binary_counts(values: Mapping[str, float | int | None]) -> dict[str, tuple[int, int]] | None:
    """(successes, trials) of each binary rate, from the confusion counts; None without them."""
    counts = [values.get(k) for k in ("true_positives", "false_positives", "true_negatives",
                                      "false_negatives")]  # fmt: skip
    if any(c is None for c in counts):
        return None
    tp, fp, tn, fn = (int(c) for c in counts)  # type: ignore[arg-type]
    total = tp + fp + tn + fn
    return {
        "accuracy": (tp + tn, total),
        "precision": (tp, tp + fp),
        "recall": (tp, tp + fn),
        "specificity": (tn, tn + fp),
        "false_positive_rate": (fp, fp + tn),
        "positive_prediction_rate": (tp + fp, total),
        "prevalence": (tp + fn, total),
    }


def realized_intervals(
    values: Mapping[str, float | int | None], labeled_count: int | None, task: str | None
) -> dict[str, Interval | None]:
    """Return a 95% Wilson interval per realized metric that is a rate; None: no interval."""
    rates = _binary_counts(values) if task == "binary" else None
    intervals: dict[str, Interval | None] = {}
    for key, value in values.items():
        interval = None
        if rates is not None and key in rates:
            interval = wilson_interval(*rates[key])
        elif key == "accuracy" and value is not None and labeled_count:
            interval = wilson_interval(round(float(value) * labeled_count), labeled_count)
        intervals[key] = interval
    return intervals
