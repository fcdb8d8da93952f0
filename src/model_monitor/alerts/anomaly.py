"""Anomaly scores of a metric against its own trailing history (robust z-scores)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model_monitor.alerts.record import Severity

# 1 / Phi^-1(3/4): makes the median absolute deviation estimate the standard deviation of a normal.
MAD_SCALE = 1.4826
# sqrt(pi / 2): the same for the mean absolute deviation, the fallback when the MAD is 0.
MEAN_AD_SCALE = 1.2533

METHODS = ("mad", "stddev")
SEASONALITIES = ("day_of_week",)
DIRECTIONS = ("both", "up", "down")
WEEK = dt.timedelta(days=7)

HistoryPoint = tuple[dt.datetime, float]


@dataclass(frozen=True)
class AnomalySettings:
    """How a value is scored against its history, and how far out it must be to alert."""

    method: str = "mad"
    training_windows: int = 28
    min_training_windows: int = 7
    seasonality: str | None = None
    threshold: float = 3.5
    critical_threshold: float | None = 6.0
    direction: str = "both"
    min_change: float = 0.0


@dataclass(frozen=True)
class AnomalyScore:
    """A value scored against its training values; `severity` is None when it is no anomaly."""

    value: float
    center: float
    scale: float
    score: float
    training_count: int
    expected_low: float
    expected_high: float
    severity: Severity | None


def training_values(
    history: Sequence[HistoryPoint],
    window_start: dt.datetime,
    grain: dt.timedelta,
    settings: AnomalySettings,
) -> np.ndarray:
    """Return the finite values of the training period before window_start, oldest first."""
    if settings.seasonality == "day_of_week":
        # The same weekday and time of day: the last `training_windows` weeks.
        period, span = WEEK, WEEK * settings.training_windows
    else:
        period, span = None, grain * settings.training_windows
    values = []
    for start, value in history:
        age = window_start - start
        if not dt.timedelta(0) < age <= span:
            continue
        if period is not None and age % period:
            continue
        if value is not None and math.isfinite(value):
            values.append(value)
    return np.asarray(values, dtype=float)


def _center_and_scale(training: np.ndarray, method: str) -> tuple[float, float]:
    """Return the center and the spread of the training values, by method."""
    if method == "stddev":
        center = float(np.mean(training))
        return center, float(np.std(training, ddof=1))
    center = float(np.median(training))
    deviations = np.abs(training - center)
    scale = MAD_SCALE * float(np.median(deviations))
    if scale == 0.0:
        # Over half the values equal the median: the mean absolute deviation still sees the rest.
        scale = MEAN_AD_SCALE * float(np.mean(deviations))
    return center, scale


def score_value(
    value: float, training: np.ndarray, settings: AnomalySettings
) -> AnomalyScore | None:
    """Return the score of value against the training values; None with too few of them."""
    if len(training) < max(settings.min_training_windows, 2):
        return None
    center, scale = _center_and_scale(training, settings.method)
    deviation = value - center
    if scale > 0:
        score = deviation / scale
    else:
        # Every training value is the same: any other value is infinitely unusual.
        score = 0.0 if deviation == 0 else math.copysign(math.inf, deviation)
    half_width = max(settings.threshold * scale, settings.min_change)
    return AnomalyScore(
        value=value,
        center=center,
        scale=scale,
        score=score,
        training_count=len(training),
        expected_low=center - half_width,
        expected_high=center + half_width,
        severity=_severity(score, deviation, settings),
    )


def _severity(score: float, deviation: float, settings: AnomalySettings) -> Severity | None:
    """Return the severity of a score in the watched direction, or None."""
    if settings.direction == "up":
        signed = score
    elif settings.direction == "down":
        signed = -score
    else:
        signed = abs(score)
    if signed < settings.threshold or abs(deviation) <= settings.min_change:
        return None
    if settings.critical_threshold is not None and signed >= settings.critical_threshold:
        return Severity.CRITICAL
    return Severity.WARNING


def detect_anomaly(
    value: float,
    window_start: dt.datetime,
    history: Sequence[HistoryPoint],
    grain: dt.timedelta,
    settings: AnomalySettings,
) -> AnomalyScore | None:
    """Score value against the training period of its history; None without enough training."""
    training = training_values(history, window_start, grain, settings)
    return score_value(value, training, settings)


def history_windows(settings: AnomalySettings, grain: dt.timedelta) -> int:
    """Return how many windows of history the settings read, at most."""
    if settings.seasonality == "day_of_week":
        return settings.training_windows * max(1, math.ceil(WEEK / grain))
    return settings.training_windows
