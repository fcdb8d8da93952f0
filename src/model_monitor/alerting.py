"""One alerting run: observations judged by the rules, then stored and sent (the lifecycle).

`model-monitor evaluate` and the demo both call `run_evaluation`; the CLI only parses options,
prints and picks the exit code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from model_monitor.alerts import Alert, Status
from model_monitor.evaluate import alert_order, evaluate_rules
from model_monitor.lifecycle import ProcessResult, Window, process_alerts
from model_monitor.notify import Channel
from model_monitor.observations import Observations, load_observations
from model_monitor.rules import RuleSet
from model_monitor.store.alert_store import AlertStore


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
    """Evaluate the rules on the newest window of each monitor (or [since, until]), then store
    the alerts in monitor_alerts and notify the channels, unless `dry_run`."""
    observations = load_observations(
        warehouse, ruleset.lookback, monitor=monitor, since=since, until=until, slices=slices
    )
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
    )
    return AlertRun(observations, result)
