"""Slice figures: the headline metric per slice value, the latest PSI per slice, fairness gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from model_monitor.report.columns import SLICE_METRICS
from model_monitor.report.data import MonitorData
from model_monitor.report.figures_drift import psi_colors, psi_top
from model_monitor.report.figures_outcomes import HOVER_TIME, METRIC_TITLES, headline_metric
from model_monitor.report.style import (
    SERIES,
    left_titles,
    missing,
    new_figure,
    of_version,
    version_name,
    versions_of,
)
from model_monitor.report.thresholds import Thresholds


def slice_performance(monitor: MonitorData) -> go.Figure | None:
    """Return the headline metric per slice value over time, next to the whole population."""
    metric = headline_metric(monitor)
    rows = monitor.slice_performance
    if metric is None or metric not in SLICE_METRICS or rows.empty:
        return None
    rows = rows[(rows["metric_name"] == metric) & (rows["window_kind"] == "current")]
    rows = rows.sort_values("window_start")
    keys = sorted(set(rows["slice_key"].dropna()))
    if not keys:
        return None
    fig = make_subplots(
        rows=len(keys),
        cols=1,
        shared_xaxes=True,
        subplot_titles=[f"{METRIC_TITLES.get(metric, metric)} by {k}" for k in keys],
        vertical_spacing=0.12,
    )
    whole = monitor.performance
    whole = whole[
        (whole["metric_name"] == metric)
        & (whole["metric_source"] == "realized")
        & (whole["window_kind"] == "current")
    ].sort_values("window_start")
    versions = versions_of(rows)
    for row, key in enumerate(keys, start=1):
        of_key = rows[rows["slice_key"] == key]
        values = sorted(set(of_key["slice_value"].dropna())) + (
            [None] if of_key["slice_value"].isna().any() else []
        )
        for number, value in enumerate(values):
            color = SERIES[number % len(SERIES)]
            if value is None:
                part = of_key[of_key["slice_value"].isna()]
            else:
                part = of_key[of_key["slice_value"] == value]
            label = "(null)" if value is None else str(value)
            for version in versions:
                line = of_version(part, version)
                if line.empty:
                    continue
                fig.add_trace(
                    go.Scatter(
                        x=line["window_start"],
                        y=line["metric_value"],
                        customdata=line["labeled_count"],
                        mode="lines",
                        line={"color": color, "width": 1.6},
                        name=label,
                        legendgroup=f"{key}={label}",
                        showlegend=version == versions[0] or len(versions) == 1,
                        hovertemplate=f"{key} = {label} · {HOVER_TIME} · {version_name(version)}"
                        f"<br>{metric} %{{y:.4f}} on %{{customdata:,}} labels<extra></extra>",
                    ),
                    row=row,
                    col=1,
                )
        for version in versions_of(whole):
            line = of_version(whole, version)
            fig.add_trace(
                go.Scatter(
                    x=line["window_start"],
                    y=line["metric_value"],
                    mode="lines",
                    line={"color": "#222", "width": 2.5, "dash": "dot"},
                    name="whole population",
                    legendgroup="whole",
                    showlegend=row == 1 and version == versions_of(whole)[0],
                    hovertemplate=f"whole population · {HOVER_TIME} · {version_name(version)}"
                    f"<br>{metric} %{{y:.4f}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
    fig.update_xaxes(type="date")
    left_titles(fig)
    return new_figure(fig, height=100 + 300 * len(keys))


def slice_drift(monitor: MonitorData, thresholds: Thresholds) -> go.Figure | None:
    """Return the latest window's PSI per slice value (rows) and column (columns)."""
    rows = monitor.slice_drift
    if rows.empty or rows["psi"].isna().all():
        return None
    rows = rows.assign(
        slice=[
            f"{k} = {'(null)' if missing(v) else v}"
            for k, v in zip(rows["slice_key"], rows["slice_value"], strict=True)
        ]
    )
    table = rows.pivot_table(index="slice", columns="column_name", values="psi", aggfunc="max")
    top = psi_top(thresholds, table.to_numpy())
    colorscale, colorbar = psi_colors(thresholds, top)
    start = pd.Timestamp(rows["window_start"].max())
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=list(table.columns),
            y=list(table.index),
            zmin=0,
            zmax=top,
            colorscale=colorscale,
            colorbar=colorbar,
            xgap=1,
            ygap=1,
            text=np.vectorize(lambda v: "" if np.isnan(v) else f"{v:.2f}")(table.to_numpy()),
            texttemplate="%{text}",
            textfont={"size": 10},
            hovertemplate="%{y} · %{x}<br>PSI %{z:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(tickangle=-30, showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    title = f"PSI per slice in the latest window ({start:%Y-%m-%d %H:%M})".replace(" 00:00)", ")")
    return new_figure(fig, height=max(300, 140 + 30 * len(table.index)), title=title)


FAIRNESS_TITLES = {
    "demographic_parity_difference": "positive prediction rate",
    "equal_opportunity_difference": "recall",
    "false_positive_rate_difference": "false positive rate",
}


def fairness(monitor: MonitorData) -> go.Figure | None:
    """Return the largest gap across slice values of three rates, per window."""
    rows = monitor.fairness.sort_values("window_start")
    if rows.empty or rows["metric_value"].isna().all():
        return None
    fig = go.Figure()
    metrics = [m for m in FAIRNESS_TITLES if m in set(rows["metric_name"])]
    versions = versions_of(rows)
    for number, metric in enumerate(metrics):
        for key in sorted(set(rows["slice_key"].dropna())):
            for version in versions:
                part = of_version(
                    rows[(rows["metric_name"] == metric) & (rows["slice_key"] == key)], version
                )
                if part.empty:
                    continue
                name = f"{FAIRNESS_TITLES[metric]} gap across {key}"
                fig.add_trace(
                    go.Scatter(
                        x=part["window_start"],
                        y=part["metric_value"],
                        customdata=np.stack(
                            [part["min_slice_value"], part["max_slice_value"]], axis=-1
                        ),
                        mode="lines+markers",
                        marker={"size": 4},
                        line={"color": SERIES[number % len(SERIES)], "width": 1.6},
                        name=name,
                        legendgroup=name,
                        showlegend=version == versions[0],
                        hovertemplate=f"{HOVER_TIME} · {version_name(version)}<br>{name}: "
                        "%{y:.3f}<br>lowest %{customdata[0]}, highest %{customdata[1]}"
                        "<extra></extra>",
                    )
                )
    fig.update_xaxes(type="date")
    fig.update_yaxes(rangemode="tozero", tickformat=".2f", title="max - min across slice values")
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top"})
    return new_figure(fig, height=420, title="Largest gap between slice values")
