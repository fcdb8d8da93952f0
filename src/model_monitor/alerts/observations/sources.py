"""One query per metric table, each reshaped into the long frame of observations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from model_monitor.alerts.observations.catalog import (
    COVERAGE_METRICS,
    DRIFT_METRICS,
    ESTIMATED_PREFIX,
    OPERATIONS_METRICS,
    WINDOW_QUALITY_METRICS,
)
from model_monitor.sql_values import Queryable, sql_string
from model_monitor.tables import names
from model_monitor.tables.pvalues import DRIFT_TEST_INPUTS, drift_test_pvalue
from model_monitor.tables.reader import Where, optional_relation, read
from model_monitor.tables.statistics import DRIFT_PVALUE

# The long frame every table is reshaped into before history is attached.
FRAME_COLUMNS = (
    *names.WINDOW_KEY,
    "column_name",
    "column_role",
    "metric_name",
    "value",
    "reference_value",
    "sample_size",
)
KEYS = names.WINDOW_KEY


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


def quality_frame(
    warehouse: Queryable, ranges: dict[str, tuple[dt.datetime, dt.datetime]], slices: bool
) -> pd.DataFrame:
    """Return null rate, unseen and out-of-range shares, moments, volume and duplicates."""
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
    where = Where(warehouse)
    frame = read(
        warehouse, names.DATA_QUALITY, columns, where.ranges(ranges) + where.whole_unless(slices)
    )
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


def reference_null_rates(
    warehouse: Queryable, monitors: Iterable[str], slices: bool
) -> pd.DataFrame:
    """Return the share of NULLs per column in each monitor's reference (its NULL bucket)."""
    q, where = warehouse.quote, Where(warehouse)
    conditions = [
        f"{q('window_kind')} = 'reference'",
        f"{q('bin_index')} = 0",
        *where.values("monitor_name", sorted(monitors)),
        *where.whole_unless(slices),
    ]
    frame = read(
        warehouse,
        names.DISTRIBUTIONS,
        ("monitor_name", "slice_key", "slice_value", "column_name", "bin_share"),
        conditions,
    )
    frame["bin_share"] = pd.to_numeric(frame["bin_share"], errors="coerce").astype(float)
    return frame.rename(columns={"bin_share": "reference_value"}).assign(metric_name="null_rate")


def drift_frame(
    warehouse: Queryable, ranges: dict[str, tuple[dt.datetime, dt.datetime]], slices: bool
) -> pd.DataFrame:
    """Return the drift statistics and the raw drift test p-value of each column."""
    statistics = [m for m in DRIFT_METRICS if m != DRIFT_PVALUE.name]
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
    where = Where(warehouse)
    frame = read(warehouse, names.DRIFT, columns, where.ranges(ranges) + where.whole_unless(slices))
    numbers = list(columns[9:])
    frame[numbers] = frame[numbers].apply(pd.to_numeric, errors="coerce").astype(float)
    # KS for numerical columns, Pearson's chi-square for categorical ones: scipy from aggregates.
    inputs = frame[list(DRIFT_TEST_INPUTS)].itertuples(index=False)
    frame["drift_pvalue"] = [drift_test_pvalue(*row) for row in inputs]
    return _long(frame, {m: m for m in DRIFT_METRICS}, "current_count")


def performance_frame(
    warehouse: Queryable,
    ranges: dict[str, tuple[dt.datetime, dt.datetime]],
    slices: bool,
    window_condition: str | None = None,
) -> pd.DataFrame:
    """Return realized and estimated metrics with the reference's value of the same metric.

    `window_condition` replaces the ranges' condition on current windows (the label windows).
    """
    q, where = warehouse.quote, Where(warehouse)
    columns = (
        *KEYS,
        "window_kind",
        "metric_source",
        "metric_name",
        "metric_value",
        "labeled_count",
    )
    monitors = ", ".join(sql_string(m) for m in sorted(ranges))
    window = window_condition or where.ranges(ranges)[0]
    reference = f"{q('window_kind')} = 'reference' and {q('monitor_name')} in ({monitors})"
    conditions = [
        f"({window} or ({reference}))",
        f"{q('class_label')} is null",
        *where.whole_unless(slices),
    ]
    frame = read(warehouse, names.PERFORMANCE, columns, conditions)
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


def _window_table_frame(
    warehouse: Queryable,
    table: str,
    metrics: tuple[str, ...],
    ranges: dict[str, tuple[dt.datetime, dt.datetime]],
    slices: bool,
) -> pd.DataFrame:
    """Return the metrics of an optional per-window table (none when it is not built)."""
    if optional_relation(warehouse, table) is None:
        return pd.DataFrame(columns=list(FRAME_COLUMNS))
    where = Where(warehouse)
    frame = read(
        warehouse,
        table,
        (*KEYS, "prediction_count", *metrics),
        where.ranges(ranges) + where.whole_unless(slices),
    )
    return _long(frame, {m: m for m in metrics}, "prediction_count")


def coverage_frame(
    warehouse: Queryable, ranges: dict[str, tuple[dt.datetime, dt.datetime]], slices: bool
) -> pd.DataFrame:
    """Return label coverage and label delay per window."""
    return _window_table_frame(warehouse, names.LABEL_COVERAGE, COVERAGE_METRICS, ranges, slices)


def operations_frame(
    warehouse: Queryable, ranges: dict[str, tuple[dt.datetime, dt.datetime]], slices: bool
) -> pd.DataFrame:
    """Return error rate and latency percentiles per window."""
    return _window_table_frame(warehouse, names.OPERATIONS, OPERATIONS_METRICS, ranges, slices)
