"""`model-monitor demo`: generate predictions with drift, build the package on DuckDB, show it."""

from __future__ import annotations

from pathlib import Path

import click

from model_monitor.cli.options import fail, group_warehouse_options, handle_errors


@click.command()
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

    given = [k for k, v in group_warehouse_options().items() if v is not None]
    if given:
        options = ", ".join("--" + k.replace("_", "-") for k in given)
        fail(f"demo builds its own project in --workdir and does not read {options}")

    result = run_demo(workdir=workdir, rows=rows, days=days, seed=seed, echo=click.echo)
    for line in result.summary_lines():
        click.echo(line)
