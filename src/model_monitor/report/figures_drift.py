"""Drift figures: the PSI heat map, PSI and test p-values per column over time, histograms."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from model_monitor.report.data import MonitorData
from model_monitor.report.style import (
    CRITICAL,
    REFERENCE,
    WARNING,
    above_plot,
    bound_trace,
    missing,
    new_figure,
    of_version,
    span,
    version_color,
    version_name,
    versions_of,
)
from model_monitor.report.thresholds import Thresholds

GRID_COLUMNS = 3
# p-values below float resolution are drawn at this floor (scipy returns 0 or 1e-300 there).
PVALUE_FLOOR = 1e-16
ROLE_ORDER = {"prediction": 0, "score": 1, "label": 2, "feature": 3}


def column_order(monitor: MonitorData) -> list[str]:
    """Return the monitored columns, highest PSI in the latest window first."""
    drift = monitor.drift
    if drift.empty:
        return sorted(set(monitor.distributions["column_name"].dropna()))
    latest = drift[drift["window_start"] == drift["window_start"].max()]
    psi = latest.groupby("column_name")["psi"].max()
    roles = drift.drop_duplicates("column_name").set_index("column_name")["column_role"]
    names = sorted(set(drift["column_name"]))

    def key(name: str) -> tuple[float, int, str]:
        value = psi.get(name, np.nan)
        return (-value if not math.isnan(value) else math.inf, ROLE_ORDER.get(roles[name], 9), name)

    return sorted(names, key=key)


def _window_labels(starts: pd.Series) -> list[str]:
    """Return window starts as dates (or date and time for sub-daily windows)."""
    values = pd.to_datetime(starts)
    if (values.dt.hour == 0).all() and (values.dt.minute == 0).all():
        return [v.strftime("%Y-%m-%d") for v in values]
    return [v.strftime("%Y-%m-%d %H:%M") for v in values]


def psi_top(thresholds: Thresholds, values: np.ndarray) -> float:
    """Return the top of the PSI colour scale: the largest PSI, within 2 to 4 times critical."""
    critical = thresholds.psi.critical or 0.25
    finite = values[np.isfinite(values)] if values.size else values
    largest = float(finite.max()) if finite.size else 0.0
    return min(max(2 * critical, largest), 4 * critical)


def psi_colors(thresholds: Thresholds, top: float) -> tuple[list[list[Any]], dict[str, Any]]:
    """Return a PSI colour scale stepped at the alert bounds, and its colour bar."""
    warning = thresholds.psi.warning or 0.1
    critical = thresholds.psi.critical or 0.25
    w, c = warning / top, critical / top
    # Calm greens below warning, ambers up to critical, reds above.
    colorscale = [
        [0.0, "#f7fcf5"],
        [w, "#c7e9c0"],
        [w, "#fee391"],
        [c, "#fe9929"],
        [c, "#ef3b2c"],
        [1.0, "#67000d"],
    ]
    colorbar = {
        "title": {"text": "PSI", "side": "right"},
        "tickvals": [warning, critical, top],
        # The top is capped at 4 x critical: larger values share its colour.
        "ticktext": [
            f"{warning:g} warning",
            f"{critical:g} critical",
            f"≥ {top:.2g}" if top >= 4 * critical else f"{top:.2g}",
        ],
        "thickness": 12,
    }
    return colorscale, colorbar


def psi_heatmap(monitor: MonitorData, thresholds: Thresholds) -> go.Figure | None:
    """Return PSI per column (rows) and window (columns), coloured in steps at the alert bounds."""
    drift = monitor.drift
    if drift.empty or drift["psi"].isna().all():
        return None
    columns = column_order(monitor)
    # A window with two model versions shows the larger PSI (the hover names both).
    table = drift.pivot_table(
        index="column_name", columns="window_start", values="psi", aggfunc="max"
    )
    # Every window of the period, empty ones too: an outage shows as a blank column.
    starts = sorted(set(monitor.windows["window_start"]) | set(table.columns))
    table = table.reindex(index=columns, columns=starts)
    versions = drift.groupby(["column_name", "window_start"])["model_version"].agg(
        lambda vs: ", ".join(version_name(v) for v in vs)
    )
    hover = [[versions.get((c, s), "") for s in starts] for c in columns]
    top = psi_top(thresholds, table.to_numpy())
    colorscale, colorbar = psi_colors(thresholds, top)
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=_window_labels(pd.Series(starts)),
            y=columns,
            customdata=hover,
            zmin=0,
            zmax=top,
            colorscale=colorscale,
            xgap=1,
            ygap=1,
            hovertemplate="%{y} · %{x} (%{customdata})<br>PSI %{z:.3f}<extra></extra>",
            colorbar=colorbar,
        )
    )
    fig.update_xaxes(type="category", tickangle=-45, nticks=30, showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    return new_figure(fig, height=max(260, 110 + 26 * len(columns)))


def _clip_pvalues(values: pd.Series) -> list[float | None]:
    """Return p-values with those under the floor raised to it, NaN as None."""
    return [None if np.isnan(p) else max(float(p), PVALUE_FLOOR) for p in values]


def _pvalue_text(values: pd.Series) -> list[str]:
    """Return p-values as text for the hover, '<1e-16' under float resolution."""
    return ["-" if np.isnan(p) else ("<1e-16" if p < PVALUE_FLOOR else f"{p:.3g}") for p in values]


def drift_over_time(monitor: MonitorData, thresholds: Thresholds) -> go.Figure | None:
    """Return one panel per column: PSI (left axis) and the drift test p-value (right, log)."""
    drift = monitor.drift
    if drift.empty:
        return None
    columns = column_order(monitor)
    rows = math.ceil(len(columns) / GRID_COLUMNS)
    fig = make_subplots(
        rows=rows,
        cols=GRID_COLUMNS,
        subplot_titles=columns,
        specs=[[{"secondary_y": True}] * GRID_COLUMNS] * rows,
        shared_xaxes="all",
        horizontal_spacing=0.085,
        vertical_spacing=min(0.2, 70 / (90 + 210 * rows - 108)) if rows > 1 else 0.0,
    )
    x_range = span(drift)
    assert x_range is not None
    versions = versions_of(drift)
    top = max(0.3, float(np.nanmax(drift["psi"].to_numpy())) * 1.08)
    for number, column in enumerate(columns):
        row, col = number // GRID_COLUMNS + 1, number % GRID_COLUMNS + 1
        first = number == 0
        rows_of_column = drift[drift["column_name"] == column].sort_values("window_start")
        adjusted = rows_of_column["column_role"].iloc[0] != "label"
        for version in versions:
            part = of_version(rows_of_column, version)
            if part.empty:
                continue
            name = version_name(version)
            color = version_color(versions, version)
            fig.add_trace(
                go.Scatter(
                    x=part["window_start"],
                    y=part["psi"],
                    mode="lines+markers",
                    marker={"size": 4},
                    line={"color": color, "width": 2},
                    name=f"PSI · {name}",
                    legendgroup=f"psi-{name}",
                    showlegend=first,
                    hovertemplate=f"{column} · %{{x|%Y-%m-%d %H:%M}} · {name}<br>"
                    "PSI %{y:.4f}<extra></extra>",
                ),
                row=row,
                col=col,
            )
            pvalues = part["pvalue_adjusted"] if adjusted else part["pvalue"]
            fig.add_trace(
                go.Scatter(
                    x=part["window_start"],
                    y=_clip_pvalues(pvalues),
                    customdata=_pvalue_text(pvalues),
                    mode="lines+markers",
                    marker={"size": 3, "symbol": "diamond"},
                    line={"color": color, "width": 1, "dash": "dot"},
                    opacity=0.55,
                    name=f"p-value · {name}",
                    legendgroup=f"p-{name}",
                    showlegend=first,
                    hovertemplate=f"{column} · %{{x|%Y-%m-%d %H:%M}} · {name}<br>p-value "
                    + ("(BH-adjusted) " if adjusted else "")
                    + "%{customdata}<extra></extra>",
                ),
                row=row,
                col=col,
                secondary_y=True,
            )
        for level, bound, color in (
            ("warning", thresholds.psi.warning, WARNING),
            ("critical", thresholds.psi.critical, CRITICAL),
        ):
            if bound is not None:
                fig.add_trace(
                    bound_trace(
                        x_range, bound, name=f"PSI {level} {bound:g}", color=color, showlegend=first
                    ),
                    row=row,
                    col=col,
                )
        if thresholds.drift_pvalue.warning is not None:
            bound = thresholds.drift_pvalue.warning
            fig.add_trace(
                bound_trace(
                    x_range,
                    bound,
                    name=f"p-value warning {bound:g}",
                    color=REFERENCE,
                    dash="dashdot",
                    showlegend=first,
                ),
                row=row,
                col=col,
                secondary_y=True,
            )
        fig.update_yaxes(range=[0, top], row=row, col=col, secondary_y=False)
        fig.update_yaxes(
            type="log",
            range=[math.log10(PVALUE_FLOOR) - 0.5, 0.2],
            showgrid=False,
            tickvals=[1e-16, 1e-8, 1e-2, 1],
            ticktext=["<1e-16", "1e-8", "0.01", "1"],
            tickfont={"size": 9, "color": "#888"},
            row=row,
            col=col,
            secondary_y=True,
        )
    fig.update_yaxes(tickfont={"size": 10}, secondary_y=False)
    fig.update_xaxes(type="date", tickfont={"size": 10}, showticklabels=True)
    fig.update_annotations(font={"size": 12})
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "top", "yref": "container"},
        margin={"t": 80},
    )
    return new_figure(fig, height=90 + 210 * rows)


def histograms(monitor: MonitorData) -> go.Figure | None:
    """Return reference vs window histograms per column, a dropdown choosing the window."""
    dist = monitor.distributions
    if dist.empty:
        return None
    reference = dist[dist["window_kind"] == "reference"]
    current = dist[dist["window_kind"] != "reference"]
    options = (
        current[["window_start", "model_version"]]
        .drop_duplicates()
        .sort_values(["window_start", "model_version"], ascending=False, na_position="last")
    )
    if options.empty or reference.empty:
        return None
    option_keys = list(options.itertuples(index=False, name=None))
    columns = [c for c in column_order(monitor) if c in set(dist["column_name"])]
    rows = math.ceil(len(columns) / GRID_COLUMNS)
    height = 110 + 270 * rows
    fig = make_subplots(
        rows=rows,
        cols=GRID_COLUMNS,
        subplot_titles=columns,
        horizontal_spacing=0.06,
        # 120 px between rows: the rotated bin labels of one row, the next row's title.
        vertical_spacing=min(0.3, 120 / (height - 80 - 28)) if rows > 1 else 0.0,
    )
    visibility: list[list[bool]] = [[] for _ in option_keys]
    for number, column in enumerate(columns):
        row, col = number // GRID_COLUMNS + 1, number % GRID_COLUMNS + 1
        ref = reference[reference["column_name"] == column].sort_values("bin_index")
        labels = list(ref["bin_label"])
        fig.add_trace(
            go.Bar(
                x=labels,
                y=ref["value_share"],
                name="reference",
                marker={"color": REFERENCE, "opacity": 0.55},
                legendgroup="reference",
                showlegend=number == 0,
                hovertemplate=f"{column} %{{x}}<br>reference %{{y:.1%}}<extra></extra>",
            ),
            row=row,
            col=col,
        )
        for chosen in visibility:
            chosen.append(True)
        of_column = current[current["column_name"] == column]
        for index, (start, version) in enumerate(option_keys):
            part = of_column[of_column["window_start"] == start]
            part = of_version(part, version).set_index("bin_label")["value_share"]
            label = f"{pd.Timestamp(start):%Y-%m-%d %H:%M}".removesuffix(" 00:00")
            fig.add_trace(
                go.Bar(
                    x=labels,
                    y=[part.get(b, np.nan) for b in labels],
                    name="window",
                    marker={"color": version_color(versions_of(current), version)},
                    opacity=0.8,
                    visible=index == 0,
                    legendgroup="window",
                    showlegend=number == 0,
                    hovertemplate=f"{column} %{{x}}<br>{label} · {version_name(version)} "
                    "%{y:.1%}<extra></extra>",
                ),
                row=row,
                col=col,
            )
            for other, chosen in enumerate(visibility):
                chosen.append(other == index)
        fig.update_xaxes(
            type="category",
            categoryorder="array",
            categoryarray=labels,
            row=row,
            col=col,
        )
    buttons = []
    for (start, version), visible in zip(option_keys, visibility, strict=True):
        label = f"{pd.Timestamp(start):%Y-%m-%d %H:%M}".removesuffix(" 00:00")
        if not missing(version):
            label += f" · {version}"
        buttons.append({"label": label, "method": "restyle", "args": [{"visible": visible}]})
    fig.update_layout(
        barmode="group",
        bargap=0.15,
        updatemenus=[
            {
                "buttons": buttons,
                "direction": "down",
                "x": 0,
                "xanchor": "left",
                "y": above_plot(height, 80, 48, 34),
                "yanchor": "bottom",
                "pad": {"t": 0, "b": 0},
                "showactive": True,
                "active": 0,
            }
        ],
        legend={
            "orientation": "h",
            "x": 1,
            "xanchor": "right",
            "y": 1.0,
            "yanchor": "bottom",
            "yref": "container",
        },
        margin={"t": 80},
    )
    fig.update_xaxes(tickangle=-40, tickfont={"size": 9}, showgrid=False)
    fig.update_yaxes(tickformat=".0%", tickfont={"size": 10})
    fig.update_annotations(font={"size": 12})
    return new_figure(fig, height=height)
