"""Reading each metric table's rows of the exported windows as samples (NULL gives none)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from model_monitor.export.families import (
    DRIFT_FAMILIES,
    DRIFT_SOURCES,
    PERFORMANCE_FAMILY,
    QUALITY_FAMILIES,
    WINDOW_QUALITY_FAMILIES,
    Family,
)
from model_monitor.export.snapshot import ExportWindow, Sample, label_text
from model_monitor.sql_values import Queryable, as_datetime, as_float, as_int, sql_string
from model_monitor.tables import names
from model_monitor.tables.pvalues import chi_square_pvalue, ks_pvalue
from model_monitor.tables.reader import Where, optional_relation, select_sql


def _chosen(windows: list[ExportWindow]) -> dict[str, list[dt.datetime]]:
    """The exported window of each monitor, as Where.windows takes them."""
    return {w.monitor_name: [w.window_start] for w in windows}


def _select_rows(
    warehouse: Queryable,
    relation: str,
    columns: Iterable[str],
    windows: list[ExportWindow],
    slices: bool,
) -> list[dict[Any, Any]]:
    """Return the rows of the exported windows (current window_kind) of one table."""
    where = Where(warehouse, "t")
    conditions = [*where.current(), *where.windows(_chosen(windows)), *where.whole_unless(slices)]
    sql = select_sql(warehouse, relation, columns, conditions, alias="t")
    return list(warehouse.query(sql).to_dict("records"))


def _window_labels(record: dict[Any, Any]) -> tuple[str, ...]:
    """Return the WINDOW_LABELS values of a row."""
    return (
        label_text(record["monitor_name"]),
        label_text(record["model_version"]),
        label_text(record["slice_key"]),
        label_text(record["slice_value"]),
        label_text(as_datetime(record["window_start"])),
    )


def _column_labels(record: dict[Any, Any]) -> tuple[str, ...]:
    """Return the COLUMN_LABELS values of a row."""
    return (
        *_window_labels(record),
        label_text(record["column_name"]),
        label_text(record["column_role"]),
    )


def _add(samples: list[Sample], family: str, labels: tuple[str, ...], value: Any) -> None:
    """Append a sample unless the value is NULL or NaN."""
    number = as_float(value)
    if number is not None and not math.isnan(number):
        samples.append(Sample(family, labels, number))


WINDOW_KEY_COLUMNS = ("monitor_name", "window_start", "model_version", "slice_key", "slice_value")
COLUMN_KEY_COLUMNS = (*WINDOW_KEY_COLUMNS, "column_name", "column_role")


def quality_samples(
    warehouse: Queryable, windows: list[ExportWindow], slices: bool
) -> list[Sample]:
    """Return the samples of monitor_data_quality: window rows and column rows."""
    relation = warehouse.relation(names.DATA_QUALITY)
    columns = (*COLUMN_KEY_COLUMNS, "metric_scope", *WINDOW_QUALITY_FAMILIES, *QUALITY_FAMILIES)
    samples: list[Sample] = []
    for record in _select_rows(warehouse, relation, columns, windows, slices):
        if record["metric_scope"] == "window":
            for name in WINDOW_QUALITY_FAMILIES:
                _add(samples, name, _window_labels(record), record[name])
        else:
            for name in QUALITY_FAMILIES:
                _add(samples, name, _column_labels(record), record[name])
    return samples


def drift_samples(warehouse: Queryable, windows: list[ExportWindow], slices: bool) -> list[Sample]:
    """Return the samples of monitor_drift, with p-values from scipy."""
    relation = warehouse.relation(names.DRIFT)
    stored = [DRIFT_SOURCES.get(n, n) for n in DRIFT_FAMILIES if not n.endswith("_pvalue")]
    columns = (*COLUMN_KEY_COLUMNS, *stored, "chi_square_dof")
    samples: list[Sample] = []
    for record in _select_rows(warehouse, relation, columns, windows, slices):
        values = dict(record)
        values["chi_square_pvalue"] = chi_square_pvalue(
            as_float(record["chi_square"]), as_int(record["chi_square_dof"])
        )
        values["ks_pvalue"] = ks_pvalue(
            as_float(record["ks_statistic"]),
            as_int(record["reference_count"]),
            as_int(record["current_count"]),
        )
        for name in DRIFT_FAMILIES:
            _add(samples, name, _column_labels(record), values[DRIFT_SOURCES.get(name, name)])
    return samples


def window_table_samples(
    warehouse: Queryable,
    table: str,
    families: dict[str, Family],
    windows: list[ExportWindow],
    slices: bool,
) -> list[Sample]:
    """Return the samples of a per-window table (label coverage, operations), if it is built."""
    relation = optional_relation(warehouse, table)
    if relation is None:
        return []
    samples: list[Sample] = []
    for record in _select_rows(
        warehouse, relation, (*WINDOW_KEY_COLUMNS, *families), windows, slices
    ):
        for name in families:
            _add(samples, name, _window_labels(record), record[name])
    return samples


def performance_samples(
    warehouse: Queryable, windows: list[ExportWindow], slices: bool
) -> list[Sample]:
    """Return realized and estimated metrics of the windows, and the reference's realized ones."""
    relation = optional_relation(warehouse, names.PERFORMANCE)
    if relation is None:
        return []
    q, where = warehouse.quote, Where(warehouse, "t")
    columns: tuple[str, ...] = (*WINDOW_KEY_COLUMNS, "window_kind", "metric_source")
    columns += ("metric_name", "class_label", "metric_value")
    current = f"({where.current()[0]} and {where.windows(_chosen(windows))[0]})"
    monitors = ", ".join(sql_string(w.monitor_name) for w in windows)
    reference = (
        f"(t.{q('window_kind')} = 'reference' and t.{q('metric_source')} = 'realized'"
        f" and t.{q('monitor_name')} in ({monitors}))"
    )
    conditions = [f"({current} or {reference})", *where.whole_unless(slices)]
    frame = warehouse.query(select_sql(warehouse, relation, columns, conditions, alias="t"))
    samples: list[Sample] = []
    for record in frame.to_dict("records"):
        is_reference = record["window_kind"] == "reference"
        labels = (
            *_window_labels(record),
            label_text(record["metric_name"]),
            "reference" if is_reference else label_text(record["metric_source"]),
            label_text(record["class_label"]),
        )
        _add(samples, PERFORMANCE_FAMILY.name, labels, record["metric_value"])
    return samples
