"""Rendering records for people (rich tables) and for programs (JSON)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Callable, Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from model_monitor.drift import DriftRow

# Common rule of thumb for PSI: below 0.1 stable, 0.1-0.25 moderate shift, above 0.25 major shift.
PSI_MODERATE = 0.1
PSI_MAJOR = 0.25


def to_jsonable(value: Any) -> Any:
    """Return value with datetimes as ISO strings and NaN or infinities as None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        return to_jsonable(value.item())
    return value


def to_json(records: Sequence[Any]) -> str:
    """Return records as a JSON list of objects (NaN becomes null)."""
    return json.dumps(to_jsonable(list(records)), indent=2, allow_nan=False)


def format_number(value: float | int | None, digits: int = 4) -> str:
    """Return a number with a fixed count of decimals, '-' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def format_pvalue(value: float | None) -> str:
    """Return a p-value readably: 3 significant digits, '<1e-16' below float resolution."""
    if value is None or math.isnan(value):
        return "-"
    if value < 1e-16:
        return "<1e-16"
    return f"{value:.3g}"


def format_window(start: dt.datetime | None) -> str:
    """Return a window start as a date, or a date and time when it is not midnight."""
    if start is None:
        return "-"
    if start.time() == dt.time() and start.tzinfo is None:
        return start.date().isoformat()
    return start.isoformat(sep=" ", timespec="minutes")


def format_slice(row: DriftRow) -> str:
    """Return 'all' for the whole population, else key=value."""
    if row.slice_key is None:
        return "all"
    return f"{row.slice_key}={'NULL' if row.slice_value is None else row.slice_value}"


def psi_style(psi: float | None) -> str:
    """Return the rich style for a PSI by its severity."""
    if psi is None:
        return "dim"
    if psi >= PSI_MAJOR:
        return "bold red"
    if psi >= PSI_MODERATE:
        return "yellow"
    return "green"


# Left out first when the table does not fit: JSON output keeps every statistic.
SECONDARY_COLUMNS = ("JS dist", "KS")


def _drift_cells(rows: Sequence[DriftRow]) -> dict[str, Callable[[DriftRow], str | Text]]:
    """Return the table's columns: header -> cell of a row; empty columns are left out."""
    cells: dict[str, Callable[[DriftRow], str | Text]] = {
        "monitor": lambda r: r.monitor_name,
        "window": lambda r: format_window(r.window_start),
    }
    if any(r.model_version is not None for r in rows):
        cells["version"] = lambda r: r.model_version or "-"
    if any(r.slice_key is not None for r in rows):
        cells["slice"] = format_slice
    cells |= {
        "column": lambda r: r.column_name,
        "ref n": lambda r: format_number(r.reference_count),
        "cur n": lambda r: format_number(r.current_count),
        "PSI": lambda r: Text(format_number(r.psi), style=psi_style(r.psi)),
        "JS dist": lambda r: format_number(r.js_distance),
        "chi2 p": lambda r: format_pvalue(r.chi_square_pvalue),
        "KS": lambda r: format_number(r.ks_statistic),
        "KS p": lambda r: format_pvalue(r.ks_pvalue),
    }
    return cells


def _build_drift_table(rows: Sequence[DriftRow], leave_out: Sequence[str] = ()) -> Table:
    """Return the rich table of drift rows without the named columns."""
    table = Table(
        title="Drift vs reference",
        caption=f"PSI >= {PSI_MODERATE}: moderate shift, >= {PSI_MAJOR}: major shift",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    cells = {h: c for h, c in _drift_cells(rows).items() if h not in leave_out}
    for header in cells:
        if header in ("monitor", "window", "version", "slice", "column"):
            table.add_column(header, overflow="fold")
        else:
            table.add_column(header, justify="right", no_wrap=True)
    for row in rows:
        table.add_row(*(cell(row) for cell in cells.values()))
    return table


def drift_table(rows: Sequence[DriftRow], width: int | None = None) -> Table:
    """Return a rich table of drift rows in the order given, fitted to width if one is given."""
    table = _build_drift_table(rows)
    if width is not None:
        needed = Console(width=10_000).measure(table).maximum
        if needed > width:
            table = _build_drift_table(rows, leave_out=SECONDARY_COLUMNS)
    return table
