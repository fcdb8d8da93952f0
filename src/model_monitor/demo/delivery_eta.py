"""The delivery ETA regression's story: orders, predicted and actual minutes, rainy-season drift."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model_monitor.demo.facts import ScenarioFacts
from model_monitor.demo.sampling import (
    US_PER_HOUR,
    sample_categories,
    sample_timestamps,
    sequential_ids,
)

REGIONS = ("north", "south", "east", "west", "central")
REGION_MIX = (0.2, 0.2, 0.2, 0.15, 0.25)
VEHICLES = ("bike", "scooter", "car")
VEHICLE_MIX = (0.45, 0.35, 0.2)
VEHICLE_MIN_PER_KM = (4.0, 3.0, 2.4)
WEATHERS = ("clear", "cloudy", "rain")
WEATHER_MIX_BEFORE = (0.7, 0.2, 0.1)
WEATHER_MIX_AFTER = (0.45, 0.2, 0.35)


def generate_eta_predictions(
    rng: np.random.Generator, rows: int, facts: ScenarioFacts
) -> tuple[pd.DataFrame, np.ndarray]:
    """Delivery-time predictions (minutes) and the true delivery times."""
    hours = np.arange(24)
    hour_weights = (
        0.05 + np.exp(-(((hours - 12.5) / 1.5) ** 2)) + np.exp(-(((hours - 19) / 2) ** 2))
    )
    day, at = sample_timestamps(rng, rows, np.linspace(1.0, 1.15, facts.days), hour_weights)
    intensity = np.clip((day - facts.drift_day + 1) / 3, 0.0, 1.0)
    region = sample_categories(rng, REGION_MIX, REGION_MIX, intensity)
    vehicle = sample_categories(rng, VEHICLE_MIX, VEHICLE_MIX, intensity)
    # The drift brings the rainy season.
    weather = sample_categories(rng, WEATHER_MIX_BEFORE, WEATHER_MIX_AFTER, intensity)
    distance = np.round(np.exp(rng.normal(np.log(3.5), 0.5, rows)), 2)
    items = rng.poisson(1.5, rows).astype(np.int64) + 1
    rush = np.isin(((at - at.astype("datetime64[D]")) // US_PER_HOUR).astype(int), (12, 13, 19, 20))
    rain = weather == 2
    predicted = (
        6 + np.asarray(VEHICLE_MIN_PER_KM)[vehicle] * distance + 1.1 * items + 4 * rain + 3 * rush
    )
    # After the drift point rain slows couriers more and road works block the central region.
    actual = (
        predicted
        + 5 * intensity * rain
        + 9 * intensity * (region == 4)
        + rng.normal(0, 2.5 + 0.4 * distance, rows)
    )
    actual = np.maximum(actual, 3.0)
    frame = pd.DataFrame(
        {
            "delivery_id": sequential_ids("dlv-", rows),
            "requested_at": at,
            "region": np.asarray(REGIONS, dtype=object)[region],
            "vehicle": np.asarray(VEHICLES, dtype=object)[vehicle],
            "weather": np.asarray(WEATHERS, dtype=object)[weather],
            "distance_km": distance,
            "items": items,
            "predicted_minutes": np.round(predicted, 2),
        }
    )
    return frame, np.round(actual, 2)


def generate_eta_labels(
    rng: np.random.Generator, predictions: pd.DataFrame, actual: np.ndarray, facts: ScenarioFacts
) -> pd.DataFrame:
    """Actual delivery times, known on delivery; ~3% of orders are cancelled."""
    delivered_at = predictions["requested_at"].to_numpy() + (actual * 60e6).astype(
        "timedelta64[us]"
    )
    keep = (rng.random(len(actual)) >= 0.03) & (delivered_at < facts.end.to_datetime64())
    return pd.DataFrame(
        {
            "delivery_id": predictions["delivery_id"].to_numpy()[keep],
            "actual_minutes": actual[keep],
            "delivered_at": delivered_at[keep],
        }
    )
