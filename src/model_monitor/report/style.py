"""The report's look, shared by every figure: a small Plotly template, colours, helper traces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', Arial, sans-serif"
CRITICAL = "#d62728"
WARNING = "#ff7f0e"
INFO = "#1f77b4"
OK = "#2ca02c"
REFERENCE = "#7f7f7f"
SERIES = list(qualitative.Plotly) + list(qualitative.Dark2) + list(qualitative.Set1)
VERSIONS = ["#1f77b4", "#9467bd", "#17becf", "#8c564b", "#e377c2", "#bcbd22"]

# A template of a few keys instead of Plotly's default one, which each figure would carry
# in full (about 8 kB of JSON per chart).
TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": FONT, "size": 12, "color": "#222"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": SERIES,
        "hovermode": "closest",
        "hoverlabel": {"font": {"family": FONT, "size": 12}},
        "margin": {"l": 64, "r": 24, "t": 48, "b": 48},
        "xaxis": {
            "gridcolor": "#ececec",
            "linecolor": "#bbb",
            "zeroline": False,
            "automargin": True,
            "ticks": "outside",
            "tickcolor": "#bbb",
        },
        "yaxis": {
            "gridcolor": "#ececec",
            "linecolor": "#bbb",
            "zeroline": False,
            "automargin": True,
        },
        "legend": {"font": {"size": 11}, "itemsizing": "constant"},
    }
)


def new_figure(fig: go.Figure | None = None, *, height: int, title: str | None = None) -> go.Figure:
    """Return the figure (or a new one) with the report's template, height and title."""
    fig = fig if fig is not None else go.Figure()
    fig.update_layout(template=TEMPLATE, height=height, autosize=True)
    if not title and fig.layout.margin.t is None:
        fig.update_layout(margin={"t": 28})
    if title:
        fig.update_layout(title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 14}})
    return fig


def missing(value: object) -> bool:
    """Whether a cell is NULL: None, NaN or pandas' NA."""
    return value is None or bool(pd.isna(value))


def version_name(version: object) -> str:
    """Return a model version for people: its value, or 'all' when the monitor has none."""
    return "all versions" if missing(version) else str(version)


def versions_of(frame: pd.DataFrame) -> list[object]:
    """Return the model versions of a frame in order of first appearance in time."""
    if frame.empty or "model_version" not in frame:
        return []
    ordered = frame.sort_values("window_start", kind="stable")["model_version"]
    return list(dict.fromkeys(None if missing(v) else v for v in ordered))


def version_color(versions: Sequence[object], version: object) -> str:
    """Return the colour of a model version, stable within one figure."""
    return VERSIONS[list(versions).index(version) % len(VERSIONS)]


def of_version(frame: pd.DataFrame, version: object) -> pd.DataFrame:
    """Return the rows of one model version (None: rows without a version)."""
    if missing(version):
        return frame[frame["model_version"].isna()]
    return frame[frame["model_version"] == version]


def span(frame: pd.DataFrame) -> tuple[dt.datetime, dt.datetime] | None:
    """Return the first and last window_start of a frame, None when empty."""
    starts = frame["window_start"].dropna()
    if starts.empty:
        return None
    return starts.min().to_pydatetime(), starts.max().to_pydatetime()


def bound_trace(
    x_range: tuple[dt.datetime, dt.datetime],
    value: float,
    *,
    name: str,
    color: str,
    dash: str = "dash",
    legendgroup: str | None = None,
    showlegend: bool = True,
) -> go.Scatter:
    """Return a horizontal line across the windows: an alert bound or a reference value."""
    return go.Scatter(
        x=list(x_range),
        y=[value, value],
        mode="lines",
        name=name,
        line={"color": color, "dash": dash, "width": 1.3},
        hovertemplate=f"{name}<extra></extra>",
        legendgroup=legendgroup or name,
        showlegend=showlegend,
    )


def above_plot(height: int, top: int, bottom: int, pixels: int) -> float:
    """Return the paper y that lies `pixels` above the plot area of a figure of this height."""
    return 1 + pixels / max(1, height - top - bottom)


def empty_note(
    fig: go.Figure, text: str, *, row: int | None = None, col: int | None = None
) -> None:
    """Write a note in the middle of an empty subplot (or figure)."""
    x, y = 0.5, 0.5
    if row is not None and col is not None:
        # Paper coordinates: an axis-referenced note would take part in a date axis' autorange.
        subplot = fig.get_subplot(row, col)
        x = sum(subplot.xaxis.domain) / 2
        y = sum(subplot.yaxis.domain) / 2
    fig.add_annotation(
        text=text,
        showarrow=False,
        x=x,
        y=y,
        xref="paper",
        yref="paper",
        name="note",
        font={"color": "#888"},
    )


def left_titles(fig: go.Figure) -> None:
    """Align the subplot titles of a one-column figure to the left, notes left alone."""
    fig.update_annotations(
        selector=lambda annotation: annotation.name != "note",
        font={"size": 12},
        x=0,
        xanchor="left",
    )
