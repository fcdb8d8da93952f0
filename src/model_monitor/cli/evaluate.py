"""`model-monitor evaluate`: judge the metric tables with the alert rules; exit code for CI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from model_monitor.alerts.record import Alert, Severity, Status
from model_monitor.cli.options import (
    EXIT_ALERTS,
    EXIT_OK,
    format_option,
    handle_errors,
    monitor_option,
    open_warehouse,
    piped_width,
    rules_option,
    slices_option,
    timestamp_option,
    warehouse_options,
)

SEVERITIES = [s.value for s in Severity]


def exit_code(alerts: list[Alert], fail_on: Severity) -> int:
    """Return EXIT_ALERTS when an alert still firing is at fail_on or above, else EXIT_OK."""
    firing = (a for a in alerts if a.status is not Status.RESOLVED)
    return EXIT_ALERTS if any(a.severity.at_least(fail_on) for a in firing) else EXIT_OK


@click.command()
@warehouse_options
@rules_option("YAML rules file overriding the defaults (see docs/alerts.md).")
@monitor_option
@timestamp_option(
    "--since",
    "Evaluate every window starting at or after this (default: the newest window, and "
    "realized performance on each window whose labels matured or changed since the last run).",
)
@timestamp_option(
    "--until",
    "Evaluate every window starting at or before this.",
)
@slices_option(
    False,
    "Also judge every slice, not only the whole population.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="critical",
    show_default=True,
    help="Exit 1 when an alert of this severity or worse fires.",
)
@click.option("--dry-run", is_flag=True, help="Evaluate and print; store and notify nothing.")
@format_option(
    ["table", "json"],
    "A table, or JSON lines (one alert per line).",
)
@timestamp_option(
    "--now",
    "The wall clock for freshness, in UTC (default: the current time).",
)
@click.option(
    "--channels",
    "channels_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML file of notification channels (see docs/alerts.md); secrets come from env vars.",
)
@click.option(
    "--alerts-schema",
    default=None,
    help="Schema of monitor_alerts and monitor_alert_deliveries (default: the target schema).",
)
@click.option(
    "--cooldown-hours",
    type=click.FloatRange(min=0),
    default=24,
    show_default=True,
    help="Notify an ongoing alert again only after this many hours.",
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
    channels_path: Path | None,
    alerts_schema: str | None,
    cooldown_hours: float,
) -> None:
    """Evaluate the alert rules on the newest window (or --since/--until) and report alerts.

    Realized-performance rules judge every window whose labels are mature (the rules file's
    `maturity`: 100 labels and 50% coverage by default) and changed since the previous run.

    Without --dry-run, alerts are stored in monitor_alerts and sent to the --channels.
    Exit code 0 when nothing at or above --fail-on fired, 1 when something did, 2 on a
    configuration or connection error. A failed delivery leaves the exit code alone: it is
    reported, stored as failed and retried by the next run.
    """
    from model_monitor.alerts.rules import load_rules
    from model_monitor.alerts.run import run_evaluation

    # Both files before connecting: a bad one fails fast, without touching the warehouse.
    ruleset = load_rules(rules_path)
    channels = _load_channels(channels_path, output_format)
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with open_warehouse(project_dir, profiles_dir, target) as warehouse:
        run = run_evaluation(
            warehouse,
            ruleset,
            now,
            channels=channels,
            monitor=monitor,
            since=since,
            until=until,
            slices=slices,
            dry_run=dry_run,
            cooldown_hours=cooldown_hours,
            alerts_schema=alerts_schema,
        )
    _print(run, output_format, [c.name for c in channels])
    raise click.exceptions.Exit(exit_code(list(run.alerts), Severity(fail_on)))


def _load_channels(path: Path | None, output_format: str) -> Sequence[Any]:
    """The channels of --channels; with JSON output, a console channel writes to stderr."""
    if path is None:
        return ()
    from rich.console import Console

    from model_monitor.alerts.notify import load_channels

    console = Console(stderr=True) if output_format == "json" else None
    return load_channels(path, console=console)


def _print(run: Any, output_format: str, channels: list[str]) -> None:
    """Print alerts as a table and summary lines, or as JSON lines (the summary on stderr)."""
    from rich.console import Console

    from model_monitor.formatting.alerts import (
        alerts_json_lines,
        alerts_summary,
        alerts_table,
        delivery_summary,
    )

    alerts = list(run.alerts)
    dry_run = run.result.dry_run
    notifications = None
    if channels and not dry_run:
        notifications = delivery_summary(run.result.deliveries, channels)
    if output_format == "json":
        if alerts:
            click.echo(alerts_json_lines(alerts))
        if notifications:
            click.echo(notifications, err=True)  # stdout holds alert objects only
        return
    summary = alerts_summary(alerts, run.window_count, run.monitor_count)
    if dry_run:
        summary += " (dry run: nothing stored or sent)"
    console = Console(width=piped_width())
    if alerts:
        console.print(alerts_table(alerts))
    console.print(summary, highlight=False)
    if notifications:
        click.echo(notifications)
