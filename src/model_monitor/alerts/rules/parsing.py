"""Reading a rules file: YAML without duplicate keys, and its scopes of rule blocks."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from model_monitor.alerts.observations import KNOWN_METRICS
from model_monitor.alerts.rules.defaults import BUILTIN_RULES, RULE_NAME
from model_monitor.alerts.rules.resolve import Errors, describe


@dataclass
class Scope:
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


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice in one mapping."""


def _construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in keys:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice", key_node.start_mark
            )
        keys.add(key)
    return loader.construct_mapping(node)


UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def as_mapping(value: Any, path: str, monitor: str | None, errors: Errors) -> dict[Any, Any]:
    """Return a mapping (empty for null), or raise naming the key."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise errors(f"expected a mapping; got {describe(value)}", path, monitor)
    return value


def refuse_unknown_keys(
    block: dict[Any, Any], allowed: tuple[str, ...], path: str, monitor: str | None, errors: Errors
) -> None:
    """Refuse keys outside `allowed`."""
    for key in block:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise errors(f"unknown key; expected one of {', '.join(allowed)}", where, monitor)


def rule_params(
    value: Any, path: str, monitor: str | None, errors: Errors, definition: bool
) -> Mapping[str, Any]:
    """Return one rule's parameter block."""
    params = as_mapping(value, path, monitor, errors)
    for key in params:
        if not isinstance(key, str):
            raise errors(
                f"expected a parameter name; got {describe(key)}", f"{path}.{key}", monitor
            )
    if "silence" in params and not isinstance(params["silence"], bool):
        raise errors(
            f"expected true or false; got {describe(params['silence'])}",
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


def parse_scope(block: dict[Any, Any], scope: Scope, known: set[str], errors: Errors) -> Scope:
    """Fill a scope from its `rules`, `metrics` and `columns` blocks."""
    monitor = scope.monitor
    for name, params in as_mapping(block.get("rules"), scope.key("rules"), monitor, errors).items():
        path = scope.key("rules", str(name))
        if not isinstance(name, str) or not RULE_NAME.match(name):
            raise errors(
                f"expected a rule name (lower case letters, digits, _); got {describe(name)}",
                path,
                monitor,
            )
        scope.rules[name] = rule_params(params, path, monitor, errors, definition=True)
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
        raw = as_mapping(block.get(section), scope.key(section), monitor, errors)
        for target, rules in raw.items():
            path = scope.key(section, str(target))
            if not isinstance(target, str) or not target:
                raise errors(
                    f"expected a {section[:-1]} name; got {describe(target)}", path, monitor
                )
            if section == "metrics" and target not in KNOWN_METRICS:
                raise errors(
                    f"unknown metric; known: {', '.join(sorted(KNOWN_METRICS))}", path, monitor
                )
            blocks[target] = {}
            for rule, params in as_mapping(rules, path, monitor, errors).items():
                if rule == "silence":
                    if not isinstance(params, bool):
                        raise errors(
                            f"expected true or false; got {describe(params)}",
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
                blocks[target][rule] = rule_params(
                    params, f"{path}.{rule}", monitor, errors, definition=False
                )
    return scope
