"""The `model-monitor` command line: parse options, call the library, format, exit code."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from model_monitor import __version__
from model_monitor.errors import ModelMonitorError

EXIT_OK = 0
EXIT_ALERTS = 1
EXIT_ERROR = 2

WINDOW_FORMATS = [
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
]

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> NoReturn:
    """Print one error line on stderr and exit with EXIT_ERROR."""
    click.echo(f"model-monitor: error: {message}", err=True)
    raise click.exceptions.Exit(EXIT_ERROR)


def handle_errors(func: F) -> F:
    """Turn the library's errors into one line on stderr and EXIT_ERROR."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ModelMonitorError as exc:
            fail(str(exc))

    return wrapper  # type: ignore[return-value]


def warehouse_options(func: F) -> F:
    """Add the options that locate the dbt project, its profile and target."""
    options = [
        click.option(
            "--project-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("."),
            show_default=True,
            help="The dbt project that installs the model_monitor package.",
        ),
        click.option(
            "--profiles-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Directory of profiles.yml (default: DBT_PROFILES_DIR, ./, the project, ~/.dbt).",
        ),
        click.option(
            "--target", default=None, help="dbt target (default: DBT_TARGET, else the profile's)."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def piped_width() -> int | None:
    """Return a width for output piped away: rich would assume 80 columns and squeeze tables."""
    if sys.stdout.isatty() or "COLUMNS" in os.environ:
        return None
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns  # e.g. `... | head`
    except OSError:
        return 200


def open_warehouse(project_dir: Path, profiles_dir: Path | None, target: str | None) -> Any:
    """Return a Warehouse; imported here so that `--help` does not load dbt."""
    from model_monitor.warehouse import Warehouse

    return Warehouse(project_dir, profiles_dir=profiles_dir, target=target)


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
    from model_monitor.formatting import drift_table, to_json

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
) -> None:
    """Show realized and estimated (CBPE) performance next to the reference's, per window."""
    from rich.console import Console

    from model_monitor.formatting import performance_report, to_json
    from model_monitor.performance import load_performance_summary

    with open_warehouse(project_dir, profiles_dir, target) as warehouse:
        summaries = load_performance_summary(
            warehouse, monitor=monitor, window=window, model_version=model_version, slices=slices
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
    """Generate predictions with drift, run the dbt package on DuckDB and show what it finds."""
    from model_monitor.demo import run_demo

    result = run_demo(workdir=workdir, rows=rows, days=days, seed=seed, echo=click.echo)
    for line in result.summary_lines():
        click.echo(line)


def main() -> None:
    """Entry point of the `model-monitor` script."""
    cli()
