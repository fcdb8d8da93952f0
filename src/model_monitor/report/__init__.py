"""`model-monitor report`: one self-contained HTML file of every monitor's figures.

load.py reads the aggregate tables, figures_*.py build Plotly figures, overview.py the
per-monitor summary, render.py fills templates/report.html.j2 with plotly.js embedded once.
Plotly and Jinja2 come with the `report` extra and are imported only when a report is built.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model_monitor.errors import ModelMonitorError
from model_monitor.report.data import ReportOptions

__all__ = ["MissingDependencyError", "ReportOptions", "ReportResult", "write_report"]


class MissingDependencyError(ModelMonitorError):
    """A library the report needs is not installed."""


@dataclass(frozen=True)
class ReportResult:
    """What write_report wrote."""

    path: Path
    size_bytes: int
    monitors: tuple[str, ...]
    chart_count: int
    seconds: float


def _require_plotting() -> None:
    """Raise MissingDependencyError naming the extra when plotly or jinja2 is missing."""
    import importlib.util

    missing = [name for name in ("plotly", "jinja2") if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingDependencyError(
            f"the report needs {' and '.join(missing)}: pip install 'dbt-model-monitor[report]'",
            key="report",
        )


def write_report(
    warehouse: Any,
    out: Path,
    options: ReportOptions,
    progress: Callable[[str], None] | None = None,
) -> ReportResult:
    """Read the monitors' tables, build the figures and write one HTML file to `out`."""
    _require_plotting()
    from model_monitor.report.load import load_report_data
    from model_monitor.report.render import render_report
    from model_monitor.report.thresholds import default_thresholds

    started = time.perf_counter()
    data = load_report_data(warehouse, options, progress)
    html, charts = render_report(data, default_thresholds(), progress)
    out = Path(out)
    if out.parent != Path(""):
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return ReportResult(
        path=out,
        size_bytes=out.stat().st_size,
        monitors=tuple(m.name for m in data.monitors),
        chart_count=charts,
        seconds=time.perf_counter() - started,
    )
