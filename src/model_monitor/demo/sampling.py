"""Random draws the demo's tables share: timestamps, blended categories, ids, the logistic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model_monitor.demo.facts import START

US_PER_HOUR = 3_600_000_000
US_PER_DAY = 24 * US_PER_HOUR


def sample_timestamps(
    rng: np.random.Generator, n: int, day_weights: np.ndarray, hour_weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted timestamps: days by `day_weights`, hours by `hour_weights`, uniform within."""
    day = rng.choice(len(day_weights), size=n, p=day_weights / day_weights.sum())
    hour = rng.choice(24, size=n, p=hour_weights / hour_weights.sum())
    offset_us = day * US_PER_DAY + hour * US_PER_HOUR + rng.integers(0, US_PER_HOUR, n)
    order = np.argsort(offset_us, kind="stable")
    at = START.to_datetime64().astype("datetime64[us]") + offset_us[order].astype("timedelta64[us]")
    return day[order], at


def sample_categories(
    rng: np.random.Generator, before: tuple, after: tuple, intensity: np.ndarray
) -> np.ndarray:
    """Category indices drawn from a per-row blend of two mixes (inverse CDF)."""
    p_before = np.asarray(before, dtype=float) / np.sum(before)
    p_after = np.asarray(after, dtype=float) / np.sum(after)
    mix = (1 - intensity)[:, None] * p_before + intensity[:, None] * p_after
    cumulative = np.cumsum(mix, axis=1)
    u = rng.random(len(intensity))[:, None] * cumulative[:, -1:]
    return np.minimum((u >= cumulative).sum(axis=1), len(before) - 1)


def masked_ints(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    """Return integers as a nullable array, NA where `missing`."""
    return pd.arrays.IntegerArray(values.astype(np.int64), missing.copy())


def filled_floats(values: object, fill: float) -> np.ndarray:
    """Return a nullable column as floats, NA replaced by `fill`."""
    return pd.array(values).to_numpy(dtype=float, na_value=fill)


def lookup_effects(
    values: np.ndarray, names: tuple[str, ...], effects: tuple[float, ...]
) -> np.ndarray:
    """Return the effect of each category name."""
    return pd.Series(values).map(dict(zip(names, effects, strict=True))).to_numpy(dtype=float)


def sequential_ids(prefix: str, n: int) -> np.ndarray:
    """Return ids prefix0000001, prefix0000002, ..."""
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), 7)).astype(object)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Return the logistic function of x."""
    return 1.0 / (1.0 + np.exp(-x))
