"""Which windows to evaluate: each monitor's grain, first and newest window, and the chosen ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from model_monitor.errors import ConfigError
from model_monitor.sql_values import (
    Queryable,
    as_datetime,
    timestamp_text,
)
from model_monitor.tables import names
from model_monitor.tables.reader import Where, window_spans_sql


def utc_naive(value: dt.datetime | None) -> dt.datetime | None:
    """Return a datetime in UTC without tzinfo (naive warehouse timestamps are taken as UTC)."""
    if value is not None and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


@dataclass(frozen=True)
class WindowPlan:
    """A monitor's window grain, first and newest window, as monitor_data_quality has them."""

    name: str
    grain: dt.timedelta
    first: dt.datetime
    latest: dt.datetime
    latest_end: dt.datetime


def _window_plan(warehouse: Queryable, monitor: str | None) -> pd.DataFrame:
    """Return each monitor's first and newest window (from monitor_data_quality's volume rows)."""
    where = Where(warehouse)
    conditions = [f"{warehouse.quote('metric_scope')} = 'window'", *where.whole()]
    conditions += where.monitor(monitor)
    relation = warehouse.relation(names.DATA_QUALITY)
    return warehouse.query(window_spans_sql(warehouse, relation, conditions))


def _known_monitors(warehouse: Queryable) -> list[str]:
    """Return the monitors that have windows."""
    frame = _window_plan(warehouse, None)
    return sorted(str(m) for m in frame["monitor_name"])


def plan_monitors(warehouse: Queryable, monitor: str | None) -> list[WindowPlan]:
    """Return the window plan of each chosen monitor."""
    frame = _window_plan(warehouse, monitor)
    if frame.empty:
        if monitor is not None:
            known = ", ".join(_known_monitors(warehouse)) or "none (is the table empty?)"
            raise ConfigError(
                f"no windows in {names.DATA_QUALITY}; known monitors: {known}",
                monitor=monitor,
                key="monitor",
            )
        return []
    plans = []
    for record in frame.to_dict("records"):
        first = utc_naive(as_datetime(record["first_window_start"]))
        latest = utc_naive(as_datetime(record["latest_window_start"]))
        latest_end = utc_naive(as_datetime(record["latest_window_end"]))
        if first is None or latest is None or latest_end is None:
            continue
        name = str(record["monitor_name"])
        plans.append(WindowPlan(name, latest_end - latest, first, latest, latest_end))
    return plans


def evaluated_windows(
    quality: pd.DataFrame,
    plans: list[WindowPlan],
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> dict[str, tuple[dt.datetime, ...]]:
    """Return the window starts to evaluate per monitor: the newest, or those in [since, until]."""
    if since is None and until is None:
        return {plan.name: (plan.latest,) for plan in plans}
    volume = quality[(quality["metric_name"] == "prediction_count") & quality["slice_key"].isna()]
    chosen: dict[str, tuple[dt.datetime, ...]] = {}
    for plan in plans:
        starts = volume.loc[volume["monitor_name"] == plan.name, "window_start"]
        if since is not None:
            starts = starts[starts >= pd.Timestamp(since)]
        if until is not None:
            starts = starts[starts <= pd.Timestamp(until)]
        chosen[plan.name] = tuple(sorted({s.to_pydatetime() for s in starts}))
    return chosen


def explain_no_window(
    plans: list[WindowPlan],
    monitor: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> ConfigError:
    """Return the error for a --since/--until range that holds no window of any monitor."""
    spans = "; ".join(
        f"{plan.name}: {timestamp_text(plan.first)} to {timestamp_text(plan.latest)}"
        for plan in plans
    )
    wanted = (
        f"from {timestamp_text(since) if since else 'the first window'} "
        f"to {timestamp_text(until) if until else 'the newest'}"
    )
    return ConfigError(
        f"no window starts {wanted}; windows run {spans}",
        monitor=monitor,
        key="since" if since is not None else "until",
    )
