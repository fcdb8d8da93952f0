"""The `model-monitor performance` blocks: title, labels and operations lines, metric table."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from model_monitor.formatting.values import format_slice, format_window
from model_monitor.performance.metrics import COUNT_METRICS, LOWER_IS_BETTER, base_metric
from model_monitor.performance.summary import (
    PerformanceSummary,
    change_vs_reference,
    ordered_metrics,
)

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


IMMATURE_MARK = "\u2020"  # a dagger: computed on too few labels, see the caption


def summary_title(summary: PerformanceSummary) -> str:
    """Return 'monitor · window · version · slice' of a summary (and 'labels not mature')."""
    parts = [summary.monitor_name, f"window {format_window(summary.window_start)}"]
    if summary.model_version is not None:
        parts.append(f"version {summary.model_version}")
    parts.append(f"slice {format_slice(summary)}")
    if summary.labels_mature is False:
        parts.append("labels not mature")
    return " \u00b7 ".join(parts)


def window_line(summary: PerformanceSummary) -> str:
    """Return the line saying why this window is shown."""
    return f"window: {summary.window_choice}" if summary.window_choice else ""


def format_interval(interval: tuple[float, float] | None) -> str:
    """Return '0.5655 to 1.0000', or 'no interval'."""
    return "no interval" if interval is None else f"{interval[0]:.4f} to {interval[1]:.4f}"


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
    value, reference = getattr(summary, source)[key], summary.reference[key]
    if value is None or reference is None:  # change_vs_reference has ruled both out
        return Text("")
    style = change_style(key, change, float(value), float(reference))
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
    immature = summary.labels_mature is False
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, caption_justify="left")
    table.add_column("metric", no_wrap=True)
    for source in sources:
        header = _count_header(source, counts[source])
        if source == "realized" and immature:
            header += f" {IMMATURE_MARK}"
        table.add_column(header, justify="right", no_wrap=True)
    if immature:
        table.add_column("realized 95%\ninterval", justify="right", no_wrap=True)
    table.add_column("change vs\nreference", justify="right", no_wrap=True)
    estimated_change = False
    for key in ordered_metrics(summary):
        cells = [_value_cell(summary, source, key, notes) for source in sources]
        if immature:
            realized = sources.index("realized")
            if summary.realized.get(key) is not None:
                cells[realized] += f" {IMMATURE_MARK}"
                interval = summary.realized_intervals.get(key)
                is_count = base_metric(key) in COUNT_METRICS
                cells.append("" if is_count else format_interval(interval))
            else:
                cells.append("")
        change = _change_cell(summary, key)
        estimated_change |= change.plain.endswith("(est.)")
        # Text, not str: rich would read a per-class key such as f1[cancel] as markup.
        table.add_row(Text(key), *(Text(c) for c in cells), change)
    footnotes = notes.lines()
    if immature:
        footnotes.insert(
            0,
            f"{IMMATURE_MARK} computed on {format_count(summary.labeled_count)} labels, not "
            f"mature ({summary.immature_reason}; mature: {summary.maturity_rule}): "
            "read it with its interval",
        )
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
            *([Text(window_line(summary))] if summary.window_choice else []),
            performance_table(summary),
        )
        for summary in summaries
    ]
