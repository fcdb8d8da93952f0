"""What the `model-monitor` commands share: exit codes, error handling, and the options declared
once (warehouse, monitor, window, slices, format, rules)."""

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


# The options that locate the dbt project, profile and target; the group takes them too, so that
# `model-monitor --project-dir DIR drift` and `model-monitor drift --project-dir DIR` are the same.
WAREHOUSE_OPTIONS = ("project_dir", "profiles_dir", "target")


def warehouse_option_decorators() -> list[Callable[[F], F]]:
    """The --project-dir, --profiles-dir and --target options (default None: see resolve)."""
    return [
        click.option(
            "--project-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="The dbt project that installs the model_monitor package (default: ./).",
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


def global_warehouse_options(func: F) -> F:
    """The same three options on the group, before the command (no resolving there)."""
    for option in reversed(warehouse_option_decorators()):
        func = option(func)
    return func


def group_warehouse_options() -> dict[str, Any]:
    """The warehouse options given before the command (`model-monitor --target prod ...`)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return {}
    return {k: v for k, v in ctx.find_root().params.items() if k in WAREHOUSE_OPTIONS}


def _resolve_warehouse_options(command: str, given: dict[str, Any]) -> dict[str, Any]:
    """Merge the command's warehouse options with the group's; the same option given on both
    sides with different values is an error, naming both."""
    before = group_warehouse_options()
    resolved = {}
    for key in WAREHOUSE_OPTIONS:
        mine, theirs = given.get(key), before.get(key)
        if mine is not None and theirs is not None and mine != theirs:
            option = "--" + key.replace("_", "-")
            fail(
                f"{option} is given twice with different values: {theirs} before "
                f"`{command}` and {mine} after it; give it once"
            )
        resolved[key] = mine if mine is not None else theirs
    if resolved["project_dir"] is None:
        resolved["project_dir"] = Path(".")
    return resolved


def warehouse_options(func: F) -> F:
    """Add --project-dir, --profiles-dir and --target, also accepted before the command."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        command = click.get_current_context().info_name or func.__name__
        given = {key: kwargs.pop(key) for key in WAREHOUSE_OPTIONS}
        return func(*args, **kwargs, **_resolve_warehouse_options(command, given))

    decorated: F = wrapper  # type: ignore[assignment]
    for option in reversed(warehouse_option_decorators()):
        decorated = option(decorated)
    return decorated


def monitor_option(func: F) -> F:
    """The --monitor option: one monitor by name."""
    return click.option(
        "--monitor", default=None, help="Only this monitor (default: every monitor)."
    )(func)


def timestamp_option(name: str, help_text: str) -> Callable[[F], F]:
    """A timestamp option (--window, --since, --until, --now) in the accepted formats."""
    return click.option(
        name, type=click.DateTime(formats=WINDOW_FORMATS), default=None, help=help_text
    )


def window_option(help_text: str) -> Callable[[F], F]:
    """The --window option (a window_start), with the command's own help."""
    return timestamp_option("--window", help_text)


def slices_option(default: bool, help_text: str) -> Callable[[F], F]:
    """The --slices/--no-slices switch, with the command's own default and help."""
    return click.option("--slices/--no-slices", default=default, show_default=True, help=help_text)


def format_option(choices: list[str], help_text: str | None = None) -> Callable[[F], F]:
    """The --format option (`output_format`); the first choice is the default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help_text,
    )


def view_options(func: F) -> F:
    """The options that choose what drift and performance show: monitor, window, slices, format."""
    options = [
        monitor_option,
        window_option(
            "The window_start to show, e.g. 2024-03-01 (default: the latest per monitor)."
        ),
        slices_option(False, "Also show every slice, not only the whole population."),
        format_option(["table", "json"]),
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
