"""What every `model-monitor` command shares: exit codes, error handling, warehouse options."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from model_monitor.errors import ModelMonitorError

# Exit codes, named once for every command: nothing at --fail-on or above, something, an error.
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


def rules_option(help_text: str) -> Callable[[F], F]:
    """The `--rules` option of the commands that read a rules file, with their own help."""
    return click.option(
        "--rules",
        "rules_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=help_text,
    )


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
