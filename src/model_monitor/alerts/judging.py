"""Evaluating alert rules on observations: which fire, how badly, and a one-line explanation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from model_monitor.alerts.anomaly import AnomalyScore, detect_anomaly
from model_monitor.alerts.observations import (
    FRESHNESS_METRIC,
    PERFORMANCE_METRICS,
    MonitorWindows,
    Observation,
    Observations,
)
from model_monitor.alerts.observations.label_windows import LabelPlan
from model_monitor.alerts.record import Alert, Severity
from model_monitor.alerts.rules import Rule, RuleSet
from model_monitor.metric_ranges import clamp_to_range, is_clamped
from model_monitor.tables.metrics import TABLE_METRICS
from model_monitor.tables.pvalues import benjamini_hochberg

METRIC_LABELS = {
    "psi": "PSI",
    "drift_pvalue": "drift test p-value",
    **{m.name: m.label for m in TABLE_METRICS if m.label is not None},  # tables/metrics.py
}
SHARE_METRICS = frozenset(m.name for m in TABLE_METRICS if m.kind == "share")
COUNT_METRICS = frozenset(m.name for m in TABLE_METRICS if m.kind == "count")
PVALUE_METRICS = frozenset({"drift_pvalue"})


def metric_label(metric_name: str) -> str:
    """Return a metric's name as the alert messages write it."""
    return METRIC_LABELS.get(metric_name, metric_name)


def format_value(metric_name: str, value: float | None) -> str:
    """Return a metric value readably: shares as percentages, counts whole, p-values in 3 digits."""
    if value is None or math.isnan(value):
        return "-"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if metric_name in SHARE_METRICS:
        return f"{value:.1%}"
    if metric_name in COUNT_METRICS:
        return f"{value:,.0f}"
    if metric_name in PVALUE_METRICS:
        return "<1e-16" if value < 1e-16 else f"{value:.3g}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _format_change(metric_name: str, change: float, relative: bool) -> str:
    """Return a signed change: relative in %, shares in percentage points."""
    if relative:
        return f"{change:+.1%}"
    if metric_name in SHARE_METRICS:
        return f"{change * 100:+.1f} pts"
    return f"{change:+.4g}"


@dataclass(frozen=True)
class _Judgement:
    """An observation a rule judges, with the value the rule compares (a p-value adjusted)."""

    observation: Observation
    rule: Rule
    value: float
    details: dict[str, Any]


def evaluate_rules(observations: Observations, ruleset: RuleSet, now: dt.datetime) -> list[Alert]:
    """Return the alerts that fire on the evaluated windows, the most severe first."""
    monitors = {m.monitor_name: m for m in observations.monitors}
    judgements: list[_Judgement] = []
    for observation in observations.items:
        windows = monitors.get(observation.monitor_name)
        if windows is None:
            continue
        for rule in ruleset.rules_for(
            observation.monitor_name, observation.metric_name, observation.column_name
        ):
            if follows_labels(rule, observations.labels, observation.metric_name):
                assert observations.labels is not None
                if _label_judged(observation, rule, observations.labels):
                    details = _label_details(observation, observations.labels)
                    judgements.append(_Judgement(observation, rule, observation.value, details))
            elif _judged(observation, rule, windows):
                judgements.append(_Judgement(observation, rule, observation.value, {}))
    judgements = _correct_pvalues(judgements)
    alerts = [
        alert
        for judgement in judgements
        if (alert := _judge(judgement, monitors[judgement.observation.monitor_name]))
    ]
    alerts += _freshness_alerts(observations.monitors, ruleset, now)
    return sorted(alerts, key=alert_order)


def alert_order(alert: Alert) -> tuple[Any, ...]:
    """Sort key: the most severe first, then monitor, window, rule, column, version, slice."""
    return (
        -alert.severity.rank,
        alert.monitor_name,
        alert.window_start,
        alert.rule_name,
        alert.column_name or "",
        alert.metric_name,
        alert.model_version or "",
        alert.slice_key or "",
        alert.slice_value or "",
    )


def _judged(observation: Observation, rule: Rule, windows: MonitorWindows) -> bool:
    """Whether a rule judges this observation: role, sample size and window age allow it."""
    if observation.column_role is not None and observation.column_role not in rule.roles:
        return False
    if observation.sample_size is not None and observation.sample_size < rule.min_sample_size:
        return False
    # A rule with min_age_windows judges the window that many windows before an evaluated one.
    return observation.window_start + rule.min_age_windows * windows.grain in windows.evaluated


def follows_labels(rule: Rule, labels: LabelPlan | None, metric_name: str | None = None) -> bool:
    """Whether a rule judges the windows whose labels matured (not the evaluated ones).

    Rules on realized performance do, unless they set min_age_windows (a fixed label delay).
    """
    if labels is None or rule.min_age_windows:
        return False
    metrics = rule.metrics if metric_name is None else (metric_name,)
    return any(m in PERFORMANCE_METRICS for m in metrics)


def _label_judged(observation: Observation, rule: Rule, labels: LabelPlan) -> bool:
    """Whether a label-following rule judges this observation in this run."""
    if observation.sample_size is not None and observation.sample_size < rule.min_sample_size:
        return False
    return labels.is_judged(
        observation.monitor_name, observation.window_start, observation.model_version
    )


def _label_details(observation: Observation, labels: LabelPlan) -> dict[str, Any]:
    """How mature the judged window's labels are: count, predictions, coverage."""
    state = labels.state(
        observation.monitor_name, observation.window_start, observation.model_version
    )
    return {
        "labeled_count": state.labeled_count,
        "prediction_count": state.prediction_count,
        "label_coverage": state.label_coverage,
    }


def _labels_text(observation: Observation, details: dict[str, Any]) -> str:
    """Return ' [window 2025-01-20, labels matured: 412 of 800 labeled (51.5%)]', or ''."""
    if "label_coverage" not in details:
        return ""
    coverage = details["label_coverage"]
    share = "-" if coverage is None else f"{coverage:.1%}"
    start = observation.window_start
    window = start.strftime("%Y-%m-%d" if start.time() == dt.time() else "%Y-%m-%d %H:%M")
    return (
        f" [window {window}, labels matured: {details['labeled_count']:,} of "
        f"{details['prediction_count']:,} predictions labeled ({share})]"
    )


def _correct_pvalues(judgements: list[_Judgement]) -> list[_Judgement]:
    """Adjust p-values with Benjamini-Hochberg across the columns of one window, version, slice."""
    families: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for index, judgement in enumerate(judgements):
        if judgement.rule.correction == "benjamini_hochberg":
            o = judgement.observation
            key = (
                o.monitor_name,
                o.window_start,
                o.model_version,
                o.slice_key,
                o.slice_value,
                o.metric_name,
                judgement.rule.name,
            )
            families[key].append(index)
    corrected = list(judgements)
    for indices in families.values():
        raw = [judgements[i].value for i in indices]
        for i, adjusted in zip(indices, benjamini_hochberg(raw), strict=True):
            details = {"raw_pvalue": judgements[i].value, "tests_in_family": len(indices)}
            value = judgements[i].value if adjusted is None else float(adjusted)
            corrected[i] = dataclasses.replace(judgements[i], value=value, details=details)
    return corrected


def _crossed(value: float, bound: float, direction: str, inclusive: bool) -> bool:
    """Whether value is beyond bound in the rule's direction."""
    if direction == "down":
        return value <= bound if inclusive else value < bound
    return value >= bound if inclusive else value > bound


def _first_crossed(rule: Rule, value: float, direction: str) -> tuple[Severity, float] | None:
    """Return the most severe bound the value crosses, or None."""
    for severity, bound in rule.bounds():
        if _crossed(value, bound, direction, rule.inclusive):
            return Severity(severity), bound
    return None


def _subject(observation: Observation) -> str:
    """Return 'PSI of age' or 'prediction count'."""
    label = metric_label(observation.metric_name)
    return f"{label} of {observation.column_name}" if observation.column_name else label


def _alert(
    observation: Observation,
    rule: Rule,
    severity: Severity,
    message: str,
    threshold: float | None = None,
    expected: tuple[float | None, float | None] = (None, None),
    details: dict[str, Any] | None = None,
    observed: float | None = None,
) -> Alert:
    """Return an Alert for an observation (observed: the value compared, if not its own)."""
    return Alert(
        monitor_name=observation.monitor_name,
        rule_name=rule.name,
        metric_name=observation.metric_name,
        severity=severity,
        window_start=observation.window_start,
        window_end=observation.window_end,
        message=message,
        observed_value=observation.value if observed is None else observed,
        threshold=threshold,
        expected_low=expected[0],
        expected_high=expected[1],
        column_name=observation.column_name,
        model_version=observation.model_version,
        slice_key=observation.slice_key,
        slice_value=observation.slice_value,
        details={"kind": rule.kind, "sample_size": observation.sample_size, **(details or {})},
    )


def _judge(judgement: _Judgement, windows: MonitorWindows) -> Alert | None:
    """Return the alert of one judgement, or None when the rule does not fire."""
    kind = judgement.rule.kind
    if kind == "threshold":
        return _judge_threshold(judgement)
    if kind == "reference":
        return _judge_reference(judgement)
    return _judge_anomaly(judgement, windows)


def _judge_threshold(judgement: _Judgement) -> Alert | None:
    """Compare the value with fixed bounds."""
    o, rule, value = judgement.observation, judgement.rule, judgement.value
    direction = rule.direction_for(o.metric_name)
    crossed = _first_crossed(rule, value, direction)
    if crossed is None:
        return None
    severity, bound = crossed
    least = rule.bounds()[-1][1]
    side = "below" if direction == "down" else "above"
    if rule.inclusive:
        side = f"at or {side}"
    shown = format_value(o.metric_name, value)
    if "raw_pvalue" in judgement.details:
        raw = format_value(o.metric_name, judgement.details["raw_pvalue"])
        shown += (
            f" after Benjamini-Hochberg across {judgement.details['tests_in_family']} columns"
            + (f" (raw {raw})" if raw != format_value(o.metric_name, value) else "")
        )
    age = f" after {rule.min_age_windows} windows" if rule.min_age_windows else ""
    message = (
        f"{_subject(o)} is {shown}{age}, {side} the {severity.value} bound "
        f"{format_value(o.metric_name, bound)}{_labels_text(o, judgement.details)}"
    )
    expected = (least, None) if direction == "down" else (None, least)
    return _alert(o, rule, severity, message, bound, expected, judgement.details, value)


def _judge_reference(judgement: _Judgement) -> Alert | None:
    """Compare the change from the reference's value with bounds on the change."""
    o, rule = judgement.observation, judgement.rule
    reference = o.reference_value
    if reference is None or math.isnan(reference):
        return None
    direction = rule.direction_for(o.metric_name)
    relative = rule.change_for(o.metric_name) == "relative"
    sign = -1.0 if direction == "down" else 1.0
    change = sign * (o.value - reference)  # positive: moved the watched way
    scale = abs(reference) if relative else 1.0
    if scale == 0:
        return None  # a relative change from 0 is undefined
    change /= scale

    def in_value_space(b: float) -> float:
        return reference + sign * b * scale

    crossed = _reference_crossed(rule, change, o, in_value_space)
    if crossed is None:
        return None
    severity, bound = crossed
    least = clamp_to_range(o.metric_name, in_value_space(rule.bounds()[-1][1]))
    threshold = clamp_to_range(o.metric_name, in_value_space(bound))
    limit = f"{severity.value} beyond {_format_change(o.metric_name, sign * bound, relative)}"
    if is_clamped(o.metric_name, in_value_space(bound)):
        edge = "lowest" if sign < 0 else "highest"
        limit += f", held at {format_value(o.metric_name, threshold)}, the {edge} value possible"
    message = (
        f"{_subject(o)} is {format_value(o.metric_name, o.value)} against "
        f"{format_value(o.metric_name, reference)} in the reference "
        f"({_format_change(o.metric_name, sign * change, relative)}; {limit})"
        f"{_labels_text(o, judgement.details)}"
    )
    expected = (least, None) if direction == "down" else (None, least)
    details = {
        **judgement.details,
        "reference_value": reference,
        "change": sign * change,
        "change_kind": "relative" if relative else "difference",
    }
    return _alert(o, rule, severity, message, threshold, expected, details)


def _reference_crossed(
    rule: Rule, change: float, o: Observation, in_value_space: Callable[[float], float]
) -> tuple[Severity, float] | None:
    """Return the most severe bound the change crosses, or None. A bound lying beyond the
    metric's range (an accuracy bound below 0) sits at the range's edge: a value there crosses it.
    """
    for severity, bound in rule.bounds():
        position = in_value_space(bound)
        at_edge = is_clamped(o.metric_name, position) and o.value == clamp_to_range(
            o.metric_name, position
        )
        if at_edge or _crossed(change, bound, "up", rule.inclusive):
            return Severity(severity), bound
    return None


def _judge_anomaly(judgement: _Judgement, windows: MonitorWindows) -> Alert | None:
    """Score the value against its own history."""
    o, rule = judgement.observation, judgement.rule
    if rule.critical_below is not None and o.value < rule.critical_below:
        what = "no predictions in the window" if o.metric_name == "prediction_count" else ""
        message = f"{_subject(o)} is {format_value(o.metric_name, o.value)}" + (
            f": {what}" if what else f", below {format_value(o.metric_name, rule.critical_below)}"
        )
        return _alert(o, rule, Severity.CRITICAL, message, rule.critical_below)
    assert rule.anomaly is not None  # every anomaly rule has its settings
    settings = dataclasses.replace(rule.anomaly, direction=rule.direction_for(o.metric_name))
    score = detect_anomaly(o.value, o.window_start, o.history, windows.grain, settings)
    if score is None or score.severity is None:
        return None
    return _alert(
        o,
        rule,
        score.severity,
        _anomaly_message(o, score, settings.method),
        expected=(score.expected_low, score.expected_high),
        details={
            "score": score.score,
            "center": score.center,
            "scale": score.scale,
            "training_windows": score.training_count,
            "method": settings.method,
            "seasonality": settings.seasonality,
        },
    )


def _anomaly_message(o: Observation, score: AnomalyScore, method: str) -> str:
    """Return 'X is 312, below its usual range 850 to 1,020 (robust z -8.1 over 28 windows)'."""
    side = "above" if score.score > 0 else "below"
    low = format_value(o.metric_name, score.expected_low)
    high = format_value(o.metric_name, score.expected_high)
    name = "robust z" if method == "mad" else "z"
    if math.isinf(score.score):
        usual = format_value(o.metric_name, score.center)
        why = f"all {score.training_count} training windows were {usual}"
    else:
        why = f"{name} {score.score:+.1f} over {score.training_count} windows"
    return (
        f"{_subject(o)} is {format_value(o.metric_name, o.value)}, {side} its usual range "
        f"{low} to {high} ({why})"
    )


def _duration(hours: float) -> str:
    """Return hours, or days from two days on."""
    return f"{hours / 24:.1f} days" if abs(hours) >= 48 else f"{hours:.1f} h"


def _freshness_alerts(
    monitors: Iterable[MonitorWindows], ruleset: RuleSet, now: dt.datetime
) -> list[Alert]:
    """Return an alert per monitor whose newest window ended too long ago."""
    if now.tzinfo is not None:
        now = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    alerts = []
    for windows in monitors:
        if not windows.includes_latest:
            continue  # a past range: the wall clock says nothing about it
        grain_hours = windows.grain / dt.timedelta(hours=1)
        hours = (now - windows.latest_window_end) / dt.timedelta(hours=1)
        for rule in ruleset.rules_for(windows.monitor_name, FRESHNESS_METRIC):
            crossed = _first_crossed(rule, hours / grain_hours, "up")
            if crossed is None:
                continue
            severity, bound = crossed
            message = (
                f"no new window for {_duration(hours)}: the newest ended "
                f"{windows.latest_window_end.isoformat(sep=' ', timespec='minutes')} "
                f"({severity.value} after {bound:g} windows = {_duration(bound * grain_hours)})"
            )
            alerts.append(
                Alert(
                    monitor_name=windows.monitor_name,
                    rule_name=rule.name,
                    metric_name=FRESHNESS_METRIC,
                    severity=severity,
                    window_start=windows.latest_window_start,
                    window_end=windows.latest_window_end,
                    message=message,
                    observed_value=hours,
                    threshold=bound * grain_hours,
                    expected_high=rule.bounds()[-1][1] * grain_hours,
                    details={"kind": rule.kind, "evaluated_at": now.isoformat()},
                )
            )
    return alerts
