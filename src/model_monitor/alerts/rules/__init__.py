"""Alert rules: the defaults, a YAML rules file that overrides them, and their resolution.

One concern per module: defaults.py (the built-in rules, keys and kinds), rule.py (a resolved
Rule), resolve.py (checking and merging one rule's blocks), parsing.py (reading the file) and
ruleset.py (the rules in force, `load_rules`).
"""

from model_monitor.alerts.rules.defaults import (
    BOUND_KEYS,
    BUILTIN_RULES,
    CHANGES,
    COMMON_DEFAULTS,
    COMMON_KEYS,
    CORRECTIONS,
    DEFAULT_ROLES,
    DEFAULT_RULES_YAML,
    KIND_DEFAULTS,
    KIND_DIRECTIONS,
    KIND_KEYS,
    KINDS,
    RULE_NAME,
    RULE_SPECIFIC_KEYS,
)
from model_monitor.alerts.rules.rule import Rule
from model_monitor.alerts.rules.ruleset import RuleSet, load_rules

__all__ = [
    "BOUND_KEYS",
    "BUILTIN_RULES",
    "CHANGES",
    "COMMON_DEFAULTS",
    "COMMON_KEYS",
    "CORRECTIONS",
    "DEFAULT_ROLES",
    "DEFAULT_RULES_YAML",
    "KINDS",
    "KIND_DEFAULTS",
    "KIND_DIRECTIONS",
    "KIND_KEYS",
    "RULE_NAME",
    "RULE_SPECIFIC_KEYS",
    "Rule",
    "RuleSet",
    "load_rules",
]
