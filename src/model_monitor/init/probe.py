"""The queries guessing needs beyond the table profiles: distinct values and time ranges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from model_monitor.init.introspect import (
    ColumnProfile,
    Introspectable,
    TableProfile,
    time_range,
    with_values,
)


class Probe(Protocol):
    """The queries guessing may need beyond the profiles."""

    def values(self, table: TableProfile, column: ColumnProfile | None) -> ColumnProfile | None:
        """Return the column with its distinct values when the sample has few."""
        ...

    def time_range(
        self, table: TableProfile, column: str
    ) -> tuple[dt.datetime, dt.datetime] | None:
        """Return the first and last value of a timestamp column."""
        ...


@dataclass
class WarehouseProbe:
    """A Probe over a warehouse, sampling as the profiles did."""

    warehouse: Introspectable
    sample_rows: int

    def values(self, table: TableProfile, column: ColumnProfile | None) -> ColumnProfile | None:
        """Return the column with its distinct values listed when few."""
        return with_values(self.warehouse, table, column, self.sample_rows)

    def time_range(
        self, table: TableProfile, column: str
    ) -> tuple[dt.datetime, dt.datetime] | None:
        """Return the first and last value of a timestamp column (a full min/max)."""
        return time_range(self.warehouse, table, column)
