"""Observations for alert rules: one metric of one window, with its reference and its history.

One concern per module: catalog.py (the metrics and the Observation records), sources.py (one
query per metric table), windows.py (which windows are evaluated) and load.py
(`load_observations`, which puts them together).
"""

from model_monitor.alerts.observations.catalog import (
    CBPE_METRICS,
    COLUMN_METRICS,
    COLUMN_QUALITY_METRICS,
    COLUMN_ROLES,
    COVERAGE_METRICS,
    DRIFT_METRICS,
    ESTIMATED_METRICS,
    ESTIMATED_PREFIX,
    FRESHNESS_METRIC,
    HIGHER_IS_BETTER,
    KNOWN_METRICS,
    OPERATIONS_METRICS,
    PERFORMANCE_METRICS,
    WINDOW_QUALITY_METRICS,
    MonitorWindows,
    Observation,
    Observations,
    base_metric_name,
)
from model_monitor.alerts.observations.load import SERIES_KEY, load_observations
from model_monitor.alerts.observations.sources import FRAME_COLUMNS, KEYS

__all__ = [
    "CBPE_METRICS",
    "COLUMN_METRICS",
    "COLUMN_QUALITY_METRICS",
    "COLUMN_ROLES",
    "COVERAGE_METRICS",
    "DRIFT_METRICS",
    "ESTIMATED_METRICS",
    "ESTIMATED_PREFIX",
    "FRAME_COLUMNS",
    "FRESHNESS_METRIC",
    "HIGHER_IS_BETTER",
    "KEYS",
    "KNOWN_METRICS",
    "OPERATIONS_METRICS",
    "PERFORMANCE_METRICS",
    "SERIES_KEY",
    "WINDOW_QUALITY_METRICS",
    "MonitorWindows",
    "Observation",
    "Observations",
    "base_metric_name",
    "load_observations",
]
