"""monitor_operations: volume, throughput, latency percentiles and errors equal numpy/pandas.

Seeded data with NULL, NaN and +-inf latencies, a group whose latencies are all non-finite,
NULL and mixed-case statuses, NULL timestamps and empty days. Two monitors read the same
predictions: `ops` (daily, version, slice, latency and status) and `bare` (hourly, neither).
One module-scoped story builds, appends a new day and a late row, builds again, then rebuilds
with --full-refresh; each test checks one promise of docs/design.md on those snapshots.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from .compare import diff_rows, index_rows, missing_and_extra, nan_cells, report, ts
from .data import DOUBLE, TEXT, TIMESTAMP, Table
from .dbt_runner import DbtProject
from .loaders import Warehouse

# Runs on Spark too: three builds of the operations model and its parents.
pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")

SEED = 20240501
N_PRED = 1600
FIRST_DAY = dt.datetime(2024, 5, 1)
DAYS = [
    FIRST_DAY + dt.timedelta(days=d) for d in range(10) if d not in (3, 4)
]  # 05-04, 05-05 empty
NEW_DAY = dt.datetime(2024, 5, 11)
OLD_LATE = dt.datetime(2024, 5, 2, 12)  # before every lookback cutoff: found by its window count
ALL_NON_FINITE = (dt.datetime(2024, 5, 8), "v2")  # this day's v2 latencies are all NULL/NaN/inf
ERROR_STATUSES = ("error", "timeout")
GRAIN_HOURS = {"day": 24, "hour": 1}
# mm_window_state remembers each window's prediction count for the next run, as in `dbt build`.
SELECT = ["--select", "+monitor_operations", "mm_window_state"]
FIELDS = [
    "window_end",
    "prediction_count",
    "throughput_per_hour",
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "latency_max_ms",
    "error_count",
    "error_rate",
]

PREDICTION_COLUMNS = {
    "id": TEXT,
    "ts": TIMESTAMP,
    "ver": TEXT,
    "Region": TEXT,
    "x": DOUBLE,
    "score": DOUBLE,
    "latency ms": DOUBLE,
    "status": TEXT,
}
REFERENCE_COLUMNS = {"x": DOUBLE, "score": DOUBLE, "Region": TEXT}

Rows = dict[tuple, dict[str, Any]]


def _table(name: str, columns: dict[str, str], data: dict[str, list[Any]]) -> Table:
    frame = pd.DataFrame({c: pd.Series(data[c], dtype=object) for c in columns}, dtype=object)
    return Table(name, columns, frame)


def _predictions(rng: np.random.Generator, n: int, days: list[dt.datetime], prefix: str) -> Table:
    """n predictions in the given days, with every kind of awkward latency and status."""
    day_index = rng.integers(len(days), size=n)
    stamps: list[Any] = [
        days[d] + dt.timedelta(seconds=int(s))
        for d, s in zip(day_index, rng.integers(86400, size=n), strict=True)
    ]
    versions = [str(v) for v in rng.choice(["v1", "v2"], size=n)]
    latency: list[Any] = [float(v) for v in np.round(rng.lognormal(3.5, 0.6, n), 1)]
    u = rng.random(n)
    for i in range(n):
        if u[i] < 0.05:
            latency[i] = None
        elif u[i] < 0.08:
            latency[i] = math.nan
        elif u[i] < 0.10:
            latency[i] = math.inf
        elif u[i] < 0.11:
            latency[i] = -math.inf
        if (stamps[i].replace(hour=0, minute=0, second=0), versions[i]) == ALL_NON_FINITE:
            latency[i] = [None, math.nan, math.inf][i % 3]
    for i in rng.choice(n, size=max(1, n // 100), replace=False):
        stamps[i] = None  # no window: left out everywhere
    statuses = ["ok", "error", "timeout", "ERROR", None]
    data = {
        "id": [f"{prefix}{i:05d}" for i in range(n)],
        "ts": stamps,
        "ver": versions,
        "Region": [
            [None, "north", "south", "O'Brien"][k]
            for k in rng.choice(4, size=n, p=[0.1, 0.4, 0.3, 0.2])
        ],
        "x": [float(v) for v in rng.normal(0, 1, n)],
        "score": [float(v) for v in rng.random(n)],
        "latency ms": latency,
        "status": [statuses[k] for k in rng.choice(5, size=n, p=[0.8, 0.08, 0.04, 0.04, 0.04])],
    }
    return _table("ops_predictions", PREDICTION_COLUMNS, data)


def _monitors(raw: str) -> list[dict[str, Any]]:
    common = {
        "predictions": f"{raw}.ops_predictions",
        "id_column": "id",
        "timestamp_column": "ts",
        "task": "binary",
        "score_column": "score",
        "features": ["x"],
        "reference": {"relation": f"{raw}.ops_reference"},
        "lookback_windows": 1,
    }
    ops = {
        **common,
        "name": "ops",
        "model_version_column": "ver",
        "slices": ["Region"],
        "latency_column": "latency ms",
        "status_column": "status",
        "error_statuses": list(ERROR_STATUSES),
    }
    return [ops, {**common, "name": "bare", "window_grain": "hour"}]


# ---------------------------------------------------------------- expected (pandas / numpy)


def _floor(when: dt.datetime, grain: str) -> pd.Timestamp:
    return pd.Timestamp(when).floor("D" if grain == "day" else "h")


def expected_operations(frame: pd.DataFrame, monitor: dict[str, Any]) -> Rows:
    """(monitor, window_start, version, slice_key, slice_value) -> the row design.md defines."""
    name, grain = monitor["name"], monitor.get("window_grain", "day")
    hours = GRAIN_HOURS[grain]
    latency_col, status_col = monitor.get("latency_column"), monitor.get("status_column")
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    records = [r for r in frame.to_dict("records") if r["ts"] is not None and r["ts"] == r["ts"]]
    for r in records:
        start = _floor(r["ts"], grain)
        version = r["ver"] if monitor.get("model_version_column") else None
        groups[(name, start, version, None, None)].append(r)
        for s in monitor.get("slices", []):
            groups[(name, start, version, s, r[s])].append(r)
    out: Rows = {}
    for key, rows in groups.items():
        n = len(rows)
        row: dict[str, Any] = {
            "window_end": key[1] + pd.Timedelta(hours=hours),
            "prediction_count": n,
            "throughput_per_hour": n / hours,
        }
        lat = [r[latency_col] for r in rows] if latency_col else []
        finite = np.array([v for v in lat if v is not None and math.isfinite(v)], dtype=float)
        p50, p95, p99 = np.percentile(finite, [50, 95, 99]) if finite.size else (None,) * 3
        row.update(
            latency_p50_ms=None if p50 is None else float(p50),
            latency_p95_ms=None if p95 is None else float(p95),
            latency_p99_ms=None if p99 is None else float(p99),
            latency_max_ms=float(finite.max()) if finite.size else None,
        )
        errors = sum(r[status_col] in ERROR_STATUSES for r in rows) if status_col else None
        row.update(error_count=errors, error_rate=None if errors is None else errors / n)
        out[key] = row
    # every window between the first and the last; an empty one: volume 0, whole population
    starts = {k[1] for k in out}
    freq = "D" if grain == "day" else "h"
    for start in pd.date_range(min(starts), max(starts), freq=freq):
        if start not in starts:
            out[(name, start, None, None, None)] = {
                "window_end": start + pd.Timedelta(hours=hours),
                "prediction_count": 0,
                "throughput_per_hour": 0.0,
                "latency_p50_ms": None,
                "latency_p95_ms": None,
                "latency_p99_ms": None,
                "latency_max_ms": None,
                "error_count": 0 if status_col else None,
                "error_rate": None,
            }
    return out


def expected_all(frame: pd.DataFrame, monitors: list[dict[str, Any]]) -> Rows:
    """Every monitor's expected rows."""
    out: Rows = {}
    for m in monitors:
        out.update(expected_operations(frame, m))
    return out


def operations_key(r: dict[str, Any]) -> tuple:
    """(monitor, window_start, version, slice_key, slice_value) of a table row."""
    return (
        r["monitor_name"],
        ts(r["window_start"]),
        r["model_version"],
        r["slice_key"],
        r["slice_value"],
    )


# ---------------------------------------------------------------- the story


@dataclass
class Story:
    """The table after each step and the raw predictions each step saw."""

    monitors: list[dict[str, Any]]
    snapshots: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def rows(self, step: str) -> Rows:
        """The step's rows by key (fails the test if the step did not run or has duplicates)."""
        if step not in self.snapshots:
            pytest.fail(f"step {step} did not run:\n" + "\n".join(self.failures), pytrace=False)
        rows, dupes = index_rows(self.snapshots[step], operations_key)
        assert not dupes, report(f"duplicate rows after {step}", dupes)
        return rows


@pytest.fixture(scope="module")
def story(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Story:
    """1. build; 2. a new day and a late row in an old window, incremental; 3. --full-refresh."""
    wh = warehouse
    rng = np.random.default_rng(SEED)
    project = DbtProject(wh, Path(tmp_path_factory.mktemp(f"dbt_operations_{wh.engine}")))
    monitors = _monitors(wh.raw_schema)
    dbt_vars = {"model_monitor": {"monitors": monitors}}
    story = Story(monitors)
    predictions = _predictions(rng, N_PRED, DAYS, "p")
    reference = _table(
        "ops_reference",
        REFERENCE_COLUMNS,
        {
            "x": [float(v) for v in rng.normal(0, 1, 200)],
            "score": [float(v) for v in rng.random(200)],
            "Region": [str(v) for v in rng.choice(["north", "south"], size=200)],
        },
    )

    def build(step: str, *extra: str) -> bool:
        res = project.build(dbt_vars, *SELECT, *extra)
        if not res.models_ok or res.failed_tests:
            story.failures.append(f"{step}: {res.failed_tests}\n{res.tail()}")
            return False
        story.snapshots[step] = wh.read_table(wh.relation("monitor_operations"))
        return True

    wh.load([predictions, reference])
    story.frames["initial"] = predictions.frame
    if not build("initial"):
        return story
    more = _predictions(rng, 120, [NEW_DAY], "n").frame
    more.loc[0, "ts"] = OLD_LATE
    wh.append(predictions, list(more.itertuples(index=False, name=None)))
    story.frames["appended"] = pd.concat([predictions.frame, more], ignore_index=True)
    if build("incremental"):
        build("full_refresh", "--full-refresh")
    return story


def _check(expected: Rows, actual: Rows) -> None:
    missing, extra = missing_and_extra(expected, actual)
    assert not missing, report("rows missing", missing)
    assert not extra, report("unexpected rows", extra)
    problems = diff_rows(expected, actual, FIELDS)
    assert not problems, report("values differ from numpy/pandas", problems)


# ---------------------------------------------------------------- tests


def test_operations_equal_numpy_and_pandas(story: Story) -> None:
    _check(expected_all(story.frames["initial"], story.monitors), story.rows("initial"))


def test_empty_windows_appear_with_zero_volume(story: Story) -> None:
    rows = story.rows("initial")
    for day in (dt.datetime(2024, 5, 4), dt.datetime(2024, 5, 5)):
        row = rows.get(("ops", pd.Timestamp(day), None, None, None))
        assert row is not None, f"no row for the empty window {day:%Y-%m-%d}"
        assert (row["prediction_count"], row["throughput_per_hour"], row["error_count"]) == (
            0,
            0,
            0,
        )
        assert row["latency_p50_ms"] is None and row["error_rate"] is None
    assert not [k for k in rows if k[1].day in (4, 5) and k[0] == "ops" and k[2] is not None]


def test_non_finite_latencies_are_left_out(story: Story) -> None:
    """A group whose latencies are all NULL, NaN or infinite has NULL percentiles, not NaN."""
    rows = story.rows("initial")
    day, version = ALL_NON_FINITE
    row = rows[("ops", pd.Timestamp(day), version, None, None)]
    assert row["prediction_count"] > 0
    assert [row[f"latency_{p}_ms"] for p in ("p50", "p95", "p99", "max")] == [None] * 4
    assert not nan_cells(story.snapshots["initial"]), report(
        "NaN or inf published", nan_cells(story.snapshots["initial"])
    )


def test_monitor_without_latency_or_status_has_null_columns(story: Story) -> None:
    bare = [r for k, r in story.rows("initial").items() if k[0] == "bare"]
    assert bare
    nulls = [
        "latency_p50_ms",
        "latency_p95_ms",
        "latency_p99_ms",
        "latency_max_ms",
        "error_count",
        "error_rate",
    ]
    assert all(r[c] is None for r in bare for c in nulls)


def test_error_statuses_match_exactly(story: Story) -> None:
    """'ERROR' is not 'error': statuses compare as text, case included; NULL is no error."""
    frame = story.frames["initial"]
    errors = int(frame["status"].isin(ERROR_STATUSES)[frame["ts"].notna()].sum())
    stored = sum(
        r["error_count"] for k, r in story.rows("initial").items() if k[0] == "ops" and k[3] is None
    )
    assert stored == errors


def test_window_key_and_kind(story: Story) -> None:
    for r in story.snapshots["initial"]:
        start = ts(r["window_start"])
        assert r["window_key"] == f"{r['monitor_name']}|current|{start:%Y-%m-%d %H:%M:%S}"
        assert r["window_kind"] == "current"


def test_incremental_run_recomputes_new_and_changed_windows(story: Story) -> None:
    """Windows from `last stored - lookback_windows`, and the older window whose prediction count
    the late row in 05-02 changed, are recomputed: the result equals a count of every row."""
    _check(expected_all(story.frames["appended"], story.monitors), story.rows("incremental"))


def test_incremental_run_leaves_old_unchanged_windows_alone(story: Story) -> None:
    """Beyond the lookback, windows whose count did not change keep their stored rows."""
    initial, incremental = story.rows("initial"), story.rows("incremental")
    for m in story.monitors:
        hours = GRAIN_HOURS[m.get("window_grain", "day")]
        late_window = pd.Timestamp(OLD_LATE).floor(f"{hours}h")
        last = max(k[1] for k in initial if k[0] == m["name"])
        cutoff = last - pd.Timedelta(hours=hours * m["lookback_windows"])
        old = [k for k in initial if k[0] == m["name"] and k[1] < cutoff and k[1] != late_window]
        assert old, f"{m['name']}: no window older than the lookback"
        assert {k: incremental.get(k) for k in old} == {k: initial[k] for k in old}


def test_full_refresh_sees_every_row(story: Story) -> None:
    _check(expected_all(story.frames["appended"], story.monitors), story.rows("full_refresh"))
