"""The records the report is drawn from: options, one monitor's frames, the whole report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from model_monitor.alerts.record import Alert


@dataclass(frozen=True)
class ReportOptions:
    """What to load: one monitor or all, windows from `since` on, histograms of the last N."""

    monitor: str | None = None
    since: dt.datetime | None = None
    histogram_windows: int = 14


@dataclass
class MonitorData:
    """Everything the report shows of one monitor, whole population unless a frame says slice.

    Frames hold one row per table row (columns as the table's, see columns.py);
    `drift` adds `pvalue` (KS or chi-square, from scipy) and `pvalue_adjusted`
    (Benjamini-Hochberg across the window's feature, score and prediction columns).
    `open_alerts` is None when no alerts were ever recorded (no monitor_alerts table).
    """

    name: str
    task: str | None
    windows: pd.DataFrame
    quality: pd.DataFrame
    drift: pd.DataFrame
    slice_drift: pd.DataFrame
    distributions: pd.DataFrame
    performance: pd.DataFrame
    slice_performance: pd.DataFrame
    coverage: pd.DataFrame
    calibration: pd.DataFrame
    residuals: pd.DataFrame
    operations: pd.DataFrame
    fairness: pd.DataFrame
    open_alerts: list[Alert] | None = None

    @property
    def latest_window(self) -> dt.datetime | None:
        """The newest window with predictions, None when every window is empty."""
        filled = self.windows[self.windows["prediction_count"].fillna(0) > 0]
        return None if filled.empty else filled["window_start"].max().to_pydatetime()


@dataclass
class ReportData:
    """The monitors of one report and where their numbers came from."""

    monitors: list[MonitorData]
    adapter_type: str
    target: str
    generated_at: dt.datetime
    options: ReportOptions
    alerts_recorded: bool
    missing_tables: list[str] = field(default_factory=list)
