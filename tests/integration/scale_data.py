"""A large binary-classifier scenario, generated with vectorised numpy (seconds for 600k rows).

The shape of issue 12's PostgreSQL report: 9 numerical features with ties and NULLs, three
categorical ones, a 5-valued region slice, two model versions (v2 rolled out part-way), daily
windows, timestamped labels and a reference relation. Used to catch plans that scale badly
(test_scale_postgres), not to check values: the other integration tests do that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import DOUBLE, TEXT, TIMESTAMP, LabelsSpec, MonitorSpec, ReferenceSpec, Scenario, Table

START = np.datetime64("2025-03-03T00:00:00", "s")
DAYS = 30
REGIONS = np.array(["north", "south", "east", "west", "central"], dtype=object)
PLANS = np.array(["basic", "standard", "premium", "family", "student"], dtype=object)
DEVICES = np.array(["ios", "android", "web"], dtype=object)
COUNTRIES = np.array([f"C{i:02d}" for i in range(30)], dtype=object)
NUMERICAL = (
    "tenure_months",
    "monthly_charges",
    "total_spend",
    "support_calls",
    "sessions_per_week",
    "avg_session_minutes",
    "days_since_login",
    "discount_rate",
    "age",
)
CATEGORICAL = ("plan", "device", "country")


def _with_nulls(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    """An object array of the values with a random share of them None (SQL NULL)."""
    out = values.astype(object)
    out[rng.random(len(values)) < share] = None
    return out


def _features(rng: np.random.Generator, n: int, shift: np.ndarray) -> dict[str, np.ndarray]:
    """n rows of the features and the region; `shift` (per row, 0..1) moves some of them."""
    numeric = {
        "tenure_months": rng.integers(0, 72, n).astype(np.float64),
        "monthly_charges": np.round(rng.normal(65 + 8 * shift, 20, n).clip(10, 200), 2),
        "total_spend": rng.lognormal(7.0 + 0.2 * shift, 1.0, n),
        "support_calls": rng.poisson(1.5 + shift, n).astype(np.float64),
        "sessions_per_week": np.round(rng.gamma(2.0, 2.5, n), 1),
        "avg_session_minutes": rng.normal(22, 7, n),
        "days_since_login": np.floor(rng.exponential(6 + 4 * shift, n)),
        "discount_rate": np.round(rng.uniform(0, 0.5, n), 3),
        "age": rng.integers(18, 80, n).astype(np.float64),
    }
    out = {k: _with_nulls(rng, v, 0.01) for k, v in numeric.items()}
    out["plan"] = _with_nulls(rng, PLANS[rng.choice(5, n, p=[0.4, 0.25, 0.15, 0.12, 0.08])], 0.01)
    out["device"] = DEVICES[rng.integers(0, 3, n)]
    out["country"] = COUNTRIES[np.minimum(rng.geometric(0.12, n) - 1, 29)]
    out["region"] = REGIONS[rng.integers(0, 5, n)]
    score = 1 / (1 + np.exp(-(numeric["support_calls"] * 0.4 - numeric["tenure_months"] * 0.03)))
    out["score"] = np.round(score, 4).astype(object)
    out["predicted_class"] = np.where(score >= 0.5, "1", "0").astype(object)
    out["label"] = np.where(rng.random(n) < score, "1", "0").astype(object)
    return out


def _frame(columns: dict[str, str], data: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(data[c], dtype=object) for c in columns}, dtype=object)


def make_scale_scenario(seed: int, n_pred: int, n_ref: int, name: str = "scale") -> Scenario:
    """One monitor over `n_pred` predictions in 30 daily windows and an `n_ref`-row reference."""
    rng = np.random.default_rng(seed)
    seconds = np.sort(rng.integers(0, DAYS * 86_400, n_pred))
    day = seconds // 86_400
    f = _features(rng, n_pred, np.clip((day - 18) / 12, 0, 1))
    at = START + seconds.astype("timedelta64[s]")
    pred_cols = {
        "prediction_id": TEXT,
        "predicted_at": TIMESTAMP,
        "model_version": TEXT,
        "region": TEXT,
        **dict.fromkeys(NUMERICAL, DOUBLE),
        **dict.fromkeys(CATEGORICAL, TEXT),
        "score": DOUBLE,
        "predicted_class": TEXT,
    }
    rollout = (day >= 10) & (rng.random(n_pred) < 0.5)
    ids = np.char.add(f"{name}-", np.arange(n_pred).astype(str)).astype(object)
    data = {
        **f,
        "prediction_id": ids,
        "predicted_at": pd.to_datetime(at).to_pydatetime(),
        "model_version": np.where(rollout, "v2", "v1").astype(object),
    }
    predictions = Table(f"{name}_predictions", pred_cols, _frame(pred_cols, data))

    labeled = rng.random(n_pred) < 0.8
    delay = rng.integers(3_600, 5 * 86_400, n_pred).astype("timedelta64[s]")
    label_cols = {"prediction_id": TEXT, "label": TEXT, "labeled_at": TIMESTAMP}
    label_data = {
        "prediction_id": ids[labeled],
        "label": f["label"][labeled],
        "labeled_at": pd.to_datetime((at + delay)[labeled]).to_pydatetime(),
    }
    labels = Table(f"{name}_labels", label_cols, _frame(label_cols, label_data))

    ref_cols = {
        "region": TEXT,
        **dict.fromkeys(NUMERICAL, DOUBLE),
        **dict.fromkeys(CATEGORICAL, TEXT),
        "score": DOUBLE,
        "predicted_class": TEXT,
        "label": TEXT,
    }
    ref = _features(rng, n_ref, np.zeros(n_ref))
    reference = Table(f"{name}_reference", ref_cols, _frame(ref_cols, ref))

    monitor = MonitorSpec(
        name=name,
        task="binary",
        predictions=predictions.name,
        id_column="prediction_id",
        timestamp_column="predicted_at",
        model_version_column="model_version",
        prediction_column="predicted_class",
        score_column="score",
        features={
            **dict.fromkeys(NUMERICAL, "numerical"),
            **dict.fromkeys(CATEGORICAL, "categorical"),
        },
        labels=LabelsSpec(table=labels.name, label_column="label", timestamp_column="labeled_at"),
        reference=ReferenceSpec(table=reference.name, label_column="label"),
        slices=("region",),
        bins=10,
        top_k=20,
    )
    tables = {t.name: t for t in (predictions, labels, reference)}
    return Scenario(tables=tables, monitors=[monitor], seed=seed)
