"""Loading model performance per window: realized, estimated (CBPE) and the reference's figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from model_monitor.alerts.maturity import Maturity
from model_monitor.alerts.observations.label_windows import load_label_states
from model_monitor.errors import ConfigError
from model_monitor.formatting.values import format_window
from model_monitor.performance.intervals import realized_intervals
from model_monitor.performance.metrics import (
    COUNT_METRICS,
    base_metric,
    infer_task,
    metric_key,
    metric_sort_key,
)
from model_monitor.performance.queries import (
    COVERAGE_COLUMNS,
    OPERATIONS_COLUMNS,
    Key,
    build_performance_sql,
    load_window_table,
    record_key,
)
from model_monitor.performance.summary import (
    LabelCoverage,
    Operations,
    PerformanceSummary,
    summary_order,
)
from model_monitor.sql_values import (
    Queryable,
    as_datetime,
    as_float,
    as_int,
    as_str,
    sql_string,
)
from model_monitor.tables import names
from model_monitor.tables.reader import distinct_values
from model_monitor.tables.unmatched import check_known_monitor, no_window_error


def _coverage(record: dict[str, Any] | None) -> LabelCoverage | None:
    """Return a LabelCoverage from a monitor_label_coverage row."""
    if record is None:
        return None
    return LabelCoverage(
        prediction_count=as_int(record["prediction_count"]),
        labeled_count=as_int(record["labeled_count"]),
        label_coverage=as_float(record["label_coverage"]),
        label_delay_median_hours=as_float(record["label_delay_median_hours"]),
    )


def _operations(record: dict[str, Any] | None) -> Operations | None:
    """Return Operations from a monitor_operations row."""
    if record is None:
        return None
    return Operations(
        prediction_count=as_int(record["prediction_count"]),
        latency_p50_ms=as_float(record["latency_p50_ms"]),
        latency_p95_ms=as_float(record["latency_p95_ms"]),
        latency_p99_ms=as_float(record["latency_p99_ms"]),
        error_rate=as_float(record["error_rate"]),
    )


class _MetricSet:
    """Metric values, undefined reasons and the rows used, gathered for one source."""

    def __init__(self) -> None:
        self.values: dict[str, float | int | None] = {}
        self.undefined: dict[str, str] = {}
        self.count: int | None = None

    def add(self, record: dict[str, Any]) -> None:
        """Add one monitor_performance row."""
        class_label = as_str(record["class_label"])
        key = metric_key(str(record["metric_name"]), class_label)
        value = as_float(record["metric_value"])
        if value is not None and base_metric(key) in COUNT_METRICS:
            self.values[key] = int(round(value))
        else:
            self.values[key] = value
        reason = as_str(record["undefined_reason"])
        if value is None and reason is not None:
            self.undefined[key] = reason
        count = as_int(record["labeled_count"])
        if class_label is None and count is not None:
            self.count = max(count, self.count or 0)

    def ordered(self, task: str | None) -> dict[str, float | int | None]:
        """Return the values in reading order."""
        return {
            k: self.values[k] for k in sorted(self.values, key=lambda k: metric_sort_key(task, k))
        }

    def reasons(self, task: str | None) -> dict[str, str]:
        """Return the undefined reasons in reading order."""
        keys = sorted(self.undefined, key=lambda k: metric_sort_key(task, k))
        return {k: self.undefined[k] for k in keys}


def _explain_empty(
    warehouse: Queryable,
    monitor: str | None,
    window: dt.datetime | dt.date | None,
    model_version: str | None,
) -> None:
    """Raise a ConfigError naming what exists when a filter matched no current window."""
    relation = warehouse.relation(names.PERFORMANCE)
    q = warehouse.quote
    if monitor is not None:
        check_known_monitor(warehouse, relation, monitor)
    current = f"{q('window_kind')} = 'current'"
    if monitor is not None:
        current += f" and {q('monitor_name')} = {sql_string(monitor)}"
    if model_version is not None:
        known = distinct_values(warehouse, relation, "model_version", [current])
        if model_version not in known:
            listed = ", ".join(known) if known else "none"
            raise ConfigError(
                f"no window has model version {model_version!r}; versions: {listed}",
                monitor=monitor,
                key="version",
            )
    if window is not None:
        if model_version is not None:
            current += f" and {q('model_version')} = {sql_string(model_version)}"
        what = "window with predictions"
        raise no_window_error(warehouse, relation, window, [current], monitor, what)


def load_performance_summary(
    warehouse: Queryable,
    monitor: str | None = None,
    window: dt.datetime | dt.date | None = None,
    model_version: str | None = None,
    slices: bool = False,
    maturity_for: Callable[[str], Maturity] | None = None,
) -> list[PerformanceSummary]:
    """Return one summary per monitor, window, version and slice.

    By default each monitor's newest window with mature labels (`maturity_for`, default the
    documented maturity), its newest window when none is mature yet or it has no labels.
    """
    maturity_for = maturity_for or (lambda _monitor: Maturity())
    choices: dict[str, tuple[dt.datetime, str]] = {}
    if window is None:
        choices = _choose_windows(warehouse, monitor, model_version, maturity_for)
    chosen = {m: start for m, (start, _) in choices.items()}
    sql = build_performance_sql(warehouse, monitor, window, model_version, slices, chosen)
    records = warehouse.query(sql).to_dict("records")
    current: dict[Key, dict[str, Any]] = {}
    reference: dict[tuple[Any, ...], _MetricSet] = {}
    for record in records:
        if record["window_kind"] == "reference":
            ref_key = (str(record["monitor_name"]), *record_key(record)[3:])
            if record["metric_source"] == "realized":
                reference.setdefault(ref_key, _MetricSet()).add(record)
            continue
        group = current.setdefault(
            record_key(record),
            {"realized": _MetricSet(), "estimated": _MetricSet(), "first": record},
        )
        group[str(record["metric_source"])].add(record)
    if not current and (monitor is not None or window is not None or model_version is not None):
        _explain_empty(warehouse, monitor, window, model_version)
    windows = sorted({(key[0], key[1]) for key in current if key[1] is not None})
    coverage = load_window_table(warehouse, names.LABEL_COVERAGE, COVERAGE_COLUMNS, windows, slices)
    operations = load_window_table(warehouse, names.OPERATIONS, OPERATIONS_COLUMNS, windows, slices)
    summaries = []
    for key, group in current.items():
        realized, estimated, first = group["realized"], group["estimated"], group["first"]
        ref = reference.get((key[0], key[3], key[4]), _MetricSet())
        task = infer_task([*realized.values, *ref.values])
        summaries.append(
            PerformanceSummary(
                monitor_name=key[0],
                window_start=key[1],
                window_end=as_datetime(first["window_end"]),
                model_version=key[2],
                slice_key=key[3],
                slice_value=key[4],
                task=task,
                labels_as_of=as_datetime(first["labels_as_of"]),
                labeled_count=realized.count,
                scored_count=estimated.count,
                reference_labeled_count=ref.count,
                realized=realized.ordered(task),
                estimated=estimated.ordered(task),
                reference=ref.ordered(task),
                undefined_reasons={
                    "realized": realized.reasons(task),
                    "estimated": estimated.reasons(task),
                    "reference": ref.reasons(task),
                },
                label_coverage=_coverage((coverage or {}).get(key)),
                operations=_operations((operations or {}).get(key)),
            )
        )
    explicit = "chosen with --window" if window is not None else None
    return sorted(
        (_with_maturity(s, maturity_for(s.monitor_name), choices, explicit) for s in summaries),
        key=summary_order,
    )


def _choose_windows(
    warehouse: Queryable,
    monitor: str | None,
    model_version: str | None,
    maturity_for: Callable[[str], Maturity],
) -> dict[str, tuple[dt.datetime, str]]:
    """Per monitor with labels: the newest window with mature labels, and why that one."""
    states = load_label_states(warehouse, monitor)
    if not states:
        return {}
    totals: dict[str, dict[dt.datetime, list[int]]] = {}
    for (name, start, version), state in states.items():
        if model_version is not None and version != model_version:
            continue
        counts = totals.setdefault(name, {}).setdefault(start, [0, 0])
        counts[0] += state.labeled_count
        counts[1] += state.prediction_count
    choices = {}
    for name, windows in totals.items():
        maturity = maturity_for(name)
        rule = maturity.rule_text()
        mature = [w for w, (lab, pred) in windows.items() if maturity.is_mature(lab, pred)]
        newest = max(windows)
        if not mature:
            choices[name] = (newest, f"no window has {rule} yet; showing the newest")
            continue
        pick = max(mature)
        why = f"newest window with {rule}"
        newer = sorted(w for w in windows if w > pick)
        if newer:
            lacks = maturity.shortfall(*windows[newer[-1]])
            why += (
                f"; {len(newer)} newer window{'s' if len(newer) > 1 else ''} "
                f"{'have' if len(newer) > 1 else 'has'} too few labels (the newest, "
                f"{format_window(newer[-1])}: {lacks})"
            )
        choices[name] = (pick, why)
    return choices


def _with_maturity(
    summary: PerformanceSummary,
    maturity: Maturity,
    choices: dict[str, tuple[dt.datetime, str]],
    explicit: str | None,
) -> PerformanceSummary:
    """The summary with its labels' maturity, why its window was shown and its intervals."""
    coverage = summary.label_coverage
    labeled = coverage.labeled_count if coverage else summary.labeled_count
    predictions = coverage.prediction_count if coverage else None
    mature: bool | None = None
    reason = None
    if coverage is not None or summary.labeled_count:  # else: the monitor has no labels
        if predictions is None:  # no coverage row: the labeled count alone decides
            mature = (labeled or 0) >= maturity.min_labeled_count
            reason = None if mature else maturity.shortfall(labeled, labeled)
        else:
            mature = maturity.is_mature(labeled, predictions)
            reason = maturity.shortfall(labeled, predictions)
    choice = explicit
    if choice is None:
        choice = (
            choices[summary.monitor_name][1]
            if summary.monitor_name in choices
            else ("newest window (no label coverage to judge maturity)")
        )
    return dataclasses.replace(
        summary,
        labels_mature=mature,
        immature_reason=reason,
        maturity_rule=maturity.rule_text(),
        window_choice=choice,
        realized_intervals=realized_intervals(
            summary.realized, summary.labeled_count, summary.task
        ),
    )
