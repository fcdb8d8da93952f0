"""The built-in rules and the keys, kinds and defaults a rules file may use (docs/alerts.md)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from model_monitor.alerts.anomaly import DIRECTIONS as ANOMALY_DIRECTIONS
from model_monitor.alerts.anomaly import AnomalySettings

KINDS = ("threshold", "reference", "anomaly", "freshness")
CHANGES = ("difference", "relative", "auto")
CORRECTIONS = ("benjamini_hochberg", "none")
RULE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_ROLES = ("feature", "score", "prediction")

COMMON_KEYS = frozenset(
    {"kind", "metrics", "silence", "roles", "min_sample_size", "min_age_windows"}
)
BOUND_KEYS = ("info", "warning", "critical")
KIND_KEYS: dict[str, frozenset[str]] = {
    "threshold": frozenset({"direction", "inclusive", *BOUND_KEYS}),
    "reference": frozenset({"direction", "inclusive", "change", *BOUND_KEYS}),
    "anomaly": frozenset(
        {
            "method",
            "training_windows",
            "min_training_windows",
            "seasonality",
            "threshold",
            "critical_threshold",
            "direction",
            "min_change",
            "critical_below",
        }
    ),
    "freshness": frozenset(BOUND_KEYS),
}
RULE_SPECIFIC_KEYS = {"drift_test": frozenset({"correction"})}
KIND_DIRECTIONS = {
    "threshold": ("up", "down"),
    "reference": ("up", "down", "worse"),
    "anomaly": (*ANOMALY_DIRECTIONS, "worse"),
}
COMMON_DEFAULTS: dict[str, Any] = {
    "silence": False,
    "roles": list(DEFAULT_ROLES),
    "min_sample_size": 100,
    "min_age_windows": 0,
}
_ANOMALY = AnomalySettings()
KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    "threshold": {
        "direction": "up",
        "inclusive": False,
        "info": None,
        "warning": None,
        "critical": None,
    },
    "reference": {
        "direction": "up",
        "inclusive": False,
        "change": "difference",
        "info": None,
        "warning": None,
        "critical": None,
    },
    "anomaly": {
        "method": _ANOMALY.method,
        "training_windows": _ANOMALY.training_windows,
        "min_training_windows": _ANOMALY.min_training_windows,
        "seasonality": None,
        "threshold": _ANOMALY.threshold,
        "critical_threshold": _ANOMALY.critical_threshold,
        "direction": _ANOMALY.direction,
        "min_change": _ANOMALY.min_change,
        "critical_below": None,
    },
    "freshness": {"info": None, "warning": None, "critical": None},
}

# The built-in rules, written as a rules file's `rules` block (docs/alerts.md lists the same).
DEFAULT_RULES_YAML = """
psi:
  {kind: threshold, metrics: [psi], direction: up, inclusive: true, warning: 0.1, critical: 0.25}
drift_test:
  kind: threshold
  metrics: [drift_pvalue]
  direction: down
  warning: 0.01
  correction: benjamini_hochberg
null_rate_increase:
  {kind: reference, metrics: [null_rate], direction: up, change: difference, warning: 0.05,
   critical: 0.20}
unseen_categories:
  {kind: threshold, metrics: [unseen_category_share], direction: up, warning: 0.01, critical: 0.05}
out_of_range:
  {kind: threshold, metrics: [out_of_range_share], direction: up, warning: 0.05, critical: 0.20}
performance_drop:
  kind: reference
  metrics: [accuracy, roc_auc, f1, f1_macro, r2, rmse, mae, log_loss, brier_score]
  direction: worse
  change: auto
  warning: 0.05
  critical: 0.10
estimated_performance_drop:
  kind: reference
  metrics: [estimated_accuracy, estimated_f1]
  direction: worse
  change: auto
  info: 0.05
  warning: 0.10
label_coverage:
  {kind: threshold, metrics: [label_coverage], direction: down, warning: 0.5, critical: 0.1,
   min_age_windows: 7}
volume: {kind: anomaly, metrics: [prediction_count], critical_below: 1}
freshness: {kind: freshness, warning: 2, critical: 4}
"""
BUILTIN_RULES: dict[str, dict[str, Any]] = yaml.safe_load(DEFAULT_RULES_YAML)
