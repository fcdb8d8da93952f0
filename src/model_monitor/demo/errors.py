"""The demo's errors: each says which step failed and what to do."""

from __future__ import annotations

from pathlib import Path

from model_monitor.errors import ModelMonitorError


class DemoError(ModelMonitorError):
    """The demo could not run; the message says which step and what to do."""


class PackageNotFoundError(DemoError):
    """The dbt package `model_monitor` is not next to the installed sources."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"demo: the dbt package was not found at {path} "
            "(the demo runs from a source checkout: install it with `pip install -e .`)"
        )
        self.path = path


class DbtCommandError(DemoError):
    """A dbt command failed; `nodes` names the failing nodes, if dbt got that far."""

    def __init__(self, command: str, nodes: list[str], detail: str, log_path: Path) -> None:
        where = f" in {', '.join(nodes)}" if nodes else ""
        super().__init__(f"demo: `dbt {command}` failed{where}: {detail} (log: {log_path})")
        self.command = command
        self.nodes = nodes
        self.detail = detail
        self.log_path = log_path


class DemoOutputError(DemoError):
    """dbt succeeded but the expected table is not in the warehouse."""
