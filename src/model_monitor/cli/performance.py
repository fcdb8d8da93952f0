"""`model-monitor performance`: realized and estimated performance beside the reference's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from model_monitor.cli.options import (
    handle_errors,
    open_warehouse,
    piped_width,
    rules_option,
    view_options,
    warehouse_options,
)


@click.command()
@warehouse_options
@view_options
@click.option("--version", "model_version", default=None, help="Only this model version.")
@rules_option(
    "YAML rules file whose `maturity` block says when labels are mature (docs/alerts.md)."
)
@handle_errors
def performance(
    project_dir: Path,
    profiles_dir: Path | None,
    target: str | None,
    monitor: str | None,
    window: dt.datetime | None,
    slices: bool,
    output_format: str,
    model_version: str | None,
    rules_path: Path | None,
) -> None:
    """Show realized and estimated (CBPE) performance next to the reference's.

    By default each monitor's newest window with mature labels (at least 100 labels and 50%
    coverage unless the rules file says otherwise); values on fewer labels are marked.
    """
    from rich.console import Console

    from model_monitor.alerts.rules import load_rules
    from model_monitor.formatting.performance import performance_report
    from model_monitor.formatting.values import to_json
    from model_monitor.performance.load import load_performance_summary

    ruleset = load_rules(rules_path)
    with open_warehouse(project_dir, profiles_dir, target) as warehouse:
        summaries = load_performance_summary(
            warehouse,
            monitor=monitor,
            window=window,
            model_version=model_version,
            slices=slices,
            maturity_for=ruleset.maturity_for,
        )
    if output_format == "json":
        click.echo(to_json(summaries))
        return
    if not summaries:
        click.echo("No performance rows: no window with predictions yet.")
        return
    console = Console(width=piped_width())
    for number, block in enumerate(performance_report(summaries)):
        if number:
            console.print()
        console.print(block)
