"""The churn classifier's story: customers, the deployed and the true model, late labels."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from model_monitor.demo.facts import START, ScenarioFacts
from model_monitor.demo.sampling import (
    US_PER_DAY,
    filled_floats,
    lookup_effects,
    masked_ints,
    sample_categories,
    sample_timestamps,
    sequential_ids,
    sigmoid,
)

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


def generate_churn_predictions(
    rng: np.random.Generator, rows: int, facts: ScenarioFacts
) -> tuple[pd.DataFrame, np.ndarray]:
    """The churn model's prediction log and the true churn probability of each row."""
    day_weights = np.ones(facts.days)
    weekday = (np.arange(facts.days) + START.day_of_week) % 7
    day_weights[weekday >= 5] = 0.8  # quieter weekends
    day_weights *= np.linspace(1.0, 1.2, facts.days)  # the product grows
    day_weights[facts.outage_day] = 0.0
    hour_weights = 0.15 + np.exp(-(((np.arange(24) - 14) / 4.5) ** 2))
    day, at = sample_timestamps(rng, rows, day_weights, hour_weights)

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
    score = np.where(v2, sigmoid(_model_logit(features, "v2")), sigmoid(_model_logit(features)))
    error = rng.random(rows) < 0.008
    latency = np.exp(rng.normal(np.log(np.where(v2, 48.0, 35.0)), 0.35))
    latency = np.where(error, rng.uniform(1000.0, 3000.0, rows), latency)

    frame = pd.DataFrame(
        {
            "prediction_id": sequential_ids("pred-", rows),
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
    return frame, sigmoid(_true_logit(rng, features, intensity))


def _customers(rng: np.random.Generator, n: int, intensity: np.ndarray) -> dict[str, Any]:
    """Feature columns for `n` customers; `intensity` (0..1 per row) blends in the drift."""
    plan = sample_categories(rng, PLAN_MIX_BEFORE, PLAN_MIX_AFTER, intensity)
    country = sample_categories(rng, COUNTRY_MIX_BEFORE, COUNTRY_MIX_AFTER, intensity)
    payment = sample_categories(rng, PAYMENT_MIX, PAYMENT_MIX, intensity)
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
        "age": masked_ints(age, age_missing),
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
        "tenure": filled_floats(features["tenure_months"], 20.0),
        "charges": np.asarray(features["monthly_charges"], dtype=float),
        "calls": np.asarray(features["support_calls"], dtype=float),
        "usage": np.log1p(usage),
        "age": filled_floats(features["age"], 40.0),
        "plan_effect": lookup_effects(plan, PLANS, PLAN_EFFECT),
        "payment_effect": lookup_effects(payment, PAYMENT_METHODS, PAYMENT_EFFECT),
        "nz": (np.asarray(features["country"]) == UNSEEN_COUNTRY).astype(float),
    }


def generate_churn_labels(
    rng: np.random.Generator, predictions: pd.DataFrame, true_prob: np.ndarray, facts: ScenarioFacts
) -> pd.DataFrame:
    """Outcomes 1-14 days after the prediction; ~10% never arrive, a few arrive twice."""
    n = len(predictions)
    churned = (rng.random(n) < true_prob).astype(np.int64)
    delay_us = ((1 + 13 * rng.beta(1.5, 3.0, n)) * US_PER_DAY).astype(np.int64)
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


def generate_training(rng: np.random.Generator, rows: int) -> pd.DataFrame:
    """The training set: pre-drift customers, v1's scores and the label they turned out to have."""
    intensity = np.zeros(rows)
    features = _customers(rng, rows, intensity)
    churned = rng.random(rows) < sigmoid(_true_logit(rng, features, intensity))
    # v1's validation scores are kept with the set, so the score has a reference too.
    score = sigmoid(_model_logit(features))
    return pd.DataFrame(
        {
            "customer_id": sequential_ids("cust-", rows),
            **features,
            "churn_score": np.round(score, 6),
            "predicted_churn": (score >= 0.5).astype(np.int64),
            "churned": churned.astype(np.int64),
        }
    )
