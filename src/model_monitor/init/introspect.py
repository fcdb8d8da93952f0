"""Profiles of a table's columns for `model-monitor init`: types and cheap sample statistics."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from model_monitor.errors import WarehouseError
from model_monitor.sql_values import as_datetime, as_int, as_str

# Statistics come from the first rows a table returns, never from a full scan.
SAMPLE_ROWS = 10_000
# Distinct values fetched for a column with at most this many in the sample.
MAX_LISTED_VALUES = 20

# The package's `_type_kind` (dbt_project/macros/config/_relation_columns.sql), same patterns.
NUMERIC_TYPE = re.compile(
    r"^(u?(tiny|small|big|huge)?int(eger)?[0-9]*|int[0-9]+|double( precision)?|float[0-9]*|real"
    r"|numeric|decimal|number|bignumeric|long|short|byte)( *[(].*[)])?$"
)
TEXT_TYPE = re.compile(
    r"^(character varying|varchar|nvarchar|char|character|bpchar|text|string|bool|boolean|uuid"
    r"|enum)( *[(].*[)])?$"
)


def type_kind(data_type: str) -> str:
    """Return numerical, categorical, temporal or other for a warehouse type, like the package."""
    t = str(data_type).lower().strip()
    if "timestamp" in t or t in ("date", "datetime"):
        return "temporal"
    if NUMERIC_TYPE.match(t):
        return "numerical"
    if TEXT_TYPE.match(t):
        return "categorical"
    return "other"


class Introspectable(Protocol):
    """What profiling needs of a warehouse (model_monitor.warehouse.Warehouse has it)."""

    def columns(self, name: str) -> list[tuple[str, str]]:
        """Return (column name, data type) of each column."""
        ...

    def existing_relation(self, name: str) -> str:
        """Return the quoted relation of '[database.]schema.table'."""
        ...

    def quote(self, identifier: str) -> str:
        """Return an identifier quoted for the engine."""
        ...

    def query(self, sql: str) -> pd.DataFrame:
        """Run one SELECT."""
        ...


@dataclass(frozen=True)
class ColumnProfile:
    """A column's type and what the sample says about it (None: not measured)."""

    name: str
    data_type: str
    kind: str
    non_null: int | None = None
    distinct: int | None = None
    in_unit_interval: int | None = None  # numerical: values within [0, 1]
    values: tuple[str, ...] | None = None  # the distinct values, when few

    @property
    def measured(self) -> bool:
        """Whether the sample statistics are known."""
        return self.non_null is not None


@dataclass
class TableProfile:
    """A table as the configuration names it, its quoted relation, and its columns."""

    name: str
    relation: str
    columns: list[ColumnProfile]
    sampled_rows: int | None = None
    unmeasured: list[str] = field(default_factory=list)  # names that cannot be quoted

    def get(self, name: str | None) -> ColumnProfile | None:
        """Return the column of that exact name, or None."""
        return next((c for c in self.columns if c.name == name), None)

    @property
    def names(self) -> list[str]:
        """Return the column names in table order."""
        return [c.name for c in self.columns]


def _quoted(warehouse: Introspectable, name: str) -> str | None:
    """Return a quoted identifier, or None when the adapter cannot quote it safely."""
    try:
        return warehouse.quote(name)
    except WarehouseError:
        return None


def _sample(relation: str, rows: int) -> str:
    """Return a subquery of the table's first rows."""
    return f"(select * from {relation} limit {int(rows)}) as sampled"


def _measure(
    warehouse: Introspectable, relation: str, columns: list[ColumnProfile], rows: int
) -> tuple[int | None, dict[str, dict[str, int | None]]]:
    """Return the sample's row count and, per measurable column, its counts (one query)."""
    parts = ["count(*) as n_rows"]
    measured: dict[str, tuple[int, str]] = {}
    for position, column in enumerate(columns):
        quoted = _quoted(warehouse, column.name)
        if quoted is None or column.kind not in ("numerical", "categorical"):
            continue
        measured[column.name] = (position, quoted)
        parts += [f"count({quoted}) as c{position}_n", f"count(distinct {quoted}) as c{position}_d"]
        if column.kind == "numerical":
            # NaN and infinities fall outside [0, 1] on every engine, NULL is not counted.
            parts.append(
                f"sum(case when {quoted} >= 0 and {quoted} <= 1 then 1 else 0 end) as c{position}_u"
            )
    frame = warehouse.query(f"select {', '.join(parts)}\nfrom {_sample(relation, rows)}")
    record: dict[Any, Any] = frame.to_dict("records")[0] if len(frame) else {}
    stats = {
        name: {
            "non_null": as_int(record.get(f"c{position}_n")),
            "distinct": as_int(record.get(f"c{position}_d")),
            "in_unit_interval": as_int(record.get(f"c{position}_u")),
        }
        for name, (position, _) in measured.items()
    }
    return as_int(record.get("n_rows")), stats


def profile_table(
    warehouse: Introspectable, name: str, sample_rows: int = SAMPLE_ROWS
) -> TableProfile:
    """Return a table's columns with their kinds and counts over its first `sample_rows` rows."""
    relation = warehouse.existing_relation(name)
    columns = [ColumnProfile(n, t, type_kind(t)) for n, t in warehouse.columns(name)]
    if not columns:
        raise WarehouseError(f"relation '{name}' has no columns", key="relation", obj=name)
    rows, stats = _measure(warehouse, relation, columns, sample_rows)
    profiled = [
        dataclasses.replace(
            c,
            non_null=stats[c.name]["non_null"],
            distinct=stats[c.name]["distinct"],
            in_unit_interval=stats[c.name]["in_unit_interval"],
        )
        if c.name in stats
        else c
        for c in columns
    ]
    unmeasured = [
        c.name for c in columns if c.kind in ("numerical", "categorical") and c.name not in stats
    ]
    return TableProfile(name, relation, profiled, rows, unmeasured)


def with_values(
    warehouse: Introspectable,
    table: TableProfile,
    column: ColumnProfile | None,
    sample_rows: int = SAMPLE_ROWS,
) -> ColumnProfile | None:
    """Return the column with its distinct values listed, when the sample has few of them."""
    if column is None or column.distinct is None or column.distinct > MAX_LISTED_VALUES:
        return column
    quoted = _quoted(warehouse, column.name)
    if quoted is None:
        return column
    frame = warehouse.query(
        f"select distinct {quoted} as v\nfrom {_sample(table.relation, sample_rows)}\n"
        f"where {quoted} is not null"
    )
    values = sorted({_value_text(v) for v in frame["v"]}, key=str)
    listed = dataclasses.replace(column, values=tuple(values))
    table.columns = [listed if c.name == column.name else c for c in table.columns]
    return listed


def _value_text(value: Any) -> str:
    """Return a value as the package compares it: text, booleans lower-case."""
    if isinstance(value, bool):
        return str(value).lower()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _value_text(value.item())
    return str(as_str(value))


def time_range(
    warehouse: Introspectable, table: TableProfile, column: str
) -> tuple[dt.datetime, dt.datetime] | None:
    """Return the earliest and latest value of a timestamp column (None for an empty table)."""
    quoted = _quoted(warehouse, column)
    if quoted is None:
        return None
    frame = warehouse.query(
        f"select min({quoted}) as first_value, max({quoted}) as last_value from {table.relation}"
    )
    if not len(frame):
        return None
    first, last = (as_datetime(frame.iloc[0][c]) for c in ("first_value", "last_value"))
    return (first, last) if first is not None and last is not None else None


def text_type(warehouse: Introspectable) -> str:
    """Return the engine's text type, for casts (varchar where the warehouse cannot say)."""
    column_type = getattr(warehouse, "column_type", None)
    return str(column_type("string")) if callable(column_type) else "varchar"


def is_positive_sql(expression: str, positive_values: tuple[str, ...], text: str) -> str:
    """Return SQL true when a value reads as positive, as the package's `_binary_class` reads it:
    its text, lower-cased, is one of the positive values."""
    listed = ", ".join("'" + v.lower().replace("'", "''") + "'" for v in positive_values)
    return f"lower(cast({expression} as {text})) in ({listed})"


def count_where(
    warehouse: Introspectable, rows: str, condition: str, among: str
) -> tuple[int, int]:
    """Return how many rows of a subquery satisfy `among`, and how many of those `condition`."""
    frame = warehouse.query(
        f"select count(*) as n_rows, sum(case when {condition} then 1 else 0 end) as n_hits\n"
        f"from {rows}\nwhere {among}"
    )
    record: dict[Any, Any] = frame.to_dict("records")[0] if len(frame) else {}
    return as_int(record.get("n_rows")) or 0, as_int(record.get("n_hits")) or 0


def kth_largest(
    warehouse: Introspectable, rows: str, column: str, among: str, k: int
) -> float | None:
    """Return the k-th largest value of a column among a subquery's rows (the least if fewer)."""
    frame = warehouse.query(
        f"select min(v) as kth_value from (\n"
        f"  select {column} as v, row_number() over (order by {column} desc) as value_rank\n"
        f"  from {rows}\n  where {among}\n) as ranked\nwhere value_rank <= {int(k)}"
    )
    value = frame.iloc[0]["kth_value"] if len(frame) else None
    return float(value) if value is not None and value == value else None
