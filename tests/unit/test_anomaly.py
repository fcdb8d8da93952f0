"""Anomaly scores against a metric's own history: robust, seasonal, quiet on noise."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from scipy import stats

from model_monitor.alerts.anomaly import (
    MEAN_AD_SCALE,
    AnomalySettings,
    detect_anomaly,
    history_windows,
    score_value,
    training_values,
)
from model_monitor.alerts.record import Severity

DAY = dt.timedelta(days=1)
START = dt.datetime(2024, 1, 1)  # a Monday


def series(values) -> list[tuple[dt.datetime, float]]:
    """Daily history points from START on."""
    return [(START + i * DAY, float(v)) for i, v in enumerate(values)]


DEFAULT = AnomalySettings()


def detect(values, value, settings=DEFAULT):
    """Score `value` in the window right after the daily `values`."""
    return detect_anomaly(value, START + len(values) * DAY, series(values), DAY, settings)


def test_mad_score_matches_scipy_median_abs_deviation():
    training = np.random.default_rng(3).normal(50, 4, size=28)
    score = score_value(80.0, training, AnomalySettings())
    scale = stats.median_abs_deviation(training, scale="normal")
    assert score.center == pytest.approx(np.median(training))
    assert score.scale == pytest.approx(scale, rel=1e-4)
    assert score.score == pytest.approx((80.0 - np.median(training)) / scale, rel=1e-4)


def test_stddev_method_uses_the_mean_and_the_sample_standard_deviation():
    training = np.random.default_rng(4).normal(10, 2, size=20)
    score = score_value(20.0, training, AnomalySettings(method="stddev"))
    assert score.center == pytest.approx(np.mean(training))
    assert score.scale == pytest.approx(np.std(training, ddof=1))
    assert score.score == pytest.approx((20.0 - np.mean(training)) / np.std(training, ddof=1))


NOISE = {
    "normal": (lambda rng, n: rng.normal(1000, 30, n), 0.01),
    "poisson": (lambda rng, n: rng.poisson(200, n), 0.01),
    # A noisy rate with heavier tails than a normal: its big deviations are rarer but real.
    "student_t": (lambda rng, n: 0.02 + 0.004 * rng.standard_t(8, n), 0.02),
}


@pytest.mark.parametrize("method", ["mad", "stddev"])
@pytest.mark.parametrize("noise", NOISE)
def test_pure_noise_rarely_alerts_at_default_sensitivity(noise, method):
    generate, max_rate = NOISE[noise]
    settings = AnomalySettings(method=method)
    evaluations = alerts = 0
    for seed in range(200):
        values = generate(np.random.default_rng(seed), 60)
        history = series(values)
        for i in range(28, 60):  # every window once 28 windows of training exist
            score = detect_anomaly(values[i], START + i * DAY, history[:i], DAY, settings)
            evaluations += 1
            alerts += score is not None and score.severity is not None
    assert evaluations == 6400
    assert alerts / evaluations < max_rate  # a noisy metric does not alert every day


def test_a_real_jump_alerts_and_a_bigger_one_is_critical():
    values = np.random.default_rng(7).normal(1000, 30, 28)
    center = float(np.median(values))
    scale = stats.median_abs_deviation(values, scale="normal")
    assert detect(values, center + 3.4 * scale).severity is None
    assert detect(values, center + 3.6 * scale).severity is Severity.WARNING
    assert detect(values, center + 6.1 * scale).severity is Severity.CRITICAL
    drop = detect(values, 100)
    assert drop.severity is Severity.CRITICAL and drop.score < 0
    assert drop.expected_low < 1000 < drop.expected_high


def test_direction_up_ignores_a_drop_and_down_ignores_a_rise():
    values = np.random.default_rng(8).normal(1000, 30, 28)
    assert detect(values, 100, AnomalySettings(direction="up")).severity is None
    assert detect(values, 2000, AnomalySettings(direction="down")).severity is None
    assert detect(values, 100, AnomalySettings(direction="down")).severity is Severity.CRITICAL


def test_threshold_sets_the_sensitivity():
    values = np.random.default_rng(9).normal(0, 1, 28)
    center = float(np.median(values))
    scale = stats.median_abs_deviation(values, scale="normal")
    value = center + 4 * scale
    assert detect(values, value).severity is Severity.WARNING
    assert detect(values, value, AnomalySettings(threshold=4.5)).severity is None
    strict = AnomalySettings(threshold=2, critical_threshold=3)
    assert detect(values, value, strict).severity is Severity.CRITICAL
    assert detect(values, value, AnomalySettings(critical_threshold=None)).severity is (
        Severity.WARNING
    )


def test_min_change_keeps_tiny_deviations_quiet():
    values = [0.010, 0.011, 0.010, 0.011, 0.010, 0.011, 0.010, 0.011] * 3
    assert detect(values, 0.02).severity is not None
    assert detect(values, 0.02, AnomalySettings(min_change=0.05)).severity is None


def test_too_few_training_windows_means_no_score():
    values = [10, 11, 9, 10, 12, 10]
    assert detect(values, 1000) is None  # 6 < min_training_windows 7
    assert detect([*values, 11], 1000).severity is Severity.CRITICAL
    assert detect(values, 1000, AnomalySettings(min_training_windows=6)) is not None


def test_nan_values_do_not_count_as_training():
    values = [10, 11, math.nan, 9, 10, 12, 10, math.nan]
    assert detect(values, 1000) is None  # 6 finite values


def test_only_the_training_period_is_read():
    history = series([1000.0] * 10 + [10, 11, 9, 10, 12, 10, 11])
    settings = AnomalySettings(training_windows=7)
    window = START + 17 * DAY
    assert list(training_values(history, window, DAY, settings)) == [10, 11, 9, 10, 12, 10, 11]
    assert detect_anomaly(11.0, window, history, DAY, settings).severity is None


def test_zero_mad_falls_back_to_the_mean_absolute_deviation():
    training = np.array([5.0] * 8 + [6.0, 4.0])  # MAD 0, mean absolute deviation 0.2
    score = score_value(7.0, training, AnomalySettings())
    assert score.scale == pytest.approx(MEAN_AD_SCALE * 0.2)
    assert score.score == pytest.approx(2 / (MEAN_AD_SCALE * 0.2))
    assert score.severity is Severity.CRITICAL
    assert score_value(5.2, training, AnomalySettings()).severity is None


def test_constant_history_alerts_only_on_a_different_value():
    training = np.full(10, 42.0)
    same = score_value(42.0, training, AnomalySettings())
    assert same.score == 0 and same.severity is None
    other = score_value(43.0, training, AnomalySettings())
    assert other.score == math.inf and other.severity is Severity.CRITICAL
    assert other.expected_low == other.expected_high == 42.0
    lower = score_value(41.0, training, AnomalySettings(method="stddev"))
    assert lower.score == -math.inf and lower.severity is Severity.CRITICAL


def weekly(weeks: int, rng: np.random.Generator) -> list[float]:
    """Weekdays around 1000, weekends around 300."""
    return [
        (300 if (START + i * DAY).weekday() >= 5 else 1000) + rng.normal(0, 10)
        for i in range(7 * weeks)
    ]


def test_day_of_week_seasonality_compares_a_weekend_with_weekends():
    values = weekly(10, np.random.default_rng(1))
    saturday = START + 68 * DAY
    assert saturday.weekday() == 5
    history = series(values[:68])
    seasonal = AnomalySettings(seasonality="day_of_week", training_windows=8)
    # Without seasonality a normal Saturday looks like a collapse of traffic.
    assert detect_anomaly(300.0, saturday, history, DAY, AnomalySettings()).severity is not None
    assert detect_anomaly(300.0, saturday, history, DAY, seasonal).severity is None
    # ... and with it a weekday's volume on a Saturday stands out.
    assert detect_anomaly(1000.0, saturday, history, DAY, seasonal).severity is Severity.CRITICAL
    training = training_values(history, saturday, DAY, seasonal)
    assert len(training) == 8 and all(250 < v < 350 for v in training)


def test_seasonality_needs_min_training_windows_of_the_same_weekday():
    values = weekly(7, np.random.default_rng(2))[:47]  # only 6 earlier Saturdays
    saturday = START + 47 * DAY
    assert saturday.weekday() == 5
    seasonal = AnomalySettings(seasonality="day_of_week")
    assert detect_anomaly(1000.0, saturday, series(values), DAY, seasonal) is None


def test_history_windows_counts_weeks_for_seasonality():
    assert history_windows(AnomalySettings(), DAY) == 28
    assert history_windows(AnomalySettings(seasonality="day_of_week"), DAY) == 28 * 7
    hour = dt.timedelta(hours=1)
    assert history_windows(AnomalySettings(seasonality="day_of_week"), hour) == 28 * 168
    week = dt.timedelta(days=7)
    assert history_windows(AnomalySettings(seasonality="day_of_week"), week) == 28
