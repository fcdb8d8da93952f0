"""monitor_label_coverage and monitor_label_orphans equal pandas; late labels update past windows.

Seeded data with unlabeled predictions, duplicate labels, labels with a NULL value, id or
timestamp, labels stamped before their prediction, orphan labels, duplicate prediction ids and
empty days. Three monitors read the same predictions: `cov` (labels with a timestamp, version,
slice, label_lookback_windows 6), `cov_untimed` (the same labels without their timestamp) and
`unlabeled` (no labels: no rows). The module's story builds, appends a batch of late labels,
builds incrementally, then rebuilds with --full-refresh.
"""

from __future__ import annotations

import datetime as dt
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

# Runs on Spark too: three builds of the label coverage models and their parents.
pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")

SEED = 20240502
N_PRED = 1500
FIRST_DAY = dt.datetime(2024, 5, 1)
DAYS = [
    FIRST_DAY + dt.timedelta(days=d) for d in range(10) if d not in (3, 4)
]  # 05-04, 05-05 empty
LOOKBACK = 1  # cov: windows from the last stored one minus 1 day are recomputed
LABEL_LOOKBACK = 6  # cov: older windows down to the last minus 6 days may take late labels
# Windows that get late labels: 05-02 lies beyond label_lookback_windows (it stays as it was until
# a --full-refresh), 05-06 and 05-07 inside it, 05-10 inside the lookback.
LATE_WINDOWS = (dt.datetime(2024, 5, 2), dt.datetime(2024, 5, 6), dt.datetime(2024, 5, 7))
LATE_RECENT = dt.datetime(2024, 5, 10)
# mm_outcome_state records what the outcome tables saw; the next run's window plan reads it.
SELECT = ["--select", "+monitor_label_coverage", "monitor_label_orphans", "mm_outcome_state"]
COVERAGE_FIELDS = [
    "window_end",
    "prediction_count",
    "labeled_count",
    "label_coverage",
    "label_delay_median_hours",
    "label_delay_max_hours",
    "duplicate_label_count",
    "labels_as_of",
]
ORPHAN_FIELDS = ["label_count", "orphan_label_count"]

PREDICTION_COLUMNS = {
    "id": TEXT,
    "ts": TIMESTAMP,
    "ver": TEXT,
    "segment": TEXT,
    "x": DOUBLE,
    "score": DOUBLE,
}
LABEL_COLUMNS = {"pid": TEXT, "label": DOUBLE, "Labeled At": TIMESTAMP}
REFERENCE_COLUMNS = {"x": DOUBLE, "score": DOUBLE, "segment": TEXT}

Rows = dict[tuple, dict[str, Any]]


def _table(name: str, columns: dict[str, str], rows: list[tuple[Any, ...]]) -> Table:
    frame = pd.DataFrame(rows, columns=list(columns), dtype=object)
    return Table(name, columns, frame.astype(object))


def _stamp(rng: np.random.Generator, day: dt.datetime) -> dt.datetime:
    """A random moment of the day, with microseconds."""
    return day + dt.timedelta(microseconds=int(rng.integers(86_400_000_000)))


def _predictions(rng: np.random.Generator) -> Table:
    rows: list[tuple[Any, ...]] = []
    for i in range(N_PRED):
        pid: str | None = f"p{i:05d}"
        if i % 97 == 5:
            pid = f"p{i - 1:05d}"  # a duplicate prediction id
        if i % 211 == 7:
            pid = None
        when: dt.datetime | None = _stamp(rng, DAYS[int(rng.integers(len(DAYS)))])
        if i % 149 == 3:
            when = None
        segment = [None, "a", "b", "it's"][int(rng.choice(4, p=[0.1, 0.4, 0.3, 0.2]))]
        rows.append(
            (pid, when, ["v1", "v2"][i % 2], segment, float(rng.normal()), float(rng.random()))
        )
    return _table("cov_predictions", PREDICTION_COLUMNS, rows)


def _labels(rng: np.random.Generator, predictions: Table) -> Table:
    """Labels for ~70% of the predictions, with every kind of awkward row."""
    rows: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    for pid, when in zip(predictions.frame["id"], predictions.frame["ts"], strict=True):
        if pid is None or pid in seen:
            continue
        seen.add(pid)
        base = when or dt.datetime(2024, 5, 5)
        u = rng.random()
        if u < 0.3:
            continue  # unlabeled
        if u < 0.33:
            rows.append((pid, None, base + dt.timedelta(hours=5)))  # a NULL label is no label
            continue
        delay = dt.timedelta(microseconds=int(rng.integers(1, 96 * 3_600_000_000)))
        if u < 0.34:
            delay = -dt.timedelta(minutes=30)  # stamped before its prediction
        first: dt.datetime | None = base + delay
        if u > 0.985:
            first = None  # no timestamp: labeled, but no delay
        rows.append((pid, float(rng.integers(2)), first))
        if rng.random() < 0.12:  # duplicates, later or without timestamp
            for _ in range(int(rng.integers(1, 3))):
                later = base + delay + dt.timedelta(hours=float(rng.uniform(1, 40)))
                rows.append((pid, float(rng.integers(2)), later if rng.random() < 0.8 else None))
        if rng.random() < 0.03:
            rows.append((pid, None, base + delay + dt.timedelta(hours=2)))  # not a duplicate
    for k in range(25):
        when = _stamp(rng, DAYS[k % len(DAYS)]) if k % 5 else None
        rows.append((f"orphan-{k}", float(k % 2), when))
    rows.append((None, 1.0, dt.datetime(2024, 5, 6, 8)))  # no id: ignored
    return _table("cov_labels", LABEL_COLUMNS, rows)


def _late_labels(rng: np.random.Generator, predictions: Table, labels: Table) -> list[tuple]:
    """Labels stamped after every earlier one, for predictions of LATE_WINDOWS and LATE_RECENT."""
    after = max(t for t in labels.frame["Labeled At"] if t is not None) + dt.timedelta(hours=3)
    labeled = set(labels.frame["pid"][labels.frame["label"].notna()])
    frame = predictions.frame[predictions.frame["ts"].notna() & predictions.frame["id"].notna()]
    rows: list[tuple] = []
    for day in (*LATE_WINDOWS, LATE_RECENT):
        in_day = frame[
            [t.replace(hour=0, minute=0, second=0, microsecond=0) == day for t in frame["ts"]]
        ]
        unlabeled = [p for p in in_day["id"] if p not in labeled][:3]
        relabeled = [p for p in in_day["id"] if p in labeled][:1]  # a late duplicate
        for pid in unlabeled + relabeled:
            rows.append((pid, 1.0, _stamp(rng, after)))
    rows.append(("orphan-late", 0.0, after + dt.timedelta(minutes=1)))
    return rows


def _monitors(raw: str) -> list[dict[str, Any]]:
    labels = {"relation": f"{raw}.cov_labels", "id_column": "pid", "label_column": "label"}
    common = {
        "predictions": f"{raw}.cov_predictions",
        "id_column": "id",
        "timestamp_column": "ts",
        "task": "binary",
        "score_column": "score",
        "features": ["x"],
        # A reference relation: labels arriving later never change the reference fingerprint.
        "reference": {"relation": f"{raw}.cov_reference"},
        "lookback_windows": LOOKBACK,
    }
    return [
        {
            **common,
            "name": "cov",
            "model_version_column": "ver",
            "slices": ["segment"],
            "labels": {**labels, "timestamp_column": "Labeled At"},
            "label_lookback_windows": LABEL_LOOKBACK,
        },
        {**common, "name": "cov_untimed", "labels": labels},
        {**common, "name": "unlabeled"},
    ]


# ---------------------------------------------------------------- expected (pandas)


def _valid_labels(labels: pd.DataFrame) -> pd.DataFrame:
    """A label: non-null id and non-null value."""
    return labels[labels["pid"].notna() & labels["label"].notna()]


def expected_coverage(pred: pd.DataFrame, labels: pd.DataFrame, monitor: dict[str, Any]) -> Rows:
    """(monitor, window_start, version, slice_key, slice_value) -> the row design.md defines."""
    timed = monitor["labels"].get("timestamp_column") is not None
    valid = _valid_labels(labels)
    count = valid.groupby("pid").size().to_dict()
    first = valid.groupby("pid")["Labeled At"].min().to_dict() if timed else {}
    stamps = [t for t in labels["Labeled At"] if t is not None and t == t]
    # outcome_window_plans keeps whole seconds of the newest label timestamp
    as_of = pd.Timestamp(max(stamps)) if timed and stamps else None
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for r in pred.to_dict("records"):
        if r["ts"] is None:
            continue
        start = pd.Timestamp(r["ts"]).floor("D")
        version = r["ver"] if monitor.get("model_version_column") else None
        groups[(monitor["name"], start, version, None, None)].append(r)
        for s in monitor.get("slices", []):
            groups[(monitor["name"], start, version, s, r[s])].append(r)
    out: Rows = {}
    for key, rows in groups.items():
        n_labels = [count.get(r["id"], 0) if r["id"] is not None else 0 for r in rows]
        delays = [
            (pd.Timestamp(first[r["id"]]) - pd.Timestamp(r["ts"])).total_seconds() / 3600
            for r, k in zip(rows, n_labels, strict=True)
            if k and pd.notna(first.get(r["id"]))
        ]
        labeled = sum(k > 0 for k in n_labels)
        out[key] = {
            "window_end": key[1] + pd.Timedelta(days=1),
            "prediction_count": len(rows),
            "labeled_count": labeled,
            "label_coverage": labeled / len(rows),
            "label_delay_median_hours": float(np.median(delays)) if delays else None,
            "label_delay_max_hours": max(delays) if delays else None,
            "duplicate_label_count": sum(max(k - 1, 0) for k in n_labels),
            "labels_as_of": as_of,
        }
    return out


def expected_orphans(pred: pd.DataFrame, labels: pd.DataFrame, monitor: dict[str, Any]) -> Rows:
    """(monitor, label arrival day) -> label_count, orphan_label_count."""
    timed = monitor["labels"].get("timestamp_column") is not None
    known = set(pred["id"].dropna())
    out: Rows = {}
    for r in _valid_labels(labels).to_dict("records"):
        when = r["Labeled At"]
        day = pd.Timestamp(when).floor("D") if timed and when is not None and when == when else None
        row = out.setdefault((monitor["name"], day), {"label_count": 0, "orphan_label_count": 0})
        row["label_count"] += 1
        row["orphan_label_count"] += r["pid"] not in known
    return out


def coverage_key(r: dict[str, Any]) -> tuple:
    """(monitor, window_start, version, slice_key, slice_value) of a table row."""
    return (
        r["monitor_name"],
        ts(r["window_start"]),
        r["model_version"],
        r["slice_key"],
        r["slice_value"],
    )


def orphan_key(r: dict[str, Any]) -> tuple:
    """(monitor, label_arrival_day) of a table row."""
    return (r["monitor_name"], ts(r["label_arrival_day"]))


# ---------------------------------------------------------------- the story


@dataclass
class Step:
    """The two tables after one build, and the raw data that build saw."""

    coverage: list[dict[str, Any]]
    orphans: list[dict[str, Any]]
    predictions: pd.DataFrame
    labels: pd.DataFrame


@dataclass
class Story:
    """Steps by name: initial, late (incremental), full_refresh."""

    monitors: list[dict[str, Any]]
    steps: dict[str, Step] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def step(self, name: str) -> Step:
        """The step's snapshot (fails the test if it did not run)."""
        if name not in self.steps:
            pytest.fail(f"step {name} did not run:\n" + "\n".join(self.failures), pytrace=False)
        return self.steps[name]

    def coverage(self, name: str) -> Rows:
        """The step's coverage rows by key."""
        rows, dupes = index_rows(self.step(name).coverage, coverage_key)
        assert not dupes, report(f"duplicate coverage rows after {name}", dupes)
        return rows

    def expected(self, name: str) -> tuple[Rows, Rows]:
        """Coverage and orphan rows as pandas computes them from the step's raw data."""
        s = self.step(name)
        coverage: Rows = {}
        orphans: Rows = {}
        for m in self.monitors:
            if "labels" in m:
                coverage.update(expected_coverage(s.predictions, s.labels, m))
                orphans.update(expected_orphans(s.predictions, s.labels, m))
        return coverage, orphans


@pytest.fixture(scope="module")
def story(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Story:
    """1. build; 2. append late labels, incremental build; 3. --full-refresh."""
    wh = warehouse
    rng = np.random.default_rng(SEED)
    project = DbtProject(wh, Path(tmp_path_factory.mktemp(f"dbt_label_coverage_{wh.engine}")))
    monitors = _monitors(wh.raw_schema)
    dbt_vars = {"model_monitor": {"monitors": monitors}}
    story = Story(monitors)
    predictions = _predictions(rng)
    labels = _labels(rng, predictions)
    reference = _table(
        "cov_reference",
        REFERENCE_COLUMNS,
        [(float(rng.normal()), float(rng.random()), ["a", "b"][i % 2]) for i in range(100)],
    )

    def build(name: str, label_frame: pd.DataFrame, *extra: str) -> bool:
        res = project.build(dbt_vars, *SELECT, *extra)
        if not res.models_ok or res.failed_tests:
            story.failures.append(f"{name}: {res.failed_tests}\n{res.tail()}")
            return False
        story.steps[name] = Step(
            wh.read_table(wh.relation("monitor_label_coverage")),
            wh.read_table(wh.relation("monitor_label_orphans")),
            predictions.frame,
            label_frame,
        )
        return True

    wh.load([predictions, labels, reference])
    if not build("initial", labels.frame):
        return story
    late = _late_labels(rng, predictions, labels)
    wh.append(labels, late)
    appended = pd.concat(
        [labels.frame, pd.DataFrame(late, columns=list(LABEL_COLUMNS), dtype=object)],
        ignore_index=True,
    ).astype(object)
    if build("late", appended):
        build("full_refresh", appended, "--full-refresh")
    return story


def _check(expected: Rows, actual: Rows, fields: list[str]) -> None:
    missing, extra = missing_and_extra(expected, actual)
    assert not missing, report("rows missing", missing)
    assert not extra, report("unexpected rows", extra)
    problems = diff_rows(expected, actual, fields)
    assert not problems, report("values differ from pandas", problems)


# ---------------------------------------------------------------- tests


def test_coverage_equals_pandas(story: Story) -> None:
    expected, _ = story.expected("initial")
    _check(expected, story.coverage("initial"), COVERAGE_FIELDS)
    assert not nan_cells(story.step("initial").coverage)


def test_orphans_equal_pandas(story: Story) -> None:
    for name in ("initial", "late"):
        _, expected = story.expected(name)
        actual, dupes = index_rows(story.step(name).orphans, orphan_key)
        assert not dupes, report("duplicate orphan rows", dupes)
        _check(expected, actual, ORPHAN_FIELDS)


def test_monitor_without_labels_has_no_rows(story: Story) -> None:
    step = story.step("initial")
    assert not [r for r in step.coverage + step.orphans if r["monitor_name"] == "unlabeled"]


def test_labels_without_timestamp_have_no_delay(story: Story) -> None:
    step = story.step("initial")
    untimed = [r for r in step.coverage if r["monitor_name"] == "cov_untimed"]
    assert untimed and any(r["labeled_count"] for r in untimed)
    assert all(r["label_delay_median_hours"] is None and r["labels_as_of"] is None for r in untimed)
    days = [r["label_arrival_day"] for r in step.orphans if r["monitor_name"] == "cov_untimed"]
    assert days == [None]


def test_full_refresh_after_late_labels_equals_pandas(story: Story) -> None:
    expected, _ = story.expected("full_refresh")
    _check(expected, story.coverage("full_refresh"), COVERAGE_FIELDS)


def _recomputed_windows(story: Story) -> dict[str, set[pd.Timestamp]]:
    """Per monitor, the windows the late-label run must recompute (docs/design.md, Late labels)."""
    initial, late = story.step("initial"), story.step("late")
    stamps = [t for t in initial.labels["Labeled At"] if t is not None]
    as_of = pd.Timestamp(max(stamps))  # as stored: to the microsecond
    new = late.labels.iloc[len(initial.labels) :]
    new_ids = set(new["pid"][[t is not None and t > as_of for t in new["Labeled At"]]])
    out: dict[str, set[pd.Timestamp]] = {}
    for m in story.monitors:
        if "labels" not in m:
            continue
        starts = {k[1] for k in story.coverage("initial") if k[0] == m["name"]}
        last = max(starts)
        cutoff = last - pd.Timedelta(days=m["lookback_windows"])
        floor = last - pd.Timedelta(days=m.get("label_lookback_windows", 30))
        recent = {s for s in starts if s >= cutoff}
        if m["labels"].get("timestamp_column") is None:
            out[m["name"]] = recent | {s for s in starts if s >= floor}
            continue
        pred = initial.predictions
        touched = {
            pd.Timestamp(t).floor("D")
            for pid, t in zip(pred["id"], pred["ts"], strict=True)
            if pid in new_ids and t is not None
        }
        out[m["name"]] = recent | {s for s in touched if floor <= s < cutoff}
    return out


def test_late_labels_recompute_only_the_affected_windows(story: Story) -> None:
    """Recomputed windows equal the --full-refresh build; every other row is the first build's."""
    before, after, full = (story.coverage(s) for s in ("initial", "late", "full_refresh"))
    recomputed = _recomputed_windows(story)
    assert set(after) == set(full) == set(before)
    expected = {k: (full[k] if k[1] in recomputed[k[0]] else before[k]) for k in full}
    fields = [*COVERAGE_FIELDS, "reference_version"]
    _check(expected, after, fields)


def test_late_labels_reach_windows_within_label_lookback_only(story: Story) -> None:
    """05-06 and 05-07 take their late labels; 05-02 (beyond label_lookback_windows) keeps its old
    counts until a --full-refresh."""
    before, after, full = (story.coverage(s) for s in ("initial", "late", "full_refresh"))
    recomputed = _recomputed_windows(story)["cov"]
    for day in LATE_WINDOWS:
        keys = [k for k in full if k[0] == "cov" and k[1] == pd.Timestamp(day) and k[3] is None]

        def labeled(rows: Rows, keys: list[tuple] = keys) -> int:
            return sum(rows[k]["labeled_count"] for k in keys)

        assert labeled(full) > labeled(before), f"no late label in {day}"
        inside = pd.Timestamp(day) in recomputed
        assert inside == (day != LATE_WINDOWS[0])
        assert labeled(after) == labeled(full if inside else before)


def test_labels_as_of_is_the_newest_label_timestamp(story: Story) -> None:
    for name in ("initial", "full_refresh"):
        step = story.step(name)
        newest = max(t for t in step.labels["Labeled At"] if t is not None)
        stored = {ts(r["labels_as_of"]) for r in step.coverage if r["monitor_name"] == "cov"}
        assert stored == {pd.Timestamp(newest)}
