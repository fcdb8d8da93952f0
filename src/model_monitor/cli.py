"""The `model-monitor` command line: parse options, call the library, format, exit code."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from model_monitor import __version__
from model_monitor.cli_common import (
    EXIT_ALERTS,
    EXIT_ERROR,
    EXIT_OK,
    WINDOW_FORMATS,
    fail,
    handle_errors,
    open_warehouse,
    piped_width,
    rules_option,
    warehouse_options,
)
from model_monitor.cli_evaluate import evaluate
from model_monitor.cli_export import export
from model_monitor.cli_init import init
from model_monitor.report.command import report

__all__ = ["EXIT_ALERTS", "EXIT_ERROR", "EXIT_OK", "cli", "fail", "main"]

F = TypeVar("F", bound=Callable[..., Any])


@click.group(name="model-monitor", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="model-monitor")
def cli() -> None:
    """Monitoring of ML models in production, computed in the warehouse with dbt."""


def view_options(func: F) -> F:
    """Add the options that choose what to show and how: monitor, window, slices, format."""
    options = [
        click.option("--monitor", default=None, help="Only this monitor (default: every monitor)."),
        click.option(
            "--window",
            type=click.DateTime(formats=WINDOW_FORMATS),
            default=None,
            help="The window_start to show, e.g. 2024-03-01 (default: the latest per monitor).",
        ),
        click.option(
            "--slices/--no-slices",
            default=False,
            show_default=True,
            help="Also show every slice, not only the whole population.",
        ),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(["table", "json"]),
            default="table",
            show_default=True,
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.command()
@warehouse_options
@view_options
@click.option("--min-psi", type=float, default=None, help="Only rows with PSI at least this.")
@handle_errors
def drift(
    project_dir: Path,
    profiles_dir: Path | None,
    target: str | None,
    monitor: str | None,
    window: dt.datetime | None,
    slices: bool,
    output_format: str,
    min_psi: float | None,
) -> None:
    """Show the drift of each monitored column against the reference, highest PSI first."""
    from rich.console import Console

    from model_monitor.drift import load_drift
    from model_monitor.formatting.drift import drift_table
    from model_monitor.formatting.values import to_json

    with open_warehouse(project_dir, profiles_dir, target) as warehouse:
        rows = load_drift(warehouse, monitor=monitor, window=window, slices=slices, min_psi=min_psi)
    if output_format == "json":
        click.echo(to_json(rows))
        return
    if not rows:
        click.echo("No drift rows match.")
        return
    console = Console(width=piped_width())
    console.print(drift_table(rows, width=console.width))


@cli.command()
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

    from model_monitor.formatting.performance import performance_report
    from model_monitor.formatting.values import to_json
    from model_monitor.performance.load import load_performance_summary
    from model_monitor.rules import load_rules

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


@cli.command()
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("./model_monitor_demo"),
    show_default=True,
    help="Where the demo project and its DuckDB file go.",
)
@click.option("--rows", type=click.IntRange(min=1), default=300_000, show_default=True)
@click.option("--days", type=click.IntRange(min=1), default=42, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@handle_errors
def demo(workdir: Path, rows: int, days: int, seed: int) -> None:
    """Generate predictions with drift, run the dbt package on DuckDB and show what it finds,
    ending with the alerts of the newest windows (stored in the demo's monitor_alerts)."""
    from model_monitor.demo import run_demo

    result = run_demo(workdir=workdir, rows=rows, days=days, seed=seed, echo=click.echo)
    for line in result.summary_lines():
        click.echo(line)


cli.add_command(evaluate)
cli.add_command(report)
cli.add_command(export)
cli.add_command(init)


# Collections of the youngest generation after this many net allocations (Python's default: 700).
GC_YOUNG_THRESHOLD = 50_000


def main() -> None:
    """Entry point of the `model-monitor` script."""
    # Importing dbt, pandas and scipy creates millions of objects that live until exit; at
    # Python's default thresholds the cyclic collector walks them some 600 times during start-up
    # and once more at exit, a third of a `drift` call's CPU time (docs/design.md, "Start-up
    # time"). Collect less often, and leave what exists at exit out of the final collection:
    # memory is still freed by reference counting, and destructors still run.
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)
    try:
        cli()
    finally:
        gc.freeze()
