"""Reading each metric table's rows of the exported windows as samples (NULL gives none)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from model_monitor.drift import DRIFT_TABLE
from model_monitor.errors import WarehouseError
from model_monitor.export.families import (
    DRIFT_FAMILIES,
    DRIFT_SOURCES,
    PERFORMANCE_FAMILY,
    QUALITY_FAMILIES,
    WINDOW_QUALITY_FAMILIES,
    Family,
)
from model_monitor.export.snapshot import ExportWindow, Sample, label_text
from model_monitor.export.windows import QUALITY_TABLE, window_condition
from model_monitor.performance.queries import PERFORMANCE_TABLE
from model_monitor.sql_values import Queryable, as_datetime, as_float, as_int, sql_string
from model_monitor.stats import chi_square_pvalue, ks_pvalue


def _select_rows(
    warehouse: Queryable,
    relation: str,
    columns: Iterable[str],
    windows: list[ExportWindow],
    slices: bool,
    extra: str | None = None,
) -> list[dict[Any, Any]]:
    """Return the rows of the exported windows (current window_kind) of one table."""
    q = warehouse.quote
    select = ", ".join(f"t.{q(c)} as {q(c)}" for c in dict.fromkeys(columns))
    conditions = [f"t.{q('window_kind')} = 'current'", window_condition(warehouse, windows, "t")]
    if extra:
        conditions.append(extra)
    if not slices:
        conditions.append(f"t.{q('slice_key')} is null")
    sql = f"select {select}\nfrom {relation} as t\nwhere " + "\n  and ".join(conditions)
    return list(warehouse.query(sql).to_dict("records"))


def _optional_relation(warehouse: Queryable, table: str) -> str | None:
    """Return a table's relation, or None when the project does not build it."""
    try:
        return warehouse.relation(table)
    except WarehouseError:
        return None


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
    relation = warehouse.relation(QUALITY_TABLE)
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
    relation = warehouse.relation(DRIFT_TABLE)
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
    relation = _optional_relation(warehouse, table)
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
    relation = _optional_relation(warehouse, PERFORMANCE_TABLE)
    if relation is None:
        return []
    q = warehouse.quote
    columns = ", ".join(
        f"t.{q(c)} as {q(c)}"
        for c in (*WINDOW_KEY_COLUMNS, "window_kind", "metric_source", "metric_name")
        + ("class_label", "metric_value")
    )
    current = f"(t.{q('window_kind')} = 'current' and {window_condition(warehouse, windows, 't')})"
    names = ", ".join(sql_string(w.monitor_name) for w in windows)
    reference = (
        f"(t.{q('window_kind')} = 'reference' and t.{q('metric_source')} = 'realized'"
        f" and t.{q('monitor_name')} in ({names}))"
    )
    where = f"({current} or {reference})"
    if not slices:
        where += f" and t.{q('slice_key')} is null"
    frame = warehouse.query(f"select {columns}\nfrom {relation} as t\nwhere {where}")
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
