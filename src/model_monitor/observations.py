"""Observations for alert rules: one metric of one window, with its reference and its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model_monitor.anomaly import HistoryPoint
from model_monitor.drift import (
    DRIFT_TABLE,
    Queryable,
    _as_datetime,
    _timestamp_text,
    sql_string,
    sql_timestamp,
    validate_monitor_name,
)
from model_monitor.errors import ConfigError, WarehouseError
from model_monitor.performance import (
    COVERAGE_TABLE,
    LOWER_IS_BETTER,
    METRIC_ORDER,
    OPERATIONS_TABLE,
    PERFORMANCE_TABLE,
)
from model_monitor.stats import chi_square_pvalue, ks_pvalue

QUALITY_TABLE = "monitor_data_quality"
DISTRIBUTIONS_TABLE = "monitor_distributions"

DRIFT_METRICS = (
    "psi",
    "js_distance",
    "hellinger",
    "tv_distance",
    "l_infinity",
    "ks_statistic",
    "wasserstein_normed",
    "drift_pvalue",
)
COLUMN_QUALITY_METRICS = (
    "null_rate",
    "unseen_category_share",
    "out_of_range_share",
    "mean_value",
    "stddev_value",
)
WINDOW_QUALITY_METRICS = ("prediction_count", "duplicate_id_count")
CBPE_METRICS = ("accuracy", "precision", "recall", "f1", "specificity")
PERFORMANCE_METRICS = tuple(dict.fromkeys(m for names in METRIC_ORDER.values() for m in names))
ESTIMATED_PREFIX = "estimated_"
ESTIMATED_METRICS = tuple(ESTIMATED_PREFIX + m for m in CBPE_METRICS)
COVERAGE_METRICS = ("label_coverage", "label_delay_median_hours")
OPERATIONS_METRICS = ("error_rate", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms")
FRESHNESS_METRIC = "freshness_hours"
KNOWN_METRICS = frozenset(
    DRIFT_METRICS
    + COLUMN_QUALITY_METRICS
    + WINDOW_QUALITY_METRICS
    + PERFORMANCE_METRICS
    + ESTIMATED_METRICS
    + COVERAGE_METRICS
    + OPERATIONS_METRICS
)
COLUMN_METRICS = frozenset(DRIFT_METRICS + COLUMN_QUALITY_METRICS)
COLUMN_ROLES = ("feature", "score", "prediction", "label")
# Where a larger value is good news; everything else is worse when it grows.
HIGHER_IS_BETTER = frozenset(
    {m for m in PERFORMANCE_METRICS if m not in LOWER_IS_BETTER and m != "mean_error"}
    | {ESTIMATED_PREFIX + m for m in CBPE_METRICS if m not in LOWER_IS_BETTER}
    | {"label_coverage", "drift_pvalue"}
)

# The long frame every table is reshaped into before history is attached.
FRAME_COLUMNS = (
    "monitor_name",
    "window_start",
    "window_end",
    "model_version",
    "slice_key",
    "slice_value",
    "column_name",
    "column_role",
    "metric_name",
    "value",
    "reference_value",
    "sample_size",
)
SERIES_KEY = (
    "monitor_name",
    "model_version",
    "slice_key",
    "slice_value",
    "column_name",
    "metric_name",
)


def base_metric_name(metric_name: str) -> str:
    """Return the metric without its estimated_ prefix."""
    return metric_name.removeprefix(ESTIMATED_PREFIX)


@dataclass(frozen=True)
class Observation:
    """One metric of one window, version, slice and column; `history` holds earlier windows."""

    monitor_name: str
    window_start: dt.datetime
    window_end: dt.datetime | None
    metric_name: str
    value: float
    model_version: str | None = None
    slice_key: str | None = None
    slice_value: str | None = None
    column_name: str | None = None
    column_role: str | None = None
    reference_value: float | None = None
    sample_size: int | None = None
    history: tuple[HistoryPoint, ...] = ()


@dataclass(frozen=True)
class MonitorWindows:
    """A monitor's window grain, its newest window, and the windows being evaluated."""

    monitor_name: str
    grain: dt.timedelta
    first_window_start: dt.datetime
    latest_window_start: dt.datetime
    latest_window_end: dt.datetime
    evaluated: tuple[dt.datetime, ...]

    @property
    def includes_latest(self) -> bool:
        """Whether the newest window is evaluated (freshness is judged only then)."""
        return self.latest_window_start in self.evaluated


@dataclass(frozen=True)
class Observations:
    """What the rules judge: observations of the evaluated windows (and older ones for history)."""

    items: tuple[Observation, ...]
    monitors: tuple[MonitorWindows, ...]


# --- SQL ---------------------------------------------------------------------------------------


def _utc_naive(value: dt.datetime | None) -> dt.datetime | None:
    """Return a datetime in UTC without tzinfo (naive warehouse timestamps are taken as UTC)."""
    if value is not None and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _ranges_condition(
    q: Callable[[str], str], ranges: dict[str, tuple[dt.datetime, dt.datetime]]
) -> str:
    """Return `(monitor = m and window_start between a and b) or ...`."""
    return (
        "("
        + " or ".join(
            f"({q('monitor_name')} = {sql_string(name)} and {q('window_start')} >= "
            f"{sql_timestamp(low)} and {q('window_start')} <= {sql_timestamp(high)})"
            for name, (low, high) in sorted(ranges.items())
        )
        + ")"
    )


def _select(
    warehouse: Queryable,
    table: str,
    columns: Iterable[str],
    conditions: Iterable[str],
) -> pd.DataFrame:
    """Run `select columns from table where conditions`."""
    q = warehouse.quote
    sql = (
        f"select {', '.join(q(c) for c in columns)}\nfrom {warehouse.relation(table)}\n"
        f"where " + "\n  and ".join(conditions)
    )
    return warehouse.query(sql)


def _optional_relation(warehouse: Queryable, table: str) -> bool:
    """Whether the project has a table (operations and label coverage are optional)."""
    try:
        warehouse.relation(table)
    except WarehouseError:
        return False
    return True


# --- the window plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """A monitor's window grain, first and newest window, as monitor_data_quality has them."""

    name: str
    grain: dt.timedelta
    first: dt.datetime
    latest: dt.datetime
    latest_end: dt.datetime


def _window_plan(warehouse: Queryable, monitor: str | None) -> pd.DataFrame:
    """Return each monitor's first and newest window (from monitor_data_quality's volume rows)."""
    q = warehouse.quote
    where = f"where {q('metric_scope')} = 'window' and {q('slice_key')} is null"
    if monitor is not None:
        where += f" and {q('monitor_name')} = {sql_string(validate_monitor_name(monitor))}"
    sql = (
        f"select {q('monitor_name')}, min({q('window_start')}) as first_window_start, "
        f"max({q('window_start')}) as latest_window_start, "
        f"max({q('window_end')}) as latest_window_end\n"
        f"from {warehouse.relation(QUALITY_TABLE)}\n{where}\ngroup by {q('monitor_name')}"
    )
    return warehouse.query(sql)


def _known_monitors(warehouse: Queryable) -> list[str]:
    """Return the monitors that have windows."""
    frame = _window_plan(warehouse, None)
    return sorted(str(m) for m in frame["monitor_name"])


def _plan_monitors(warehouse: Queryable, monitor: str | None) -> list[_Plan]:
    """Return the window plan of each chosen monitor."""
    frame = _window_plan(warehouse, monitor)
    if frame.empty:
        if monitor is not None:
            known = ", ".join(_known_monitors(warehouse)) or "none (is the table empty?)"
            raise ConfigError(
                f"no windows in {QUALITY_TABLE}; known monitors: {known}",
                monitor=monitor,
                key="monitor",
            )
        return []
    plans = []
    for record in frame.to_dict("records"):
        first = _utc_naive(_as_datetime(record["first_window_start"]))
        latest = _utc_naive(_as_datetime(record["latest_window_start"]))
        latest_end = _utc_naive(_as_datetime(record["latest_window_end"]))
        if first is None or latest is None or latest_end is None:
            continue
        name = str(record["monitor_name"])
        plans.append(_Plan(name, latest_end - latest, first, latest, latest_end))
    return plans


# --- one frame per table ------------------------------------------------------------------------


def _long(frame: pd.DataFrame, metrics: dict[str, str], sample: str | None) -> pd.DataFrame:
    """Melt metric columns (frame column -> metric name) into the long frame's rows.

    `sample` names the column counting the rows behind each value (None: not applicable).
    """
    parts = []
    for column, metric in metrics.items():
        part = pd.DataFrame(
            {key: frame[key] if key in frame else None for key in FRAME_COLUMNS[:8]}
        )
        part["metric_name"] = metric
        part["value"] = pd.to_numeric(frame[column], errors="coerce").astype(float)
        part["reference_value"] = np.nan
        part["sample_size"] = (
            np.nan if sample is None else pd.to_numeric(frame[sample], errors="coerce")
        )
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=list(FRAME_COLUMNS))
    return pd.concat(parts, ignore_index=True)


KEYS = ("monitor_name", "window_start", "window_end", "model_version", "slice_key", "slice_value")


def _quality_frames(
    warehouse: Queryable, ranges: dict[str, tuple[dt.datetime, dt.datetime]], slices: bool
) -> pd.DataFrame:
    """Return null rate, unseen and out-of-range shares, moments, volume and duplicates."""
    q = warehouse.quote
    columns = (
        *KEYS,
        "metric_scope",
        "column_name",
        "column_role",
        "column_kind",
        "row_count",
        "null_count",
        "null_rate",
        "nan_count",
        "mean_value",
        "stddev_value",
        "out_of_range_count",
        "unseen_category_count",
        "prediction_count",
        "duplicate_id_count",
    )
    conditions = [_ranges_condition(q, ranges)]
    if not slices:
        conditions.append(f"{q('slice_key')} is null")
    frame = _select(warehouse, QUALITY_TABLE, columns, conditions)
    numbers = list(columns[10:])
    frame[numbers] = frame[numbers].apply(pd.to_numeric, errors="coerce").astype(float)

    per_column = frame[frame["metric_scope"] == "column"].copy()
    non_null = per_column["row_count"] - per_column["null_count"]
    finite = non_null - per_column["nan_count"].fillna(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_column["unseen_category_share"] = per_column["unseen_category_count"] / non_null
        per_column["out_of_range_share"] = per_column["out_of_range_count"] / finite
    per_column["non_null"] = non_null
    per_column["finite"] = finite
    parts = [
        _long(per_column, {"null_rate": "null_rate"}, "row_count"),
        _long(per_column, {"unseen_category_share": "unseen_category_share"}, "non_null"),
        _long(
            per_column,
            {
                "out_of_range_share": "out_of_range_share",
                "mean_value": "mean_value",
                "stddev_value": "stddev_value",
            },
            "finite",
        ),
    ]
    # Volume is judged over every model version together: a rollout moves traffic, loses none.
    per_window = frame[frame["metric_scope"] == "window"]
    volume = (
        per_window.groupby(
            ["monitor_name", "window_start", "slice_key", "slice_value"], dropna=False
        )
        .agg(
            window_end=("window_end", "max"),
            prediction_count=("prediction_count", "sum"),
            duplicate_id_count=("duplicate_id_count", "sum"),
        )
        .reset_index()
    )
    volume["model_version"] = None
    parts.append(
        _long(volume, {m: m for m in WINDOW_QUALITY_METRICS}, None),
    )
    return pd.concat(parts, ignore_index=True)


def _reference_null_rates(
    warehouse: Queryable, monitors: Iterable[str], slices: bool
) -> pd.DataFrame:
    """Return the share of NULLs per column in each monitor's reference (its NULL bucket)."""
    q = warehouse.quote
    names = ", ".join(sql_string(m) for m in sorted(monitors))
    conditions = [
        f"{q('window_kind')} = 'reference'",
        f"{q('bin_index')} = 0",
        f"{q('monitor_name')} in ({names})",
    ]
    if not slices:
        conditions.append(f"{q('slice_key')} is null")
    frame = _select(
        warehouse,
        DISTRIBUTIONS_TABLE,
        ("monitor_name", "slice_key", "slice_value", "column_name", "bin_share"),
        conditions,
    )
    frame["bin_share"] = pd.to_numeric(frame["bin_share"], errors="coerce").astype(float)
    return frame.rename(columns={"bin_share": "reference_value"}).assign(metric_name="null_rate")


def _drift_frames(
    warehouse: Queryable, ranges: dict[str, tuple[dt.datetime, dt.datetime]], slices: bool
) -> pd.DataFrame:
    """Return the drift statistics and the raw drift test p-value of each column."""
    q = warehouse.quote
    statistics = [m for m in DRIFT_METRICS if m != "drift_pvalue"]
    columns = (
        *KEYS,
        "column_name",
        "column_role",
        "column_kind",
        "reference_count",
        "current_count",
        "chi_square",
        "chi_square_dof",
        *statistics,
    )
    conditions = [_ranges_condition(q, ranges)]
    if not slices:
        conditions.append(f"{q('slice_key')} is null")
    frame = _select(warehouse, DRIFT_TABLE, columns, conditions)
    numbers = list(columns[9:])
    frame[numbers] = frame[numbers].apply(pd.to_numeric, errors="coerce").astype(float)
    # KS for numerical columns, Pearson's chi-square for categorical ones: scipy from aggregates.
    inputs = frame[list(PVALUE_INPUTS)].itertuples(index=False)
    frame["drift_pvalue"] = [_drift_pvalue(*row) for row in inputs]
    return _long(frame, {m: m for m in DRIFT_METRICS}, "current_count")


PVALUE_INPUTS = (
    "column_kind",
    "ks_statistic",
    "reference_count",
    "current_count",
    "chi_square",
    "chi_square_dof",
)


def _drift_pvalue(
    kind: str | None,
    ks: float,
    reference_count: float,
    current_count: float,
    chi_square: float,
    dof: float,
) -> float:
    """Return the p-value of the column's drift test, NaN when undefined."""
    if kind == "numerical":
        if np.isnan(ks) or np.isnan(reference_count) or np.isnan(current_count):
            return np.nan
        p = ks_pvalue(ks, int(reference_count), int(current_count))
    else:
        if np.isnan(chi_square) or np.isnan(dof):
            return np.nan
        p = chi_square_pvalue(chi_square, int(dof))
    return np.nan if p is None else float(p)


def _performance_frames(
    warehouse: Queryable, ranges: dict[str, tuple[dt.datetime, dt.datetime]], slices: bool
) -> pd.DataFrame:
    """Return realized and estimated metrics with the reference's value of the same metric."""
    q = warehouse.quote
    columns = (
        *KEYS,
        "window_kind",
        "metric_source",
        "metric_name",
        "metric_value",
        "labeled_count",
    )
    names = ", ".join(sql_string(m) for m in sorted(ranges))
    window = _ranges_condition(q, ranges)
    conditions = [
        f"({window} or ({q('window_kind')} = 'reference' and {q('monitor_name')} in ({names})))",
        f"{q('class_label')} is null",
    ]
    if not slices:
        conditions.append(f"{q('slice_key')} is null")
    frame = _select(warehouse, PERFORMANCE_TABLE, columns, conditions)
    frame["metric_value"] = pd.to_numeric(frame["metric_value"], errors="coerce").astype(float)
    frame["labeled_count"] = pd.to_numeric(frame["labeled_count"], errors="coerce")
    estimated = frame["metric_source"] == "estimated"
    frame.loc[estimated, "metric_name"] = ESTIMATED_PREFIX + frame.loc[estimated, "metric_name"]
    is_reference = frame["window_kind"] == "reference"
    reference = frame.loc[
        is_reference, ["monitor_name", "slice_key", "slice_value", "metric_name", "metric_value"]
    ].rename(columns={"metric_value": "reference_value"})
    current = frame[~is_reference]
    long = _long(current, {"metric_value": "metric_value"}, "labeled_count")
    long["metric_name"] = current["metric_name"].to_numpy()
    long = long.drop(columns="reference_value")
    key = ["monitor_name", "slice_key", "slice_value", "metric_name"]
    # pandas matches NULL slice keys with each other: the whole population meets its reference.
    return long.merge(reference.drop_duplicates(subset=key), on=key, how="left")


def _coverage_frames(
    warehouse: Queryable, ranges: dict[str, tuple[dt.datetime, dt.datetime]], slices: bool
) -> pd.DataFrame:
    """Return label coverage and label delay per window."""
    if not _optional_relation(warehouse, COVERAGE_TABLE):
        return pd.DataFrame(columns=list(FRAME_COLUMNS))
    q = warehouse.quote
    conditions = [_ranges_condition(q, ranges)]
    if not slices:
        conditions.append(f"{q('slice_key')} is null")
    frame = _select(
        warehouse,
        COVERAGE_TABLE,
        (*KEYS, "prediction_count", "label_coverage", "label_delay_median_hours"),
        conditions,
    )
    return _long(frame, {m: m for m in COVERAGE_METRICS}, "prediction_count")


def _operations_frames(
    warehouse: Queryable, ranges: dict[str, tuple[dt.datetime, dt.datetime]], slices: bool
) -> pd.DataFrame:
    """Return error rate and latency percentiles per window."""
    if not _optional_relation(warehouse, OPERATIONS_TABLE):
        return pd.DataFrame(columns=list(FRAME_COLUMNS))
    q = warehouse.quote
    conditions = [_ranges_condition(q, ranges)]
    if not slices:
        conditions.append(f"{q('slice_key')} is null")
    frame = _select(
        warehouse, OPERATIONS_TABLE, (*KEYS, "prediction_count", *OPERATIONS_METRICS), conditions
    )
    return _long(frame, {m: m for m in OPERATIONS_METRICS}, "prediction_count")


# --- assembling ---------------------------------------------------------------------------------


def _naive_utc(series: pd.Series) -> pd.Series:
    """Return timestamps as naive UTC datetime64 (tz-aware ones converted)."""
    values = pd.to_datetime(series)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.astype("datetime64[us]")


def _optional_str(value: object) -> str | None:
    """Return a string, or None for every flavour of missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value)


def _evaluated_windows(
    quality: pd.DataFrame,
    plans: list[_Plan],
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


def _explain_no_window(
    plans: list[_Plan],
    monitor: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> ConfigError:
    """Return the error for a --since/--until range that holds no window of any monitor."""
    spans = "; ".join(
        f"{plan.name}: {_timestamp_text(plan.first)} to {_timestamp_text(plan.latest)}"
        for plan in plans
    )
    wanted = (
        f"from {_timestamp_text(since) if since else 'the first window'} "
        f"to {_timestamp_text(until) if until else 'the newest'}"
    )
    return ConfigError(
        f"no window starts {wanted}; windows run {spans}",
        monitor=monitor,
        key="since" if since is not None else "until",
    )


def _attach_history(
    frame: pd.DataFrame, emit_from: dict[str, pd.Timestamp], history: dict[str, pd.Timedelta]
) -> list[Observation]:
    """Return an Observation per row at or after its monitor's emit_from, with earlier values."""
    observations: list[Observation] = []
    frame = frame.sort_values([*SERIES_KEY, "window_start"], na_position="first", kind="stable")
    for _, group in frame.groupby(list(SERIES_KEY), dropna=False, sort=False):
        monitor = str(group["monitor_name"].iloc[0])
        starts = group["window_start"].to_numpy()
        values = group["value"].to_numpy(dtype=float)
        emit = np.flatnonzero(starts >= emit_from[monitor].to_datetime64())
        if not len(emit):
            continue
        lows = np.searchsorted(starts, starts[emit] - history[monitor].to_timedelta64(), "left")
        python_starts = [pd.Timestamp(s).to_pydatetime() for s in starts]
        records = group.to_dict("records")
        for i, low in zip(emit, lows, strict=True):
            record = records[i]
            sample = record["sample_size"]
            reference = record["reference_value"]
            end = record["window_end"]
            observations.append(
                Observation(
                    monitor_name=monitor,
                    window_start=python_starts[i],
                    window_end=None if pd.isna(end) else pd.Timestamp(end).to_pydatetime(),
                    metric_name=str(record["metric_name"]),
                    value=float(values[i]),
                    model_version=_optional_str(record["model_version"]),
                    slice_key=_optional_str(record["slice_key"]),
                    slice_value=_optional_str(record["slice_value"]),
                    column_name=_optional_str(record["column_name"]),
                    column_role=_optional_str(record["column_role"]),
                    reference_value=None if pd.isna(reference) else float(reference),
                    sample_size=None if pd.isna(sample) else int(sample),
                    history=tuple((python_starts[j], float(values[j])) for j in range(low, i)),
                )
            )
    return observations


def load_observations(
    warehouse: Queryable,
    lookback: Callable[[str, dt.timedelta], tuple[int, int]],
    monitor: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    slices: bool = False,
) -> Observations:
    """Read the metric tables (one query each) for the evaluated windows and their history.

    `lookback(monitor, grain)` returns (age_windows, history_windows): how many windows before
    the first evaluated one a rule may judge (label coverage waits for labels) and how many
    windows of history before those anomaly scores read.
    """
    since, until = _utc_naive(since), _utc_naive(until)
    if since is not None and until is not None and since > until:
        raise ConfigError(
            f"--since {_timestamp_text(since)} is after --until {_timestamp_text(until)}",
            key="since",
        )
    plans = _plan_monitors(warehouse, monitor)
    if not plans:
        return Observations(items=(), monitors=())
    emit_from: dict[str, pd.Timestamp] = {}
    history: dict[str, pd.Timedelta] = {}
    ranges: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    for plan in plans:
        age, windows = lookback(plan.name, plan.grain)
        if since is None and until is None:
            start = end = plan.latest
        else:
            start = max(since or plan.first, plan.first)
            end = max(start, plan.latest if until is None else min(until, plan.latest))
        emit_from[plan.name] = pd.Timestamp(start - plan.grain * age)
        history[plan.name] = pd.Timedelta(plan.grain * windows)
        ranges[plan.name] = (start - plan.grain * (age + windows), end)

    frames = [
        _quality_frames(warehouse, ranges, slices),
        _drift_frames(warehouse, ranges, slices),
        _performance_frames(warehouse, ranges, slices),
        _coverage_frames(warehouse, ranges, slices),
        _operations_frames(warehouse, ranges, slices),
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        raise _explain_no_window(plans, monitor, since, until)
    frame = pd.concat(frames, ignore_index=True)
    frame["window_start"] = _naive_utc(frame["window_start"])
    frame["window_end"] = _naive_utc(frame["window_end"])
    null_rates = _reference_null_rates(warehouse, ranges, slices)
    key = ["monitor_name", "slice_key", "slice_value", "column_name", "metric_name"]
    frame = frame.merge(null_rates, on=key, how="left", suffixes=("", "_null"))
    frame["reference_value"] = frame["reference_value"].fillna(frame.pop("reference_value_null"))
    frame = frame[np.isfinite(frame["value"].to_numpy(dtype=float))]

    evaluated = _evaluated_windows(frame, plans, since, until)
    if not any(evaluated.values()):
        raise _explain_no_window(plans, monitor, since, until)
    monitors = tuple(
        MonitorWindows(
            monitor_name=plan.name,
            grain=plan.grain,
            first_window_start=plan.first,
            latest_window_start=plan.latest,
            latest_window_end=plan.latest_end,
            evaluated=evaluated[plan.name],
        )
        for plan in plans
        if evaluated[plan.name]
    )
    kept = {m.monitor_name for m in monitors}
    frame = frame[frame["monitor_name"].isin(kept)]
    return Observations(items=tuple(_attach_history(frame, emit_from, history)), monitors=monitors)
