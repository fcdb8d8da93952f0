"""One alerting run: observations judged by the rules, then stored and sent (the lifecycle).

`model-monitor evaluate` and the demo both call `run_evaluation`; the CLI only parses options,
prints and picks the exit code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from model_monitor.alerts.judging import alert_order, evaluate_rules, follows_labels
from model_monitor.alerts.lifecycle import ProcessResult, Window, process_alerts
from model_monitor.alerts.notify import Channel
from model_monitor.alerts.observations import Observations, load_observations
from model_monitor.alerts.observations.label_windows import (
    LabelPlan,
    label_windows_in_range,
    load_label_states,
    plan_label_windows,
)
from model_monitor.alerts.record import Alert, Status
from model_monitor.alerts.rules import RuleSet
from model_monitor.alerts.store.alert_store import AlertStore
from model_monitor.alerts.store.records import LabelRecord


@dataclass(frozen=True)
class AlertRun:
    """What one evaluation read, and what became of its alerts (statuses, deliveries)."""

    observations: Observations
    result: ProcessResult

    @property
    def alerts(self) -> tuple[Alert, ...]:
        """Firing alerts, the most severe first, then the resolved ones."""
        return self.result.alerts

    @property
    def window_count(self) -> int:
        """How many windows were evaluated, over every monitor."""
        return sum(len(m.evaluated) for m in self.observations.monitors)

    @property
    def monitor_count(self) -> int:
        """How many monitors had a window to evaluate."""
        return len(self.observations.monitors)


def shown_order(alert: Alert) -> tuple[Any, ...]:
    """Sort key for showing alerts: firing ones first, each group the most severe first."""
    return (alert.status is Status.RESOLVED, *alert_order(alert))


def evaluated_windows(observations: Observations) -> dict[str, Window]:
    """Each evaluated monitor's newest evaluated window, where keys that stop firing resolve."""
    return {
        m.monitor_name: (m.evaluated[-1], m.evaluated[-1] + m.grain) for m in observations.monitors
    }


def deliver(
    alerts: Sequence[Alert],
    *,
    warehouse: Any,
    windows: Mapping[str, Window],
    now: dt.datetime,
    dry_run: bool,
    channels: Sequence[Channel] = (),
    cooldown_hours: float = 24,
    alerts_schema: str | None = None,
    rule_windows: Mapping[tuple[str, str], Window | None] | None = None,
    label_records: Sequence[LabelRecord] = (),
    repeat_hidden: Any = None,
) -> ProcessResult:
    """Hand alerts to the alert store and the channels; return what became of them.

    With `dry_run` the store is not even read: the alerts come back as evaluated, nothing is
    written or sent. A failed delivery is stored as failed and retried by the next run.
    """
    if dry_run:
        ordered = tuple(sorted(alerts, key=shown_order))
        return ProcessResult(alerts=ordered, written=(), deliveries=(), dry_run=True)
    result = process_alerts(
        alerts,
        AlertStore(warehouse, alerts_schema),
        channels,
        now,
        cooldown_hours,
        windows=windows,
        rule_windows=rule_windows,
        label_records=label_records,
        repeat_hidden=repeat_hidden,
    )
    return replace(result, alerts=tuple(sorted(result.alerts, key=shown_order)))


def run_evaluation(
    warehouse: Any,
    ruleset: RuleSet,
    now: dt.datetime,
    *,
    channels: Sequence[Channel] = (),
    monitor: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    slices: bool = False,
    dry_run: bool = False,
    cooldown_hours: float = 24,
    alerts_schema: str | None = None,
) -> AlertRun:
    """Evaluate the rules on the newest window of each monitor (or [since, until]), and the
    realized-performance rules on every window whose labels matured or changed since the
    previous evaluation (observations.label_windows); then store the alerts in monitor_alerts
    and notify the channels, unless `dry_run`."""
    scheduled = since is None and until is None
    labels = None
    if scheduled:
        labels = plan_labels(warehouse, ruleset, monitor, dry_run, alerts_schema)
    observations = load_observations(
        warehouse,
        ruleset.lookback,
        monitor=monitor,
        since=since,
        until=until,
        slices=slices,
        labels=labels,
    )
    if not scheduled:
        states = load_label_states(warehouse, monitor)
        if states is not None:
            chosen = {m.monitor_name: m.evaluated for m in observations.monitors}
            labels = label_windows_in_range(states, ruleset.maturity_for, chosen)
            observations = replace(observations, labels=labels)
    alerts = evaluate_rules(observations, ruleset, now)
    result = deliver(
        alerts,
        warehouse=warehouse,
        windows=evaluated_windows(observations),
        now=now,
        dry_run=dry_run,
        channels=channels,
        cooldown_hours=cooldown_hours,
        alerts_schema=alerts_schema,
        rule_windows=label_rule_windows(observations, ruleset),
        label_records=labels.records if labels is not None else (),
        # A scheduled run re-judges a window whose labels changed: a finding stored already
        # was reported when it was found, and is not reported again.
        repeat_hidden=_label_alert(ruleset, labels) if scheduled else None,
    )
    return AlertRun(observations, result)


def plan_labels(
    warehouse: Any,
    ruleset: RuleSet,
    monitor: str | None,
    dry_run: bool,
    alerts_schema: str | None,
) -> LabelPlan | None:
    """The label windows of a scheduled run: mature ones whose labels changed since the last."""
    states = load_label_states(warehouse, monitor)
    if states is None:
        return None  # no monitor_label_coverage: realized rules judge the newest window
    store = AlertStore(warehouse, alerts_schema)
    previous = store.label_records({key[0] for key in states})
    return plan_label_windows(states, previous, ruleset.maturity_for)


def label_rule_windows(
    observations: Observations, ruleset: RuleSet
) -> dict[tuple[str, str], Window | None]:
    """Per (monitor, label-following rule): the newest window it judged now, or None."""
    labels = observations.labels
    windows: dict[tuple[str, str], Window | None] = {}
    if labels is None:
        return windows
    for m in observations.monitors:
        judged = [start for start, _ in labels.judged.get(m.monitor_name, ())]
        newest = max(judged, default=None)
        for name in ruleset.rule_names(m.monitor_name):
            if follows_labels(ruleset.rule(name, m.monitor_name), labels):
                windows[(m.monitor_name, name)] = (
                    None if newest is None else (newest, newest + m.grain)
                )
    return windows


def _label_alert(ruleset: RuleSet, labels: LabelPlan | None) -> Any:
    """Whether an alert comes from a rule that follows the labels."""

    def hidden(alert: Alert) -> bool:
        rule = ruleset.rule(alert.rule_name, alert.monitor_name, alert.metric_name)
        return follows_labels(rule, labels, alert.metric_name)

    return hidden
