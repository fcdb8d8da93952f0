"""Metric ranges: every metric has one, and no drop bound is drawn or applied beyond it."""

from __future__ import annotations

import datetime as dt
import math

import pytest
import yaml

from model_monitor.alerts.judging import evaluate_rules
from model_monitor.alerts.observations import (
    COVERAGE_METRICS,
    DRIFT_METRICS,
    ESTIMATED_METRICS,
    PERFORMANCE_METRICS,
    MonitorWindows,
    Observation,
    Observations,
)
from model_monitor.alerts.observations.catalog import COLUMN_QUALITY_METRICS, WINDOW_QUALITY_METRICS
from model_monitor.alerts.rules import RuleSet
from model_monitor.metric_ranges import METRIC_RANGES, clamp_to_range, is_clamped, metric_range
from model_monitor.report.figures_outcomes import drop_bounds
from model_monitor.report.thresholds import Bounds, Thresholds

LATEST = dt.datetime(2024, 3, 31)
DAY = dt.timedelta(days=1)


def test_every_metric_the_rules_can_judge_has_a_declared_range():
    names = (
        PERFORMANCE_METRICS
        + DRIFT_METRICS
        + COLUMN_QUALITY_METRICS
        + WINDOW_QUALITY_METRICS
        + COVERAGE_METRICS
    )
    assert [n for n in names if n not in METRIC_RANGES] == []
    for name in ESTIMATED_METRICS:
        assert metric_range(name) == METRIC_RANGES[name.removeprefix("estimated_")]
    assert all(low < high for low, high in METRIC_RANGES.values())


@pytest.mark.parametrize(
    "metric, value, expected",
    [
        ("accuracy", -0.02, 0.0),
        ("accuracy", 0.3, 0.3),
        ("roc_auc", 1.04, 1.0),
        ("estimated_f1", -0.5, 0.0),
        ("precision[churned]", 1.5, 1.0),
        ("log_loss", -0.1, 0.0),
        ("r2", 1.2, 1.0),
        ("r2", -7.0, -7.0),  # R² has no lower bound
        ("matthews_corrcoef", -1.3, -1.0),
        ("mean_error", -1e9, -1e9),
        ("a_metric_of_a_custom_rule", 42.0, 42.0),
    ],
)
def test_clamp_moves_values_into_the_range(metric, value, expected):
    assert clamp_to_range(metric, value) == expected
    assert is_clamped(metric, value) == (value != expected)
    assert not is_clamped(metric, math.nan)


def obs(metric: str, value: float, reference: float) -> Observation:
    return Observation(
        monitor_name="m",
        window_start=LATEST,
        window_end=LATEST + DAY,
        metric_name=metric,
        value=value,
        model_version=None,
        reference_value=reference,
        sample_size=1000,
    )


def evaluate(*items: Observation, ruleset: RuleSet | None = None):
    windows = MonitorWindows("m", DAY, LATEST - 30 * DAY, LATEST, LATEST + DAY, (LATEST,))
    observations = Observations(items=tuple(items), monitors=(windows,))
    return evaluate_rules(observations, ruleset or RuleSet.defaults(), LATEST + 2 * DAY)


def test_an_accuracy_bound_below_zero_is_held_at_zero_and_zero_crosses_it():
    # Reference accuracy 0.03: the warning bound 0.03 - 0.05 and the critical 0.03 - 0.10 lie
    # below 0, where no accuracy can go; both sit at 0, and an accuracy of 0 is critical.
    assert evaluate(obs("accuracy", 0.01, 0.03)) == []
    (alert,) = evaluate(obs("accuracy", 0.0, 0.03))
    assert alert.severity.value == "critical"
    assert alert.threshold == 0.0 and alert.expected_low == 0.0
    assert "held at 0, the lowest value possible" in alert.message


def test_a_bound_inside_the_range_is_applied_as_before():
    # Reference 0.08: the warning bound 0.03 is inside, the critical one (-0.02) is not.
    (warning,) = evaluate(obs("accuracy", 0.02, 0.08))
    assert warning.severity.value == "warning"
    assert warning.threshold == pytest.approx(0.03) and warning.expected_low == pytest.approx(0.03)
    assert "held at" not in warning.message
    (critical,) = evaluate(obs("accuracy", 0.0, 0.08))
    assert critical.severity.value == "critical" and critical.threshold == 0.0


def test_an_auc_bound_above_one_is_held_at_one():
    # A custom rule watching AUC go up (say, leakage) by 0.05 from a reference of 0.98.
    ruleset = RuleSet.from_mapping(
        yaml.safe_load(
            "rules:\n  auc_up: {kind: reference, metrics: [roc_auc], direction: up, "
            "change: difference, warning: 0.05}\n"
        ),
        source="test",
    )
    alerts = [a for a in evaluate(obs("roc_auc", 1.0, 0.98), ruleset=ruleset)]
    assert [(a.rule_name, a.threshold, a.expected_high) for a in alerts] == [("auc_up", 1.0, 1.0)]
    assert "held at 1, the highest value possible" in alerts[0].message
    assert [a for a in evaluate(obs("roc_auc", 0.999, 0.98), ruleset=ruleset)] == []


def test_log_loss_bound_below_zero_is_drawn_at_zero():
    # A custom rule alerting when log loss falls by 0.5 (a difference) from 0.3: bound -0.2.
    ruleset = RuleSet.from_mapping(
        yaml.safe_load(
            "rules:\n  loss_down: {kind: reference, metrics: [log_loss], direction: down, "
            "change: difference, warning: 0.5}\n"
        ),
        source="test",
    )
    (alert,) = evaluate(obs("log_loss", 0.0, 0.3), ruleset=ruleset)
    assert alert.threshold == 0.0 and alert.expected_low == 0.0


@pytest.mark.parametrize(
    "metric, reference, expected",
    [
        ("accuracy", 0.03, [0.0, 0.0]),  # 0.03 - 0.05 and 0.03 - 0.10, held at 0
        ("accuracy", 0.08, [0.03, 0.0]),
        ("accuracy", 0.9, [0.85, 0.8]),
        ("roc_auc", 0.07, [0.02, 0.0]),
        ("r2", -3.0, [-3.05, -3.1]),  # no lower bound
        ("log_loss", 0.5, [0.525, 0.55]),  # relative: +5%, +10%
    ],
)
def test_report_draws_drop_bounds_within_the_metric_range(metric, reference, expected):
    thresholds = Thresholds(performance_drop=Bounds(0.05, 0.10))
    drawn = [value for _, value, _ in drop_bounds(metric, reference, thresholds)]
    assert drawn == pytest.approx(expected)
    low, high = metric_range(metric)
    assert all(low <= v <= high for v in drawn)
