"""Late labels: label batches appended after the first build, each followed by an incremental
build, then a --full-refresh build of the same data.

The predictions never change (last window 06-10). late_bin has label timestamps, lookback 1 and
label_lookback_windows 5: its windows from 06-05 on with a newer label are recomputed, 06-03
stays as it was although a label for it arrives, and windows without a new label are not
touched (their rows, labels_as_of included, stay the same). late_reg has no label timestamp and
label_lookback_windows 3: every window from 06-07 on is recomputed, older ones never.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from .compare import report, same, snapshot_after, ts
from .data import Scenario
from .dbt_runner import DbtProject
from .loaders import Warehouse
from .performance_data import LATE_DAYS, LateLabelStory, make_late_label_story, read_tables
from .reference_performance import (
    calibration_key,
    confusion_key,
    diff_performance,
    expected_outcomes,
    index_actual,
    performance_key,
    residual_key,
)

# On Spark in the full suite only: a build of every model per label batch costs Spark minutes.
pytestmark = [pytest.mark.engines("duckdb", "postgres", "spark"), pytest.mark.spark_full]

SEED = int(os.environ.get("MM_SEED", "20240601"))
LAST = pd.Timestamp(LATE_DAYS[-1])
FLOOR = {"late_bin": LAST - pd.Timedelta(days=5), "late_reg": LAST - pd.Timedelta(days=3)}
CUTOFF = {"late_bin": LAST - pd.Timedelta(days=1), "late_reg": LAST - pd.Timedelta(days=1)}
KEYS: dict[str, Callable[[dict[str, Any]], tuple]] = {
    "monitor_performance": performance_key,
    "monitor_calibration": calibration_key,
    "monitor_confusion_matrix": confusion_key,
    "monitor_residuals": residual_key,
}
Tables = dict[str, list[dict[str, Any]]]
LATEST = "mm_latest_labels"
LABEL_TABLES = {"late_bin": "late_bin_labels", "late_reg": "late_reg_labels"}


@dataclass
class Story:
    """Snapshots after each step: 'initial', 'batch1'.., 'full'."""

    data: LateLabelStory
    snapshots: dict[str, Tables] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    failed_tests: dict[str, list[str]] = field(default_factory=dict)

    def snap(self, step: str) -> Tables:
        """The tables after `step` (fails the test if that step's build failed)."""
        return snapshot_after(self.snapshots, self.failures, step)

    @property
    def steps(self) -> list[str]:
        """The incremental steps in order."""
        return ["initial", *(f"batch{i + 1}" for i in range(len(self.data.batches)))]


@pytest.fixture(scope="module")
def story(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Story:
    """Load, build, append each batch and build, then --full-refresh."""
    data = make_late_label_story(SEED)
    story = Story(data)
    project = DbtProject(warehouse, Path(tmp_path_factory.mktemp(f"dbt_late_{warehouse.engine}")))
    dbt_vars = data.initial.dbt_vars(warehouse.raw_schema)

    def build(step: str, *extra: str) -> bool:
        res = project.build(dbt_vars, *extra)
        if res.failed_tests:
            story.failed_tests[step] = res.failed_tests
        if not res.models_ok:
            story.failures.append(f"{step}: dbt build {' '.join(extra)} failed:\n{res.tail()}")
            return False
        tables = read_tables(project, res)
        tables[LATEST] = warehouse.read_table(
            res.relations.get(LATEST) or warehouse.relation(LATEST)
        )
        story.snapshots[step] = tables
        return True

    warehouse.load(data.initial.tables.values())
    if not build("initial"):
        return story
    for i, batches in enumerate(data.batches):
        for batch in batches:
            warehouse.append(data.initial.tables[batch.table], batch.rows)
        if not build(f"batch{i + 1}"):
            return story
    build("full", "--full-refresh")
    return story


def _rows(
    tables: Tables, table: str, monitor: str, keep: Callable[[pd.Timestamp | None], bool]
) -> dict[tuple, dict[str, Any]]:
    """A monitor's current-window rows of a table whose window_start passes `keep`."""
    return {
        k: r
        for k, r in index_actual(tables[table], KEYS[table]).items()
        if r["monitor_name"] == monitor
        and r["window_kind"] == "current"
        and keep(ts(r["window_start"]))
    }


def _differences(
    before: dict[tuple, dict[str, Any]], after: dict[tuple, dict[str, Any]], skip: set[str]
) -> list[str]:
    problems = [f"{k}: only before" for k in before.keys() - after.keys()]
    problems += [f"{k}: only after" for k in after.keys() - before.keys()]
    for k in before.keys() & after.keys():
        for col in sorted(set(before[k]) | set(after[k])):
            if col not in skip and not same(before[k].get(col), after[k].get(col)):
                problems.append(f"{k}: {col} {before[k].get(col)!r} -> {after[k].get(col)!r}")
    return sorted(problems)


@pytest.mark.parametrize("monitor", ["late_bin", "late_reg"])
def test_windows_in_the_label_lookback_equal_a_full_refresh(story: Story, monitor: str) -> None:
    final, full = story.snap(story.steps[-1]), story.snap("full")
    problems = []
    for table in KEYS:
        problems += _differences(
            _rows(full, table, monitor, lambda w: w >= FLOOR[monitor]),
            _rows(final, table, monitor, lambda w: w >= FLOOR[monitor]),
            {"labels_as_of"},
        )
    assert not problems, report(f"{monitor}: incremental vs --full-refresh", problems)


@pytest.mark.parametrize("monitor", ["late_bin", "late_reg"])
def test_windows_older_than_the_label_lookback_are_never_recomputed(
    story: Story, monitor: str
) -> None:
    initial, final = story.snap("initial"), story.snap(story.steps[-1])
    problems = []
    for table in KEYS:
        problems += _differences(
            _rows(initial, table, monitor, lambda w: w < FLOOR[monitor]),
            _rows(final, table, monitor, lambda w: w < FLOOR[monitor]),
            set(),
        )
    assert not problems, report(f"{monitor}: windows before {FLOOR[monitor].date()}", problems)
    # ... although a label arrived for one of them: a full refresh sees it.
    stale = {
        w for batches in story.data.batches for b in batches for w in b.windows.get(monitor, ())
    }
    stale = {w for w in stale if w < FLOOR[monitor]}
    assert stale, "the story has no late label beyond the label lookback"
    full = story.snap("full")
    for w in stale:
        assert _differences(
            _rows(final, "monitor_performance", monitor, lambda x, w=w: x == w),
            _rows(full, "monitor_performance", monitor, lambda x, w=w: x == w),
            {"labels_as_of"},
        ), f"{w.date()} is the same after a full refresh: the story does not test staleness"


def test_windows_without_new_labels_are_untouched(story: Story) -> None:
    """late_bin, windows from the floor up to the lookback cutoff: a window that no batch
    labelled keeps its rows, labels_as_of included."""
    monitor = "late_bin"
    problems = []
    for i, batches in enumerate(story.data.batches):
        hit = {w for b in batches for w in b.windows.get(monitor, ())}
        before, after = story.snap(story.steps[i]), story.snap(story.steps[i + 1])

        def quiet(w: pd.Timestamp | None, hit: set[pd.Timestamp] = hit) -> bool:
            return w is not None and FLOOR[monitor] <= w < CUTOFF[monitor] and w not in hit

        for table in KEYS:
            problems += [
                f"batch {i + 1}: {p}"
                for p in _differences(
                    _rows(before, table, monitor, quiet), _rows(after, table, monitor, quiet), set()
                )
            ]
    assert not problems, report("windows without new labels changed", problems)


def test_windows_with_new_labels_are_recomputed_with_their_labels_as_of(story: Story) -> None:
    monitor = "late_bin"
    problems = []
    for i, batches in enumerate(story.data.batches):
        scenario = story.data.after(i + 1)
        newest = max(r[2] for b in batches if b.table == "late_bin_labels" for r in b.rows)
        hit = {w for b in batches for w in b.windows.get(monitor, ()) if w >= FLOOR[monitor]}
        want = {
            k: v
            for k, v in expected_outcomes(scenario).performance.items()
            if k[0] == monitor and k[1] == "current" and k[2] in hit
        }
        got = _rows(
            story.snap(story.steps[i + 1]), "monitor_performance", monitor, hit.__contains__
        )
        problems += [f"batch {i + 1}: {p}" for p in diff_performance(want, got)]
        problems += [f"batch {i + 1}: {k} missing" for k in want.keys() - got.keys()]
        problems += [
            f"batch {i + 1}: {k} labels_as_of {r['labels_as_of']!r}, expected {newest}"
            for k, r in got.items()
            if ts(r["labels_as_of"]) != pd.Timestamp(newest)
        ]
    assert not problems, report("recomputed windows", problems)


def test_the_full_refresh_matches_sklearn(story: Story) -> None:
    scenario = story.data.after(len(story.data.batches))
    want = expected_outcomes(scenario).performance
    got = index_actual(story.snap("full")["monitor_performance"], performance_key)
    missing = sorted(want.keys() - got.keys(), key=repr)
    extra = sorted(got.keys() - want.keys(), key=repr)
    assert not missing and not extra, (missing[:10], extra[:10])
    problems = diff_performance(want, got)
    assert not problems, report("full refresh vs sklearn", problems)


def test_the_package_data_tests_pass_in_every_step(story: Story) -> None:
    story.snap("full")
    assert not story.failed_tests, story.failed_tests


def _expected_latest_labels(scenario: Scenario) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(monitor, id) -> (label, labeled_at): per id the latest label to arrive, NULL timestamps
    last, ties by the larger label (NULL last)."""
    out = {}
    for monitor, name in LABEL_TABLES.items():
        frame = scenario.tables[name].frame
        stamps = frame["labeled_at"] if "labeled_at" in frame else [None] * len(frame)
        by_id: dict[str, list[tuple[Any, Any]]] = {}
        for pid, label, at in zip(frame["pid"], frame.iloc[:, 1], stamps, strict=True):
            by_id.setdefault(pid, []).append(
                (None if pd.isna(label) else label, None if pd.isna(at) else pd.Timestamp(at))
            )
        for pid, labels in by_id.items():
            out[(monitor, pid)] = max(
                labels,
                key=lambda la: (
                    la[1] is not None,
                    la[1] or pd.Timestamp(0),
                    la[0] is not None,
                    la[0] or 0,
                ),
            )
    return out


def _stored_latest_labels(tables: Tables) -> tuple[dict[tuple[str, str], tuple[Any, Any]], list]:
    """mm_latest_labels as (monitor, id) -> (label, labeled_at), and the duplicated keys."""
    out, duplicates = {}, []
    for r in tables[LATEST]:
        key = (r["monitor_name"], r["label_id"])
        if key in out:
            duplicates.append(key)
        label = r["label_number"] if r["monitor_name"] == "late_reg" else r["label_text"]
        out[key] = (None if label is None or pd.isna(label) else label, ts(r["label_arrived_at"]))
    return out, duplicates


def test_latest_labels_after_each_incremental_run_hold_the_latest_label_per_id(
    story: Story,
) -> None:
    """After every run mm_latest_labels holds each id's latest label: a later label (a correction,
    a NULL) replaces the earlier one."""
    problems = []
    for i, step in enumerate([*story.steps, "full"]):
        scenario = story.data.after(min(i, len(story.data.batches)))
        want = _expected_latest_labels(scenario)
        got, duplicates = _stored_latest_labels(story.snap(step))
        problems += [f"{step}: {k} stored twice" for k in duplicates]
        problems += [f"{step}: {k} missing" for k in want.keys() - got.keys()]
        problems += [f"{step}: {k} not a label id" for k in got.keys() - want.keys()]
        problems += [
            f"{step}: {k} {got[k]!r}, expected {want[k]!r}"
            for k in want.keys() & got.keys()
            if not (same(got[k][0], want[k][0]) and got[k][1] == want[k][1])
        ]
    assert not problems, report(LATEST, problems)
