"""`model-monitor drift`: the drift of each monitored column, highest PSI first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from model_monitor.cli.options import (
    handle_errors,
    open_warehouse,
    piped_width,
    view_options,
    warehouse_options,
)


@click.command()
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
