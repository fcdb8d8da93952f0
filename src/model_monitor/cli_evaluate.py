"""`model-monitor evaluate`: judge the metric tables with the alert rules; exit code for CI."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from typing import Any

import click

from model_monitor.alerts import Alert, Severity, Status
from model_monitor.cli_common import (
    EXIT_ALERTS,
    EXIT_OK,
    WINDOW_FORMATS,
    handle_errors,
    open_warehouse,
    piped_width,
    warehouse_options,
)

SEVERITIES = [s.value for s in Severity]


def deliver(
    alerts: list[Alert],
    *,
    warehouse: Any,
    windows: dict[str, tuple[dt.datetime, dt.datetime | None]],
    now: dt.datetime,
    dry_run: bool,
) -> list[Alert]:
    """Hand the alerts to the alert store and notifications; return the alerts to show.

    The one place evaluation meets the alert lifecycle (model_monitor.lifecycle): without it,
    or with --dry-run, alerts are only printed. `windows` maps each evaluated monitor to its
    newest evaluated window, where keys that stop firing are resolved.
    """
    if dry_run or importlib.util.find_spec("model_monitor.lifecycle") is None:
        return alerts
    from model_monitor.lifecycle import process_alerts
    from model_monitor.store import AlertStore

    result = process_alerts(alerts, AlertStore(warehouse), (), now, windows=windows)
    return list(result.alerts)


def exit_code(alerts: list[Alert], fail_on: Severity) -> int:
    """Return EXIT_ALERTS when an alert still firing is at fail_on or above, else EXIT_OK."""
    firing = (a for a in alerts if a.status is not Status.RESOLVED)
    return EXIT_ALERTS if any(a.severity.at_least(fail_on) for a in firing) else EXIT_OK


@click.command()
@warehouse_options
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML rules file overriding the defaults (see docs/alerts.md).",
)
@click.option("--monitor", default=None, help="Only this monitor (default: every monitor).")
@click.option(
    "--since",
    type=click.DateTime(formats=WINDOW_FORMATS),
    default=None,
    help="Evaluate every window starting at or after this (default: only the newest window).",
)
@click.option(
    "--until",
    type=click.DateTime(formats=WINDOW_FORMATS),
    default=None,
    help="Evaluate every window starting at or before this.",
)
@click.option(
    "--slices/--no-slices",
    default=False,
    show_default=True,
    help="Also judge every slice, not only the whole population.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="critical",
    show_default=True,
    help="Exit 1 when an alert of this severity or worse fires.",
)
@click.option("--dry-run", is_flag=True, help="Evaluate and print; store and notify nothing.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table, or JSON lines (one alert per line).",
)
@click.option(
    "--now",
    type=click.DateTime(formats=WINDOW_FORMATS),
    default=None,
    help="The wall clock for freshness, in UTC (default: the current time).",
)
@handle_errors
def evaluate(
    project_dir: Path,
    profiles_dir: Path | None,
    target: str | None,
    rules_path: Path | None,
    monitor: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    slices: bool,
    fail_on: str,
    dry_run: bool,
    output_format: str,
    now: dt.datetime | None,
) -> None:
    """Evaluate the alert rules on the newest window (or --since/--until) and report alerts.

    Exit code 0 when nothing at or above --fail-on fired, 1 when something did, 2 on a
    configuration or connection error.
    """
    from model_monitor.evaluate import evaluate_rules
    from model_monitor.observations import load_observations
    from model_monitor.rules import load_rules

    ruleset = load_rules(rules_path)  # before connecting: a bad file fails fast
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with open_warehouse(project_dir, profiles_dir, target) as warehouse:
        observations = load_observations(
            warehouse, ruleset.lookback, monitor=monitor, since=since, until=until, slices=slices
        )
        alerts = evaluate_rules(observations, ruleset, now)
        windows = {
            m.monitor_name: (m.evaluated[-1], m.evaluated[-1] + m.grain)
            for m in observations.monitors
        }
        shown = deliver(alerts, warehouse=warehouse, windows=windows, now=now, dry_run=dry_run)
    _print(shown, output_format, observations, dry_run)
    raise click.exceptions.Exit(exit_code(shown, Severity(fail_on)))


def _print(alerts: list[Alert], output_format: str, observations: Any, dry_run: bool) -> None:
    """Print alerts as a table and a summary line, or as JSON lines."""
    from rich.console import Console

    from model_monitor.formatting import alerts_json_lines, alerts_summary, alerts_table

    if output_format == "json":
        if alerts:
            click.echo(alerts_json_lines(alerts))
        return
    windows = sum(len(m.evaluated) for m in observations.monitors)
    summary = alerts_summary(alerts, windows, len(observations.monitors))
    if dry_run:
        summary += " (dry run: nothing stored or sent)"
    console = Console(width=piped_width())
    if alerts:
        console.print(alerts_table(alerts))
    console.print(summary, highlight=False)
