"""Alert rules: the defaults, a YAML rules file that overrides them, and their resolution.

A rule is resolved for one monitor, metric and column by merging, in order: the built-in
default, the file's top-level `rules`, `metrics.<metric>`, `columns.<column>`, then the same
three blocks under `monitors.<monitor>`. A later block wins key by key; a block that changes
`kind` starts again from that kind's defaults.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from model_monitor.anomaly import (
    DIRECTIONS as ANOMALY_DIRECTIONS,
)
from model_monitor.anomaly import (
    METHODS,
    SEASONALITIES,
    AnomalySettings,
    history_windows,
)
from model_monitor.drift import MONITOR_NAME
from model_monitor.errors import ConfigError
from model_monitor.observations import (
    COLUMN_ROLES,
    FRESHNESS_METRIC,
    HIGHER_IS_BETTER,
    KNOWN_METRICS,
    base_metric_name,
)
from model_monitor.performance import LOWER_IS_BETTER

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


# --- validation of one block --------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    """One block of overrides for a rule, with where it sits in the file."""

    path: str
    monitor: str | None
    params: Mapping[str, Any]


class _Errors:
    """Builds ConfigErrors that name the key at fault and the file."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __call__(self, message: str, key: str, monitor: str | None = None) -> ConfigError:
        return ConfigError(f"{message} (in {self.source})", monitor=monitor, key=key)


def _describe(value: Any) -> str:
    """Return a value as the error message shows it."""
    return repr(value) if not isinstance(value, str) else f"'{value}'"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_value(rule: str, kind: str, key: str, value: Any) -> str | None:
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


def _allowed_keys(rule: str, kind: str) -> frozenset[str]:
    """Return the keys a block of this rule may set once its kind is known."""
    if kind == "freshness":
        return frozenset({"kind", "silence", *BOUND_KEYS})
    return COMMON_KEYS | KIND_KEYS[kind] | RULE_SPECIFIC_KEYS.get(rule, frozenset())


def _merge(rule: str, layers: list[_Layer], errors: _Errors) -> tuple[dict[str, Any], _Layer]:
    """Merge a rule's layers in order, checking each key; return the params and the last layer."""
    params: dict[str, Any] = {}
    kind: str | None = None
    last = layers[0]
    for layer in layers:
        new_kind = layer.params.get("kind", kind)
        if "kind" in layer.params:
            problem = _check_value(rule, "", "kind", new_kind)
            if problem:
                raise errors(
                    f"{problem}; got {_describe(new_kind)}", f"{layer.path}.kind", layer.monitor
                )
            if (new_kind == "freshness") != (rule == "freshness"):
                raise errors(
                    "kind freshness is the freshness rule's own, and it has no other kind; "
                    f"got {_describe(new_kind)}",
                    f"{layer.path}.kind",
                    layer.monitor,
                )
        if new_kind is None and _silence_only(layer):
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
        allowed = _allowed_keys(rule, kind)
        for key, value in layer.params.items():
            if key not in allowed:
                raise errors(
                    f"unknown key for a {kind} rule; expected one of {', '.join(sorted(allowed))}",
                    f"{layer.path}.{key}",
                    layer.monitor,
                )
            problem = _check_value(rule, kind, key, value)
            if problem:
                raise errors(
                    f"{problem}; got {_describe(value)}", f"{layer.path}.{key}", layer.monitor
                )
        params.update(layer.params)
        if layer.params:
            last = layer
    if kind is None:
        raise errors(f"rule '{rule}' has no `kind`", last.path, last.monitor)
    return params, last


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _build(rule: str, layers: list[_Layer], errors: _Errors) -> Rule:
    """Resolve a rule from its layers and check the result as a whole."""
    params, last = _merge(rule, layers, errors)
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


# --- the file -----------------------------------------------------------------------------------


@dataclass
class _Scope:
    """The `rules`, `metrics` and `columns` blocks of the file's top level or of one monitor."""

    path: str
    monitor: str | None
    rules: dict[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    metrics: dict[str, dict[str, Mapping[str, Any]]] = dataclasses.field(default_factory=dict)
    columns: dict[str, dict[str, Mapping[str, Any]]] = dataclasses.field(default_factory=dict)
    metric_silence: dict[str, bool] = dataclasses.field(default_factory=dict)
    column_silence: dict[str, bool] = dataclasses.field(default_factory=dict)
    silence: bool | None = None

    def key(self, *parts: str) -> str:
        """Return the dotted path of a key inside this scope."""
        return ".".join(p for p in (self.path, *parts) if p)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice in one mapping."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)  # type: ignore[no-untyped-call]
        if key in keys:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice", key_node.start_mark
            )
        keys.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,  # type: ignore[arg-type]
)


class RuleSet:
    """The rules in force: built-in defaults, overridden by a rules file if one is given."""

    def __init__(
        self,
        top: _Scope | None = None,
        monitors: dict[str, _Scope] | None = None,
        source: str = "defaults",
    ) -> None:
        self._top = top or _Scope(path="", monitor=None)
        self._monitors = monitors or {}
        self._errors = _Errors(source)
        self.source = source
        self._cache: dict[tuple[str, str, str | None], list[Rule]] = {}
        self._checked = self._check_every_block()

    # construction

    @classmethod
    def defaults(cls) -> RuleSet:
        """Return the built-in rules only."""
        return cls()

    @classmethod
    def from_file(cls, path: Path | str) -> RuleSet:
        """Read and validate a YAML rules file."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"cannot read rules file {path}: {exc.strerror}", key="rules"
            ) from None
        try:
            data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise ConfigError(
                f"rules file {path} is not valid YAML{where}: {problem}", key="rules"
            ) from None
        return cls.from_mapping(data, source=str(path))

    @classmethod
    def from_mapping(cls, data: Any, source: str = "rules") -> RuleSet:
        """Validate the parsed content of a rules file."""
        errors = _Errors(source)
        if data is None:
            return cls(source=source)
        if not isinstance(data, dict):
            raise errors(f"expected a mapping at the top; got {type(data).__name__}", "rules")
        _only(data, ("rules", "metrics", "columns", "monitors"), "", None, errors)
        top = _parse_scope(data, _Scope(path="", monitor=None), set(BUILTIN_RULES), errors)
        monitors: dict[str, _Scope] = {}
        raw_monitors = _mapping(data.get("monitors"), "monitors", None, errors)
        for name, block in raw_monitors.items():
            if not isinstance(name, str) or not MONITOR_NAME.match(name):
                raise errors(
                    f"expected a monitor name (letters, digits, _ . -); got {_describe(name)}",
                    f"monitors.{name}",
                )
            block = _mapping(block, f"monitors.{name}", name, errors)
            _only(
                block, ("silence", "rules", "metrics", "columns"), f"monitors.{name}", name, errors
            )
            scope = _Scope(path=f"monitors.{name}", monitor=name)
            if "silence" in block:
                if not isinstance(block["silence"], bool):
                    raise errors(
                        f"expected true or false; got {_describe(block['silence'])}",
                        f"monitors.{name}.silence",
                        name,
                    )
                scope.silence = block["silence"]
            monitors[name] = _parse_scope(block, scope, set(BUILTIN_RULES) | set(top.rules), errors)
        return cls(top, monitors, source)

    # resolution

    def rule_names(self, monitor: str) -> list[str]:
        """Return every rule that exists for a monitor: built-in ones, then the file's."""
        scope = self._monitors.get(monitor)
        names = dict.fromkeys([*BUILTIN_RULES, *self._top.rules, *(scope.rules if scope else ())])
        return list(names)

    def _layers(
        self, rule: str, monitor: str, metric: str | None, column: str | None
    ) -> list[_Layer]:
        """Return the blocks that apply to a rule for a monitor, metric and column, in order."""
        layers = []
        if rule in BUILTIN_RULES:
            layers.append(_Layer(f"defaults.{rule}", None, BUILTIN_RULES[rule]))
        scopes = [self._top]
        if monitor in self._monitors:
            scopes.append(self._monitors[monitor])
        for scope in scopes:
            blocks = [
                (scope.path, _silence(scope.silence)),
                (scope.key("rules", rule), scope.rules.get(rule)),
            ]
            if metric is not None:
                blocks += [
                    (scope.key("metrics", metric), _silence(scope.metric_silence.get(metric))),
                    (scope.key("metrics", metric, rule), scope.metrics.get(metric, {}).get(rule)),
                ]
            if column is not None:
                blocks += [
                    (scope.key("columns", column), _silence(scope.column_silence.get(column))),
                    (scope.key("columns", column, rule), scope.columns.get(column, {}).get(rule)),
                ]
            layers += [_Layer(path, scope.monitor, p) for path, p in blocks if p is not None]
        return layers

    def rule(
        self, name: str, monitor: str, metric: str | None = None, column: str | None = None
    ) -> Rule:
        """Return one rule resolved for a monitor, metric and column (silenced ones too)."""
        layers = self._layers(name, monitor, metric, column)
        if not layers:
            raise ConfigError(f"no rule named '{name}'", monitor=monitor, key="rule")
        return _build(name, layers, self._errors)

    def rules_for(self, monitor: str, metric: str, column: str | None = None) -> list[Rule]:
        """Return the rules that judge a metric of a monitor's column, silenced ones left out."""
        key = (monitor, metric, column)
        if key not in self._cache:
            rules = []
            for name in self.rule_names(monitor):
                metrics = self.rule(name, monitor).metrics
                if metric not in metrics:
                    continue
                rule = self.rule(name, monitor, metric, column)
                if not rule.silence:
                    rules.append(rule)
            self._cache[key] = rules
        return self._cache[key]

    def lookback(self, monitor: str, grain: dt.timedelta) -> tuple[int, int]:
        """Return (age, history) windows the monitor's rules read before an evaluated window."""
        rules = [r for scope, r in self._checked if scope in (None, monitor)]
        age = max((r.min_age_windows for r in rules), default=0)
        anomalies = [r.anomaly for r in rules if r.anomaly is not None]
        training = max((a.training_windows for a in anomalies), default=0)
        seasonal = any(a.seasonality for a in anomalies)
        settings = AnomalySettings(
            training_windows=training, seasonality="day_of_week" if seasonal else None
        )
        return age, history_windows(settings, grain) if anomalies else 0

    def _check_every_block(self) -> list[tuple[str | None, Rule]]:
        """Resolve each block along its own path so that errors surface when the file is read."""
        checked: list[tuple[str | None, Rule]] = []
        scopes = [self._top, *self._monitors.values()]
        for scope in scopes:
            monitor = scope.monitor or ""
            for rule in self.rule_names(monitor):
                base = self._layers(rule, monitor, None, None)
                base = [layer for layer in base if not _silence_only(layer)]
                if not base:
                    continue
                checked.append((scope.monitor, _build(rule, base, self._errors)))
                for metric, blocks in scope.metrics.items():
                    if rule in blocks:
                        layers = [
                            *base,
                            _Layer(scope.key("metrics", metric, rule), scope.monitor, blocks[rule]),
                        ]
                        self._check_reads(rule, metric, base, scope)
                        checked.append((scope.monitor, _build(rule, layers, self._errors)))
                for column, blocks in scope.columns.items():
                    if rule in blocks:
                        layers = [
                            *base,
                            _Layer(scope.key("columns", column, rule), scope.monitor, blocks[rule]),
                        ]
                        checked.append((scope.monitor, _build(rule, layers, self._errors)))
        return checked

    def _check_reads(self, rule: str, metric: str, base: list[_Layer], scope: _Scope) -> None:
        """Refuse a metric block for a rule that does not read that metric."""
        metrics = _build(rule, base, self._errors).metrics
        if metric not in metrics:
            raise self._errors(
                f"rule '{rule}' does not read metric '{metric}'; it reads {', '.join(metrics)}",
                scope.key("metrics", metric, rule),
                scope.monitor,
            )


def _silence(value: bool | None) -> dict[str, bool] | None:
    """Return the block of a monitor, metric or column's `silence`, if it has one."""
    return None if value is None else {"silence": value}


def _silence_only(layer: _Layer) -> bool:
    return set(layer.params) == {"silence"}


def _mapping(value: Any, path: str, monitor: str | None, errors: _Errors) -> dict[Any, Any]:
    """Return a mapping (empty for null), or raise naming the key."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise errors(f"expected a mapping; got {_describe(value)}", path, monitor)
    return value


def _only(
    block: dict[Any, Any], allowed: tuple[str, ...], path: str, monitor: str | None, errors: _Errors
) -> None:
    """Refuse keys outside `allowed`."""
    for key in block:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise errors(f"unknown key; expected one of {', '.join(allowed)}", where, monitor)


def _rule_params(
    value: Any, path: str, monitor: str | None, errors: _Errors, definition: bool
) -> Mapping[str, Any]:
    """Return one rule's parameter block."""
    params = _mapping(value, path, monitor, errors)
    for key in params:
        if not isinstance(key, str):
            raise errors(
                f"expected a parameter name; got {_describe(key)}", f"{path}.{key}", monitor
            )
    if "silence" in params and not isinstance(params["silence"], bool):
        raise errors(
            f"expected true or false; got {_describe(params['silence'])}",
            f"{path}.silence",
            monitor,
        )
    if not definition and "metrics" in params:
        raise errors(
            "`metrics` is set in a `rules` block, not per metric or column",
            f"{path}.metrics",
            monitor,
        )
    return params


def _parse_scope(block: dict[Any, Any], scope: _Scope, known: set[str], errors: _Errors) -> _Scope:
    """Fill a scope from its `rules`, `metrics` and `columns` blocks."""
    monitor = scope.monitor
    for name, params in _mapping(block.get("rules"), scope.key("rules"), monitor, errors).items():
        path = scope.key("rules", str(name))
        if not isinstance(name, str) or not RULE_NAME.match(name):
            raise errors(
                f"expected a rule name (lower case letters, digits, _); got {_describe(name)}",
                path,
                monitor,
            )
        scope.rules[name] = _rule_params(params, path, monitor, errors, definition=True)
        if name not in known and not {"kind", "metrics"} <= set(scope.rules[name]):
            raise errors(
                f"'{name}' is not a built-in rule ({', '.join(BUILTIN_RULES)}): a new rule needs "
                "`kind` and `metrics`",
                path,
                monitor,
            )
    known = known | set(scope.rules)
    for section, blocks, silences in (
        ("metrics", scope.metrics, scope.metric_silence),
        ("columns", scope.columns, scope.column_silence),
    ):
        raw = _mapping(block.get(section), scope.key(section), monitor, errors)
        for target, rules in raw.items():
            path = scope.key(section, str(target))
            if not isinstance(target, str) or not target:
                raise errors(
                    f"expected a {section[:-1]} name; got {_describe(target)}", path, monitor
                )
            if section == "metrics" and target not in KNOWN_METRICS:
                raise errors(
                    f"unknown metric; known: {', '.join(sorted(KNOWN_METRICS))}", path, monitor
                )
            blocks[target] = {}
            for rule, params in _mapping(rules, path, monitor, errors).items():
                if rule == "silence":
                    if not isinstance(params, bool):
                        raise errors(
                            f"expected true or false; got {_describe(params)}",
                            f"{path}.silence",
                            monitor,
                        )
                    silences[target] = params
                    continue
                if rule not in known:
                    raise errors(
                        f"unknown rule; expected silence or one of {', '.join(sorted(known))}",
                        f"{path}.{rule}",
                        monitor,
                    )
                blocks[target][rule] = _rule_params(
                    params, f"{path}.{rule}", monitor, errors, definition=False
                )
    return scope


def load_rules(path: Path | str | None) -> RuleSet:
    """Return the rules of a YAML file, or the built-in defaults when path is None."""
    return RuleSet.defaults() if path is None else RuleSet.from_file(path)
