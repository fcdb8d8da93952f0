"""One window's performance next to its reference, and how summaries sort and compare."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from model_monitor.performance.metrics import COUNT_METRICS, base_metric, metric_sort_key


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
    # How far the realized values can be trusted (model_monitor.alerts.maturity): whether the
    # window's labels are mature, what it lacks if not, the rule, why this window was shown,
    # and a 95% Wilson interval per realized rate (None: no interval for that metric).
    labels_mature: bool | None = None
    immature_reason: str | None = None
    maturity_rule: str | None = None
    window_choice: str | None = None
    realized_intervals: dict[str, tuple[float, float] | None] = field(default_factory=dict)


def ordered_metrics(summary: PerformanceSummary) -> list[str]:
    """Return every metric key of a summary (any source) in reading order."""
    keys = {*summary.realized, *summary.estimated, *summary.reference}
    return sorted(keys, key=lambda k: metric_sort_key(summary.task, k))


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
