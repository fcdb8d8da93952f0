"""The in-memory Python peer: Evidently's data drift and classification reports on the same data.

Runs in bench/.venv (Evidently 0.7 needs pandas < 3), never in the project's environment. It loads
the reference and the 30 days of history from the benchmark's DuckDB file into pandas, as a team
without the package would, runs DataDriftPreset on every monitored column and ClassificationPreset
on the labeled rows, and prints one JSON line: how long loading and each report took and a few
of the results, so the run can be checked for having computed something.

With --per-window it does what the package does instead: both reports for every daily window, for
the whole population and for each value of the slice column, each against the reference of the
same slice.

Usage: bench/.venv/bin/python bench/peer.py DUCKDB_FILE [--per-window]
"""

from __future__ import annotations

import json
import sys
import time

import duckdb
import pandas as pd
from evidently import BinaryClassification, DataDefinition, Dataset, Report
from evidently.presets import ClassificationPreset, DataDriftPreset
from peer_data import CURRENT_SQL, PREDICTION, REFERENCE_SQL, SCORE, TARGET, load_frame
from scenario import CATEGORICAL, NUMERICAL, SEGMENT_COLUMN


def _definition() -> DataDefinition:
    return DataDefinition(
        numerical_columns=[*NUMERICAL, SCORE],
        categorical_columns=[*CATEGORICAL, SEGMENT_COLUMN, PREDICTION, TARGET],
        classification=[
            BinaryClassification(
                target=TARGET, prediction_labels=PREDICTION, prediction_probas=SCORE, pos_label=1
            )
        ],
    )


def _reports(current: pd.DataFrame, reference: pd.DataFrame, definition: DataDefinition) -> tuple:
    """Data drift on every row and classification on the labeled rows of one current frame."""
    drift_columns = [*NUMERICAL, *CATEGORICAL, SCORE, PREDICTION, TARGET]
    drift = Report([DataDriftPreset(columns=drift_columns)]).run(
        Dataset.from_pandas(current, data_definition=definition),
        Dataset.from_pandas(reference, data_definition=definition),
    )
    labeled = current[current[TARGET].notna()].copy()
    labeled[TARGET] = labeled[TARGET].astype("int64")
    classification = Report([ClassificationPreset()]).run(
        Dataset.from_pandas(labeled, data_definition=definition),
        Dataset.from_pandas(reference, data_definition=definition),
    )
    return drift.dict(), classification.dict()


def per_window(path: str) -> None:
    """Both reports per day and slice value (and the whole population), like the package."""
    clock = time.perf_counter()
    with duckdb.connect(path, read_only=True) as con:
        reference = load_frame(con, REFERENCE_SQL)
        current = load_frame(con, CURRENT_SQL)
    load = time.perf_counter() - clock
    clock = time.perf_counter()
    definition = _definition()
    current["window_start"] = current["predicted_at"].dt.floor("D")
    reports = 0
    for _, day in current.groupby("window_start", sort=True, observed=True):
        day = day.drop(columns=["window_start", "predicted_at"])
        _reports(day, reference, definition)
        reports += 2
        for value, part in day.groupby(SEGMENT_COLUMN, sort=True, observed=True):
            _reports(part, reference[reference[SEGMENT_COLUMN] == value], definition)
            reports += 2
    print(json.dumps({"rows": {"reference": len(reference), "current": len(current)},
                      "seconds": {"load": load, "reports": time.perf_counter() - clock},
                      "reports": reports}))  # fmt: skip


def main(path: str) -> None:
    """Load, run both reports, print timings and a summary as JSON."""
    clock = time.perf_counter()
    timings: dict[str, float] = {}
    with duckdb.connect(path, read_only=True) as con:
        reference = load_frame(con, REFERENCE_SQL)
        current = load_frame(con, CURRENT_SQL).drop(columns=["predicted_at"])
    timings["load"] = time.perf_counter() - clock

    clock = time.perf_counter()
    definition = _definition()
    drift_columns = [*NUMERICAL, *CATEGORICAL, SCORE, PREDICTION, TARGET]
    drift = Report([DataDriftPreset(columns=drift_columns)]).run(
        Dataset.from_pandas(current, data_definition=definition),
        Dataset.from_pandas(reference, data_definition=definition),
    )
    drift_result = drift.dict()
    timings["data_drift"] = time.perf_counter() - clock

    clock = time.perf_counter()
    labeled = current[current[TARGET].notna()].copy()
    labeled[TARGET] = labeled[TARGET].astype("int64")
    classification = Report([ClassificationPreset()]).run(
        Dataset.from_pandas(labeled, data_definition=definition),
        Dataset.from_pandas(reference, data_definition=definition),
    )
    classification_result = classification.dict()
    timings["classification"] = time.perf_counter() - clock

    print(
        json.dumps(
            {
                "rows": {
                    "reference": len(reference),
                    "current": len(current),
                    "labeled": len(labeled),
                },
                "seconds": timings,
                "metrics": {
                    "data_drift": len(drift_result.get("metrics", [])),
                    "classification": len(classification_result.get("metrics", [])),
                },
                "sample": _sample(drift_result, classification_result),
            }
        )
    )


def _sample(drift: dict, classification: dict) -> dict[str, object]:
    """A few headline values, to show the reports computed something."""
    out: dict[str, object] = {}
    for metric in drift.get("metrics", []):
        if str(metric.get("metric_name", "")).startswith("DriftedColumnsCount"):
            out["drifted_columns"] = metric.get("value")
    for metric in classification.get("metrics", []):
        name = str(metric.get("metric_name", "")).split("(")[0]
        if name in ("Accuracy", "RocAuc"):
            out[name.lower()] = metric.get("value")
    return out


if __name__ == "__main__":
    if "--per-window" in sys.argv[2:]:
        per_window(sys.argv[1])
    else:
        main(sys.argv[1])
