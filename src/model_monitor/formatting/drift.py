"""The `model-monitor drift` table: one row per column, PSI coloured by severity."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from model_monitor.drift import DriftRow
from model_monitor.formatting.values import (
    format_number,
    format_pvalue,
    format_slice,
    format_window,
)

# Common rule of thumb for PSI: below 0.1 stable, 0.1-0.25 moderate shift, above 0.25 major shift.
PSI_MODERATE = 0.1
PSI_MAJOR = 0.25


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


def format_ks(row: DriftRow) -> str:
    """The KS statistic, with its error bound when it was binned (exact rows carry 0)."""
    if row.ks_statistic is not None and row.ks_error_bound:
        return f"{format_number(row.ks_statistic)} ±{format_number(row.ks_error_bound)}"
    return format_number(row.ks_statistic)


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
        "KS": format_ks,
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
