"""Resolving one rule: its blocks checked key by key, merged in order, checked as a whole."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from model_monitor.alerts.anomaly import METHODS, SEASONALITIES, AnomalySettings
from model_monitor.alerts.observations import COLUMN_ROLES, FRESHNESS_METRIC, KNOWN_METRICS
from model_monitor.alerts.rules.defaults import (
    BOUND_KEYS,
    CHANGES,
    COMMON_DEFAULTS,
    COMMON_KEYS,
    CORRECTIONS,
    KIND_DEFAULTS,
    KIND_DIRECTIONS,
    KIND_KEYS,
    KINDS,
    RULE_SPECIFIC_KEYS,
)
from model_monitor.alerts.rules.rule import Rule
from model_monitor.errors import ConfigError


@dataclass(frozen=True)
class Layer:
    """One block of overrides for a rule, with where it sits in the file."""

    path: str
    monitor: str | None
    params: Mapping[str, Any]


class Errors:
    """Builds ConfigErrors that name the key at fault and the file."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __call__(self, message: str, key: str, monitor: str | None = None) -> ConfigError:
        return ConfigError(f"{message} (in {self.source})", monitor=monitor, key=key)


def describe(value: Any) -> str:
    """Return a value as the error message shows it."""
    return repr(value) if not isinstance(value, str) else f"'{value}'"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_value(rule: str, kind: str, key: str, value: Any) -> str | None:
    """Return what is wrong with one parameter's value, or None."""
    if key in ("silence", "inclusive"):
        return None if isinstance(value, bool) else "expected true or false"
    if key == "kind":
        return None if value in KINDS else f"expected one of {', '.join(KINDS)}"
    if key == "metrics":
        if not isinstance(value, list) or not value or not all(isinstance(m, str) for m in value):
            return "expected a non-empty list of metric names"
        unknown = [m for m in value if m not in KNOWN_METRICS]
        if unknown:
            return f"unknown metric {unknown[0]!r}; known: {', '.join(sorted(KNOWN_METRICS))}"
        return None
    if key == "roles":
        if not isinstance(value, list) or not value or any(r not in COLUMN_ROLES for r in value):
            return f"expected a non-empty list of {', '.join(COLUMN_ROLES)}"
        return None
    if key in ("min_sample_size", "min_age_windows", "training_windows", "min_training_windows"):
        return None if _is_count(value) else "expected a whole number >= 0"
    if key in BOUND_KEYS or key in ("critical_threshold", "critical_below"):
        return None if value is None or _is_number(value) else "expected a number or null"
    if key in ("threshold", "min_change"):
        return None if _is_number(value) and value >= 0 else "expected a number >= 0"
    choices: tuple[str, ...] = {
        "direction": KIND_DIRECTIONS.get(kind, ()),
        "change": CHANGES,
        "correction": CORRECTIONS,
        "method": METHODS,
        "seasonality": (*SEASONALITIES, "none"),
    }.get(key, ())
    if key == "seasonality" and value is None:
        return None
    return None if value in choices else f"expected one of {', '.join(choices)}"


def allowed_keys(rule: str, kind: str) -> frozenset[str]:
    """Return the keys a block of this rule may set once its kind is known."""
    if kind == "freshness":
        return frozenset({"kind", "silence", *BOUND_KEYS})
    return COMMON_KEYS | KIND_KEYS[kind] | RULE_SPECIFIC_KEYS.get(rule, frozenset())


def merge_layers(rule: str, layers: list[Layer], errors: Errors) -> tuple[dict[str, Any], Layer]:
    """Merge a rule's layers in order, checking each key; return the params and the last layer."""
    params: dict[str, Any] = {}
    kind: str | None = None
    last = layers[0]
    for layer in layers:
        new_kind = layer.params.get("kind", kind)
        if "kind" in layer.params:
            problem = check_value(rule, "", "kind", new_kind)
            if problem:
                raise errors(
                    f"{problem}; got {describe(new_kind)}", f"{layer.path}.kind", layer.monitor
                )
            if (new_kind == "freshness") != (rule == "freshness"):
                raise errors(
                    "kind freshness is the freshness rule's own, and it has no other kind; "
                    f"got {describe(new_kind)}",
                    f"{layer.path}.kind",
                    layer.monitor,
                )
        if new_kind is None and silence_only(layer):
            # A whole monitor, metric or column silenced before a custom rule is defined.
            if not isinstance(layer.params["silence"], bool):
                raise errors("expected true or false", f"{layer.path}.silence", layer.monitor)
            params.update(layer.params)
            continue
        if new_kind is None:
            raise errors(
                f"rule '{rule}' is not a built-in rule: give it a `kind` "
                f"({', '.join(KINDS[:3])}) and `metrics`",
                layer.path,
                layer.monitor,
            )
        if kind is not None and new_kind != kind:
            # Another kind: the previous kind's parameters mean nothing to it.
            params = {k: v for k, v in params.items() if k in COMMON_KEYS}
        kind = new_kind
        allowed = allowed_keys(rule, kind)
        for key, value in layer.params.items():
            if key not in allowed:
                raise errors(
                    f"unknown key for a {kind} rule; expected one of {', '.join(sorted(allowed))}",
                    f"{layer.path}.{key}",
                    layer.monitor,
                )
            problem = check_value(rule, kind, key, value)
            if problem:
                raise errors(
                    f"{problem}; got {describe(value)}", f"{layer.path}.{key}", layer.monitor
                )
        params.update(layer.params)
        if layer.params:
            last = layer
    if kind is None:
        raise errors(f"rule '{rule}' has no `kind`", last.path, last.monitor)
    return params, last


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def build_rule(rule: str, layers: list[Layer], errors: Errors) -> Rule:
    """Resolve a rule from its layers and check the result as a whole."""
    params, last = merge_layers(rule, layers, errors)
    kind = params["kind"]
    merged = {**COMMON_DEFAULTS, **KIND_DEFAULTS[kind], **params}
    where = last.path

    def fail(message: str, key: str) -> ConfigError:
        return errors(message, f"{where}.{key}", last.monitor)

    bounds = [(k, merged[k]) for k in BOUND_KEYS if merged.get(k) is not None]
    if kind != "anomaly" and not bounds and not merged["silence"]:
        raise fail("no bound is set: set info, warning or critical, or silence the rule", "warning")
    descending = kind != "freshness" and merged.get("direction") == "down"
    for (low_name, low), (high_name, high) in zip(bounds, bounds[1:], strict=False):
        if (low > high) if not descending else (low < high):
            side = "above" if not descending else "below"
            raise fail(
                f"{low_name} bound {low} is {side} {high_name} bound {high}; a more severe "
                f"bound must be further out (set both)",
                low_name,
            )
    anomaly = None
    if kind == "anomaly":
        if merged["training_windows"] < 2:
            raise fail(f"expected at least 2; got {merged['training_windows']}", "training_windows")
        if not 2 <= merged["min_training_windows"] <= merged["training_windows"]:
            raise fail(
                f"expected 2 to training_windows ({merged['training_windows']}); "
                f"got {merged['min_training_windows']}",
                "min_training_windows",
            )
        if merged["threshold"] <= 0:
            raise fail("expected a number > 0; got 0", "threshold")
        critical = merged["critical_threshold"]
        if critical is not None and critical < merged["threshold"]:
            raise fail(f"{critical} is below threshold {merged['threshold']}", "critical_threshold")
        seasonality = merged["seasonality"]
        anomaly = AnomalySettings(
            method=merged["method"],
            training_windows=merged["training_windows"],
            min_training_windows=merged["min_training_windows"],
            seasonality=None if seasonality in (None, "none") else seasonality,
            threshold=float(merged["threshold"]),
            critical_threshold=None if critical is None else float(critical),
            direction="both" if merged["direction"] == "worse" else merged["direction"],
            min_change=float(merged["min_change"]),
        )
    return Rule(
        name=rule,
        kind=kind,
        metrics=tuple(merged.get("metrics") or (FRESHNESS_METRIC,)),
        silence=merged["silence"],
        roles=tuple(merged["roles"]),
        min_sample_size=merged["min_sample_size"],
        min_age_windows=merged["min_age_windows"],
        direction=merged.get("direction", "up"),
        inclusive=merged.get("inclusive", False),
        info=_float(merged.get("info")),
        warning=_float(merged.get("warning")),
        critical=_float(merged.get("critical")),
        change=merged.get("change", "difference"),
        correction=merged.get("correction", "none"),
        critical_below=_float(merged.get("critical_below")),
        anomaly=anomaly,
        source=where,
    )


def silence_only(layer: Layer) -> bool:
    """Whether a block sets nothing but `silence`."""
    return set(layer.params) == {"silence"}
