"""The report's overview: one line per monitor (status, latest window, open alerts) and alerts."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import pandas as pd

from model_monitor.alerts.record import Alert, Severity
from model_monitor.report.columns import HEADLINE_METRICS
from model_monitor.report.data import MonitorData
from model_monitor.report.thresholds import Thresholds

SEVERITIES = tuple(s.value for s in sorted(Severity, key=lambda s: -s.rank))
NOT_EVALUATED = "not evaluated"
# Realized figures of a window count in the overview once this share of it is labeled.
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class MetricSnapshot:
    """A metric's value in one window, with what it rests on."""

    value: float
    window_start: dt.datetime
    basis: str  # e.g. "7,183 labels (89% labeled)" or "8,066 scored"


@dataclass(frozen=True)
class MonitorOverview:
    """One monitor at a glance."""

    name: str
    anchor: str
    task: str
    status: str  # the worst open alert's severity, ok, or not evaluated
    first_window: dt.datetime | None
    latest_window: dt.datetime | None
    window_count: int
    empty_windows: int
    latest_versions: tuple[str, ...]
    latest_predictions: int
    open_alerts: dict[str, int]
    drifting: tuple[tuple[str, float], ...]  # latest window: columns at or above PSI warning
    headline: str | None
    reference: float | None
    realized: MetricSnapshot | None
    estimated: MetricSnapshot | None


@dataclass(frozen=True)
class AlertLine:
    """An open alert as the report lists it."""

    severity: str
    status: str
    window: str
    version: str
    slice: str
    rule: str
    column: str
    message: str


def anchor(name: str) -> str:
    """Return an HTML id for a monitor."""
    return "monitor-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def format_window(value: dt.datetime | None) -> str:
    """Return a window start as a date, with the time when it is not midnight."""
    if value is None:
        return "-"
    return value.strftime("%Y-%m-%d") if value.time() == dt.time() else f"{value:%Y-%m-%d %H:%M}"


def _status(alerts: list[Alert] | None) -> str:
    """Return the worst open severity, ok without open alerts, or not evaluated."""
    if alerts is None:
        return NOT_EVALUATED
    if not alerts:
        return "ok"
    return max(alerts, key=lambda a: a.severity.rank).severity.value


def _snapshot(
    rows: pd.DataFrame, coverage: pd.DataFrame, source: str, metric: str
) -> MetricSnapshot | None:
    """Return the newest value of a metric; realized: in a window labeled MIN_COVERAGE or more."""
    rows = rows[
        (rows["window_kind"] == "current")
        & (rows["metric_source"] == source)
        & (rows["metric_name"] == metric)
        & rows["metric_value"].notna()
    ]
    if source == "realized" and not coverage.empty:
        labeled = coverage.groupby("window_start")[["labeled_count", "prediction_count"]].sum()
        share = labeled["labeled_count"] / labeled["prediction_count"]
        rows = rows.assign(coverage=rows["window_start"].map(share))
        enough = rows[rows["coverage"] >= MIN_COVERAGE]
        rows = enough if not enough.empty else rows
    if rows.empty:
        return None
    latest = rows[rows["window_start"] == rows["window_start"].max()]
    # Two versions in one window: the one with more rows behind it speaks for the window.
    row = latest.sort_values("labeled_count", ascending=False).iloc[0]
    count = 0 if math.isnan(row["labeled_count"]) else int(row["labeled_count"])
    if source == "realized":
        basis = f"{count:,} labels"
        if "coverage" in row and not pd.isna(row["coverage"]):
            basis += f", {row['coverage']:.0%} of the window labeled"
    else:
        basis = f"{count:,} scored predictions"
    return MetricSnapshot(
        value=float(row["metric_value"]),
        window_start=pd.Timestamp(row["window_start"]).to_pydatetime(),
        basis=basis,
    )


def summarize(monitor: MonitorData, thresholds: Thresholds) -> MonitorOverview:
    """Return a monitor's overview line."""
    windows = monitor.windows
    latest = monitor.latest_window
    in_latest = windows[windows["window_start"] == latest] if latest is not None else windows[:0]
    totals = windows.groupby("window_start")["prediction_count"].sum()
    drifting: tuple[tuple[str, float], ...] = ()
    warning = thresholds.psi.warning
    if latest is not None and warning is not None and not monitor.drift.empty:
        drift = monitor.drift[monitor.drift["window_start"] == latest]
        psi = drift.groupby("column_name")["psi"].max().dropna()
        drifting = tuple(
            (str(c), float(v)) for c, v in psi[psi >= warning].sort_values(ascending=False).items()
        )
    counts = {s: 0 for s in SEVERITIES}
    for alert in monitor.open_alerts or []:
        counts[alert.severity.value] += 1
    metrics = HEADLINE_METRICS.get(monitor.task or "", ())
    headline = metrics[0] if metrics else None
    reference = None
    realized = estimated = None
    if headline is not None:
        perf = monitor.performance
        ref = perf[
            (perf["window_kind"] == "reference")
            & (perf["metric_source"] == "realized")
            & (perf["metric_name"] == headline)
        ]["metric_value"].dropna()
        reference = float(ref.iloc[0]) if not ref.empty else None
        realized = _snapshot(perf, monitor.coverage, "realized", headline)
        estimated = _snapshot(perf, monitor.coverage, "estimated", headline)
    return MonitorOverview(
        name=monitor.name,
        anchor=anchor(monitor.name),
        task=monitor.task or "unlabeled",
        status=_status(monitor.open_alerts),
        first_window=None if windows.empty else windows["window_start"].min().to_pydatetime(),
        latest_window=latest,
        window_count=int(totals.size),
        empty_windows=int((totals.fillna(0) == 0).sum()),
        latest_versions=tuple(str(v) for v in in_latest["model_version"].dropna().unique()),
        latest_predictions=int(in_latest["prediction_count"].fillna(0).sum()),
        open_alerts=counts,
        drifting=drifting,
        headline=headline,
        reference=reference,
        realized=realized,
        estimated=estimated,
    )


def alert_lines(alerts: list[Alert]) -> list[AlertLine]:
    """Return open alerts as table lines, the most severe first."""
    return [
        AlertLine(
            severity=a.severity.value,
            status=a.status.value,
            window=format_window(a.window_start),
            version=a.model_version or "-",
            slice="-" if a.slice_key is None else f"{a.slice_key} = {a.slice_value}",
            rule=a.rule_name,
            column=a.column_name or "-",
            message=a.message,
        )
        for a in alerts
    ]
