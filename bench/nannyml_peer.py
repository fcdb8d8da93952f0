"""The second in-memory Python peer: NannyML's daily univariate drift and CBPE on the same data.

Runs in bench/.venv-nannyml (see peer_env.py), never in the project's environment. It loads the
reference and the 30 days of history from the benchmark's DuckDB copy into pandas (text columns as
`category`), then, on daily chunks (`chunk_period='D'`):

- UnivariateDriftCalculator on the 15 features, the score and the predicted class: Kolmogorov-
  Smirnov, Wasserstein and Jensen-Shannon for continuous columns, chi-square, L-infinity and
  Jensen-Shannon for categorical ones;
- CBPE (confidence-based performance estimation, labels not used) of the metrics the package
  estimates: accuracy, precision, recall, F1, specificity.

NannyML chunks the reference by time too (its thresholds come from the reference chunks), and the
benchmark's reference has no timestamp: its rows are spread evenly over the 30 days before the
history. Prints one JSON line: rows, seconds per stage, chunks and alerts.

Usage: bench/.venv-nannyml/bin/python bench/nannyml_peer.py DUCKDB_FILE
"""

from __future__ import annotations

import json
import os
import sys
import time

# NannyML sends usage statistics to a web service unless told not to (read at import)
os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")

import duckdb  # noqa: E402
import nannyml as nml  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from peer_data import (  # noqa: E402
    CURRENT_SQL,
    PREDICTION,
    REFERENCE_SQL,
    SCORE,
    TARGET,
    TIMESTAMP,
    load_frame,
)
from scenario import CATEGORICAL, HISTORY_DAYS, NUMERICAL, START  # noqa: E402

CHUNK_PERIOD = "D"
CONTINUOUS_METHODS = ["kolmogorov_smirnov", "wasserstein", "jensen_shannon"]
CATEGORICAL_METHODS = ["chi2", "l_infinity", "jensen_shannon"]
CBPE_METRICS = ["accuracy", "precision", "recall", "f1", "specificity"]  # the package's estimates
DRIFT_COLUMNS = [*NUMERICAL, *CATEGORICAL, SCORE, PREDICTION]
CATEGORICAL_COLUMNS = [*CATEGORICAL, PREDICTION]


def _with_reference_times(reference: pd.DataFrame) -> pd.DataFrame:
    """The reference's rows spread evenly over the HISTORY_DAYS days before the history."""
    span_us = HISTORY_DAYS * 86_400_000_000
    offsets = np.arange(len(reference), dtype=np.int64) * span_us // max(len(reference), 1)
    reference[TIMESTAMP] = (START - np.timedelta64(HISTORY_DAYS, "D")) + offsets.astype(
        "timedelta64[us]"
    )
    return reference


def _alerts(result: object) -> tuple[int, int]:
    """Alerts raised on the analysis chunks (columns whose last level is `alert`), and chunks."""
    frame = result.filter(period="analysis").to_df()  # type: ignore[attr-defined]
    columns = [c for c in frame.columns if isinstance(c, tuple) and c[-1] == "alert"]
    return int(frame[columns].sum().sum()), len(frame)


def main(path: str) -> None:
    """Load, run daily drift and CBPE, print timings and a summary as JSON."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    with duckdb.connect(path, read_only=True) as con:
        reference = _with_reference_times(load_frame(con, REFERENCE_SQL))
        # CBPE estimates without labels: the current rows go in without them
        current = load_frame(con, CURRENT_SQL).drop(columns=[TARGET])
    timings["load"] = time.perf_counter() - clock

    clock = time.perf_counter()
    drift = nml.UnivariateDriftCalculator(
        column_names=DRIFT_COLUMNS,
        treat_as_categorical=CATEGORICAL_COLUMNS,
        timestamp_column_name=TIMESTAMP,
        continuous_methods=CONTINUOUS_METHODS,
        categorical_methods=CATEGORICAL_METHODS,
        chunk_period=CHUNK_PERIOD,
    )
    drift.fit(reference)
    drift_alerts, drift_chunks = _alerts(drift.calculate(current))
    timings["univariate_drift"] = time.perf_counter() - clock

    clock = time.perf_counter()
    cbpe = nml.CBPE(
        problem_type="classification_binary",
        y_pred_proba=SCORE,
        y_pred=PREDICTION,
        y_true=TARGET,
        timestamp_column_name=TIMESTAMP,
        metrics=CBPE_METRICS,
        chunk_period=CHUNK_PERIOD,
    )
    cbpe.fit(reference)
    cbpe_alerts, cbpe_chunks = _alerts(cbpe.estimate(current))
    timings["cbpe"] = time.perf_counter() - clock

    print(
        json.dumps(
            {
                "nannyml": nml.__version__,
                "rows": {"reference": len(reference), "current": len(current)},
                "seconds": timings,
                "chunks": {"univariate_drift": drift_chunks, "cbpe": cbpe_chunks},
                "alerts": {"univariate_drift": drift_alerts, "cbpe": cbpe_alerts},
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
