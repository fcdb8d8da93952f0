"""The names of the tables the dbt package publishes, and the key columns they share."""

from __future__ import annotations

DATA_QUALITY = "monitor_data_quality"
DISTRIBUTIONS = "monitor_distributions"
DRIFT = "monitor_drift"
PERFORMANCE = "monitor_performance"
LABEL_COVERAGE = "monitor_label_coverage"
OPERATIONS = "monitor_operations"
CALIBRATION = "monitor_calibration"
RESIDUALS = "monitor_residuals"
FAIRNESS = "monitor_fairness"

# What identifies a row's window, version and slice in every per-window table.
WINDOW_KEY = (
    "monitor_name",
    "window_start",
    "window_end",
    "model_version",
    "slice_key",
    "slice_value",
)
# The same without window_end: what readers join and match on.
MATCH_KEY = ("monitor_name", "window_start", "model_version", "slice_key", "slice_value")
