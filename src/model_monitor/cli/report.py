"""The `model-monitor report` command: options, a call into model_monitor.report, one summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from model_monitor.cli.options import (
    handle_errors,
    monitor_option,
    open_warehouse,
    timestamp_option,
    warehouse_options,
)


@click.command()
@warehouse_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("report.html"),
    show_default=True,
    help="The HTML file to write (self-contained: opens offline).",
)
@monitor_option
@timestamp_option(
    "--since",
    "Only windows starting at or after this (default: every stored window).",
)
@click.option(
    "--histogram-windows",
    type=click.IntRange(min=1),
    default=14,
    show_default=True,
    help="Windows (the latest ones) whose histograms the report embeds for the window menu.",
)
@handle_errors
def report(
    project_dir: Path,
    profiles_dir: Path | None,
    target: str | None,
    out: Path,
    monitor: str | None,
    since: dt.datetime | None,
    histogram_windows: int,
) -> None:
    """Write an HTML report of every monitor: drift, histograms, data quality, performance."""
    from model_monitor.report import ReportOptions, write_report

    def progress(message: str) -> None:
        click.echo(f"report: {message}", err=True)

    options = ReportOptions(monitor=monitor, since=since, histogram_windows=histogram_windows)
    with open_warehouse(project_dir, profiles_dir, target) as warehouse:
        result = write_report(warehouse, out, options, progress=progress)
    click.echo(
        f"wrote {result.path} ({result.size_bytes / 1e6:.1f} MB, {len(result.monitors)} "
        f"monitor{'s' if len(result.monitors) != 1 else ''}, {result.chart_count} charts) "
        f"in {result.seconds:.1f}s"
    )
