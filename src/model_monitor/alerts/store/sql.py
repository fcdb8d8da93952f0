"""What the store needs of a warehouse, and the typed literals and chunks its SQL is built from."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

import pandas as pd

from model_monitor.alerts.store.records import naive_utc

# Rows per INSERT statement and values per IN list: keeps statements well under engine limits.
CHUNK = 200


class SqlWarehouse(Protocol):
    """What the store needs of a warehouse (model_monitor.warehouse.Warehouse has it)."""

    adapter_type: str

    @property
    def target_schema(self) -> str: ...

    def query(self, sql: str) -> pd.DataFrame: ...

    def execute(self, *statements: str) -> None: ...

    def quote(self, identifier: str) -> str: ...

    def table_relation(self, identifier: str, schema: str | None = None) -> str: ...

    def ensure_schema(self, schema: str) -> None: ...

    def column_type(self, kind: str) -> str: ...

    def string_literal(self, value: str) -> str: ...


class SqlLiterals:
    """Literals typed for one warehouse: every value cast to its column's kind."""

    def __init__(self, warehouse: SqlWarehouse) -> None:
        self.warehouse = warehouse
        self.types = {
            kind: warehouse.column_type(kind)
            for kind in ("string", "double", "timestamp", "integer")
        }

    def literal(self, value: Any, kind: str) -> str:
        """A typed literal: every value is cast, so NULLs and VALUES rows type alike."""
        sql_type = self.types[kind]
        if value is None or (isinstance(value, float) and math.isnan(value) and kind != "double"):
            return f"cast(null as {sql_type})"
        if kind == "string":
            return f"cast({self.warehouse.string_literal(str(value))} as {sql_type})"
        if kind == "timestamp":
            text = naive_utc(value).isoformat(sep=" ", timespec="microseconds")
            return f"cast({self.warehouse.string_literal(text)} as {sql_type})"
        if kind == "integer":
            return f"cast({int(value)} as {sql_type})"
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            text = "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")
            return f"cast({self.warehouse.string_literal(text)} as {sql_type})"
        return f"cast({number!r} as {sql_type})"

    def strings(self, values: Iterable[str]) -> str:
        """Return string literals, comma separated (an IN list's body)."""
        return ", ".join(self.warehouse.string_literal(v) for v in values)


def chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """Yield the items in runs of at most CHUNK."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
