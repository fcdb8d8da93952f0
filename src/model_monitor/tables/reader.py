"""Every SELECT over the published tables: built here, through the user's dbt adapter.

`select_sql` and `read` are the one way to read a table: identifiers quoted by the adapter, an
optional table (an older package, a disabled model) read as absent instead of failing, and the
WHERE clauses the readers share built by `Where`. `typed` gives a frame the same column types
on every engine.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

from model_monitor.errors import WarehouseError
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


def optional_relation(warehouse: Queryable, table: str) -> str | None:
    """Return a table's relation, or None when the project does not build it."""
    try:
        return warehouse.relation(table)
    except WarehouseError:
        return None


def select_sql(
    warehouse: Queryable,
    relation: str,
    columns: Iterable[str],
    conditions: Iterable[str] = (),
    alias: str | None = None,
    join: str = "",
) -> str:
    """Return `select columns from relation [as alias] [join] where conditions` (columns
    quoted; `join` is a whole join clause, e.g. onto a CTE the caller puts before this)."""
    q = warehouse.quote
    prefix = f"{alias}." if alias else ""
    names = dict.fromkeys(columns)  # once each, in order
    select = ", ".join(f"{prefix}{q(c)} as {q(c)}" if alias else q(c) for c in names)
    source = (f"{relation} as {alias}" if alias else relation) + (f"\n{join}" if join else "")
    where = list(conditions)
    return f"select {select}\nfrom {source}" + (
        "\nwhere " + "\n  and ".join(where) if where else ""
    )


def read(
    warehouse: Queryable,
    table: str,
    columns: Iterable[str],
    conditions: Iterable[str] = (),
    alias: str | None = None,
) -> pd.DataFrame:
    """Return the chosen columns of a table's rows matching every condition."""
    return warehouse.query(
        select_sql(warehouse, warehouse.relation(table), columns, conditions, alias)
    )


class Where:
    """The WHERE clauses the readers share, quoted for the warehouse (optionally per alias)."""

    def __init__(self, warehouse: Queryable, alias: str | None = None) -> None:
        quote = warehouse.quote
        prefix = f"{alias}." if alias else ""
        self.q: Callable[[str], str] = lambda name: prefix + quote(name)

    def monitor(self, name: str | None) -> list[str]:
        """Only this monitor (no condition for None)."""
        if name is None:
            return []
        return [f"{self.q('monitor_name')} = {sql_string(validate_monitor_name(name))}"]

    def whole(self) -> list[str]:
        """The whole population, not the slices."""
        return [f"{self.q('slice_key')} is null"]

    def slices(self) -> list[str]:
        """The slices only."""
        return [f"{self.q('slice_key')} is not null"]

    def whole_unless(self, slices: bool) -> list[str]:
        """The whole population, or every slice too when `slices`."""
        return [] if slices else self.whole()

    def current(self) -> list[str]:
        """Current windows, not the reference's rows."""
        return [f"{self.q('window_kind')} = 'current'"]

    def since(self, start: dt.datetime | None, with_reference: bool = False) -> list[str]:
        """Windows starting at `start` or later (and the reference's rows, when asked)."""
        if start is None:
            return []
        current = f"{self.q('window_start')} >= {sql_timestamp(start)}"
        if not with_reference:
            return [current]
        return [f"({self.q('window_kind')} = 'reference' or {current})"]

    def windows(
        self, chosen: Mapping[str, Iterable[dt.datetime]], with_reference: bool = False
    ) -> list[str]:
        """Rows of the chosen window starts per monitor (and the reference's, when asked);
        false when nothing is chosen."""
        q = self.q
        parts = [
            f"({q('monitor_name')} = {sql_string(name)} and "
            f"{q('window_start')} in ({', '.join(sql_timestamp(s) for s in starts)}))"
            for name, starts in sorted((n, sorted(set(s))) for n, s in chosen.items())
            if starts
        ]
        if with_reference:
            parts.append(f"{q('window_kind')} = 'reference'")
        return [f"({' or '.join(parts)})" if parts else "(1 = 0)"]

    def ranges(self, ranges: Mapping[str, tuple[dt.datetime, dt.datetime]]) -> list[str]:
        """Rows whose window starts in [low, high] of their monitor."""
        q = self.q
        parts = [
            f"({q('monitor_name')} = {sql_string(name)} and {q('window_start')} >= "
            f"{sql_timestamp(low)} and {q('window_start')} <= {sql_timestamp(high)})"
            for name, (low, high) in sorted(ranges.items())
        ]
        return ["(" + " or ".join(parts) + ")"]

    def values(self, column: str, values: Sequence[str]) -> list[str]:
        """The column is one of these strings."""
        return [f"{self.q(column)} in ({', '.join(sql_string(v) for v in values)})"]


class TableReader:
    """Reads tables into typed frames, reporting progress and remembering absent tables."""

    def __init__(self, warehouse: Queryable, progress: Progress | None = None) -> None:
        self.warehouse = warehouse
        self.progress = progress or (lambda _message: None)
        self.missing: list[str] = []

    def select(
        self, table: str, columns: Sequence[str], conditions: Sequence[str], what: str = ""
    ) -> pd.DataFrame:
        """Return monitor_name and the chosen columns, typed; an empty frame when absent."""
        names = ("monitor_name", *columns)
        relation = optional_relation(self.warehouse, table)
        if relation is None:
            # An optional table (older package, disabled model): its section says so.
            self.missing.append(table)
            return typed(pd.DataFrame({name: [] for name in names}))
        started = time.perf_counter()
        frame = self.warehouse.query(select_sql(self.warehouse, relation, names, conditions))
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


def distinct_values(
    warehouse: Queryable, relation: str, column: str, conditions: Iterable[str] = ()
) -> list[str]:
    """Return the distinct non-NULL values of a column as sorted text."""
    where = list(conditions)
    sql = f"select distinct {warehouse.quote(column)} from {relation}" + (
        " where " + " and ".join(where) if where else ""
    )
    frame = warehouse.query(sql)
    return sorted(str(v) for v in frame.iloc[:, 0] if not is_missing(v))


def latest_windows_cte(warehouse: Queryable, relation: str, conditions: Iterable[str] = ()) -> str:
    """Return `with latest_windows as (...)`: each monitor's newest window_start (as
    latest_window_start) among the rows matching the conditions, for a SELECT to join."""
    q = warehouse.quote
    where = list(conditions)
    return (
        f"with latest_windows as (\n"
        f"  select {q('monitor_name')}, max({q('window_start')}) as latest_window_start\n"
        f"  from {relation}\n"
        + (f"  where {' and '.join(where)}\n" if where else "")
        + f"  group by {q('monitor_name')}\n"
        f")\n"
    )


def window_spans_sql(warehouse: Queryable, relation: str, conditions: Iterable[str] = ()) -> str:
    """Return the SELECT of each monitor's first_window_start, latest_window_start and
    latest_window_end among the rows matching the conditions."""
    q = warehouse.quote
    where = list(conditions)
    return (
        f"select {q('monitor_name')} as monitor_name, "
        f"min({q('window_start')}) as first_window_start, "
        f"max({q('window_start')}) as latest_window_start, "
        f"max({q('window_end')}) as latest_window_end\n"
        f"from {relation}\n"
        + (f"where {' and '.join(where)}\n" if where else "")
        + f"group by {q('monitor_name')}"
    )
