"""The report's SELECTs: shared WHERE clauses, and frames typed the same on every engine."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence

import pandas as pd

from model_monitor.errors import WarehouseError
from model_monitor.report.data import ReportOptions
from model_monitor.sql_values import (
    Queryable,
    is_missing,
    sql_string,
    sql_timestamp,
    validate_monitor_name,
)

Progress = Callable[[str], None]

TIME_COLUMNS = frozenset({"window_start", "window_end"})
TEXT_COLUMNS = frozenset(
    {
        "monitor_name",
        "window_kind",
        "model_version",
        "slice_key",
        "slice_value",
        "column_name",
        "column_role",
        "column_kind",
        "bin_type",
        "bin_label",
        "metric_source",
        "metric_name",
        "min_slice_value",
        "max_slice_value",
    }
)


class TableReader:
    """Runs the report's SELECTs, reporting progress and remembering tables that are absent."""

    def __init__(self, warehouse: Queryable, progress: Progress | None) -> None:
        self.warehouse = warehouse
        self.progress = progress or (lambda _message: None)
        self.missing: list[str] = []

    def select(
        self, table: str, columns: Sequence[str], conditions: Sequence[str], what: str = ""
    ) -> pd.DataFrame:
        """Return the chosen columns of a table's rows; an empty frame when it is absent."""
        names = ("monitor_name", *columns)
        try:
            relation = self.warehouse.relation(table)
        except WarehouseError:
            # An optional table (older package, disabled model): its section says so.
            self.missing.append(table)
            return typed(pd.DataFrame({name: [] for name in names}))
        q = self.warehouse.quote
        where = ("\nwhere " + "\n  and ".join(conditions)) if conditions else ""
        sql = f"select {', '.join(q(c) for c in names)}\nfrom {relation}{where}"
        started = time.perf_counter()
        frame = self.warehouse.query(sql)
        frame.columns = [str(c).lower() for c in frame.columns]
        label = f"{table} ({what})" if what else table
        self.progress(f"read {label}: {len(frame):,} rows ({time.perf_counter() - started:.1f}s)")
        return typed(frame)


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return frame with naive timestamps, text as objects (None for NULL), the rest as floats."""
    frame = frame.copy()
    for name in frame.columns:
        if name in TIME_COLUMNS:
            values = pd.to_datetime(frame[name], utc=True).dt.tz_localize(None)
            frame[name] = values.astype("datetime64[ns]")
        elif name in TEXT_COLUMNS:
            # object, not pandas' string dtype, which would turn None back into NaN
            values = [None if is_missing(v) else str(v) for v in frame[name]]
            frame[name] = pd.Series(values, index=frame.index, dtype=object)
        else:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    return frame


class QueryConditions:
    """The WHERE clauses the report's queries share, quoted for the warehouse."""

    def __init__(self, warehouse: Queryable, options: ReportOptions) -> None:
        self.q = warehouse.quote
        self.options = options

    def monitor(self) -> list[str]:
        """Only the chosen monitor."""
        if self.options.monitor is None:
            return []
        name = sql_string(validate_monitor_name(self.options.monitor))
        return [f"{self.q('monitor_name')} = {name}"]

    def whole(self) -> list[str]:
        """The whole population, not the slices."""
        return [f"{self.q('slice_key')} is null"]

    def slices(self) -> list[str]:
        """The slices only."""
        return [f"{self.q('slice_key')} is not null"]

    def since(self, with_reference: bool = False) -> list[str]:
        """Windows starting at `since` or later (and the reference's rows, when asked)."""
        if self.options.since is None:
            return []
        current = f"{self.q('window_start')} >= {sql_timestamp(self.options.since)}"
        if not with_reference:
            return [current]
        return [f"({self.q('window_kind')} = 'reference' or {current})"]

    def windows(self, chosen: dict[str, list[dt.datetime]], with_reference: bool) -> list[str]:
        """Rows of the chosen windows per monitor (and the reference's, when asked)."""
        q = self.q
        parts = [
            f"({q('monitor_name')} = {sql_string(name)} and "
            f"{q('window_start')} in ({', '.join(sql_timestamp(s) for s in starts)}))"
            for name, starts in sorted(chosen.items())
            if starts
        ]
        if with_reference:
            parts.append(f"{q('window_kind')} = 'reference'")
        return [f"({' or '.join(parts)})" if parts else "1 = 0"]

    def values(self, column: str, values: Sequence[str]) -> list[str]:
        """The column is one of these strings."""
        return [f"{self.q(column)} in ({', '.join(sql_string(v) for v in values)})"]
