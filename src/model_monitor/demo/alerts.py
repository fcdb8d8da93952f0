"""The demo's last step: the alert rules as a scheduled `evaluate` runs them.

The default rules judge the newest (complete: the scenario ends at midnight) window of each
monitor, with the scenario's end as the wall clock so that freshness holds; realized
performance rules judge the newest window of each version whose labels are mature (the
demo's first evaluation: later ones judge each window as its labels mature). The alerts go to
`monitor_alerts` of the demo's DuckDB file and to a console channel, whose lines the demo's
summary ends with.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from model_monitor.alerts.record import Alert

SHOWN_ALERTS = 10  # the console channel's max_alerts: the rest is one "and N more" line
CHANNEL_NAME = "console"


@dataclass(frozen=True)
class DemoAlerts:
    """The alerts of the demo's evaluation and the lines its console channel printed."""

    alerts: tuple[Alert, ...]
    lines: tuple[str, ...]
    delivered: int
    failed: int


def evaluate_demo_alerts(project_dir: Path, profiles_dir: Path, now: dt.datetime) -> DemoAlerts:
    """Evaluate, store and notify the console channel, through the demo's dbt profile."""
    from rich.console import Console

    from model_monitor.alerts.notify import ConsoleChannel
    from model_monitor.alerts.rules import RuleSet
    from model_monitor.alerts.run import run_evaluation
    from model_monitor.warehouse import Warehouse

    printed = io.StringIO()
    # No colour and no wrapping: the lines are handed to the summary as plain text.
    console = Console(file=printed, color_system=None, width=200)
    channel = ConsoleChannel(
        name=CHANNEL_NAME, console=console, layout="lines", max_alerts=SHOWN_ALERTS
    )
    with Warehouse(project_dir, profiles_dir=profiles_dir) as warehouse:
        run = run_evaluation(warehouse, RuleSet.defaults(), now, channels=[channel])
    return DemoAlerts(
        alerts=run.alerts,
        lines=tuple(line.rstrip() for line in printed.getvalue().splitlines()),
        delivered=len(run.result.delivered),
        failed=len(run.result.failed),
    )


def alert_summary_lines(
    alerts: list[Alert], printed: list[str], all_command: str | None = None
) -> list[str]:
    """The summary's closing block: a heading, what the console channel printed and, when that
    is only some of the alerts, the command that lists them all."""
    if not alerts:
        return ["", "No alerts in the newest windows (default rules)."]
    lines = [
        "",
        "Alerts in the newest window of each monitor, and on realized performance in the "
        "newest window with mature labels (default rules; stored in monitor_alerts, "
        f"sent to the {CHANNEL_NAME} channel):",
        *printed,
    ]
    if len(alerts) > SHOWN_ALERTS and all_command:
        lines.append(f"Showing {SHOWN_ALERTS} of {len(alerts)} alerts; all: {all_command}")
    return lines
