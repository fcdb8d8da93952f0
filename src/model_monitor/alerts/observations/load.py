"""Assembling observations: the tables read, their history attached, the windows chosen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from model_monitor.alerts.observations.catalog import MonitorWindows, Observation, Observations
from model_monitor.alerts.observations.label_windows import LabelPlan
from model_monitor.alerts.observations.sources import (
    coverage_frame,
    drift_frame,
    operations_frame,
    performance_frame,
    quality_frame,
    reference_null_rates,
)
from model_monitor.alerts.observations.windows import (
    evaluated_windows,
    explain_no_window,
    plan_monitors,
    utc_naive,
)
from model_monitor.errors import ConfigError
from model_monitor.sql_values import Queryable, timestamp_text
from model_monitor.tables.reader import Where

SERIES_KEY = (
    "monitor_name",
    "model_version",
    "slice_key",
    "slice_value",
    "column_name",
    "metric_name",
)


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


def _attach_history(
    frame: pd.DataFrame,
    emit_from: dict[str, pd.Timestamp],
    history: dict[str, pd.Timedelta],
    also_emit: dict[str, list[dt.datetime]] | None = None,
) -> list[Observation]:
    """Return an Observation per row at or after its monitor's emit_from (or in its
    `also_emit` windows: the label windows), with earlier values."""
    observations: list[Observation] = []
    frame = frame.sort_values([*SERIES_KEY, "window_start"], na_position="first", kind="stable")
    also = {m: np.array(s, dtype="datetime64[us]") for m, s in (also_emit or {}).items()}
    for _, group in frame.groupby(list(SERIES_KEY), dropna=False, sort=False):
        monitor = str(group["monitor_name"].iloc[0])
        starts = group["window_start"].to_numpy()
        values = group["value"].to_numpy(dtype=float)
        emitted = starts >= emit_from[monitor].to_datetime64()
        if monitor in also:
            emitted |= np.isin(starts.astype("datetime64[us]"), also[monitor])
        emit = np.flatnonzero(emitted)
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
    labels: LabelPlan | None = None,
) -> Observations:
    """Read the metric tables (one query each) for the evaluated windows and their history.

    `lookback(monitor, grain)` returns (age_windows, history_windows): how many windows before
    the first evaluated one a rule may judge (label coverage waits for labels) and how many
    windows of history before those anomaly scores read. `labels` adds the realized
    performance of the windows whose labels it judges, however old (one more query).
    """
    since, until = utc_naive(since), utc_naive(until)
    if since is not None and until is not None and since > until:
        raise ConfigError(
            f"--since {timestamp_text(since)} is after --until {timestamp_text(until)}",
            key="since",
        )
    plans = plan_monitors(warehouse, monitor)
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
        quality_frame(warehouse, ranges, slices),
        drift_frame(warehouse, ranges, slices),
        performance_frame(warehouse, ranges, slices),
        coverage_frame(warehouse, ranges, slices),
        operations_frame(warehouse, ranges, slices),
    ]
    label_windows = {
        m: sorted({start for start, _ in w}) for m, w in (labels.judged if labels else {}).items()
    }
    label_windows = {m: w for m, w in label_windows.items() if m in ranges}
    if label_windows:
        condition = Where(warehouse).windows(label_windows)[0]
        frames.append(performance_frame(warehouse, ranges, slices, condition))
    frames = [f for f in frames if not f.empty]
    if not frames:
        raise explain_no_window(plans, monitor, since, until)
    frame = pd.concat(frames, ignore_index=True)
    frame["window_start"] = _naive_utc(frame["window_start"])
    frame["window_end"] = _naive_utc(frame["window_end"])
    if label_windows:  # a label window inside the evaluated range is read twice: keep one
        frame = frame.drop_duplicates(subset=[*SERIES_KEY, "window_start"], keep="first")
    null_rates = reference_null_rates(warehouse, ranges, slices)
    key = ["monitor_name", "slice_key", "slice_value", "column_name", "metric_name"]
    frame = frame.merge(null_rates, on=key, how="left", suffixes=("", "_null"))
    frame["reference_value"] = frame["reference_value"].fillna(frame.pop("reference_value_null"))
    frame = frame[np.isfinite(frame["value"].to_numpy(dtype=float))]

    evaluated = evaluated_windows(frame, plans, since, until)
    if not any(evaluated.values()):
        raise explain_no_window(plans, monitor, since, until)
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
    items = _attach_history(frame, emit_from, history, label_windows)
    return Observations(items=tuple(items), monitors=monitors, labels=labels)
