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

from model_monitor.demo.churn import (
    generate_churn_labels,
    generate_churn_predictions,
    generate_training,
)
from model_monitor.demo.delivery_eta import generate_eta_labels, generate_eta_predictions
from model_monitor.demo.facts import ScenarioFacts, scenario_facts

RAW_SCHEMA = "raw"
MIN_ROWS = 500


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


def generate_scenario(rows: int = 300_000, days: int = 42, seed: int = 7) -> Scenario:
    """Generate every raw table of the demo, deterministically for a seed."""
    if rows < MIN_ROWS:
        raise ValueError(f"the demo scenario needs at least {MIN_ROWS} rows; got {rows}")
    facts = scenario_facts(days, seed)
    churn_rng, label_rng, train_rng, eta_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )
    predictions, true_prob = generate_churn_predictions(churn_rng, rows, facts)
    eta_predictions, eta_actual = generate_eta_predictions(eta_rng, max(rows // 6, MIN_ROWS), facts)
    return Scenario(
        facts=facts,
        training=generate_training(train_rng, max(rows // 6, MIN_ROWS)),
        predictions=predictions,
        labels=generate_churn_labels(label_rng, predictions, true_prob, facts),
        eta_predictions=eta_predictions,
        eta_labels=generate_eta_labels(eta_rng, eta_predictions, eta_actual, facts),
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
