"""A seeded production story for two models, written as raw tables into DuckDB.

`churn` is a binary churn classifier: a training set (the reference), a prediction log with
an outage, a NULL burst, a few NaN/inf values, a v1 -> v2 rollout, data drift and concept drift
from ~60% of the period on, and labels that arrive 1-14 days late (some never, some twice).
`delivery_eta` is a regression model whose reference is its own first week of predictions.

Conventions of the DataFrames: missing values are pandas NA in nullable columns (`Int64`,
`Float64`); a NaN in a plain `float64` column is a real IEEE NaN and is written as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

START = pd.Timestamp("2025-01-06")  # a Monday; the bundled project's `between` relies on it
ETA_REFERENCE_DAYS = 7
RAW_SCHEMA = "raw"
MIN_ROWS = 500
MIN_DAYS = 14

_DAY = np.timedelta64(1, "D")
_US_PER_HOUR = 3_600_000_000
_US_PER_DAY = 24 * _US_PER_HOUR

PLANS = ("basic", "standard", "premium", "family", "student")
PLAN_MIX_BEFORE = (0.38, 0.32, 0.15, 0.10, 0.05)
PLAN_MIX_AFTER = (0.22, 0.30, 0.28, 0.12, 0.08)
PLAN_PRICE = (29.0, 59.0, 99.0, 79.0, 19.0)
PLAN_EFFECT = (0.3, 0.0, -0.4, -0.6, 0.5)

COUNTRIES = ("US", "GB", "DE", "FR", "CA", "AU", "NL", "ES", "IT", "SE", "IE", "PT", "BE", "NZ")
COUNTRY_MIX_BEFORE = (
    0.34,
    0.15,
    0.12,
    0.09,
    0.08,
    0.06,
    0.04,
    0.03,
    0.03,
    0.02,
    0.02,
    0.01,
    0.01,
    0,
)
COUNTRY_MIX_AFTER = (
    0.31,
    0.14,
    0.11,
    0.08,
    0.07,
    0.06,
    0.04,
    0.03,
    0.03,
    0.02,
    0.02,
    0.01,
    0.01,
    0.07,
)
UNSEEN_COUNTRY = "NZ"

PAYMENT_METHODS = ("credit_card", "bank_transfer", "electronic_check", "paypal", "mailed_check")
PAYMENT_MIX = (0.35, 0.25, 0.25, 0.12, 0.03)
PAYMENT_EFFECT = (0.0, 0.0, 0.6, 0.1, 0.2)

REGIONS = ("north", "south", "east", "west", "central")
REGION_MIX = (0.2, 0.2, 0.2, 0.15, 0.25)
VEHICLES = ("bike", "scooter", "car")
VEHICLE_MIX = (0.45, 0.35, 0.2)
VEHICLE_MIN_PER_KM = (4.0, 3.0, 2.4)
WEATHERS = ("clear", "cloudy", "rain")
WEATHER_MIX_BEFORE = (0.7, 0.2, 0.1)
WEATHER_MIX_AFTER = (0.45, 0.2, 0.35)


@dataclass(frozen=True)
class ScenarioFacts:
    """The dates and sizes of the story, for tests, the CLI and the docs."""

    seed: int
    days: int
    start: pd.Timestamp
    end: pd.Timestamp  # exclusive: "now" for the labels
    drift_day: int
    drift_start: pd.Timestamp
    outage_day: int
    outage_date: pd.Timestamp
    null_burst_days: tuple[int, ...]
    v2_day: int
    v2_start: pd.Timestamp
    eta_reference: tuple[pd.Timestamp, pd.Timestamp]


@dataclass
class Scenario:
    """The raw tables of the demo, one DataFrame each, plus the facts that shaped them."""

    facts: ScenarioFacts
    training: pd.DataFrame
    predictions: pd.DataFrame
    labels: pd.DataFrame
    eta_predictions: pd.DataFrame
    eta_labels: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.tables = {
            "training": self.training,
            "predictions": self.predictions,
            "labels": self.labels,
            "eta_predictions": self.eta_predictions,
            "eta_labels": self.eta_labels,
        }


def scenario_facts(days: int = 42, seed: int = 7) -> ScenarioFacts:
    """Where the events of a `days`-long story fall (they do not depend on the row count)."""
    if days < MIN_DAYS:
        raise ValueError(f"the demo scenario needs at least {MIN_DAYS} days; got {days}")
    drift_day = round(0.6 * days)
    outage_day = int(0.45 * days)
    burst = int(0.3 * days)
    v2_day = days - days // 3
    return ScenarioFacts(
        seed=seed,
        days=days,
        start=START,
        end=START + pd.Timedelta(days=days),
        drift_day=drift_day,
        drift_start=START + pd.Timedelta(days=drift_day),
        outage_day=outage_day,
        outage_date=START + pd.Timedelta(days=outage_day),
        null_burst_days=(burst, burst + 1),
        v2_day=v2_day,
        v2_start=START + pd.Timedelta(days=v2_day),
        eta_reference=(START, START + pd.Timedelta(days=ETA_REFERENCE_DAYS)),
    )


def generate_scenario(rows: int = 300_000, days: int = 42, seed: int = 7) -> Scenario:
    """Generate every raw table of the demo, deterministically for a seed."""
    if rows < MIN_ROWS:
        raise ValueError(f"the demo scenario needs at least {MIN_ROWS} rows; got {rows}")
    facts = scenario_facts(days, seed)
    churn_rng, label_rng, train_rng, eta_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )
    predictions, true_prob = _churn_predictions(churn_rng, rows, facts)
    eta_predictions, eta_actual = _eta_predictions(eta_rng, max(rows // 6, MIN_ROWS), facts)
    return Scenario(
        facts=facts,
        training=_training(train_rng, max(rows // 6, MIN_ROWS)),
        predictions=predictions,
        labels=_churn_labels(label_rng, predictions, true_prob, facts),
        eta_predictions=eta_predictions,
        eta_labels=_eta_labels(eta_rng, eta_predictions, eta_actual, facts),
    )


def write_scenario(scenario: Scenario, duckdb_path: Path | str) -> dict[str, int]:
    """Write the scenario's tables into schema `raw` of a DuckDB file; return their row counts."""
    counts: dict[str, int] = {}
    with duckdb.connect(str(duckdb_path)) as con:
        con.execute(f"create schema if not exists {RAW_SCHEMA}")
        for name, frame in scenario.tables.items():
            counts[name] = _write_table(con, f"{RAW_SCHEMA}.{name}", frame)
    return counts


def _write_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """CREATE TABLE AS from a registered DataFrame, keeping NaN as NaN.

    DuckDB reads a NaN of a pandas float column as NULL, so each float column holding NaN gets
    a boolean companion column that puts the NaN back.
    """
    frame = frame.copy(deep=False)
    replaced: list[str] = []
    helpers: list[str] = []
    for position, column in enumerate(list(frame.columns)):
        values = frame[column]
        if values.dtype == np.float64 and bool(np.isnan(values.to_numpy()).any()):
            helper = f"__nan_{position}"
            frame[helper] = np.isnan(values.to_numpy())
            helpers.append(helper)
            quoted = _quote(column)
            replaced.append(f"case when {helper} then 'NaN'::double else {quoted} end as {quoted}")
    select = "select *"
    if helpers:
        select += f" exclude ({', '.join(helpers)}) replace ({', '.join(replaced)})"
    view = f"__scenario_{table.replace('.', '_')}"
    con.register(view, frame)
    try:
        con.execute(f"create or replace table {table} as {select} from {view}")
    finally:
        con.unregister(view)
    return int(len(frame))


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# --- churn ----------------------------------------------------------------------------------


def _churn_predictions(
    rng: np.random.Generator, rows: int, facts: ScenarioFacts
) -> tuple[pd.DataFrame, np.ndarray]:
    """The churn model's prediction log and the true churn probability of each row."""
    day_weights = np.ones(facts.days)
    weekday = (np.arange(facts.days) + START.day_of_week) % 7
    day_weights[weekday >= 5] = 0.8  # quieter weekends
    day_weights *= np.linspace(1.0, 1.2, facts.days)  # the product grows
    day_weights[facts.outage_day] = 0.0
    hour_weights = 0.15 + np.exp(-(((np.arange(24) - 14) / 4.5) ** 2))
    day, at = _timestamps(rng, rows, day_weights, hour_weights)

    # Drift ramps in over three days from the drift day, rollout is 50% on its first day.
    intensity = np.clip((day - facts.drift_day + 1) / 3, 0.0, 1.0)
    features = _customers(rng, rows, intensity)
    null_burst = np.isin(day, facts.null_burst_days) & (rng.random(rows) < 0.4)
    tenure = features["tenure_months"].copy()
    tenure[null_burst] = pd.NA
    features["tenure_months"] = tenure
    usage = features["Data Usage GB"]
    broken = rng.choice(rows, size=9, replace=False)
    usage[broken[:5]] = np.nan
    usage[broken[5:8]] = np.inf
    usage[broken[8:]] = -np.inf

    v2 = (day > facts.v2_day) | ((day == facts.v2_day) & (rng.random(rows) < 0.5))
    score = np.where(v2, _sigmoid(_model_logit(features, "v2")), _sigmoid(_model_logit(features)))
    error = rng.random(rows) < 0.008
    latency = np.exp(rng.normal(np.log(np.where(v2, 48.0, 35.0)), 0.35))
    latency = np.where(error, rng.uniform(1000.0, 3000.0, rows), latency)

    frame = pd.DataFrame(
        {
            "prediction_id": _ids("pred-", rows),
            "predicted_at": at,
            "model_version": np.where(v2, "v2", "v1"),
            **features,
            "churn_score": pd.array(np.round(score, 6), dtype="Float64"),
            "predicted_churn": pd.array((score >= 0.5).astype(np.int64), dtype="Int64"),
            "latency_ms": np.round(latency, 1),
            "status": np.where(error, "error", "ok"),
        }
    )
    frame.loc[error, ["churn_score", "predicted_churn"]] = pd.NA
    return frame, _sigmoid(_true_logit(rng, features, intensity))


def _customers(rng: np.random.Generator, n: int, intensity: np.ndarray) -> dict[str, object]:
    """Feature columns for `n` customers; `intensity` (0..1 per row) blends in the drift."""
    plan = _categorical(rng, PLAN_MIX_BEFORE, PLAN_MIX_AFTER, intensity)
    country = _categorical(rng, COUNTRY_MIX_BEFORE, COUNTRY_MIX_AFTER, intensity)
    payment = _categorical(rng, PAYMENT_MIX, PAYMENT_MIX, intensity)
    tenure = np.minimum(np.floor(rng.gamma(1.3, 18.0, n)), 72).astype(np.int64)
    # Prices rise and spread after the drift point (a new pricing page and add-ons).
    price = np.asarray(PLAN_PRICE)[plan]
    charges = price * (1 + 0.08 * rng.standard_normal(n)) + rng.normal(0, 6 * (1 + intensity), n)
    charges = np.maximum(charges * (1 + 0.12 * intensity) + 10 * intensity, 5.0)
    calls = rng.poisson(np.where(plan == 0, 1.5, 0.9))
    usage = np.exp(rng.normal(np.log(8.0) + 0.5 * (plan == 2) + 0.3 * (plan == 3), 0.7, n))
    age = np.clip(np.round(rng.normal(41, 13, n)), 18, 85).astype(np.int64)
    age_missing = rng.random(n) < 0.03
    return {
        "tenure_months": pd.array(tenure, dtype="Int64"),
        "monthly_charges": np.round(charges, 2),
        "support_calls": calls.astype(np.int64),
        "Data Usage GB": np.round(usage, 3),
        "age": _masked(age, age_missing),
        "plan": np.asarray(PLANS, dtype=object)[plan],
        "country": np.asarray(COUNTRIES, dtype=object)[country],
        "payment_method": np.asarray(PAYMENT_METHODS, dtype=object)[payment],
    }


def _model_logit(features: dict[str, object], version: str = "v1") -> np.ndarray:
    """The deployed model: a fixed logistic model; v2 was retrained on some drifted data."""
    x = _model_inputs(features)
    if version == "v1":
        coef = {"tenure": -0.05, "charges": 0.02, "calls": 0.45, "nz": 0.0}
    else:
        coef = {"tenure": -0.04, "charges": 0.03, "calls": 0.4, "nz": 0.3}
    return (
        -1.0
        + coef["tenure"] * (x["tenure"] - 20)
        + coef["charges"] * (x["charges"] - 60)
        + coef["calls"] * (x["calls"] - 1)
        - 0.15 * (x["usage"] - 2.2)
        - 0.01 * (x["age"] - 40)
        + x["plan_effect"]
        + x["payment_effect"]
        + coef["nz"] * x["nz"]
    )


def _true_logit(
    rng: np.random.Generator, features: dict[str, object], intensity: np.ndarray
) -> np.ndarray:
    """Reality: the model's relationship before the drift; after it, price sensitivity
    triples, tenure protects less and the new market churns more (concept drift)."""
    x = _model_inputs(features)
    tenure = -0.05 + 0.035 * intensity
    charges = 0.02 + 0.045 * intensity
    calls = 0.45 - 0.3 * intensity
    noise = rng.normal(0.0, 0.3, len(intensity))
    return (
        -1.0
        - 0.6 * intensity
        + tenure * (x["tenure"] - 20)
        + charges * (x["charges"] - 60)
        + calls * (x["calls"] - 1)
        - 0.15 * (x["usage"] - 2.2)
        - 0.01 * (x["age"] - 40)
        + x["plan_effect"]
        + x["payment_effect"]
        + 1.0 * intensity * x["nz"]
        + noise
    )


def _model_inputs(features: dict[str, object]) -> dict[str, np.ndarray]:
    """Imputed numeric inputs, as the serving code prepares them."""
    usage = np.asarray(features["Data Usage GB"], dtype=float)
    usage = np.where(np.isfinite(usage), usage, 8.0)
    plan = np.asarray(features["plan"])
    payment = np.asarray(features["payment_method"])
    return {
        "tenure": _filled(features["tenure_months"], 20.0),
        "charges": np.asarray(features["monthly_charges"], dtype=float),
        "calls": np.asarray(features["support_calls"], dtype=float),
        "usage": np.log1p(usage),
        "age": _filled(features["age"], 40.0),
        "plan_effect": _lookup(plan, PLANS, PLAN_EFFECT),
        "payment_effect": _lookup(payment, PAYMENT_METHODS, PAYMENT_EFFECT),
        "nz": (np.asarray(features["country"]) == UNSEEN_COUNTRY).astype(float),
    }


def _churn_labels(
    rng: np.random.Generator, predictions: pd.DataFrame, true_prob: np.ndarray, facts: ScenarioFacts
) -> pd.DataFrame:
    """Outcomes 1-14 days after the prediction; ~10% never arrive, a few arrive twice."""
    n = len(predictions)
    churned = (rng.random(n) < true_prob).astype(np.int64)
    delay_us = ((1 + 13 * rng.beta(1.5, 3.0, n)) * _US_PER_DAY).astype(np.int64)
    predicted_at = predictions["predicted_at"].to_numpy()
    labeled_at = predicted_at + delay_us.astype("timedelta64[us]")
    arrives = (rng.random(n) >= 0.10) & (labeled_at < facts.end.to_datetime64())
    labels = pd.DataFrame(
        {
            "prediction_id": predictions["prediction_id"].to_numpy()[arrives],
            "churned": churned[arrives],
            "labeled_at": labeled_at[arrives],
        }
    )
    # Re-deliveries: same outcome, later, still within 14 days of the prediction and before now.
    twice = np.flatnonzero(rng.random(len(labels)) < 0.003)
    latest = np.minimum(
        predicted_at[arrives][twice] + np.timedelta64(14, "D"), facts.end.to_datetime64()
    )
    room_us = (latest - labels["labeled_at"].to_numpy()[twice]).astype("timedelta64[us]")
    extra_us = (rng.random(len(twice)) * room_us.astype(np.int64)).astype("timedelta64[us]")
    duplicates = labels.iloc[twice].assign(
        labeled_at=labels["labeled_at"].to_numpy()[twice] + extra_us
    )
    labels = pd.concat([labels, duplicates], ignore_index=True)
    return labels.sort_values(["labeled_at", "prediction_id"], kind="stable", ignore_index=True)


def _training(rng: np.random.Generator, rows: int) -> pd.DataFrame:
    """The training set: pre-drift customers, v1's scores and the label they turned out to have."""
    intensity = np.zeros(rows)
    features = _customers(rng, rows, intensity)
    churned = rng.random(rows) < _sigmoid(_true_logit(rng, features, intensity))
    # v1's validation scores are kept with the set, so the score has a reference too.
    score = _sigmoid(_model_logit(features))
    return pd.DataFrame(
        {
            "customer_id": _ids("cust-", rows),
            **features,
            "churn_score": np.round(score, 6),
            "predicted_churn": (score >= 0.5).astype(np.int64),
            "churned": churned.astype(np.int64),
        }
    )


# --- delivery ETA ---------------------------------------------------------------------------


def _eta_predictions(
    rng: np.random.Generator, rows: int, facts: ScenarioFacts
) -> tuple[pd.DataFrame, np.ndarray]:
    """Delivery-time predictions (minutes) and the true delivery times."""
    hours = np.arange(24)
    hour_weights = (
        0.05 + np.exp(-(((hours - 12.5) / 1.5) ** 2)) + np.exp(-(((hours - 19) / 2) ** 2))
    )
    day, at = _timestamps(rng, rows, np.linspace(1.0, 1.15, facts.days), hour_weights)
    intensity = np.clip((day - facts.drift_day + 1) / 3, 0.0, 1.0)
    region = _categorical(rng, REGION_MIX, REGION_MIX, intensity)
    vehicle = _categorical(rng, VEHICLE_MIX, VEHICLE_MIX, intensity)
    weather = _categorical(rng, WEATHER_MIX_BEFORE, WEATHER_MIX_AFTER, intensity)  # rainy season
    distance = np.round(np.exp(rng.normal(np.log(3.5), 0.5, rows)), 2)
    items = rng.poisson(1.5, rows).astype(np.int64) + 1
    rush = np.isin(
        ((at - at.astype("datetime64[D]")) // _US_PER_HOUR).astype(int), (12, 13, 19, 20)
    )
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
            "delivery_id": _ids("dlv-", rows),
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


def _eta_labels(
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


# --- helpers --------------------------------------------------------------------------------


def _timestamps(
    rng: np.random.Generator, n: int, day_weights: np.ndarray, hour_weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted timestamps: days by `day_weights`, hours by `hour_weights`, uniform within."""
    day = rng.choice(len(day_weights), size=n, p=day_weights / day_weights.sum())
    hour = rng.choice(24, size=n, p=hour_weights / hour_weights.sum())
    offset_us = day * _US_PER_DAY + hour * _US_PER_HOUR + rng.integers(0, _US_PER_HOUR, n)
    order = np.argsort(offset_us, kind="stable")
    at = START.to_datetime64().astype("datetime64[us]") + offset_us[order].astype("timedelta64[us]")
    return day[order], at


def _categorical(
    rng: np.random.Generator, before: tuple, after: tuple, intensity: np.ndarray
) -> np.ndarray:
    """Category indices drawn from a per-row blend of two mixes (inverse CDF)."""
    p_before = np.asarray(before, dtype=float) / np.sum(before)
    p_after = np.asarray(after, dtype=float) / np.sum(after)
    mix = (1 - intensity)[:, None] * p_before + intensity[:, None] * p_after
    cumulative = np.cumsum(mix, axis=1)
    u = rng.random(len(intensity))[:, None] * cumulative[:, -1:]
    return np.minimum((u >= cumulative).sum(axis=1), len(before) - 1)


def _masked(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(values.astype(np.int64), missing.copy())


def _filled(values: object, fill: float) -> np.ndarray:
    return pd.array(values).to_numpy(dtype=float, na_value=fill)


def _lookup(values: np.ndarray, names: tuple[str, ...], effects: tuple[float, ...]) -> np.ndarray:
    return pd.Series(values).map(dict(zip(names, effects, strict=True))).to_numpy(dtype=float)


def _ids(prefix: str, n: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), 7)).astype(object)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
