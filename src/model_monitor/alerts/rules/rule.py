"""A rule resolved for one monitor, metric and column."""

from __future__ import annotations

from dataclasses import dataclass

from model_monitor.alerts.anomaly import AnomalySettings
from model_monitor.alerts.observations import HIGHER_IS_BETTER, base_metric_name
from model_monitor.alerts.rules.defaults import BOUND_KEYS, DEFAULT_ROLES
from model_monitor.performance.metrics import LOWER_IS_BETTER


@dataclass(frozen=True)
class Rule:
    """A rule resolved for one monitor, metric and column: its kind and every parameter."""

    name: str
    kind: str
    metrics: tuple[str, ...]
    silence: bool = False
    roles: tuple[str, ...] = DEFAULT_ROLES
    min_sample_size: int = 100
    min_age_windows: int = 0
    direction: str = "up"
    inclusive: bool = False
    info: float | None = None
    warning: float | None = None
    critical: float | None = None
    change: str = "difference"
    correction: str = "none"
    critical_below: float | None = None
    anomaly: AnomalySettings | None = None
    source: str = "defaults"

    def bounds(self) -> list[tuple[str, float]]:
        """Return (severity, bound) pairs that are set, the most severe first."""
        pairs = [(s, getattr(self, s)) for s in reversed(BOUND_KEYS)]
        return [(s, float(b)) for s, b in pairs if b is not None]

    def direction_for(self, metric_name: str) -> str:
        """Return up, down or both, `worse` resolved for the metric."""
        if self.direction != "worse":
            return self.direction
        return "down" if metric_name in HIGHER_IS_BETTER else "up"

    def change_for(self, metric_name: str) -> str:
        """Return difference or relative, `auto` resolved: relative for error metrics."""
        if self.change != "auto":
            return self.change
        return "relative" if base_metric_name(metric_name) in LOWER_IS_BETTER else "difference"
