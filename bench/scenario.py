"""The benchmark's data: a binary classifier's prediction log, its labels and its reference.

Everything is generated with numpy one day at a time, in chunks of at most CHUNK_ROWS rows, and
inserted into DuckDB chunk by chunk, so 100M predictions need no more arrays in memory than 15M
do (a day of up to CHUNK_ROWS rows is one chunk: the same draws as before chunking), and the
generator's DuckDB cache is capped (GENERATOR_MEMORY_LIMIT). Categorical values are written
as integer codes and turned into text by DuckDB (`[...][code]`), which is much faster than
building Python string arrays.

Tables in schema `raw` of the DuckDB file:
- `reference`: REFERENCE_ROWS rows of the training set: features, segment, score, class, label.
- `predictions`: the 30 days of history (`rows` predictions).
- `labels`: labels of those predictions that arrived before the end of the history.
- `predictions_next`, `labels_pending`: the appended day's predictions, and every label that
  arrives after the history ends; `append_day` moves one day of both into the tables above.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

START = np.datetime64("2025-03-03T00:00:00", "us")  # a Monday
HISTORY_DAYS = 30
REFERENCE_ROWS = 200_000
LABELED_SHARE = 0.9  # the rest never get a label
MEAN_LABEL_DELAY_DAYS = 3.0
DRIFT_FROM_DAY = 18  # a mild covariate shift from this day on, so the statistics are not trivial
NULL_SHARE = 0.01
SEED = 42
RAW_SCHEMA = "raw"
CHUNK_ROWS = 500_000  # rows generated at once: bounds the generator's memory at any size
# The generator's own DuckDB cache (the builds keep DuckDB's default or --memory-limit): without
# it the cache of written blocks grows by about 50 bytes a row, 5 GB at 100M rows.
GENERATOR_MEMORY_LIMIT = "500MB"

_US_PER_DAY = 86_400_000_000

NUMERICAL = (
    "tenure_months",  # integer, many ties
    "monthly_charges",  # money, two decimals
    "total_spend",  # lognormal, continuous
    "support_calls",  # Poisson counts
    "sessions_per_week",  # gamma, one decimal
    "avg_session_minutes",  # continuous
    "days_since_login",  # exponential integers
    "discount_rate",  # uniform [0, 0.5], three decimals
    "age",  # integer
)
CATEGORICAL: dict[str, tuple[str, ...]] = {
    "plan": ("basic", "standard", "premium", "family", "student"),
    "country": tuple(f"C{i:02d}" for i in range(30)),  # 30 > top_k: the tail shares `other`
    "device": ("ios", "android", "web"),
    "payment_method": ("card", "transfer", "paypal", "check"),
    "channel": ("organic", "ads", "referral", "partner", "email", "social"),
    "acquisition_campaign": tuple(f"cmp_{i:03d}" for i in range(200)),
}
SEGMENT_COLUMN = "region"  # the slice column
SEGMENTS = ("north", "south", "east", "west", "central")
FEATURES = (*NUMERICAL, *CATEGORICAL)


@dataclass(frozen=True)
class ScenarioSize:
    """How many rows each table got and how long writing them took."""

    history_rows: int
    appended_rows: int
    reference_rows: int
    history_labels: int
    pending_labels: int
    seconds: float

    @property
    def history_end(self) -> np.datetime64:
        return START + np.timedelta64(HISTORY_DAYS, "D")


def _categorical_weights(size: int, rng: np.random.Generator) -> np.ndarray:
    """A Zipf-like mix: a few frequent categories and a long tail."""
    weights = 1.0 / np.arange(1, size + 1) ** 1.1
    weights = weights * rng.uniform(0.8, 1.2, size)
    return weights / weights.sum()


def _features(rng: np.random.Generator, n: int, shift: float) -> dict[str, np.ndarray]:
    """n rows of the 15 features and the segment; `shift` in [0, 1] moves some distributions."""
    out: dict[str, np.ndarray] = {
        "tenure_months": rng.integers(0, 72, n).astype(np.float64),
        "monthly_charges": np.round(rng.normal(65 + 8 * shift, 20, n).clip(10, 200), 2),
        "total_spend": rng.lognormal(7.0 + 0.2 * shift, 1.0, n),
        "support_calls": rng.poisson(1.5 + 1.0 * shift, n).astype(np.float64),
        "sessions_per_week": np.round(rng.gamma(2.0, 2.5, n), 1),
        "avg_session_minutes": rng.normal(22, 7, n),
        "days_since_login": np.floor(rng.exponential(6 + 4 * shift, n)),
        "discount_rate": np.round(rng.uniform(0, 0.5, n), 3),
        "age": rng.integers(18, 80, n).astype(np.float64),
    }
    for name in ("total_spend", "avg_session_minutes", "days_since_login"):
        out[name][rng.random(n) < NULL_SHARE] = np.nan  # NaN is read as NULL by DuckDB
    for position, (name, values) in enumerate(CATEGORICAL.items()):
        mix = _categorical_weights(len(values), np.random.default_rng(position))
        if shift and name in ("plan", "channel"):
            mix = np.roll(mix, 1) * shift + mix * (1 - shift)
        out[name] = rng.choice(len(values), n, p=mix).astype(np.int16)
    out[SEGMENT_COLUMN] = rng.integers(0, len(SEGMENTS), n).astype(np.int16)
    return out


def _outcome(rng: np.random.Generator, f: dict[str, np.ndarray], concept: float) -> tuple:
    """The score the model gives, the predicted class and the true label."""
    logit = (
        -0.6
        - 0.03 * f["tenure_months"]
        + 0.015 * (f["monthly_charges"] - 65)
        + 0.35 * f["support_calls"]
        + 0.04 * np.nan_to_num(f["days_since_login"], nan=6.0)
        - 1.5 * f["discount_rate"]
        + 0.3 * (f["plan"] == 0)
        + 0.5 * (f["payment_method"] == 3)
    )
    score = 1.0 / (1.0 + np.exp(-(logit + rng.normal(0, 0.3, len(logit)))))
    truth = 1.0 / (1.0 + np.exp(-(logit + concept * 0.8 * (f["device"] == 1))))
    label = (rng.random(len(logit)) < truth).astype(np.int8)
    predicted = (score >= 0.5).astype(np.int8)
    return score, predicted, label


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert a chunk, turning categorical codes into their text values in SQL."""
    columns = []
    for name in frame.columns:
        values = CATEGORICAL.get(name) or (SEGMENTS if name == SEGMENT_COLUMN else None)
        if values is None:
            columns.append(f'"{name}"')
        else:
            literal = "[" + ", ".join(f"'{v}'" for v in values) + "]"
            columns.append(f'{literal}[cast("{name}" as integer) + 1] as "{name}"')
    con.register("chunk", frame)
    con.execute(f"insert into {table} select {', '.join(columns)} from chunk")
    con.unregister("chunk")


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    feature_ddl = ", ".join(
        [f'"{c}" double' for c in NUMERICAL] + [f'"{c}" varchar' for c in CATEGORICAL]
    )
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for table in ("predictions", "predictions_next"):
        con.execute(
            f"create or replace table {RAW_SCHEMA}.{table} (prediction_id bigint, "
            f"predicted_at timestamp, {feature_ddl}, {SEGMENT_COLUMN} varchar, "
            "churn_score double, predicted_churn integer)"
        )
    for table in ("labels", "labels_pending"):
        con.execute(
            f"create or replace table {RAW_SCHEMA}.{table} "
            "(prediction_id bigint, churned integer, labeled_at timestamp)"
        )
    con.execute(
        f"create or replace table {RAW_SCHEMA}.reference ({feature_ddl}, "
        f"{SEGMENT_COLUMN} varchar, churn_score double, predicted_churn integer, churned integer)"
    )


def _day_rows(rows: int, day: int) -> int:
    """Rows of one day: an even split with the remainder on the first days."""
    return rows // HISTORY_DAYS + (1 if day < rows % HISTORY_DAYS else 0)


def _chunks(n: int, chunk_rows: int) -> list[tuple[int, int]]:
    """[first, last) row ranges of one day, each at most chunk_rows long."""
    return [(first, min(first + chunk_rows, n)) for first in range(0, n, chunk_rows)] or [(0, 0)]


def _write_chunk(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    table: str,
    day: int,
    first_id: int,
    rows: tuple[int, int, int],
    shift: float,
    history_end: np.datetime64,
) -> None:
    """Rows [first, last) of a day of n: predictions, and their labels split by arrival."""
    first, last, n = rows
    m = last - first
    features = _features(rng, m, shift)
    score, predicted, label = _outcome(rng, features, concept=shift)
    ids = np.arange(first_id, first_id + m, dtype=np.int64)
    # each chunk draws its times in its own share of the day, so times still increase with ids
    low, high = _US_PER_DAY * first // max(n, 1), _US_PER_DAY * last // max(n, 1)
    at = (
        START
        + np.timedelta64(day, "D")
        + np.sort(rng.integers(low, max(high, low + 1), m)).astype("timedelta64[us]")
    )
    frame = pd.DataFrame({"prediction_id": ids, "predicted_at": at, **features})
    frame["churn_score"], frame["predicted_churn"] = score, predicted
    _insert(con, f"{RAW_SCHEMA}.{table}", frame)
    labeled = rng.random(m) < LABELED_SHARE
    delay = rng.exponential(MEAN_LABEL_DELAY_DAYS * _US_PER_DAY, m).astype(np.int64)
    labeled_at = at + (delay + 3_600_000_000).astype("timedelta64[us]")  # >= 1 hour
    labels = pd.DataFrame({"prediction_id": ids, "churned": label, "labeled_at": labeled_at})[
        labeled
    ]
    arrived = labels["labeled_at"].to_numpy() < history_end
    _insert(con, f"{RAW_SCHEMA}.labels", labels[arrived])
    _insert(con, f"{RAW_SCHEMA}.labels_pending", labels[~arrived])


def generate(
    duckdb_path: Path, rows: int, seed: int = SEED, chunk_rows: int = CHUNK_ROWS
) -> ScenarioSize:
    """Write the reference, 30 days of predictions and labels, and the day to append."""
    began = time.perf_counter()
    history_end = START + np.timedelta64(HISTORY_DAYS, "D")
    day_rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(32)]
    next_id = 0
    with duckdb.connect(str(duckdb_path)) as con:
        con.execute(f"set memory_limit = '{GENERATOR_MEMORY_LIMIT}'")
        _create_tables(con)
        reference_rng = day_rngs[31]
        ref = _features(reference_rng, REFERENCE_ROWS, shift=0.0)
        score, predicted, label = _outcome(reference_rng, ref, concept=0.0)
        frame = pd.DataFrame(ref)
        frame["churn_score"], frame["predicted_churn"], frame["churned"] = score, predicted, label
        _insert(con, f"{RAW_SCHEMA}.reference", frame)
        for day in range(HISTORY_DAYS + 1):
            rng = day_rngs[day]
            n = _day_rows(rows, day % HISTORY_DAYS)
            shift = max(0.0, (day - DRIFT_FROM_DAY) / (HISTORY_DAYS - DRIFT_FROM_DAY))
            table = "predictions" if day < HISTORY_DAYS else "predictions_next"
            for first, last in _chunks(n, chunk_rows):
                _write_chunk(con, rng, table, day, next_id, (first, last, n), shift, history_end)
                next_id += last - first
        counts = {
            t: con.execute(f"select count(*) from {RAW_SCHEMA}.{t}").fetchone()[0]
            for t in ("predictions", "predictions_next", "reference", "labels", "labels_pending")
        }
        con.execute("checkpoint")
    return ScenarioSize(
        history_rows=counts["predictions"],
        appended_rows=counts["predictions_next"],
        reference_rows=counts["reference"],
        history_labels=counts["labels"],
        pending_labels=counts["labels_pending"],
        seconds=time.perf_counter() - began,
    )


def _append_cutoff() -> pd.Timestamp:
    """The end of the appended day: labels that arrive before it are appended with it."""
    return pd.Timestamp(START + np.timedelta64(HISTORY_DAYS + 1, "D"))


def appended_rows_sql() -> dict[str, str]:
    """The appended day's rows, per table they go into (read before append_day moves them)."""
    cutoff = _append_cutoff().isoformat(sep=" ")
    return {
        "predictions": f"select * from {RAW_SCHEMA}.predictions_next",
        "labels": f"select * from {RAW_SCHEMA}.labels_pending "
        f"where labeled_at < timestamp '{cutoff}'",
    }


def append_day(duckdb_path: Path) -> dict[str, int]:
    """Move the next day's predictions, and the labels that arrive that day, into the log."""
    cutoff = _append_cutoff().to_pydatetime()
    with duckdb.connect(str(duckdb_path)) as con:
        con.execute("begin")
        predictions = con.execute(
            f"insert into {RAW_SCHEMA}.predictions select * from {RAW_SCHEMA}.predictions_next"
        ).fetchone()[0]
        con.execute(f"delete from {RAW_SCHEMA}.predictions_next")
        labels = con.execute(
            f"insert into {RAW_SCHEMA}.labels select * from {RAW_SCHEMA}.labels_pending "
            "where labeled_at < ?",
            [cutoff],
        ).fetchone()[0]
        con.execute(f"delete from {RAW_SCHEMA}.labels_pending where labeled_at < ?", [cutoff])
        con.execute("commit")
        con.execute("checkpoint")
    return {"predictions": int(predictions), "labels": int(labels)}


def main(argv: list[str]) -> None:
    """`generate DUCKDB_FILE ROWS [SEED [CHUNK_ROWS]]` or `append DUCKDB_FILE`; prints a JSON
    summary line."""
    import json
    from dataclasses import asdict

    command, path = argv[0], Path(argv[1])
    if command == "generate":
        path.unlink(missing_ok=True)
        seed = int(argv[3]) if len(argv) > 3 else SEED
        size = generate(path, int(argv[2]), seed, int(argv[4]) if len(argv) > 4 else CHUNK_ROWS)
        print(json.dumps(asdict(size)))
    elif command == "append":
        print(json.dumps(append_day(path)))
    else:
        raise SystemExit(
            "usage: scenario.py generate FILE ROWS [SEED [CHUNK_ROWS]] | append FILE; "
            f"got {command}"
        )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
