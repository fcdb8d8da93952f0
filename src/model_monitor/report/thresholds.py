"""The alert bounds a report draws: the built-in rules' defaults (model_monitor.alerts.rules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bounds:
    """A rule's warning and critical bounds (None when the rule has no such level)."""

    warning: float | None
    critical: float | None


@dataclass(frozen=True)
class Thresholds:
    """The bounds of the built-in rules that the report's figures draw as lines."""

    psi: Bounds = Bounds(0.1, 0.25)
    drift_pvalue: Bounds = Bounds(0.01, None)
    out_of_range_share: Bounds = Bounds(0.05, 0.20)
    unseen_category_share: Bounds = Bounds(0.01, 0.05)
    performance_drop: Bounds = Bounds(0.05, 0.10)
    label_coverage: Bounds = Bounds(0.5, 0.1)
    performance_drop_metrics: tuple[str, ...] = (
        "accuracy",
        "roc_auc",
        "f1",
        "f1_macro",
        "r2",
        "rmse",
        "mae",
        "log_loss",
        "brier_score",
    )


def _bounds(rule: dict[str, Any] | None, fallback: Bounds) -> Bounds:
    """Return a rule's warning and critical bounds, the fallback's where the rule has none."""
    if not isinstance(rule, dict):
        return fallback

    def number(key: str, default: float | None) -> float | None:
        value = rule.get(key, default)
        return float(value) if isinstance(value, int | float) else default

    return Bounds(number("warning", fallback.warning), number("critical", fallback.critical))


def default_thresholds() -> Thresholds:
    """Return the built-in rules' bounds; the values above when the rules module is absent."""
    base = Thresholds()
    try:
        from model_monitor.alerts.rules import BUILTIN_RULES
    except ImportError:  # the report works without alert rules installed
        return base
    rules: dict[str, Any] = dict(BUILTIN_RULES)
    drop = rules.get("performance_drop") or {}
    return Thresholds(
        psi=_bounds(rules.get("psi"), base.psi),
        drift_pvalue=_bounds(rules.get("drift_test"), base.drift_pvalue),
        out_of_range_share=_bounds(rules.get("out_of_range"), base.out_of_range_share),
        unseen_category_share=_bounds(rules.get("unseen_categories"), base.unseen_category_share),
        performance_drop=_bounds(drop, base.performance_drop),
        label_coverage=_bounds(rules.get("label_coverage"), base.label_coverage),
        performance_drop_metrics=tuple(drop.get("metrics") or base.performance_drop_metrics),
    )
