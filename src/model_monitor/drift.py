"""Loading rows of the monitor_drift table, with p-values computed from their aggregates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from model_monitor.errors import ConfigError
from model_monitor.sql_values import (
    Queryable,
    as_datetime,
    as_float,
    as_int,
    as_str,
    sql_string,
    sql_timestamp,
    timestamp_text,
    validate_monitor_name,
)
from model_monitor.stats import chi_square_pvalue, ks_pvalue
from model_monitor.unmatched_filters import check_known_monitor, window_span

DRIFT_TABLE = "monitor_drift"

KEY_COLUMNS = (
    "monitor_name",
    "window_start",
    "window_end",
    "model_version",
    "slice_key",
    "slice_value",
    "column_name",
    "column_role",
    "column_kind",
    "reference_version",
)
COUNT_COLUMNS = ("reference_count", "current_count", "bin_count", "chi_square_dof")
STATISTIC_COLUMNS = (
    "psi",
    "chi_square",
    "js_distance",
    "hellinger",
    "tv_distance",
    "l_infinity",
    "ks_statistic",
    "wasserstein",
    "wasserstein_normed",
)
# Binned mode's guaranteed distance of each raw-value statistic from its exact value (0 if exact).
BOUND_COLUMNS = ("ks_error_bound", "wasserstein_error_bound", "wasserstein_normed_error_bound")
DRIFT_COLUMNS = KEY_COLUMNS + COUNT_COLUMNS + STATISTIC_COLUMNS + BOUND_COLUMNS + ("drift_method",)


@dataclass(frozen=True)
class DriftRow:
    """One row of monitor_drift: a column of one window, version and slice vs the reference."""

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
    psi: float | None
    chi_square: float | None
    js_distance: float | None
    hellinger: float | None
    tv_distance: float | None
    l_infinity: float | None
    ks_statistic: float | None
    wasserstein: float | None
    wasserstein_normed: float | None
    chi_square_pvalue: float | None
    ks_pvalue: float | None
    ks_error_bound: float | None = None
    wasserstein_error_bound: float | None = None
    wasserstein_normed_error_bound: float | None = None
    drift_method: str | None = None


def build_drift_sql(
    warehouse: Queryable,
    monitor: str | None = None,
    window: dt.datetime | dt.date | None = None,
    slices: bool = False,
) -> str:
    """Return the SELECT of load_drift: one window (the latest per monitor by default)."""
    relation = warehouse.relation(DRIFT_TABLE)
    q = warehouse.quote
    select = ", ".join(f"drift.{q(c)}" for c in DRIFT_COLUMNS)
    conditions = []
    if monitor is not None:
        name = sql_string(validate_monitor_name(monitor))
        conditions.append(f"drift.{q('monitor_name')} = {name}")
    if not slices:
        conditions.append(f"drift.{q('slice_key')} is null")
    if window is not None:
        conditions.append(f"drift.{q('window_start')} = {sql_timestamp(window)}")
        latest_join = ""
    else:
        latest_join = (
            f"\ninner join latest_windows"
            f"\n  on drift.{q('monitor_name')} = latest_windows.{q('monitor_name')}"
            f"\n  and drift.{q('window_start')} = latest_windows.latest_window_start"
        )
    where = ("\nwhere " + "\n  and ".join(conditions)) if conditions else ""
    sql = f"select {select}\nfrom {relation} as drift{latest_join}{where}"
    if window is None:
        latest = (
            f"with latest_windows as (\n"
            f"  select {q('monitor_name')}, max({q('window_start')}) as latest_window_start\n"
            f"  from {relation}\n"
            f"  group by {q('monitor_name')}\n"
            f")\n"
        )
        sql = latest + sql
    return sql


def _to_drift_row(record: dict[Any, Any]) -> DriftRow:
    """Build a DriftRow from one result row, computing its p-values."""
    f = {c: as_float(record[c]) for c in STATISTIC_COLUMNS}
    n = {c: as_int(record[c]) for c in COUNT_COLUMNS}
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
        psi=f["psi"],
        chi_square=f["chi_square"],
        js_distance=f["js_distance"],
        hellinger=f["hellinger"],
        tv_distance=f["tv_distance"],
        l_infinity=f["l_infinity"],
        ks_statistic=f["ks_statistic"],
        wasserstein=f["wasserstein"],
        wasserstein_normed=f["wasserstein_normed"],
        chi_square_pvalue=chi_square_pvalue(f["chi_square"], n["chi_square_dof"]),
        ks_pvalue=ks_pvalue(f["ks_statistic"], n["reference_count"], n["current_count"]),
        ks_error_bound=as_float(record["ks_error_bound"]),
        wasserstein_error_bound=as_float(record["wasserstein_error_bound"]),
        wasserstein_normed_error_bound=as_float(record["wasserstein_normed_error_bound"]),
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
    relation = warehouse.relation(DRIFT_TABLE)
    q = warehouse.quote
    if monitor is not None:
        check_known_monitor(warehouse, relation, monitor)
    if window is not None:
        where = f" where {q('monitor_name')} = {sql_string(monitor)}" if monitor else ""
        span = window_span(warehouse, relation, where)
        raise ConfigError(
            f"no window starts at {timestamp_text(window)}; {span}",
            monitor=monitor,
            key="window",
        )


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
