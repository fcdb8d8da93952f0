"""What an observation is: the metrics rules can judge, and the Observation records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from model_monitor.alerts.anomaly import HistoryPoint
from model_monitor.performance.metrics import LOWER_IS_BETTER, METRIC_ORDER
from model_monitor.tables import names
from model_monitor.tables.metrics import metric_names, table_metrics
from model_monitor.tables.statistics import JUDGED_METRICS

if TYPE_CHECKING:
    from model_monitor.alerts.observations.label_windows import LabelPlan

DRIFT_METRICS = JUDGED_METRICS
COLUMN_QUALITY_METRICS = metric_names(
    table_metrics(names.DATA_QUALITY, per_column=True, judged=True)
)
WINDOW_QUALITY_METRICS = metric_names(table_metrics(names.DATA_QUALITY, judged=True))
CBPE_METRICS = ("accuracy", "precision", "recall", "f1", "specificity")
PERFORMANCE_METRICS = tuple(dict.fromkeys(m for names in METRIC_ORDER.values() for m in names))
ESTIMATED_PREFIX = "estimated_"
ESTIMATED_METRICS = tuple(ESTIMATED_PREFIX + m for m in CBPE_METRICS)
COVERAGE_METRICS = metric_names(table_metrics(names.LABEL_COVERAGE, judged=True))
OPERATIONS_METRICS = metric_names(table_metrics(names.OPERATIONS, judged=True))
FRESHNESS_METRIC = "freshness_hours"
KNOWN_METRICS = frozenset(
    DRIFT_METRICS
    + COLUMN_QUALITY_METRICS
    + WINDOW_QUALITY_METRICS
    + PERFORMANCE_METRICS
    + ESTIMATED_METRICS
    + COVERAGE_METRICS
    + OPERATIONS_METRICS
)
COLUMN_METRICS = frozenset(DRIFT_METRICS + COLUMN_QUALITY_METRICS)
COLUMN_ROLES = ("feature", "score", "prediction", "label")
# Where a larger value is good news; everything else is worse when it grows.
HIGHER_IS_BETTER = frozenset(
    {m for m in PERFORMANCE_METRICS if m not in LOWER_IS_BETTER and m != "mean_error"}
    | {ESTIMATED_PREFIX + m for m in CBPE_METRICS if m not in LOWER_IS_BETTER}
    | {"label_coverage", "drift_pvalue"}
)


def base_metric_name(metric_name: str) -> str:
    """Return the metric without its estimated_ prefix."""
    return metric_name.removeprefix(ESTIMATED_PREFIX)


@dataclass(frozen=True)
class Observation:
    """One metric of one window, version, slice and column; `history` holds earlier windows."""

    monitor_name: str
    window_start: dt.datetime
    window_end: dt.datetime | None
    metric_name: str
    value: float
    model_version: str | None = None
    slice_key: str | None = None
    slice_value: str | None = None
    column_name: str | None = None
    column_role: str | None = None
    reference_value: float | None = None
    sample_size: int | None = None
    history: tuple[HistoryPoint, ...] = ()


@dataclass(frozen=True)
class MonitorWindows:
    """A monitor's window grain, its newest window, and the windows being evaluated."""

    monitor_name: str
    grain: dt.timedelta
    first_window_start: dt.datetime
    latest_window_start: dt.datetime
    latest_window_end: dt.datetime
    evaluated: tuple[dt.datetime, ...]

    @property
    def includes_latest(self) -> bool:
        """Whether the newest window is evaluated (freshness is judged only then)."""
        return self.latest_window_start in self.evaluated


@dataclass(frozen=True)
class Observations:
    """What the rules judge: observations of the evaluated windows (and older ones for history)."""

    items: tuple[Observation, ...]
    monitors: tuple[MonitorWindows, ...]
    # Which windows realized-performance rules judge (None: the evaluated ones, as other rules).
    labels: LabelPlan | None = None
