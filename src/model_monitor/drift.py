"""Loading rows of the monitor_drift table, with p-values computed from their aggregates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from model_monitor.sql_values import (
    Queryable,
    as_datetime,
    as_float,
    as_int,
    as_str,
    sql_timestamp,
)
from model_monitor.tables import names
from model_monitor.tables.pvalues import chi_square_pvalue, ks_pvalue
from model_monitor.tables.reader import Where, latest_windows_cte, select_sql
from model_monitor.tables.statistics import (
    BOUND_COLUMNS,
    CHI_SQUARE_PVALUE,
    KS_PVALUE,
    STATISTIC_COLUMNS,
)
from model_monitor.tables.unmatched import check_known_monitor, no_window_error

KEY_COLUMNS = (
    *names.WINDOW_KEY,
    "column_name",
    "column_role",
    "column_kind",
    "reference_version",
)
COUNT_COLUMNS = ("reference_count", "current_count", "bin_count", "chi_square_dof")
DRIFT_COLUMNS = KEY_COLUMNS + COUNT_COLUMNS + STATISTIC_COLUMNS + BOUND_COLUMNS + ("drift_method",)
# What a DriftRow holds beside its keys and counts, in this order: the statistics, their
# p-values (computed here), the binned mode's error bounds.
VALUE_NAMES = (*STATISTIC_COLUMNS, CHI_SQUARE_PVALUE.name, KS_PVALUE.name, *BOUND_COLUMNS)


@dataclass(frozen=True)
class DriftRow:
    """One row of monitor_drift: a column of one window, version and slice vs the reference.

    The statistics, p-values and error bounds (VALUE_NAMES) are read as attributes, e.g.
    `row.psi`, `row.ks_pvalue`; `as_record()` is the row as JSON shows it.
    """

    monitor_name: str
    window_start: dt.datetime | None
    window_end: dt.datetime | None
    model_version: str | None
    slice_key: str | None
    slice_value: str | None
    column_name: str
    column_role: str | None
    column_kind: str | None
    reference_version: str | None
    reference_count: int | None
    current_count: int | None
    bin_count: int | None
    chi_square_dof: int | None
    values: Mapping[str, float | None] = field(default_factory=dict)
    drift_method: str | None = None

    def __getattr__(self, name: str) -> Any:
        """A statistic, p-value or error bound by name (None when the row has none)."""
        if name in VALUE_NAMES:
            return self.values.get(name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def as_record(self) -> dict[str, Any]:
        """Return the row's fields, its values flattened in VALUE_NAMES' order before the
        drift method: the JSON of `model-monitor drift --format json`."""
        record = {f.name: getattr(self, f.name) for f in fields(self)[:-2]}
        record |= {name: self.values.get(name) for name in VALUE_NAMES}
        record["drift_method"] = self.drift_method
        return record


def build_drift_sql(
    warehouse: Queryable,
    monitor: str | None = None,
    window: dt.datetime | dt.date | None = None,
    slices: bool = False,
) -> str:
    """Return the SELECT of load_drift: one window (the latest per monitor by default)."""
    relation = warehouse.relation(names.DRIFT)
    q = warehouse.quote
    where = Where(warehouse, "drift")
    conditions = [*where.monitor(monitor), *where.whole_unless(slices)]
    if window is not None:
        conditions.append(f"drift.{q('window_start')} = {sql_timestamp(window)}")
        return select_sql(warehouse, relation, DRIFT_COLUMNS, conditions, alias="drift")
    latest = latest_windows_cte(warehouse, relation)
    latest_join = (
        f"inner join latest_windows\n"
        f"  on drift.{q('monitor_name')} = latest_windows.{q('monitor_name')}\n"
        f"  and drift.{q('window_start')} = latest_windows.latest_window_start"
    )
    return latest + select_sql(
        warehouse, relation, DRIFT_COLUMNS, conditions, alias="drift", join=latest_join
    )


def _to_drift_row(record: dict[Any, Any]) -> DriftRow:
    """Build a DriftRow from one result row, computing its p-values."""
    n = {c: as_int(record[c]) for c in COUNT_COLUMNS}
    values = {c: as_float(record[c]) for c in (*STATISTIC_COLUMNS, *BOUND_COLUMNS)}
    values[CHI_SQUARE_PVALUE.name] = chi_square_pvalue(values["chi_square"], n["chi_square_dof"])
    values[KS_PVALUE.name] = ks_pvalue(
        values["ks_statistic"], n["reference_count"], n["current_count"]
    )
    return DriftRow(
        monitor_name=str(record["monitor_name"]),
        window_start=as_datetime(record["window_start"]),
        window_end=as_datetime(record["window_end"]),
        model_version=as_str(record["model_version"]),
        slice_key=as_str(record["slice_key"]),
        slice_value=as_str(record["slice_value"]),
        column_name=str(record["column_name"]),
        column_role=as_str(record["column_role"]),
        column_kind=as_str(record["column_kind"]),
        reference_version=as_str(record["reference_version"]),
        reference_count=n["reference_count"],
        current_count=n["current_count"],
        bin_count=n["bin_count"],
        chi_square_dof=n["chi_square_dof"],
        values={name: values[name] for name in VALUE_NAMES},
        drift_method=as_str(record["drift_method"]),
    )


def severity_order(row: DriftRow) -> tuple[Any, ...]:
    """Sort key: highest PSI first, rows without PSI last, then by monitor, window, slice."""
    return (
        row.psi is None,
        -(row.psi or 0.0),
        row.monitor_name,
        row.window_start or dt.datetime.min,
        row.model_version or "",
        row.slice_key or "",
        row.slice_value or "",
        row.column_name,
    )


def _explain_empty(
    warehouse: Queryable, monitor: str | None, window: dt.datetime | dt.date | None
) -> None:
    """Raise a ConfigError naming what exists when a filter on monitor or window matched nothing."""
    relation = warehouse.relation(names.DRIFT)
    if monitor is not None:
        check_known_monitor(warehouse, relation, monitor)
    if window is not None:
        conditions = Where(warehouse).monitor(monitor)
        raise no_window_error(warehouse, relation, window, conditions, monitor)


def load_drift(
    warehouse: Queryable,
    monitor: str | None = None,
    window: dt.datetime | dt.date | None = None,
    slices: bool = False,
    min_psi: float | None = None,
) -> list[DriftRow]:
    """Return drift rows of one window (latest per monitor by default), highest PSI first."""
    frame = warehouse.query(build_drift_sql(warehouse, monitor, window, slices))
    rows = [_to_drift_row(record) for record in frame.to_dict("records")]
    if not rows and (monitor is not None or window is not None):
        _explain_empty(warehouse, monitor, window)
    if min_psi is not None:
        rows = [r for r in rows if r.psi is not None and r.psi >= min_psi]
    return sorted(rows, key=severity_order)
