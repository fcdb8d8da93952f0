"""Alert rules: the documented defaults, overrides, silencing, and errors naming the key."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml

from model_monitor.alerts.anomaly import AnomalySettings
from model_monitor.alerts.rules import RuleSet, load_rules
from model_monitor.errors import ConfigError

DAY = dt.timedelta(days=1)


def rules(text: str) -> RuleSet:
    """A RuleSet from YAML text."""
    return RuleSet.from_mapping(yaml.safe_load(textwrap.dedent(text)), source="rules.yml")


def names(ruleset: RuleSet, metric: str, column: str | None = None, monitor: str = "churn"):
    return [r.name for r in ruleset.rules_for(monitor, metric, column)]


# --- defaults -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule, metric, kind, bounds",
    [
        ("psi", "psi", "threshold", [("critical", 0.25), ("warning", 0.1)]),
        ("drift_test", "drift_pvalue", "threshold", [("warning", 0.01)]),
        ("null_rate_increase", "null_rate", "reference", [("critical", 0.2), ("warning", 0.05)]),
        (
            "unseen_categories",
            "unseen_category_share",
            "threshold",
            [("critical", 0.05), ("warning", 0.01)],
        ),
        ("out_of_range", "out_of_range_share", "threshold", [("critical", 0.2), ("warning", 0.05)]),
        ("performance_drop", "roc_auc", "reference", [("critical", 0.1), ("warning", 0.05)]),
        (
            "estimated_performance_drop",
            "estimated_accuracy",
            "reference",
            [("warning", 0.1), ("info", 0.05)],
        ),
        ("label_coverage", "label_coverage", "threshold", [("critical", 0.1), ("warning", 0.5)]),
        ("volume", "prediction_count", "anomaly", []),
        ("freshness", "freshness_hours", "freshness", [("critical", 4.0), ("warning", 2.0)]),
    ],
)
def test_defaults_match_the_documented_table(rule, metric, kind, bounds):
    resolved = RuleSet.defaults().rule(rule, "churn", metric)
    assert resolved.kind == kind
    assert resolved.bounds() == bounds
    assert metric in resolved.metrics
    assert [r.name for r in RuleSet.defaults().rules_for("churn", metric)] == [rule]


def test_default_directions_and_comparisons():
    ruleset = RuleSet.defaults()
    assert ruleset.rule("psi", "m").inclusive  # PSI >= 0.1
    assert ruleset.rule("drift_test", "m").direction == "down"
    assert ruleset.rule("drift_test", "m").correction == "benjamini_hochberg"
    drop = ruleset.rule("performance_drop", "m")
    assert drop.direction_for("roc_auc") == "down" and drop.change_for("roc_auc") == "difference"
    assert drop.direction_for("log_loss") == "up" and drop.change_for("log_loss") == "relative"
    assert set(drop.metrics) == {
        "accuracy", "roc_auc", "f1", "f1_macro", "r2", "rmse", "mae", "log_loss", "brier_score"
    }  # fmt: skip
    assert ruleset.rule("label_coverage", "m").min_age_windows == 7
    volume = ruleset.rule("volume", "m")
    assert volume.critical_below == 1
    assert volume.anomaly == AnomalySettings()
    assert volume.anomaly.threshold == 3.5 and volume.anomaly.critical_threshold == 6
    assert volume.anomaly.training_windows == 28 and volume.anomaly.min_training_windows == 7


def test_labels_are_not_judged_by_column_rules_by_default():
    assert RuleSet.defaults().rule("psi", "m").roles == ("feature", "score", "prediction")


def test_no_file_means_defaults(tmp_path: Path):
    assert load_rules(None).rule("psi", "m").warning == 0.1
    empty = tmp_path / "rules.yml"
    empty.write_text("# nothing yet\n")
    assert load_rules(empty).rule("psi", "m").warning == 0.1


# --- overrides ----------------------------------------------------------------------------------


OVERRIDES = """
rules:
  psi: {warning: 0.15, critical: 0.3}
metrics:
  roc_auc:
    performance_drop: {warning: 0.02}
columns:
  age:
    psi: {critical: 0.5}
monitors:
  churn:
    rules:
      psi: {warning: 0.2}
    metrics:
      log_loss:
        performance_drop: {critical: 0.5}
    columns:
      plan:
        psi: {warning: 0.25, critical: 0.4}
"""


def test_overrides_apply_from_general_to_specific():
    ruleset = rules(OVERRIDES)
    assert ruleset.rule("psi", "fraud", "psi", "x").bounds() == [
        ("critical", 0.3),
        ("warning", 0.15),
    ]
    assert ruleset.rule("psi", "fraud", "psi", "age").bounds() == [
        ("critical", 0.5),
        ("warning", 0.15),
    ]
    assert ruleset.rule("psi", "churn", "psi", "x").warning == 0.2
    assert ruleset.rule("psi", "churn", "psi", "age").bounds() == [
        ("critical", 0.5),
        ("warning", 0.2),
    ]
    assert ruleset.rule("psi", "churn", "psi", "plan").bounds() == [
        ("critical", 0.4),
        ("warning", 0.25),
    ]


def test_metric_overrides_touch_only_that_metric():
    ruleset = rules(OVERRIDES)
    assert ruleset.rule("performance_drop", "fraud", "roc_auc").warning == 0.02
    assert ruleset.rule("performance_drop", "fraud", "accuracy").warning == 0.05
    assert ruleset.rule("performance_drop", "churn", "log_loss").critical == 0.5
    assert ruleset.rule("performance_drop", "fraud", "log_loss").critical == 0.1


def test_changing_kind_starts_from_that_kinds_defaults():
    ruleset = rules("""
        columns:
          monthly_charges:
            psi: {kind: anomaly, direction: up, seasonality: day_of_week}
    """)
    rule = ruleset.rule("psi", "churn", "psi", "monthly_charges")
    assert rule.kind == "anomaly" and rule.bounds() == []
    assert rule.anomaly == AnomalySettings(direction="up", seasonality="day_of_week")
    assert ruleset.rule("psi", "churn", "psi", "age").kind == "threshold"


def test_a_new_rule_can_watch_any_metric_against_its_history():
    ruleset = rules("""
        rules:
          null_rate_anomaly:
            kind: anomaly
            metrics: [null_rate]
            direction: up
            method: stddev
            training_windows: 14
            min_training_windows: 5
            threshold: 4
        monitors:
          churn:
            rules:
              latency_anomaly: {kind: anomaly, metrics: [latency_p95_ms], direction: up}
    """)
    assert names(ruleset, "null_rate", "age") == ["null_rate_increase", "null_rate_anomaly"]
    custom = ruleset.rule("null_rate_anomaly", "churn", "null_rate", "age")
    assert custom.anomaly == AnomalySettings(
        method="stddev", training_windows=14, min_training_windows=5, threshold=4, direction="up"
    )
    assert names(ruleset, "latency_p95_ms") == ["latency_anomaly"]
    assert names(ruleset, "latency_p95_ms", monitor="fraud") == []


def test_a_reference_rule_can_watch_another_metric():
    ruleset = rules("""
        rules:
          performance_drop:
            metrics: [accuracy, precision]
            change: relative
    """)
    assert names(ruleset, "precision") == ["performance_drop"]
    assert names(ruleset, "roc_auc") == []
    assert ruleset.rule("performance_drop", "m").change_for("accuracy") == "relative"


# --- silence ------------------------------------------------------------------------------------


def test_silencing_a_column_drops_every_rule_on_it_only():
    ruleset = rules("""
        monitors:
          churn:
            columns:
              age: {silence: true}
    """)
    for metric in ("psi", "drift_pvalue", "null_rate"):
        assert names(ruleset, metric, "age") == []
        assert names(ruleset, metric, "plan") != []
        assert names(ruleset, metric, "age", monitor="fraud") != []


def test_silencing_a_rule_a_metric_or_a_monitor():
    ruleset = rules("""
        rules:
          drift_test: {silence: true}
        metrics:
          estimated_accuracy: {silence: true}
        monitors:
          fraud: {silence: true}
    """)
    assert names(ruleset, "drift_pvalue", "age") == []
    assert names(ruleset, "psi", "age") == ["psi"]
    assert names(ruleset, "estimated_accuracy") == []
    assert names(ruleset, "estimated_f1") == ["estimated_performance_drop"]
    assert names(ruleset, "psi", "age", monitor="fraud") == []
    assert names(ruleset, "freshness_hours", monitor="fraud") == []


def test_a_more_specific_block_can_unsilence():
    ruleset = rules("""
        rules:
          psi: {silence: true}
        monitors:
          churn:
            columns:
              monthly_charges:
                psi: {silence: false}
    """)
    assert names(ruleset, "psi", "monthly_charges") == ["psi"]
    assert names(ruleset, "psi", "age") == []


def test_silencing_a_column_for_one_rule():
    ruleset = rules("""
        columns:
          country:
            unseen_categories: {silence: true}
    """)
    assert names(ruleset, "unseen_category_share", "country") == []
    assert names(ruleset, "psi", "country") == ["psi"]


# --- lookback -----------------------------------------------------------------------------------


def test_lookback_covers_label_age_and_the_longest_training_period():
    assert RuleSet.defaults().lookback("churn", DAY) == (7, 28)
    ruleset = rules("""
        monitors:
          churn:
            rules:
              volume: {seasonality: day_of_week, training_windows: 8}
              label_coverage: {min_age_windows: 14}
    """)
    assert ruleset.lookback("churn", DAY) == (14, 28 * 7)
    assert ruleset.lookback("fraud", DAY) == (7, 28)


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, key, monitor, fragment",
    [
        ("- psi\n", "rules", None, "expected a mapping at the top"),
        ("rule:\n  psi: {}\n", "rule", None, "unknown key; expected one of rules"),
        ("rules:\n  psi: {warning: high}\n", "rules.psi.warning", None, "expected a number"),
        ("rules:\n  psi: {warnings: 0.2}\n", "rules.psi.warnings", None, "unknown key"),
        (
            "rules:\n  psi: {warning: 0.3}\n",
            "rules.psi.warning",
            None,
            "warning bound 0.3 is above critical bound 0.25",
        ),
        (
            "rules:\n  label_coverage: {critical: 0.6}\n",
            "rules.label_coverage.warning",
            None,
            "is below critical bound 0.6",
        ),
        (
            "rules:\n  psi: {warning: null, critical: null}\n",
            "rules.psi.warning",
            None,
            "no bound is set",
        ),
        ("rules:\n  psi: {direction: sideways}\n", "rules.psi.direction", None, "up, down"),
        ("rules:\n  psi: {kind: magic}\n", "rules.psi.kind", None, "expected one of threshold"),
        ("rules:\n  freshness: {kind: threshold}\n", "rules.freshness.kind", None, "freshness"),
        ("rules:\n  psi: {silence: yes please}\n", "rules.psi.silence", None, "true or false"),
        ("rules:\n  my_rule: {warning: 0.1}\n", "rules.my_rule", None, "needs `kind` and"),
        (
            "rules:\n  my_rule: {kind: anomaly, metrics: [nul_rate]}\n",
            "rules.my_rule.metrics",
            None,
            "unknown metric 'nul_rate'",
        ),
        ("rules:\n  My-Rule: {}\n", "rules.My-Rule", None, "expected a rule name"),
        (
            "rules:\n  volume: {training_windows: 5, min_training_windows: 7}\n",
            "rules.volume.min_training_windows",
            None,
            "expected 2 to training_windows (5)",
        ),
        (
            "rules:\n  volume: {threshold: 4, critical_threshold: 3}\n",
            "rules.volume.critical_threshold",
            None,
            "below threshold 4",
        ),
        (
            "rules:\n  volume: {training_windows: 2.5}\n",
            "rules.volume.training_windows",
            None,
            "whole number",
        ),  # fmt: skip
        (
            "rules:\n  volume: {seasonality: monthly}\n",
            "rules.volume.seasonality",
            None,
            "day_of_week",
        ),  # fmt: skip
        ("rules:\n  psi: {min_sample_size: -1}\n", "rules.psi.min_sample_size", None, ">= 0"),
        ("rules:\n  psi: {roles: [feature, target]}\n", "rules.psi.roles", None, "feature"),
        ("rules:\n  psi: {correction: none}\n", "rules.psi.correction", None, "unknown key"),
        (
            "columns:\n  age:\n    psi_rule: {warning: 0.2}\n",
            "columns.age.psi_rule",
            None,
            "unknown rule",
        ),
        (
            "columns:\n  age:\n    psi: {metrics: [psi]}\n",
            "columns.age.psi.metrics",
            None,
            "`metrics` is set in a `rules` block",
        ),  # fmt: skip
        ("columns:\n  age: {silence: 1}\n", "columns.age.silence", None, "true or false"),
        ("metrics:\n  roc_aux: {silence: true}\n", "metrics.roc_aux", None, "unknown metric"),
        (
            "metrics:\n  roc_auc:\n    psi: {warning: 0.2}\n",
            "metrics.roc_auc.psi",
            None,
            "rule 'psi' does not read metric 'roc_auc'",
        ),
        ("monitors:\n  churn:\n    rule: {}\n", "monitors.churn.rule", "churn", "unknown key"),
        ("monitors:\n  'ch urn': {}\n", "monitors.ch urn", None, "expected a monitor name"),
        ("monitors:\n  churn: [psi]\n", "monitors.churn", "churn", "expected a mapping"),
        (
            "monitors:\n  churn:\n    columns:\n      age:\n        psi: {critical: 0.05}\n",
            "monitors.churn.columns.age.psi.warning",
            "churn",
            "warning bound 0.1 is above critical bound 0.05",
        ),
        (
            "monitors:\n  churn:\n    rules:\n      psi: {kind: anomaly, warning: 0.2}\n",
            "monitors.churn.rules.psi.warning",
            "churn",
            "unknown key for a anomaly rule",
        ),
    ],
)
def test_errors_name_the_key_at_fault(text, key, monitor, fragment):
    with pytest.raises(ConfigError) as caught:
        RuleSet.from_mapping(yaml.safe_load(text), source="rules.yml")
    error = caught.value
    assert error.key == key
    assert error.monitor == monitor
    assert fragment in str(error)
    assert "rules.yml" in str(error)


def test_error_text_has_the_house_shape():
    with pytest.raises(ConfigError) as caught:
        rules("monitors:\n  churn:\n    rules:\n      volume: {method: mean}\n")
    assert str(caught.value) == (
        "monitor 'churn', key `monitors.churn.rules.volume.method`: expected one of mad, stddev; "
        "got 'mean' (in rules.yml)"
    )


def test_file_errors(tmp_path: Path):
    with pytest.raises(ConfigError, match="cannot read rules file") as caught:
        load_rules(tmp_path / "missing.yml")
    assert caught.value.key == "rules"
    broken = tmp_path / "broken.yml"
    broken.write_text("rules:\n  psi: {warning: 0.2\n")
    with pytest.raises(ConfigError, match="not valid YAML at line 3"):
        load_rules(broken)
    twice = tmp_path / "twice.yml"
    twice.write_text("rules:\n  psi: {warning: 0.2}\n  psi: {warning: 0.3}\n")
    with pytest.raises(ConfigError, match="key 'psi' appears twice"):
        load_rules(twice)


def test_the_documented_example_is_valid_and_its_error_reads_as_documented():
    text = (Path(__file__).parents[2] / "docs" / "alerts.md").read_text()
    example = text.split("An example:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    ruleset = RuleSet.from_mapping(yaml.safe_load(example), source="alerts.yml")
    assert ruleset.rule("psi", "churn", "psi", "age").warning == 0.15
    assert ruleset.rule("psi", "churn", "psi", "monthly_charges").kind == "anomaly"
    assert names(ruleset, "latency_p95_ms") == ["latency_spike"]
    assert names(ruleset, "estimated_accuracy", monitor="delivery_eta") == []
    broken = example.replace("{warning: 0.05, critical: 0.15}", "{warning: 0.2, critical: 0.15}")
    with pytest.raises(ConfigError) as caught:
        RuleSet.from_mapping(yaml.safe_load(broken), source="alerts.yml")
    assert f"model-monitor: error: {caught.value}" in text
