"""The `model-monitor` command line: the group, its global options, and one module per command.

Each command module parses its options, calls the library and formats the result; what they
share (exit codes, errors, the options declared once) is in `options`.
"""

from __future__ import annotations

import gc
from pathlib import Path

import click

from model_monitor import __version__
from model_monitor.cli import demo, drift, evaluate, export, init, performance, report
from model_monitor.cli.options import (
    EXIT_ALERTS,
    EXIT_ERROR,
    EXIT_OK,
    fail,
    global_warehouse_options,
)

__all__ = ["EXIT_ALERTS", "EXIT_ERROR", "EXIT_OK", "cli", "fail", "main"]


@click.group(name="model-monitor", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="model-monitor")
@global_warehouse_options
def cli(project_dir: Path | None, profiles_dir: Path | None, target: str | None) -> None:
    """Monitoring of ML models in production, computed in the warehouse with dbt.

    --project-dir, --profiles-dir and --target may come before the command or after it.
    """


# The modules keep their names (model_monitor.cli.drift is the module, its command .drift).
for _command in (
    drift.drift,
    performance.performance,
    evaluate.evaluate,
    report.report,
    export.export,
    init.init,
    demo.demo,
):
    cli.add_command(_command)


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
