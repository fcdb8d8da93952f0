"""Turning loaded data into the report: figures per section, then one HTML file via Jinja2."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import plotly.graph_objects as go
import plotly.io as pio
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from model_monitor import __version__
from model_monitor.report import figures_data, figures_drift, figures_outcomes, figures_slices
from model_monitor.report.data import MonitorData, ReportData
from model_monitor.report.overview import (
    NOT_EVALUATED,
    SEVERITIES,
    AlertLine,
    MonitorOverview,
    alert_lines,
    format_window,
    summarize,
)
from model_monitor.report.thresholds import Thresholds

PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}
MAX_ALERT_LINES = 30


@dataclass
class Section:
    """One titled figure of a monitor, or the note saying why it has none."""

    title: str
    caption: str
    figure: go.Figure | None = None
    note: str = ""
    half: bool = False
    html: Markup = Markup("")


@dataclass
class MonitorPage:
    """A monitor's part of the report: its overview line, open alerts and figure rows."""

    overview: MonitorOverview
    alerts: list[AlertLine] | None
    more_alerts: int
    alert_summary: str
    rows: list[list[Section]] = field(default_factory=list)


def _thresholds_text(thresholds: Thresholds) -> str:
    psi = thresholds.psi
    return (
        f"warning {psi.warning:g}, critical {psi.critical:g}"
        if psi.warning and psi.critical
        else ""
    )


def monitor_sections(
    monitor: MonitorData, thresholds: Thresholds, histogram_windows: int
) -> list[Section]:
    """Return a monitor's sections in reading order, each with its figure or a note."""
    psi_bounds = _thresholds_text(thresholds)
    p_bound = thresholds.drift_pvalue.warning
    sections = [
        Section(
            "Drift at a glance",
            f"PSI of every monitored column per window against the reference; colours step at the "
            f"alert bounds ({psi_bounds}). A window served by two model versions shows the larger.",
            figures_drift.psi_heatmap(monitor, thresholds),
            note="No drift rows in this period.",
        ),
        Section(
            "Drift over time per column",
            "Solid: PSI (left axis) with the PSI alert bounds. Dotted: the drift test's p-value "
            "(right axis, log scale; KS for numerical columns, chi-square for categorical ones), "
            "adjusted with Benjamini-Hochberg across the window's columns as the drift_test rule "
            f"does (the label's is raw), with its bound {p_bound:g}. Highest latest PSI first.",
            figures_drift.drift_over_time(monitor, thresholds),
            note="No drift rows in this period.",
        ),
        Section(
            "Reference vs window histograms",
            f"Share of non-null finite values per reference bin (NULLs excluded: see null rate). "
            f"Pick one of the last {histogram_windows} windows (and model version) in the menu "
            "at the top left. The label's histogram fills as labels arrive.",
            figures_drift.histograms(monitor),
            note="No distribution rows for these windows.",
        ),
        Section(
            "Data quality",
            "Per window, all model versions together. Columns that stay at 0 are left out; the "
            "label's NULLs (labels not yet arrived) are shown as label coverage below.",
            figures_data.data_quality(monitor, thresholds),
            note="No data quality rows in this period.",
        ),
        Section(
            "Performance: realized vs estimated",
            "Realized metrics from labels (solid) and CBPE estimates without labels (dashed) per "
            "model version, the reference's value (dotted) and the performance_drop alert bounds. "
            "Bottom: the share of each window's predictions that has a label so far.",
            figures_outcomes.performance(monitor, thresholds),
            note="No performance rows: the monitor has no labels, or none in this period.",
        ),
    ]
    if monitor.task == "regression":
        sections.append(
            Section(
                "Residuals",
                "Prediction - label on the reference's residual quantile bins, the period's "
                "windows pooled per model version.",
                figures_outcomes.residuals(monitor),
                note="No residual rows.",
                half=True,
            )
        )
    else:
        sections.append(
            Section(
                "Calibration",
                "Observed positive rate against the mean predicted probability per probability "
                "bin, the period's labeled predictions pooled per model version.",
                figures_outcomes.calibration(monitor),
                note="No calibration rows: they need a binary monitor with a score and labels.",
                half=True,
            )
        )
    sections.append(
        Section(
            "Slices: drift",
            "PSI of every column within each slice value, latest window.",
            figures_slices.slice_drift(monitor, thresholds),
            note="No slices configured (`slices:` in the monitor's configuration).",
            half=True,
        )
    )
    sections.append(
        Section(
            "Slices: performance",
            "The headline metric (realized) per slice value over time; the whole population "
            "dotted.",
            figures_slices.slice_performance(monitor),
            note="No realized performance per slice in this period.",
            half=True,
        )
    )
    if monitor.task in (None, "binary"):
        sections.append(
            Section(
                "Slices: fairness",
                "Largest difference across a slice's values of the positive prediction rate, "
                "recall and false positive rate.",
                figures_slices.fairness(monitor),
                note="No fairness rows: they need a binary monitor with slices and labels.",
                half=True,
            )
        )
    sections.append(
        Section(
            "Operations",
            "Throughput, latency percentiles and error rate per window and model version.",
            figures_data.operations(monitor),
            note="No operations rows in this period.",
            half=not figures_data.has_operations_detail(monitor),
        )
    )
    if not figures_data.has_operations_detail(monitor) and sections[-1].figure is not None:
        sections[-1].caption += " No latency_column or status_column is configured: volume only."
    return sections


def _rows(sections: list[Section]) -> list[list[Section]]:
    """Group consecutive half-width sections in pairs; full-width ones stand alone."""
    rows: list[list[Section]] = []
    for section in sections:
        if section.half and rows and rows[-1][0].half and len(rows[-1]) == 1:
            rows[-1].append(section)
        else:
            rows.append([section])
    return rows


def _figure_html(figure: go.Figure, number: int) -> Markup:
    """Return a figure's div and script; plotly.js itself is embedded once in the page."""
    height = figure.layout.height or 450
    html = pio.to_html(
        figure,
        config=PLOTLY_CONFIG,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        div_id=f"chart-{number}",
        default_height=f"{height}px",
        validate=False,
    )
    return Markup(html)


def render_report(
    data: ReportData,
    thresholds: Thresholds,
    progress: Callable[[str], None] | None = None,
) -> tuple[str, int]:
    """Return the report's HTML and the number of charts in it."""
    say = progress or (lambda _message: None)
    pages = []
    charts = 0
    for monitor in data.monitors:
        say(f"figures for {monitor.name}")
        overview = summarize(monitor, thresholds)
        alerts = monitor.open_alerts
        lines = None if alerts is None else alert_lines(alerts[:MAX_ALERT_LINES])
        page = MonitorPage(
            overview=overview,
            alerts=lines,
            more_alerts=0 if alerts is None else max(0, len(alerts) - MAX_ALERT_LINES),
            alert_summary=", ".join(
                f"{count} {severity}" for severity, count in overview.open_alerts.items() if count
            ),
        )
        for section in monitor_sections(monitor, thresholds, data.options.histogram_windows):
            if section.figure is not None:
                charts += 1
                section.html = _figure_html(section.figure, charts)
            page.rows.append([section])
        page.rows = _rows([row[0] for row in page.rows])
        pages.append(page)
    environment = Environment(
        loader=PackageLoader("model_monitor.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["window"] = format_window
    template = environment.get_template("report.html.j2")
    html = template.render(
        data=data,
        pages=pages,
        severities=SEVERITIES,
        not_evaluated=NOT_EVALUATED,
        plotly_js=Markup(get_plotlyjs()),
        version=__version__,
        thresholds=thresholds,
        chart_count=charts,
    )
    return html, charts
