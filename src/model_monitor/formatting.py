"""Rendering records for people (rich tables) and for programs (JSON)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from model_monitor.alerts import Alert, Severity, Status
from model_monitor.drift import DriftRow
from model_monitor.evaluate import format_value
from model_monitor.lifecycle import Delivery
from model_monitor.performance.metrics import COUNT_METRICS, LOWER_IS_BETTER, base_metric
from model_monitor.performance.summary import (
    PerformanceSummary,
    change_vs_reference,
    ordered_metrics,
)
from model_monitor.store.records import DeliveryStatus

# Common rule of thumb for PSI: below 0.1 stable, 0.1-0.25 moderate shift, above 0.25 major shift.
PSI_MODERATE = 0.1
PSI_MAJOR = 0.25


def to_jsonable(value: Any) -> Any:
    """Return value with datetimes as ISO strings and NaN or infinities as None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        return to_jsonable(value.item())
    return value


def to_json(records: Sequence[Any]) -> str:
    """Return records as a JSON list of objects (NaN becomes null)."""
    return json.dumps(to_jsonable(list(records)), indent=2, allow_nan=False)


def format_number(value: float | int | None, digits: int = 4) -> str:
    """Return a number with a fixed count of decimals, '-' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def format_pvalue(value: float | None) -> str:
    """Return a p-value readably: 3 significant digits, '<1e-16' below float resolution."""
    if value is None or math.isnan(value):
        return "-"
    if value < 1e-16:
        return "<1e-16"
    return f"{value:.3g}"


def format_window(start: dt.datetime | None) -> str:
    """Return a window start as a date, or a date and time when it is not midnight."""
    if start is None:
        return "-"
    if start.time() == dt.time() and start.tzinfo is None:
        return start.date().isoformat()
    return start.isoformat(sep=" ", timespec="minutes")


class Sliced(Protocol):
    """A record of one slice: drift rows and performance summaries."""

    slice_key: str | None
    slice_value: str | None


def format_slice(row: Sliced) -> str:
    """Return 'all' for the whole population, else key=value."""
    if row.slice_key is None:
        return "all"
    return f"{row.slice_key}={'NULL' if row.slice_value is None else row.slice_value}"


def psi_style(psi: float | None) -> str:
    """Return the rich style for a PSI by its severity."""
    if psi is None:
        return "dim"
    if psi >= PSI_MAJOR:
        return "bold red"
    if psi >= PSI_MODERATE:
        return "yellow"
    return "green"


# Left out first when the table does not fit: JSON output keeps every statistic.
SECONDARY_COLUMNS = ("JS dist", "KS")


def _drift_cells(rows: Sequence[DriftRow]) -> dict[str, Callable[[DriftRow], str | Text]]:
    """Return the table's columns: header -> cell of a row; empty columns are left out."""
    cells: dict[str, Callable[[DriftRow], str | Text]] = {
        "monitor": lambda r: r.monitor_name,
        "window": lambda r: format_window(r.window_start),
    }
    if any(r.model_version is not None for r in rows):
        cells["version"] = lambda r: r.model_version or "-"
    if any(r.slice_key is not None for r in rows):
        cells["slice"] = format_slice
    cells |= {
        "column": lambda r: r.column_name,
        "ref n": lambda r: format_number(r.reference_count),
        "cur n": lambda r: format_number(r.current_count),
        "PSI": lambda r: Text(format_number(r.psi), style=psi_style(r.psi)),
        "JS dist": lambda r: format_number(r.js_distance),
        "chi2 p": lambda r: format_pvalue(r.chi_square_pvalue),
        "KS": lambda r: format_number(r.ks_statistic),
        "KS p": lambda r: format_pvalue(r.ks_pvalue),
    }
    return cells


def _build_drift_table(rows: Sequence[DriftRow], leave_out: Sequence[str] = ()) -> Table:
    """Return the rich table of drift rows without the named columns."""
    table = Table(
        title="Drift vs reference",
        caption=f"PSI >= {PSI_MODERATE}: moderate shift, >= {PSI_MAJOR}: major shift",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    cells = {h: c for h, c in _drift_cells(rows).items() if h not in leave_out}
    for header in cells:
        if header in ("monitor", "window", "version", "slice", "column"):
            table.add_column(header, overflow="fold")
        else:
            table.add_column(header, justify="right", no_wrap=True)
    for row in rows:
        table.add_row(*(cell(row) for cell in cells.values()))
    return table


def drift_table(rows: Sequence[DriftRow], width: int | None = None) -> Table:
    """Return a rich table of drift rows in the order given, fitted to width if one is given."""
    table = _build_drift_table(rows)
    if width is not None:
        needed = Console(width=10_000).measure(table).maximum
        if needed > width:
            table = _build_drift_table(rows, leave_out=SECONDARY_COLUMNS)
    return table


# --- performance ------------------------------------------------------------------------------

NULL_MARK = "\u2014"  # an em dash: the value is NULL (undefined), see the footnote
SUPERSCRIPT = str.maketrans(
    "0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)
UNDEFINED_REASONS = {
    "no_labels": "no labeled predictions",
    "no_scores": "no scored predictions",
    "single_class": "the labels hold a single class",
    "constant_labels": "the labels are constant",
    "zero_denominator": "its denominator is zero",
}
# A change counts as better or worse once it moves 1% of the reference (at least 0.01).
CHANGE_TOLERANCE = 0.01


def format_count(value: int | None) -> str:
    """Return a count with thousands separators, the NULL mark when missing."""
    return NULL_MARK if value is None else f"{value:,}"


def format_percent(value: float | None, digits: int = 1) -> str:
    """Return a share as a percentage, the NULL mark when missing."""
    return NULL_MARK if value is None else f"{value:.{digits}%}"


def format_hours(hours: float | None) -> str:
    """Return a delay in hours, or in days from two days on."""
    if hours is None:
        return NULL_MARK
    return f"{hours / 24:.1f} days" if abs(hours) >= 48 else f"{hours:.1f} h"


def format_metric(key: str, value: float | int | None) -> str:
    """Return a metric value: counts as integers, the rest with 4 decimals."""
    if value is None:
        return NULL_MARK
    if base_metric(key) in COUNT_METRICS:
        return f"{int(value):,}"
    return f"{value:.4f}"


def summary_title(summary: PerformanceSummary) -> str:
    """Return 'monitor · window · version · slice' of a summary."""
    parts = [summary.monitor_name, f"window {format_window(summary.window_start)}"]
    if summary.model_version is not None:
        parts.append(f"version {summary.model_version}")
    parts.append(f"slice {format_slice(summary)}")
    return " \u00b7 ".join(parts)


def coverage_line(summary: PerformanceSummary) -> str:
    """Return the line on label coverage and delay of a summary's window."""
    coverage = summary.label_coverage
    if coverage is None:
        return "labels: no label coverage for this window (no labels configured?)"
    line = (
        f"labels: {format_count(coverage.labeled_count)} of "
        f"{format_count(coverage.prediction_count)} predictions labeled "
        f"({format_percent(coverage.label_coverage)}), "
        f"median delay {format_hours(coverage.label_delay_median_hours)}"
    )
    if summary.labels_as_of is not None:
        line += f", labels as of {summary.labels_as_of.isoformat(sep=' ', timespec='minutes')}"
    return line


def operations_line(summary: PerformanceSummary) -> str:
    """Return the line on serving volume, latency and errors of a summary's window."""
    ops = summary.operations
    if ops is None:
        return "operations: no figures for this window"
    latencies = (ops.latency_p50_ms, ops.latency_p95_ms, ops.latency_p99_ms)
    if all(v is None for v in latencies):
        latency = f"latency {NULL_MARK}"
    else:
        p50, p95, p99 = (NULL_MARK if v is None else f"{v:.1f}" for v in latencies)
        latency = f"latency p50 {p50} / p95 {p95} / p99 {p99} ms"
    return (
        f"operations: {format_count(ops.prediction_count)} predictions, {latency}, "
        f"error rate {format_percent(ops.error_rate, 2)}"
    )


def change_style(key: str, change: float, value: float, reference: float) -> str:
    """Return the style of a change: red when worse, green when better, none when small."""
    if abs(change) < CHANGE_TOLERANCE * max(1.0, abs(reference)):
        return ""
    name = base_metric(key)
    if name == "mean_error":  # a bias: closer to zero is better
        worse = abs(value) > abs(reference)
    else:
        worse = (change > 0) == (name in LOWER_IS_BETTER)
    return "red" if worse else "green"


class _Footnotes:
    """Numbered footnotes for undefined values, one per reason, in order of first use."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def mark(self, reason: str | None) -> str:
        """Return the NULL mark with the footnote number of a reason."""
        if reason is None:
            return NULL_MARK
        number = self.numbers.setdefault(reason, len(self.numbers) + 1)
        return NULL_MARK + str(number).translate(SUPERSCRIPT)

    def lines(self) -> list[str]:
        """Return one line per footnote."""
        return [
            f"{str(n).translate(SUPERSCRIPT)} {reason}: {UNDEFINED_REASONS.get(reason, reason)}"
            for reason, n in self.numbers.items()
        ]


def _value_cell(summary: PerformanceSummary, source: str, key: str, notes: _Footnotes) -> str:
    """Return one metric's cell for a source: blank when not computed, marked when NULL."""
    values = getattr(summary, source)
    if key not in values:
        return ""
    if values[key] is None:
        return notes.mark(summary.undefined_reasons.get(source, {}).get(key))
    return format_metric(key, values[key])


def _change_cell(summary: PerformanceSummary, key: str) -> Text:
    """Return the change of a metric against the reference, styled by direction."""
    change, source = change_vs_reference(summary, key)
    if change is None or source is None:
        return Text("")
    value = getattr(summary, source)[key]
    style = change_style(key, change, float(value), float(summary.reference[key]))
    suffix = " (est.)" if source == "estimated" else ""
    return Text(f"{change:+.4f}{suffix}", style=style)


def _count_header(label: str, count: int | None) -> str:
    """Return a column header with the rows behind it."""
    return label if count is None else f"{label}\nn={count:,}"


def performance_table(summary: PerformanceSummary) -> Table:
    """Return the metric | reference | realized | estimated | change table of a summary."""
    notes = _Footnotes()
    sources = ["reference", "realized"]
    if summary.estimated:  # only binary monitors with a score have CBPE estimates
        sources.append("estimated")
    counts = {
        "reference": summary.reference_labeled_count,
        "realized": summary.labeled_count,
        "estimated": summary.scored_count,
    }
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, caption_justify="left")
    table.add_column("metric", no_wrap=True)
    for source in sources:
        table.add_column(_count_header(source, counts[source]), justify="right", no_wrap=True)
    table.add_column("change vs\nreference", justify="right", no_wrap=True)
    estimated_change = False
    for key in ordered_metrics(summary):
        cells = [_value_cell(summary, source, key, notes) for source in sources]
        change = _change_cell(summary, key)
        estimated_change |= change.plain.endswith("(est.)")
        # Text, not str: rich would read a per-class key such as f1[cancel] as markup.
        table.add_row(Text(key), *(Text(c) for c in cells), change)
    footnotes = notes.lines()
    if estimated_change:
        footnotes.append("(est.): change of the CBPE estimate, the realized value being undefined")
    if footnotes:
        table.caption = Text("\n".join(footnotes))
    return table


def performance_report(summaries: Sequence[PerformanceSummary]) -> list[RenderableType]:
    """Return one block per summary: a title, label and operations lines, the metric table."""
    return [
        Group(
            Text(summary_title(summary), style="bold"),
            Text(coverage_line(summary)),
            Text(operations_line(summary)),
            performance_table(summary),
        )
        for summary in summaries
    ]


# --- alerts -----------------------------------------------------------------------------------

SEVERITY_STYLES = {"critical": "bold red", "warning": "yellow", "info": "cyan"}


def alerts_table(alerts: Sequence[Alert]) -> Table:
    """Return a rich table of alerts in the order given: severity, where, what, why."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    cells: dict[str, Callable[[Alert], str | Text]] = {
        "severity": lambda a: Text(a.severity.value, style=SEVERITY_STYLES[a.severity.value]),
        "monitor": lambda a: a.monitor_name,
        "window": lambda a: format_window(a.window_start),
    }
    if any(a.model_version is not None for a in alerts):
        cells["version"] = lambda a: a.model_version or "-"
    if any(a.slice_key is not None for a in alerts):
        cells["slice"] = format_slice
    if any(a.status is not Status.NEW for a in alerts):
        cells["status"] = lambda a: a.status.value
    cells |= {
        "rule": lambda a: a.rule_name,
        "column": lambda a: a.column_name or "-",
        "observed": lambda a: format_value(a.metric_name, a.observed_value),
        # Text, not str: rich would read brackets in a message as markup.
        "explanation": lambda a: Text(a.message),
    }
    for header in cells:
        if header == "observed":
            table.add_column(header, justify="right", no_wrap=True)
        elif header in ("severity", "window", "rule"):
            table.add_column(header, no_wrap=True)
        else:
            table.add_column(header, overflow="fold")
    for alert in alerts:
        table.add_row(*(cell(alert) for cell in cells.values()))
    return table


def alert_json(alert: Alert) -> dict[str, Any]:
    """Return one alert as a JSON-ready object, with its alert_key and alert_id."""
    record = to_jsonable(alert)
    record["severity"] = alert.severity.value
    record["status"] = alert.status.value
    record["alert_key"] = alert.alert_key
    record["alert_id"] = alert.alert_id
    return record


def alerts_json_lines(alerts: Sequence[Alert]) -> str:
    """Return alerts as JSON lines: one object per line, NaN and infinities as null."""
    return "\n".join(json.dumps(alert_json(a), allow_nan=False) for a in alerts)


def alerts_summary(alerts: Sequence[Alert], windows: int, monitors: int) -> str:
    """Return '3 alerts (1 critical, 2 warning) over 1 window of 2 monitors'."""
    counts = [
        f"{n} {severity.value}"
        for severity in reversed(Severity)
        if (n := sum(a.severity is severity for a in alerts))
    ]
    what = f"{len(alerts)} alert{'s' if len(alerts) != 1 else ''}" if alerts else "No alerts"
    if counts:
        what += f" ({', '.join(counts)})"
    return (
        f"{what} over {windows} window{'s' if windows != 1 else ''} of {monitors} "
        f"monitor{'s' if monitors != 1 else ''}"
    )


def delivery_summary(deliveries: Sequence[Delivery], channels: Sequence[str]) -> str:
    """Return 'Notifications: webhook 3 delivered, 1 failed (...); jsonl 4 delivered'."""
    parts = []
    for channel in channels:
        mine = [d for d in deliveries if d.channel == channel]
        counts = [
            f"{n} {status.value}"
            for status in (
                DeliveryStatus.DELIVERED,
                DeliveryStatus.FAILED,
                DeliveryStatus.SUPPRESSED,
            )
            if (n := sum(d.delivery_status is status for d in mine))
        ]
        text = f"{channel} {', '.join(counts) or 'nothing new to send'}"
        retried = sum(d.retry for d in mine)
        if retried:
            text += f" ({retried} retried from an earlier run)"
        errors = [d.last_error for d in mine if d.delivery_status is DeliveryStatus.FAILED]
        if errors:
            text += f" (last error: {' '.join(str(errors[-1]).split())[:160]})"
        parts.append(text)
    line = "Notifications: " + "; ".join(parts)
    if any(d.delivery_status is DeliveryStatus.FAILED for d in deliveries):
        line += "; failed deliveries are stored and retried on the next run"
    return line
