"""A scenario for the binned drift mode: large enough that grid cells hold many values.

Numerical columns of every shape the error bound must survive: a smooth feature that drifts,
integers with heavy ties, a heavy-tailed (Pareto and Cauchy) feature, values rounded onto a
coarse lattice (many of them exactly on grid edges), a single-valued column, NaN, infinities and
NULLs, a day entirely above the reference's range and one entirely below, an empty day, an
unseen slice value, and two model versions. Two monitors watch the same tables: the default
1,000-cell grid and a 16-cell one (wide cells, large bounds that must still hold).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from .data import DOUBLE, TEXT, TIMESTAMP, MonitorSpec, ReferenceSpec, Scenario, Table, _frame

START = dt.datetime(2024, 5, 6)
DAYS = 7
EMPTY_DAY = 3  # no predictions at all
ABOVE_DAY = 5  # `shifted` lies entirely above the reference's maximum
BELOW_DAY = 6  # ... and entirely below its minimum
FEATURES = ("smooth", "ties", "heavy", "lattice", "shifted", "constant")
COLUMNS = {
    "prediction_id": TEXT,
    "predicted_at": TIMESTAMP,
    "model_version": TEXT,
    "region": TEXT,
    **dict.fromkeys(FEATURES, DOUBLE),
}


def _specials(rng: np.random.Generator, values: np.ndarray) -> list[Any]:
    """Floats with about 2% NULL, 1% NaN and 1% +-inf sprinkled in."""
    out: list[Any] = [float(v) for v in values]
    draw = rng.random(len(out))
    for i, u in enumerate(draw):
        if u < 0.02:
            out[i] = None
        elif u < 0.03:
            out[i] = float("nan")
        elif u < 0.04:
            out[i] = float("inf") if u < 0.035 else float("-inf")
    return out


def _features(rng: np.random.Generator, n: int, day: int | None) -> dict[str, list[Any]]:
    """The features of n rows; `day` None is the reference (no drift)."""
    shift = 0.0 if day is None else 0.15 * day
    heavy = rng.pareto(1.5, n) * np.where(rng.random(n) < 0.5, -1, 1)
    heavy = np.where(rng.random(n) < 0.1, rng.standard_cauchy(n) * 1e3, heavy)
    shifted = rng.normal(0, 1, n)
    if day == ABOVE_DAY:
        shifted = 10 + rng.exponential(1, n)
    elif day == BELOW_DAY:
        shifted = -10 - rng.exponential(1, n)
    return {
        "smooth": _specials(rng, rng.normal(50 + 5 * shift, 10, n)),
        "ties": _specials(rng, rng.poisson(3 + shift, n).astype(float)),
        "heavy": _specials(rng, heavy),
        "lattice": _specials(rng, np.round(rng.gamma(2.0 + shift, 1.5, n), 1)),
        "shifted": _specials(rng, shifted),
        "constant": [7.5] * n,
    }


def _regions(rng: np.random.Generator, n: int, unseen: bool) -> list[Any]:
    pool = ["north", "south", "east", None] + (["new-region"] if unseen else [])
    weights = np.array([4, 3, 2, 1] + ([1] if unseen else []), dtype=float)
    return [pool[i] for i in rng.choice(len(pool), n, p=weights / weights.sum())]


def binned_tables(seed: int, per_day: int, n_ref: int) -> dict[str, Table]:
    """Predictions over DAYS days (one empty) and a relation reference."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for day in range(DAYS):
        if day == EMPTY_DAY:
            continue
        n = per_day
        start = START + dt.timedelta(days=day)
        secs = rng.integers(0, 86_400, n)
        rows["prediction_id"] += [f"d{day}-{i}" for i in range(n)]
        rows["predicted_at"] += [start + dt.timedelta(seconds=int(s)) for s in secs]
        rows["model_version"] += ["v1" if day < 2 else str(v) for v in rng.choice(["v1", "v2"], n)]
        rows["region"] += _regions(rng, n, unseen=day >= 4)
        for name, values in _features(rng, n, day).items():
            rows[name] += values
    reference = {"region": _regions(rng, n_ref, unseen=False), **_features(rng, n_ref, None)}
    ref_columns = {"region": TEXT, **dict.fromkeys(FEATURES, DOUBLE)}
    return {
        "binned_predictions": Table("binned_predictions", COLUMNS, _frame(COLUMNS, rows)),
        "binned_reference": Table("binned_reference", ref_columns, _frame(ref_columns, reference)),
    }


def binned_monitor(
    name: str, grid_cells: int | None, distinct_count_method: str | None = None
) -> MonitorSpec:
    """A binned-drift monitor over the scenario's tables."""
    return MonitorSpec(
        name=name,
        task="regression",
        predictions="binned_predictions",
        id_column="prediction_id",
        timestamp_column="predicted_at",
        model_version_column="model_version",
        prediction_column="smooth",
        features=dict.fromkeys(FEATURES[1:], "numerical"),
        reference=ReferenceSpec(table="binned_reference"),
        slices=("region",),
        drift_method="binned",
        grid_cells=grid_cells,
        distinct_count_method=distinct_count_method,
    )


def make_binned_scenario(seed: int, per_day: int = 4000, n_ref: int = 20_000) -> Scenario:
    """Both monitors over one set of tables: the default grid with the default (approximate)
    distinct counts, and 16 cells with exact ones."""
    return Scenario(
        tables=binned_tables(seed, per_day, n_ref),
        monitors=[binned_monitor("binned", None), binned_monitor("binned.coarse", 16, "exact")],
        seed=seed,
    )
