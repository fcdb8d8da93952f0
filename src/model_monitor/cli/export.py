"""`model-monitor export`: the latest window's metrics for other monitoring systems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from model_monitor.cli.options import (
    format_option,
    handle_errors,
    monitor_option,
    open_warehouse,
    slices_option,
    timestamp_option,
    warehouse_options,
)


@click.command()
@warehouse_options
@format_option(
    ["prometheus"],
    "prometheus: the Prometheus text exposition format (version 0.0.4).",
)
@monitor_option
@timestamp_option(
    "--window",
    "The window_start to export (default: the latest per monitor).",
)
@slices_option(
    True,
    "Also export every slice, not only the whole population.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE atomically (temporary file, then rename), e.g. for the node exporter's "
    "textfile collector (FILE must end in .prom there). Default: stdout.",
)
@click.option(
    "--push-gateway",
    "push_gateway",
    metavar="URL",
    default=None,
    help="Also push to a Prometheus Pushgateway (replaces the job's metrics).",
)
@click.option("--job", default="model_monitor", show_default=True, help="Pushgateway job name.")
@handle_errors
def export(
    project_dir: Path,
    profiles_dir: Path | None,
    target: str | None,
    output_format: str,
    monitor: str | None,
    window: dt.datetime | None,
    slices: bool,
    out: Path | None,
    push_gateway: str | None,
    job: str,
) -> None:
    """Export the latest window's metrics of every monitor (NULL metrics are left out)."""
    from model_monitor.export.load import load_snapshot
    from model_monitor.export.prometheus import push, render, write_textfile

    with open_warehouse(project_dir, profiles_dir, target) as warehouse:
        snapshot = load_snapshot(warehouse, monitor=monitor, window=window, slices=slices)
    if not snapshot.windows:
        click.echo("model-monitor: no window stored yet; run `dbt build` first", err=True)
    if snapshot.duplicates:
        click.echo(
            f"model-monitor: left out {snapshot.duplicates} samples whose labels repeat another's "
            "(a slice holds both NULL and an empty string)",
            err=True,
        )
    if push_gateway:
        push(snapshot, push_gateway, job)
    if out is not None:
        write_textfile(snapshot, out)
    elif not push_gateway:
        click.echo(render(snapshot), nl=False)
