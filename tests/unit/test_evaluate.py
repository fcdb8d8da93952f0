"""Rule evaluation: each rule kind at its boundary, BH correction, windows, alert fields."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

import numpy as np
import pytest
import yaml
from scipy import stats

from model_monitor.alerts.judging import evaluate_rules, format_value
from model_monitor.alerts.observations import MonitorWindows, Observation, Observations
from model_monitor.alerts.record import Alert, Severity
from model_monitor.alerts.rules import RuleSet
from model_monitor.formatting.alerts import alerts_json_lines, alerts_summary, alerts_table

DAY = dt.timedelta(days=1)
FIRST = dt.datetime(2024, 3, 1)
LATEST = dt.datetime(2024, 3, 31)
NOW = LATEST + DAY + dt.timedelta(hours=1)  # an hour after the newest window closed


def windows(evaluated=(LATEST,), monitor="churn") -> MonitorWindows:
    return MonitorWindows(
        monitor_name=monitor,
        grain=DAY,
        first_window_start=FIRST,
        latest_window_start=LATEST,
        latest_window_end=LATEST + DAY,
        evaluated=tuple(evaluated),
    )


def obs(metric: str, value: float, **fields) -> Observation:
    start = fields.pop("window_start", LATEST)
    defaults = {"monitor_name": "churn", "model_version": "v1", "sample_size": 1000}
    if metric in {
        "psi",
        "drift_pvalue",
        "null_rate",
        "unseen_category_share",
        "out_of_range_share",
    }:
        defaults |= {"column_name": "age", "column_role": "feature"}
    return Observation(
        window_start=start,
        window_end=start + DAY,
        metric_name=metric,
        value=value,
        **(defaults | fields),
    )


def evaluate(*items: Observation, ruleset: RuleSet | None = None, now=NOW, evaluated=(LATEST,)):
    monitors = {o.monitor_name for o in items} | {"churn"}
    observations = Observations(
        items=tuple(items), monitors=tuple(windows(evaluated, m) for m in sorted(monitors))
    )
    return evaluate_rules(observations, ruleset or RuleSet.defaults(), now)


def fired(alerts: list[Alert]) -> list[tuple[str, str, str | None]]:
    return [(a.rule_name, a.severity.value, a.column_name) for a in alerts]


def rules(text: str) -> RuleSet:
    return RuleSet.from_mapping(yaml.safe_load(text), source="test")


# --- threshold rules at their bounds ------------------------------------------------------------


@pytest.mark.parametrize(
    "metric, value, expected",
    [
        ("psi", 0.0999, None),
        ("psi", 0.1, "warning"),  # PSI >= 0.1
        ("psi", 0.2499, "warning"),
        ("psi", 0.25, "critical"),
        ("unseen_category_share", 0.01, None),  # share > 0.01
        ("unseen_category_share", 0.0101, "warning"),
        ("unseen_category_share", 0.05, "warning"),
        ("unseen_category_share", 0.0501, "critical"),
        ("out_of_range_share", 0.05, None),
        ("out_of_range_share", 0.0501, "warning"),
        ("out_of_range_share", 0.2001, "critical"),
        ("drift_pvalue", 0.01, None),  # p < 0.01, here one column: BH changes nothing
        ("drift_pvalue", 0.0099, "warning"),
        ("drift_pvalue", 1e-30, "warning"),  # drift_test has no critical bound
    ],
)
def test_threshold_rules_fire_at_their_documented_bounds(metric, value, expected):
    alerts = evaluate(obs(metric, value))
    assert [a.severity.value for a in alerts] == ([expected] if expected else [])


def test_label_coverage_is_judged_once_the_window_is_old_enough():
    old = LATEST - 7 * DAY
    coverage = {"column_name": None, "column_role": None}
    assert evaluate(obs("label_coverage", 0.05, window_start=LATEST, **coverage)) == []
    assert evaluate(obs("label_coverage", 0.05, window_start=LATEST - 6 * DAY, **coverage)) == []
    cases = [(0.5, None), (0.4999, "warning"), (0.1, "warning"), (0.0999, "critical")]
    for value, expected in cases:
        alerts = evaluate(obs("label_coverage", value, window_start=old, **coverage))
        assert [a.severity.value for a in alerts] == ([expected] if expected else []), value
    (alert,) = evaluate(obs("label_coverage", 0.05, window_start=old, **coverage))
    assert alert.window_start == old
    assert alert.message == (
        "label coverage is 5.0% after 7 windows, below the critical bound 10.0%"
    )


def test_label_coverage_over_a_range_judges_each_old_enough_window_once():
    range_ = [LATEST - i * DAY for i in range(3)]
    items = [obs("label_coverage", 0.2, window_start=LATEST - i * DAY) for i in range(12)]
    alerts = evaluate(*items, evaluated=range_)
    assert sorted(a.window_start for a in alerts) == [LATEST - i * DAY for i in (9, 8, 7)]


# --- reference rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, reference, expected",
    [
        (0.05, 0.0, None),  # rise > 0.05
        (0.0625, 0.0, "warning"),
        (0.25, 0.0625, "warning"),  # 0.1875: not yet > 0.20
        (0.3125, 0.0625, "critical"),  # 0.25 > 0.20
        (0.0, 0.5, None),  # a fall is no problem
    ],
)
def test_null_rate_increase_compares_with_the_reference(value, reference, expected):
    alerts = evaluate(obs("null_rate", value, reference_value=reference))
    assert [a.severity.value for a in alerts] == ([expected] if expected else [])


def test_null_rate_without_a_reference_is_not_judged():
    assert evaluate(obs("null_rate", 0.9, reference_value=None)) == []


@pytest.mark.parametrize(
    "metric, value, reference, expected",
    [
        ("roc_auc", 0.46875, 0.5, None),  # a drop of 0.03125
        ("roc_auc", 0.4375, 0.5, "warning"),  # 0.0625 > 0.05
        ("roc_auc", 0.375, 0.5, "critical"),  # 0.125 > 0.10
        ("roc_auc", 0.75, 0.5, None),  # better than the reference
        ("accuracy", 0.4375, 0.5, "warning"),
        ("log_loss", 0.515625, 0.5, None),  # +3.125%
        ("log_loss", 0.53125, 0.5, "warning"),  # +6.25% > 5%
        ("log_loss", 0.5625, 0.5, "critical"),  # +12.5% > 10%
        ("log_loss", 0.25, 0.5, None),  # lower loss is better
        ("rmse", 4.5, 4.0, "critical"),
        ("precision", 0.1, 0.5, None),  # not in the default metrics
    ],
)
def test_performance_drop_by_difference_or_relative_change(metric, value, reference, expected):
    alerts = evaluate(obs(metric, value, reference_value=reference))
    assert [a.severity.value for a in alerts] == ([expected] if expected else [])


def test_performance_drop_alert_fields_are_in_the_metrics_terms():
    (alert,) = evaluate(obs("roc_auc", 0.375, reference_value=0.5))
    assert alert.threshold == pytest.approx(0.4)  # the critical bound: reference - 0.10
    assert alert.expected_low == pytest.approx(0.45) and alert.expected_high is None
    assert alert.details["change"] == pytest.approx(-0.125)
    assert alert.message == (
        "roc_auc is 0.375 against 0.5 in the reference (-0.125; critical beyond -0.1)"
    )
    (relative,) = evaluate(obs("log_loss", 0.5625, reference_value=0.5))
    assert relative.threshold == pytest.approx(0.55)
    assert "(+12.5%; critical beyond +10.0%)" in relative.message


def test_estimated_performance_drop_is_info_then_warning():
    def severities(value):
        alerts = evaluate(obs("estimated_accuracy", value, reference_value=0.5))
        return [a.severity.value for a in alerts]

    assert severities(0.46875) == []
    assert severities(0.4375) == ["info"]
    assert severities(0.375) == ["warning"]


def test_too_few_labeled_rows_are_not_judged():
    assert evaluate(obs("roc_auc", 0.1, reference_value=0.5, sample_size=99)) == []
    assert len(evaluate(obs("roc_auc", 0.1, reference_value=0.5, sample_size=100))) == 1
    assert evaluate(obs("psi", 0.9, sample_size=20)) == []


# --- anomaly rules ------------------------------------------------------------------------------


def volume(value: float, history: list[float]) -> Observation:
    points = tuple((LATEST - (len(history) - i) * DAY, v) for i, v in enumerate(history))
    return obs("prediction_count", value, model_version=None, sample_size=None, history=points)


def test_an_empty_window_is_critical_without_any_history():
    (alert,) = evaluate(volume(0, []))
    assert (alert.rule_name, alert.severity) == ("volume", Severity.CRITICAL)
    assert alert.message == "prediction count is 0: no predictions in the window"


def test_volume_anomaly_fires_on_a_jump_and_not_on_noise():
    history = list(np.random.default_rng(5).normal(1000, 30, 28).round())
    assert evaluate(volume(1010, history)) == []
    (alert,) = evaluate(volume(400, history))
    assert alert.severity is Severity.CRITICAL
    assert alert.expected_low < 1000 < alert.expected_high
    assert alert.details["training_windows"] == 28
    assert "below its usual range" in alert.message and "robust z" in alert.message
    assert evaluate(volume(400, history[:6])) == []  # under min_training_windows


def test_an_anomaly_rule_on_any_metric():
    ruleset = rules(
        "rules:\n  null_rate_anomaly: {kind: anomaly, metrics: [null_rate], direction: up}\n"
    )
    history = tuple((LATEST - (10 - i) * DAY, 0.02 + 0.001 * (i % 3)) for i in range(10))
    up = obs("null_rate", 0.06, reference_value=0.05, history=history)
    down = obs("null_rate", 0.0, reference_value=0.05, history=history)
    assert fired(evaluate(up, ruleset=ruleset)) == [("null_rate_anomaly", "critical", "age")]
    assert evaluate(down, ruleset=ruleset) == []


# --- freshness ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hours_late, expected",
    [(1, None), (48, None), (48.1, "warning"), (96, "warning"), (96.1, "critical")],
)
def test_freshness_counts_windows_since_the_newest_ended(hours_late, expected):
    now = LATEST + DAY + dt.timedelta(hours=hours_late)
    alerts = evaluate(now=now)
    assert [(a.rule_name, a.severity.value) for a in alerts] == (
        [("freshness", expected)] if expected else []
    )


def test_freshness_is_not_judged_for_a_past_range():
    assert evaluate(now=NOW + 30 * DAY, evaluated=(LATEST - DAY,)) == []


def test_freshness_accepts_an_aware_now():
    now = (LATEST + DAY + dt.timedelta(hours=50)).replace(tzinfo=dt.timezone.utc)
    (alert,) = evaluate(now=now)
    assert alert.observed_value == pytest.approx(50)
    assert alert.threshold == 48


# --- Benjamini-Hochberg -------------------------------------------------------------------------


PVALUES = [0.001, 0.008, 0.009, 0.04, 0.5, 0.0001, 0.03]


def pvalue_observations(pvalues, **fields) -> list[Observation]:
    return [
        obs("drift_pvalue", p, column_name=f"c{i}", column_role="feature", **fields)
        for i, p in enumerate(pvalues)
    ]


def test_drift_pvalues_are_adjusted_across_the_columns_of_a_window_as_scipy_does():
    alerts = evaluate(*pvalue_observations(PVALUES))
    adjusted = stats.false_discovery_control(PVALUES)
    expected = {f"c{i}": p for i, p in enumerate(adjusted) if p < 0.01}
    assert {a.column_name: a.observed_value for a in alerts} == pytest.approx(expected)
    assert sorted(expected) == ["c0", "c5"]  # raw 0.008 and 0.009 no longer pass
    assert all(a.details["tests_in_family"] == len(PVALUES) for a in alerts)
    (c0,) = [a for a in alerts if a.column_name == "c0"]
    assert c0.details["raw_pvalue"] == 0.001
    assert "after Benjamini-Hochberg across 7 columns (raw 0.001)" in c0.message


def test_each_window_version_and_slice_is_its_own_family():
    first = pvalue_observations(PVALUES[:3])
    other_version = pvalue_observations(PVALUES[3:], model_version="v2")
    alerts = evaluate(*first, *other_version)
    adjusted = list(stats.false_discovery_control(PVALUES[:3])) + list(
        stats.false_discovery_control(PVALUES[3:])
    )
    expected = {
        (o.model_version, o.column_name): p
        for o, p in zip(first + other_version, adjusted, strict=True)
        if p < 0.01
    }
    assert {(a.model_version, a.column_name): a.observed_value for a in alerts} == (
        pytest.approx(expected)
    )


def test_silenced_columns_leave_the_family():
    ruleset = rules("columns:\n  c4: {silence: true}\n  c3: {silence: true}\n")
    alerts = evaluate(*pvalue_observations(PVALUES), ruleset=ruleset)
    kept = [p for i, p in enumerate(PVALUES) if i not in (3, 4)]
    adjusted = stats.false_discovery_control(kept)
    assert all(a.details["tests_in_family"] == 5 for a in alerts)
    assert sorted(a.observed_value for a in alerts) == pytest.approx(
        sorted(p for p in adjusted if p < 0.01)
    )


def test_no_correction_when_the_rule_says_none():
    ruleset = rules("rules:\n  drift_test: {correction: none}\n")
    alerts = evaluate(*pvalue_observations(PVALUES), ruleset=ruleset)
    assert sorted(a.column_name for a in alerts) == ["c0", "c1", "c2", "c5"]


# --- what is judged -----------------------------------------------------------------------------


def test_label_columns_are_not_judged_by_default():
    label = obs("psi", 0.9, column_name="churned", column_role="label")
    assert evaluate(label) == []
    ruleset = rules("rules:\n  psi: {roles: [feature, label]}\n")
    assert len(evaluate(label, ruleset=ruleset)) == 1


def test_only_evaluated_windows_are_judged():
    assert evaluate(obs("psi", 0.9, window_start=LATEST - DAY)) == []
    assert len(evaluate(obs("psi", 0.9, window_start=LATEST - DAY), evaluated=[LATEST - DAY]))


def test_silenced_column_does_not_alert():
    ruleset = rules("monitors:\n  churn:\n    columns:\n      age: {silence: true}\n")
    assert evaluate(obs("psi", 0.9), ruleset=ruleset) == []
    assert len(evaluate(obs("psi", 0.9, monitor_name="fraud"), ruleset=ruleset)) == 1


def test_alerts_carry_where_and_what_and_sort_most_severe_first():
    items = [
        obs("psi", 0.12, column_name="plan"),
        obs("psi", 0.3, slice_key="country", slice_value="FR"),
        obs("unseen_category_share", 0.02, column_name="country"),
    ]
    alerts = evaluate(*items)
    assert fired(alerts) == [
        ("psi", "critical", "age"),
        ("psi", "warning", "plan"),
        ("unseen_categories", "warning", "country"),
    ]
    psi = alerts[0]
    assert (psi.monitor_name, psi.window_start, psi.window_end) == ("churn", LATEST, LATEST + DAY)
    assert (psi.model_version, psi.slice_key, psi.slice_value) == ("v1", "country", "FR")
    assert (psi.metric_name, psi.observed_value, psi.threshold) == ("psi", 0.3, 0.25)
    assert psi.expected_high == 0.1
    assert psi.message == "PSI of age is 0.3, at or above the critical bound 0.25"
    assert alerts[2].message == (
        "unseen-category share of country is 2.0%, above the warning bound 1.0%"
    )


def test_alert_keys_are_stable_across_windows():
    a = evaluate(obs("psi", 0.3))[0]
    b = evaluate(obs("psi", 0.4, window_start=LATEST - DAY), evaluated=[LATEST - DAY])[0]
    assert a.alert_key == b.alert_key and a.alert_id != b.alert_id


# --- rendering ----------------------------------------------------------------------------------


def test_format_value_by_metric():
    assert format_value("null_rate", 0.1234) == "12.3%"
    assert format_value("prediction_count", 12345.0) == "12,345"
    assert format_value("drift_pvalue", 1e-20) == "<1e-16"
    assert format_value("drift_pvalue", 0.00123456) == "0.00123"
    assert format_value("psi", 0.123456) == "0.1235"
    assert format_value("psi", math.inf) == "inf"


def test_alerts_render_as_json_lines_and_a_table():
    alerts = evaluate(obs("psi", 0.3), volume(0, []))
    lines = alerts_json_lines(alerts).splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    assert records[0]["severity"] == "critical" and records[0]["status"] == "new"
    assert records[0]["alert_id"] == alerts[0].alert_id
    assert {"window_start", "observed_value", "threshold", "message"} <= set(records[0])
    infinite = dataclasses.replace(alerts[0], details={"score": math.inf})
    assert json.loads(alerts_json_lines([infinite]))["details"]["score"] is None
    table = alerts_table(alerts)
    assert [c.header for c in table.columns][:3] == ["severity", "monitor", "window"]
    assert alerts_summary(alerts, 1, 1) == "2 alerts (2 critical) over 1 window of 1 monitor"
    assert alerts_summary([], 3, 2) == "No alerts over 3 windows of 2 monitors"


# --- the command's exit code and delivery -------------------------------------------------------


def test_exit_code_counts_firing_alerts_at_or_above_fail_on():
    from model_monitor.alerts.record import Status
    from model_monitor.cli import EXIT_ALERTS, EXIT_OK
    from model_monitor.cli.evaluate import exit_code

    warning = evaluate(obs("psi", 0.2))
    assert exit_code(warning, Severity.CRITICAL) == EXIT_OK
    assert exit_code(warning, Severity.WARNING) == EXIT_ALERTS
    assert exit_code(warning, Severity.INFO) == EXIT_ALERTS
    assert exit_code([], Severity.INFO) == EXIT_OK
    resolved = [a.with_status(Status.RESOLVED) for a in evaluate(obs("psi", 0.9))]
    assert exit_code(resolved, Severity.INFO) == EXIT_OK


def test_a_dry_run_delivers_nothing():
    from model_monitor.alerts.run import deliver

    alerts = evaluate(obs("psi", 0.9))
    shown = deliver(alerts, warehouse=None, windows={}, now=NOW, dry_run=True)
    assert list(shown.alerts) == alerts
    assert shown.dry_run and shown.deliveries == () and shown.written == ()
