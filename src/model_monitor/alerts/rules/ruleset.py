"""The rules in force (defaults overridden by a rules file) and their resolution per metric.

A rule is resolved for one monitor, metric and column by merging, in order: the built-in
default, the file's top-level `rules`, `metrics.<metric>`, `columns.<column>`, then the same
three blocks under `monitors.<monitor>`. A later block wins key by key; a block that changes
`kind` starts again from that kind's defaults.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from model_monitor.alerts.anomaly import AnomalySettings, history_windows
from model_monitor.alerts.maturity import Maturity, parse_maturity
from model_monitor.alerts.rules.defaults import BUILTIN_RULES
from model_monitor.alerts.rules.parsing import (
    Scope,
    UniqueKeyLoader,
    as_mapping,
    parse_scope,
    refuse_unknown_keys,
)
from model_monitor.alerts.rules.resolve import Errors, Layer, build_rule, describe, silence_only
from model_monitor.alerts.rules.rule import Rule
from model_monitor.errors import ConfigError
from model_monitor.sql_values import MONITOR_NAME


class RuleSet:
    """The rules in force: built-in defaults, overridden by a rules file if one is given."""

    def __init__(
        self,
        top: Scope | None = None,
        monitors: dict[str, Scope] | None = None,
        source: str = "defaults",
        maturity: Maturity | None = None,
        monitor_maturity: dict[str, Maturity] | None = None,
    ) -> None:
        self._top = top or Scope(path="", monitor=None)
        self._monitors = monitors or {}
        self._maturity = maturity or Maturity()
        self._monitor_maturity = monitor_maturity or {}
        self._errors = Errors(source)
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
            data = yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
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
        errors = Errors(source)
        if data is None:
            return cls(source=source)
        if not isinstance(data, dict):
            raise errors(f"expected a mapping at the top; got {type(data).__name__}", "rules")
        refuse_unknown_keys(
            data, ("rules", "metrics", "columns", "monitors", "maturity"), "", None, errors
        )
        top = parse_scope(data, Scope(path="", monitor=None), set(BUILTIN_RULES), errors)
        maturity = parse_maturity(data.get("maturity"), "maturity", None, errors)
        monitor_maturity: dict[str, Maturity] = {}
        monitors: dict[str, Scope] = {}
        raw_monitors = as_mapping(data.get("monitors"), "monitors", None, errors)
        for name, block in raw_monitors.items():
            if not isinstance(name, str) or not MONITOR_NAME.match(name):
                raise errors(
                    f"expected a monitor name (letters, digits, _ . -); got {describe(name)}",
                    f"monitors.{name}",
                )
            block = as_mapping(block, f"monitors.{name}", name, errors)
            refuse_unknown_keys(
                block,
                ("silence", "rules", "metrics", "columns", "maturity"),
                f"monitors.{name}",
                name,
                errors,
            )
            if "maturity" in block:
                monitor_maturity[name] = parse_maturity(
                    block["maturity"], f"monitors.{name}.maturity", name, errors, maturity
                )
            scope = Scope(path=f"monitors.{name}", monitor=name)
            if "silence" in block:
                if not isinstance(block["silence"], bool):
                    raise errors(
                        f"expected true or false; got {describe(block['silence'])}",
                        f"monitors.{name}.silence",
                        name,
                    )
                scope.silence = block["silence"]
            monitors[name] = parse_scope(block, scope, set(BUILTIN_RULES) | set(top.rules), errors)
        return cls(top, monitors, source, maturity, monitor_maturity)

    def maturity_for(self, monitor: str) -> Maturity:
        """Return when a monitor's windows have mature labels (the file's `maturity` blocks)."""
        return self._monitor_maturity.get(monitor, self._maturity)

    # resolution

    def rule_names(self, monitor: str) -> list[str]:
        """Return every rule that exists for a monitor: built-in ones, then the file's."""
        scope = self._monitors.get(monitor)
        names = dict.fromkeys([*BUILTIN_RULES, *self._top.rules, *(scope.rules if scope else ())])
        return list(names)

    def _layers(
        self, rule: str, monitor: str, metric: str | None, column: str | None
    ) -> list[Layer]:
        """Return the blocks that apply to a rule for a monitor, metric and column, in order."""
        layers = []
        if rule in BUILTIN_RULES:
            layers.append(Layer(f"defaults.{rule}", None, BUILTIN_RULES[rule]))
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
            layers += [Layer(path, scope.monitor, p) for path, p in blocks if p is not None]
        return layers

    def rule(
        self, name: str, monitor: str, metric: str | None = None, column: str | None = None
    ) -> Rule:
        """Return one rule resolved for a monitor, metric and column (silenced ones too)."""
        layers = self._layers(name, monitor, metric, column)
        if not layers:
            raise ConfigError(f"no rule named '{name}'", monitor=monitor, key="rule")
        return build_rule(name, layers, self._errors)

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
                base = [layer for layer in base if not silence_only(layer)]
                if not base:
                    continue
                checked.append((scope.monitor, build_rule(rule, base, self._errors)))
                for metric, blocks in scope.metrics.items():
                    if rule in blocks:
                        layers = [
                            *base,
                            Layer(scope.key("metrics", metric, rule), scope.monitor, blocks[rule]),
                        ]
                        self._check_reads(rule, metric, base, scope)
                        checked.append((scope.monitor, build_rule(rule, layers, self._errors)))
                for column, blocks in scope.columns.items():
                    if rule in blocks:
                        layers = [
                            *base,
                            Layer(scope.key("columns", column, rule), scope.monitor, blocks[rule]),
                        ]
                        checked.append((scope.monitor, build_rule(rule, layers, self._errors)))
        return checked

    def _check_reads(self, rule: str, metric: str, base: list[Layer], scope: Scope) -> None:
        """Refuse a metric block for a rule that does not read that metric."""
        metrics = build_rule(rule, base, self._errors).metrics
        if metric not in metrics:
            raise self._errors(
                f"rule '{rule}' does not read metric '{metric}'; it reads {', '.join(metrics)}",
                scope.key("metrics", metric, rule),
                scope.monitor,
            )


def _silence(value: bool | None) -> dict[str, bool] | None:
    """Return the block of a monitor, metric or column's `silence`, if it has one."""
    return None if value is None else {"silence": value}


def load_rules(path: Path | str | None) -> RuleSet:
    """Return the rules of a YAML file, or the built-in defaults when path is None."""
    return RuleSet.defaults() if path is None else RuleSet.from_file(path)
