"""Data figures: data quality trends (nulls, out of range, unseen, volume) and operations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from model_monitor.report.data import MonitorData
from model_monitor.report.style import (
    CRITICAL,
    SERIES,
    WARNING,
    bound_trace,
    empty_note,
    left_titles,
    new_figure,
    of_version,
    span,
    version_color,
    version_name,
    versions_of,
)
from model_monitor.report.thresholds import Bounds, Thresholds

HOVER_TIME = "%{x|%Y-%m-%d %H:%M}"


def _quality_shares(quality: pd.DataFrame) -> pd.DataFrame:
    """Return per window and column (versions summed): null, out-of-range and unseen shares."""
    counts = quality.groupby(["window_start", "column_name", "column_kind"], as_index=False)[
        ["row_count", "null_count", "nan_count", "out_of_range_count", "unseen_category_count"]
    ].sum(min_count=1)
    non_null = counts["row_count"] - counts["null_count"]
    finite = non_null - counts["nan_count"].fillna(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        counts["null_rate"] = counts["null_count"] / counts["row_count"].replace(0, np.nan)
        counts["out_of_range_share"] = counts["out_of_range_count"] / finite.replace(0, np.nan)
        counts["unseen_category_share"] = counts["unseen_category_count"] / non_null.replace(
            0, np.nan
        )
    return counts.sort_values("window_start")


def _add_bounds(
    fig: go.Figure,
    x_range: tuple,
    bounds: Bounds,
    label: str,
    row: int,
) -> None:
    """Draw a rule's warning and critical bounds in one row."""
    for level, bound, color in (
        ("warning", bounds.warning, WARNING),
        ("critical", bounds.critical, CRITICAL),
    ):
        if bound is not None:
            name = f"{label} {level} {bound:.0%}"
            fig.add_trace(bound_trace(x_range, bound, name=name, color=color), row=row, col=1)


def data_quality(monitor: MonitorData, thresholds: Thresholds) -> go.Figure | None:
    """Return four rows sharing the time axis: null rate, out of range, unseen, volume."""
    windows = monitor.windows.sort_values("window_start")
    if windows.empty:
        return None
    # The label's NULLs are labels not yet arrived: the performance section shows coverage.
    quality = monitor.quality[monitor.quality["column_role"] != "label"]
    shares = _quality_shares(quality) if not quality.empty else pd.DataFrame()
    x_range = span(windows)
    assert x_range is not None
    titles = (
        "Null rate per column",
        "Out-of-range share (finite values outside the reference's min..max)",
        "Unseen-category share (values absent from the reference)",
        "Predictions per window, by model version (empty windows marked)",
    )
    fig = make_subplots(
        rows=4, cols=1, shared_xaxes=True, subplot_titles=titles, vertical_spacing=0.07
    )
    columns = sorted(set(shares["column_name"])) if not shares.empty else []
    colors = {c: SERIES[i % len(SERIES)] for i, c in enumerate(columns)}
    shown: set[str] = set()
    metrics = (
        (1, "null_rate", None, None),
        (2, "out_of_range_share", "numerical", thresholds.out_of_range_share),
        (3, "unseen_category_share", "categorical", thresholds.unseen_category_share),
    )
    for row, metric, kind, bounds in metrics:
        part = shares if kind is None or shares.empty else shares[shares["column_kind"] == kind]
        drawn = 0
        for column in columns:
            series = part[part["column_name"] == column] if not part.empty else part
            if series.empty or not (series[metric].fillna(0) > 0).any():
                continue  # a column at 0 throughout would only hide the others
            drawn += 1
            fig.add_trace(
                go.Scatter(
                    x=series["window_start"],
                    y=series[metric],
                    mode="lines+markers",
                    marker={"size": 4},
                    line={"color": colors[column], "width": 1.6},
                    name=column,
                    legendgroup=column,
                    showlegend=column not in shown,
                    hovertemplate=f"{column} · {HOVER_TIME}<br>%{{y:.2%}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
            shown.add(column)
        if bounds is not None and drawn:
            label = "out of range" if row == 2 else "unseen"
            _add_bounds(fig, x_range, bounds, label, row)
        if not drawn:
            empty_note(fig, "0 in every window and column", row=row, col=1)
            fig.update_yaxes(range=[0, 0.05], row=row, col=1)
        fig.update_yaxes(tickformat=".1%", rangemode="tozero", row=row, col=1)
    versions = versions_of(windows[windows["prediction_count"] > 0])
    for version in versions:
        part = of_version(windows, version)
        fig.add_trace(
            go.Bar(
                x=part["window_start"],
                y=part["prediction_count"],
                name=f"predictions · {version_name(version)}",
                marker={"color": version_color(versions, version)},
                hovertemplate=f"{HOVER_TIME} · {version_name(version)}<br>"
                "%{y:,} predictions<extra></extra>",
            ),
            row=4,
            col=1,
        )
    _mark_empty_windows(fig, windows, row=4)
    fig.update_yaxes(tickformat=",", rangemode="tozero", row=4, col=1)
    fig.update_xaxes(type="date")
    left_titles(fig)
    fig.update_layout(barmode="stack", legend={"tracegroupgap": 2})
    return new_figure(fig, height=860)


def _mark_empty_windows(fig: go.Figure, windows: pd.DataFrame, row: int) -> None:
    """Mark windows without predictions with a red cross at 0: a bar of 0 would not show."""
    totals = windows.groupby("window_start", as_index=False)["prediction_count"].sum()
    empty = totals[totals["prediction_count"].fillna(0) == 0]
    if not empty.empty:
        fig.add_trace(
            go.Scatter(
                x=empty["window_start"],
                y=[0] * len(empty),
                mode="markers+text",
                marker={"symbol": "x", "size": 11, "color": CRITICAL},
                text=["empty"] * len(empty),
                textposition="top center",
                textfont={"color": CRITICAL, "size": 11},
                name="empty window",
                cliponaxis=False,
                hovertemplate=f"{HOVER_TIME}<br>no predictions<extra></extra>",
            ),
            row=row,
            col=1,
        )


def operations(monitor: MonitorData) -> go.Figure | None:
    """Return throughput, latency percentiles and error rate per window and model version."""
    ops = monitor.operations.sort_values("window_start")
    if ops.empty:
        return None
    has_latency = ops[["latency_p50_ms", "latency_p95_ms", "latency_p99_ms"]].notna().any().any()
    has_errors = ops["error_rate"].notna().any()
    rows = [("throughput_per_hour", "Predictions per hour", ",.0f")]
    if has_latency:
        rows.append(("latency", "Latency (ms): p50 solid, p95 dashed, p99 dotted", ",.0f"))
    if has_errors:
        rows.append(("error_rate", "Error rate", ".2%"))
    fig = make_subplots(
        rows=len(rows),
        cols=1,
        shared_xaxes=True,
        subplot_titles=[title for _, title, _ in rows],
        vertical_spacing=0.12 if len(rows) > 1 else 0.0,
    )
    versions = versions_of(ops[ops["prediction_count"] > 0])
    for number, (metric, _, tick) in enumerate(rows, start=1):
        for version in versions:
            part = of_version(ops, version)
            name = version_name(version)
            color = version_color(versions, version)
            if metric == "latency":
                for column, dash in (
                    ("latency_p50_ms", "solid"),
                    ("latency_p95_ms", "dash"),
                    ("latency_p99_ms", "dot"),
                ):
                    label = column.removeprefix("latency_").removesuffix("_ms")
                    fig.add_trace(
                        go.Scatter(
                            x=part["window_start"],
                            y=part[column],
                            mode="lines",
                            line={"color": color, "dash": dash, "width": 1.6},
                            name=f"{label} · {name}",
                            legendgroup=name,
                            showlegend=False,
                            hovertemplate=f"{HOVER_TIME} · {name}<br>{label} "
                            "%{y:,.1f} ms<extra></extra>",
                        ),
                        row=number,
                        col=1,
                    )
                continue
            fig.add_trace(
                go.Scatter(
                    x=part["window_start"],
                    y=part[metric],
                    mode="lines+markers",
                    marker={"size": 4},
                    line={"color": color, "width": 1.8},
                    name=name,
                    legendgroup=name,
                    showlegend=number == 1,
                    hovertemplate=f"{HOVER_TIME} · {name}<br>%{{y:{tick}}}<extra></extra>",
                ),
                row=number,
                col=1,
            )
        fig.update_yaxes(tickformat=tick, rangemode="tozero", row=number, col=1)
    _mark_empty_windows(fig, ops, row=1)
    fig.update_xaxes(type="date")
    left_titles(fig)
    fig.update_layout(legend={"title": {"text": "model version"}})
    return new_figure(fig, height=120 + 190 * len(rows))


def has_operations_detail(monitor: MonitorData) -> bool:
    """Whether the monitor records latency or status (else operations is volume only)."""
    columns = ["latency_p50_ms", "error_rate"]
    return bool(monitor.operations[columns].notna().to_numpy().any())


__all__ = ["data_quality", "has_operations_detail", "operations"]
