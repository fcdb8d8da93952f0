"""Outcome figures: performance (realized, estimated, coverage), calibration, residuals, slices."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from model_monitor.alerts.maturity import Maturity
from model_monitor.metric_ranges import clamp_to_range
from model_monitor.performance.metrics import LOWER_IS_BETTER
from model_monitor.report.columns import HEADLINE_METRICS
from model_monitor.report.data import MonitorData
from model_monitor.report.style import (
    CRITICAL,
    REFERENCE,
    WARNING,
    bound_trace,
    left_titles,
    new_figure,
    of_version,
    span,
    version_color,
    version_name,
    versions_of,
)
from model_monitor.report.thresholds import Thresholds

HOVER_TIME = "%{x|%Y-%m-%d %H:%M}"
METRIC_TITLES = {
    "accuracy": "Accuracy",
    "roc_auc": "ROC AUC",
    "f1": "F1",
    "f1_macro": "F1 (macro)",
    "mae": "MAE",
    "rmse": "RMSE",
    "r2": "R²",
}


def headline_metric(monitor: MonitorData) -> str | None:
    """Return the monitor's headline metric (accuracy, or MAE for regression)."""
    metrics = HEADLINE_METRICS.get(monitor.task or "", ())
    return metrics[0] if metrics else None


def drop_bounds(
    metric: str, reference: float, thresholds: Thresholds
) -> list[tuple[str, float, str]]:
    """Return the performance_drop rule's bounds as values of the metric: (level, value, colour).

    Higher-is-better metrics alert on reference - value (a difference), error metrics on
    (value - reference) / reference (relative), as the rule's `change: auto` does. A bound beyond
    the metric's range (accuracy below 0) is drawn at the range's edge, as the rules apply it.
    """
    if metric not in thresholds.performance_drop_metrics:
        return []
    bounds = []
    for level, bound, color in (
        ("warning", thresholds.performance_drop.warning, WARNING),
        ("critical", thresholds.performance_drop.critical, CRITICAL),
    ):
        if bound is None:
            continue
        value = reference * (1 + bound) if metric in LOWER_IS_BETTER else reference - bound
        value = clamp_to_range(metric, value)
        bounds.append((level, value, color))
    return bounds


def performance(monitor: MonitorData, thresholds: Thresholds) -> go.Figure | None:
    """Return realized and estimated metrics over time against the reference, and coverage."""
    perf = monitor.performance
    metrics = [
        m for m in HEADLINE_METRICS.get(monitor.task or "", ()) if m in set(perf["metric_name"])
    ]
    if not metrics:
        return None
    current = perf[perf["window_kind"] == "current"].sort_values("window_start")
    reference = perf[(perf["window_kind"] == "reference") & (perf["metric_source"] == "realized")]
    x_range = span(current)
    if x_range is None:
        return None
    titles = [METRIC_TITLES.get(m, m) for m in metrics] + ["Label coverage"]
    fig = make_subplots(
        rows=len(titles),
        cols=1,
        shared_xaxes=True,
        subplot_titles=titles,
        vertical_spacing=0.06,
    )
    versions = versions_of(current)
    shown: set[str] = set()

    def legend(name: str) -> bool:
        first = name not in shown
        shown.add(name)
        return first

    for row, metric in enumerate(metrics, start=1):
        rows = current[current["metric_name"] == metric]
        for version in versions:
            name = version_name(version)
            color = version_color(versions, version)
            for source, dash, opacity in (("realized", "solid", 1.0), ("estimated", "dash", 0.8)):
                part = of_version(rows[rows["metric_source"] == source], version)
                if part.empty or part["metric_value"].isna().all():
                    continue
                label = (
                    f"{source} · {name}" if source == "realized" else f"estimated (CBPE) · {name}"
                )
                fig.add_trace(
                    go.Scatter(
                        x=part["window_start"],
                        y=part["metric_value"],
                        customdata=part["labeled_count"],
                        mode="lines+markers",
                        marker={"size": 4 if source == "realized" else 3},
                        line={"color": color, "dash": dash, "width": 2 if dash == "solid" else 1.5},
                        opacity=opacity,
                        name=label,
                        legendgroup=label,
                        showlegend=legend(label),
                        hovertemplate=f"{HOVER_TIME} · {name}<br>{source} {metric} %{{y:.4f}}"
                        + (
                            " on %{customdata:,} labels"
                            if source == "realized"
                            else " on %{customdata:,} scored"
                        )
                        + "<extra></extra>",
                    ),
                    row=row,
                    col=1,
                )
        ref = reference[reference["metric_name"] == metric]["metric_value"].dropna()
        if not ref.empty:
            value = float(ref.iloc[0])
            fig.add_trace(
                bound_trace(
                    x_range,
                    value,
                    name="reference",
                    color=REFERENCE,
                    dash="dot",
                    showlegend=legend("reference"),
                ),
                row=row,
                col=1,
            )
            for level, bound, color in drop_bounds(metric, value, thresholds):
                name = f"drop {level}"
                fig.add_trace(
                    bound_trace(x_range, bound, name=name, color=color, showlegend=legend(name)),
                    row=row,
                    col=1,
                )
    row = len(titles)
    coverage = monitor.coverage.sort_values("window_start")
    for version in versions_of(coverage):
        part = of_version(coverage, version)
        name = version_name(version)
        fig.add_trace(
            go.Bar(
                x=part["window_start"],
                y=part["label_coverage"],
                customdata=np.stack([part["labeled_count"], part["prediction_count"]], axis=-1),
                marker={"color": version_color(versions or versions_of(coverage), version)},
                opacity=0.6,
                name=f"label coverage · {name}",
                showlegend=False,
                hovertemplate=f"{HOVER_TIME} · {name}<br>%{{y:.1%}} labeled "
                "(%{customdata[0]:,} of %{customdata[1]:,})<extra></extra>",
            ),
            row=row,
            col=1,
        )
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=row, col=1)
    fig.update_xaxes(type="date")
    _shade_immature(fig, coverage, Maturity())
    left_titles(fig)
    fig.update_layout(barmode="group")
    return new_figure(fig, height=110 + 200 * len(titles))


IMMATURE_SHADE = "rgba(140, 140, 140, 0.16)"


def immature_spans(coverage: pd.DataFrame, maturity: Maturity) -> list[tuple[Any, Any]]:
    """Return (start, end) of each run of windows whose labels are not mature (all versions)."""
    if coverage.empty:
        return []
    totals = coverage.groupby("window_start")[["labeled_count", "prediction_count"]].sum()
    starts = pd.to_datetime(totals.index.to_series()).sort_values()
    steps = starts.diff().dropna()
    grain = steps.min() if not steps.empty else pd.Timedelta(days=1)
    spans: list[tuple[Any, Any]] = []
    for start in starts:
        labeled, predicted = totals.loc[start]
        if maturity.is_mature(int(labeled), int(predicted)):
            continue
        if spans and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], start + grain)
        else:
            spans.append((start, start + grain))
    return spans


def _shade_immature(fig: go.Figure, coverage: pd.DataFrame, maturity: Maturity) -> None:
    """Shade the windows with immature labels in every row, with a legend entry saying so."""
    spans = immature_spans(coverage, maturity)
    for start, end in spans:
        fig.add_vrect(
            x0=start, x1=end, fillcolor=IMMATURE_SHADE, line_width=0, layer="below",
            row="all", col=1,
        )  # fmt: skip
    if spans:
        fig.add_trace(
            go.Scatter(
                x=[spans[0][0]],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 12, "color": IMMATURE_SHADE},
                name=f"shaded: labels not mature (mature: {maturity.rule_text()})",
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )


def calibration(monitor: MonitorData) -> go.Figure | None:
    """Return the reliability diagram: the reference's and each version's, pooled over windows."""
    cal = monitor.calibration
    if cal.empty:
        return None
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line={"color": "#bbb", "dash": "dot", "width": 1},
            name="perfectly calibrated",
            hoverinfo="skip",
        )
    )
    reference = cal[cal["window_kind"] == "reference"]
    current = cal[cal["window_kind"] != "reference"]
    curves = [("reference", reference, REFERENCE)]
    versions = versions_of(current)
    curves += [
        (version_name(v), of_version(current, v), version_color(versions, v)) for v in versions
    ]
    for name, rows, color in curves:
        if rows.empty:
            continue
        pooled = _pool_calibration(rows)
        fig.add_trace(
            go.Scatter(
                x=pooled["mean_prediction"],
                y=pooled["observed_rate"],
                customdata=pooled["prediction_count"],
                mode="lines+markers",
                marker={"size": 7},
                line={"color": color, "width": 2},
                name=name,
                hovertemplate=f"{name}<br>predicted %{{x:.3f}} · observed %{{y:.3f}}"
                "<br>%{customdata:,} labeled predictions<extra></extra>",
            )
        )
    fig.update_xaxes(title="mean predicted probability", range=[0, 1], tickformat=".1f")
    fig.update_yaxes(title="observed positive rate", range=[0, 1], tickformat=".1f")
    fig.update_layout(legend={"x": 0.02, "y": 0.98, "bgcolor": "rgba(255,255,255,0.8)"})
    return new_figure(fig, height=420)


def _pool_calibration(rows: pd.DataFrame) -> pd.DataFrame:
    """Return one row per probability bin: counts summed, means weighted by counts."""
    weights = rows["prediction_count"].fillna(0)
    frame = pd.DataFrame(
        {
            "bin_index": rows["bin_index"],
            "prediction_count": weights,
            "predicted": rows["mean_prediction"] * weights,
            "observed": rows["observed_rate"] * weights,
        }
    )
    pooled = frame.groupby("bin_index", as_index=False).sum()
    pooled = pooled[pooled["prediction_count"] > 0]
    pooled["mean_prediction"] = pooled["predicted"] / pooled["prediction_count"]
    pooled["observed_rate"] = pooled["observed"] / pooled["prediction_count"]
    return pooled.sort_values("bin_index")


def _bin_label(lower: float, upper: float) -> str:
    """Return a residual bin as (lower, upper], open ends as infinities."""
    low = "-inf" if np.isnan(lower) else f"{lower:.3g}"
    high = "+inf)" if np.isnan(upper) else f"{upper:.3g}]"
    return f"({low}, {high}"


def residuals(monitor: MonitorData) -> go.Figure | None:
    """Return the residual (prediction - label) histogram: reference vs each version, pooled."""
    res = monitor.residuals
    if res.empty:
        return None
    reference = res[res["window_kind"] == "reference"].sort_values("bin_index")
    if reference.empty:
        return None
    labels = [
        _bin_label(lo, hi)
        for lo, hi in zip(reference["lower_bound"], reference["upper_bound"], strict=True)
    ]
    by_index = dict(zip(reference["bin_index"], labels, strict=True))
    current = res[res["window_kind"] != "reference"]
    versions = versions_of(current)
    fig = go.Figure()
    series = [("reference", reference, REFERENCE)]
    series += [
        (version_name(v), of_version(current, v), version_color(versions, v)) for v in versions
    ]
    for name, rows, color in series:
        counts = rows.groupby("bin_index")["bin_count"].sum()
        total = counts.sum()
        if not total:
            continue
        fig.add_trace(
            go.Bar(
                x=[by_index.get(i, str(i)) for i in counts.index],
                y=counts / total,
                name=name,
                marker={"color": color},
                opacity=0.55 if name == "reference" else 0.85,
                hovertemplate=f"{name}<br>residual %{{x}}: %{{y:.1%}}<extra></extra>",
            )
        )
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=labels,
        tickangle=-40,
        title="prediction - label (reference quantile bins)",
    )
    fig.update_yaxes(tickformat=".0%", title="share of labeled predictions")
    fig.update_layout(barmode="group", legend={"x": 0.02, "y": 0.98})
    return new_figure(fig, height=420)
