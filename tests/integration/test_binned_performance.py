"""performance_method binned: ROC AUC and average precision from monitor_score_cells, with a
bound, against scikit-learn's exact values; every other metric exact; the score cells after
incremental runs with late labels (merged into the stored cells) equal a --full-refresh build.

The story (binned_performance_data.py): an initial build, three label batches each followed by an
incremental build, then --full-refresh. On Spark in the CI subset only the initial build runs
(each Spark build costs about a minute); its full suite plays the whole story.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from .binned_performance_data import BINNED, FLOOR, MERGED_DAYS, make_binned_story
from .compare import report, same, snapshot_after, ts
from .dbt_runner import DbtProject
from .loaders import Warehouse
from .performance_data import LateLabelStory
from .reference_performance import (
    diff_performance,
    expected_outcomes,
    index_actual,
    performance_key,
)

pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")

SEED = int(os.environ.get("MM_SEED", "20241203"))
BOUNDED = ("roc_auc", "average_precision")
CELLS = "monitor_score_cells"
GRID = "monitor_value_grid"
TOLERANCE = 1e-12
# The outcome models and what they read (mm_outcome_state is built after all of them): no drift
# table is needed, and on Spark each model costs seconds.
OUTCOME_MODELS = ("+mm_outcome_state",)
Tables = dict[str, list[dict[str, Any]]]


@dataclass
class Story:
    """Snapshots after each step ('initial', 'batch1'.., 'full') and which steps merged."""

    data: LateLabelStory
    snapshots: dict[str, Tables] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    merged_steps: set[str] = field(default_factory=set)

    def snap(self, step: str) -> Tables:
        """The tables after `step` (fails the test if that step's build failed)."""
        return snapshot_after(self.snapshots, self.failures, step)

    def steps(self) -> list[str]:
        """The steps that were built, in order."""
        self.snap("initial")
        order = ["initial", *(f"batch{i + 1}" for i in range(len(self.data.batches))), "full"]
        return [s for s in order if s in self.snapshots]

    def scenario(self, step: str) -> Any:
        """The raw data the tables of `step` were built from."""
        if step in ("initial",):
            return self.data.initial
        if step == "full":
            return self.data.after(len(self.data.batches))
        return self.data.after(int(step.removeprefix("batch")))


@pytest.fixture(scope="module")
def story(
    warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory, spark_full_suite: bool
) -> Story:
    """Load, build, append each batch and build, then --full-refresh (Spark subset: one build)."""
    data = make_binned_story(SEED)
    story = Story(data)
    work = Path(tmp_path_factory.mktemp(f"dbt_binned_{warehouse.engine}"))
    project = DbtProject(warehouse, work)
    dbt_vars = data.initial.dbt_vars(warehouse.raw_schema)
    compiled = work / "target" / "compiled" / "model_monitor" / "models" / f"{CELLS}.sql"

    def build(step: str, *extra: str) -> bool:
        res = project.build(dbt_vars, *extra, select=OUTCOME_MODELS)
        if not res.models_ok:
            story.failures.append(f"{step}: dbt build {' '.join(extra)} failed:\n{res.tail()}")
            return False
        tables: Tables = {}
        for name in ("monitor_performance", CELLS, GRID):
            tables[name] = warehouse.read_table(res.relations.get(name) or warehouse.relation(name))
        story.snapshots[step] = tables
        if compiled.exists() and "label_deltas_" in compiled.read_text():
            story.merged_steps.add(step)
        return True

    warehouse.load(data.initial.tables.values())
    if not build("initial") or (warehouse.engine == "spark" and not spark_full_suite):
        return story
    for i, batches in enumerate(data.batches):
        for batch in batches:
            warehouse.append(data.initial.tables[batch.table], batch.rows)
        if not build(f"batch{i + 1}"):
            return story
    build("full", "--full-refresh")
    return story


def _fresh(step: str, key: tuple) -> bool:
    """Whether a row of `step` must match the raw data: every window on a full build, windows
    from the label floor on after an incremental one (older ones never see late labels)."""
    if step in ("initial", "full") or key[1] == "reference":
        return True
    return ts(key[2]) >= FLOOR


def _performance(story: Story, step: str) -> tuple[dict[tuple, dict[str, Any]], dict[tuple, Any]]:
    actual = index_actual(story.snap(step)["monitor_performance"], performance_key)
    expected = expected_outcomes(story.scenario(step)).performance
    return (
        {k: v for k, v in actual.items() if k[0] in BINNED and _fresh(step, k)},
        {k: v for k, v in expected.items() if k[0] in BINNED and _fresh(step, k)},
    )


def test_binned_roc_auc_and_average_precision_hold_the_exact_value_within_their_bound(
    story: Story,
) -> None:
    problems, bounds = [], []
    for step in story.steps():
        actual, expected = _performance(story, step)
        for key, e in expected.items():
            if key[-2] not in BOUNDED:
                continue
            a = actual.get(key)
            if a is None:
                problems.append(f"{step} {key}: missing")
                continue
            if e["metric_value"] is None or a["metric_value"] is None:
                if not same(e["metric_value"], a["metric_value"]):
                    problems.append(f"{step} {key}: expected {e['metric_value']!r}, got {a!r}")
                elif a["error_bound"] is not None:
                    problems.append(f"{step} {key}: NULL value with bound {a['error_bound']!r}")
                continue
            bound = a["error_bound"]
            if bound is None or bound < 0:
                problems.append(f"{step} {key}: bound {bound!r}")
                continue
            bounds.append((key[0], key[-2], bound))
            if abs(a["metric_value"] - e["metric_value"]) > bound + TOLERANCE:
                problems.append(
                    f"{step} {key}: |{a['metric_value']} - {e['metric_value']}| > bound {bound}"
                )
        problems += [
            f"{step}: {p}"
            for p in diff_performance(
                {
                    k: {**e, "metric_value": None}
                    for k, e in expected.items()
                    if k[-2] in BOUNDED and e["metric_value"] is None
                },
                actual,
            )
        ]
    assert not problems, report("binned ROC AUC / average precision outside the bound", problems)
    assert bounds
    _print_bounds(bounds)


def _print_bounds(bounds: list[tuple[str, str, float]]) -> None:
    frame = pd.DataFrame(bounds, columns=["monitor", "metric", "bound"])
    summary = frame.groupby(["monitor", "metric"])["bound"].agg(["median", "max", "count"])
    print(f"\nerror_bound of the binned metrics:\n{summary}")


def test_binned_monitors_compute_every_other_metric_exactly(story: Story) -> None:
    problems = []
    for step in story.steps():
        actual, expected = _performance(story, step)
        exact = {k: e for k, e in expected.items() if k[-2] not in BOUNDED}
        problems += [f"{step}: {p}" for p in diff_performance(exact, actual)]
        problems += [f"{step} {k}: missing" for k in exact.keys() - actual.keys()]
        problems += [f"{step} {k}: extra" for k in actual.keys() - expected.keys()]
        problems += [
            f"{step} {k}: error_bound {a['error_bound']!r}"
            for k, a in actual.items()
            if k[-2] not in BOUNDED
            and a["error_bound"] != (None if a["metric_value"] is None else 0)
        ]
    assert not problems, report("binned monitors: exact metrics", problems)


def _cells(
    rows: list[dict[str, Any]], keep: Callable[[dict[str, Any]], bool]
) -> dict[tuple, tuple]:
    counts = (
        "prediction_count",
        "positive_edge_count",
        "negative_edge_count",
        "positive_interior_count",
        "negative_interior_count",
    )
    out = {}
    for r in rows:
        if keep(r):
            key = (
                r["monitor_name"],
                r["window_kind"],
                ts(r["window_start"]),
                r["model_version"],
                r["slice_key"],
                r["slice_value"],
                int(r["cell_index"]),
            )
            assert key not in out, f"duplicate score cell {key}"
            out[key] = tuple(int(r[c]) for c in counts)
    return out


def _expected_cells(story: Story, step: str) -> dict[tuple, tuple]:
    """The score cells as the design defines them, from the raw data and the stored grid."""
    grid = story.snap(step)[GRID]
    out: dict[tuple, list[int]] = {}
    scenario = story.scenario(step)
    for name in BINNED:
        spec = scenario.monitor(name)
        edges = np.array(
            sorted(
                float(g["upper_edge"])
                for g in grid
                if g["monitor_name"] == name
                and g["column_name"] == "score"
                and g["upper_edge"] is not None
            )
        )
        o = expected_outcomes(scenario).outcomes[name]
        frames = [("current", o.current), ("reference", o.reference)]
        for kind, frame in frames:
            for _, row in frame.iterrows():
                s = row["score"]
                finite = s is not None and np.isfinite(s)
                cell = int(np.searchsorted(edges, s, side="left")) + 1 if finite else 0
                on_edge = finite and cell <= len(edges) and edges[cell - 1] == s
                counts = [1, 0, 0, 0, 0]
                if row["label_class"] is not None:
                    slot = (1 if row["label_class"] == "1" else 2) + (0 if on_edge else 2)
                    counts[slot] = 1
                ws = row["ws"] if kind == "current" else None
                version = row["version"] if kind == "current" else None
                for sk, sv in [(None, None), *((sl, row[sl]) for sl in spec.slices)]:
                    key = (name, kind, ts(ws), version, sk, sv, cell)
                    total = out.setdefault(key, [0] * 5)
                    out[key] = [a + b for a, b in zip(total, counts, strict=True)]
    return {k: tuple(v) for k, v in out.items()}


def test_score_cells_count_each_scored_row_in_its_cell(story: Story) -> None:
    for step in ("initial", "full"):
        if step not in story.snapshots:
            continue
        actual = _cells(story.snap(step)[CELLS], lambda r: True)
        expected = _expected_cells(story, step)
        problems = [
            f"{k}: expected {v}, got {actual.get(k)}"
            for k, v in expected.items()
            if actual.get(k) != v
        ]
        problems += [f"{k}: extra {v}" for k, v in actual.items() if k not in expected]
        assert not problems, report(f"{step}: monitor_score_cells", problems)


@pytest.mark.engines("duckdb", "postgres")
def test_score_cells_after_late_labels_equal_a_full_refresh(story: Story) -> None:
    steps = story.steps()
    assert "full" in steps, story.failures
    assert {"batch1", "batch2", "batch3"} <= story.merged_steps, (
        f"late labels were merged only in {sorted(story.merged_steps)}"
    )

    def recent(r: dict[str, Any]) -> bool:
        return r["window_kind"] == "reference" or ts(r["window_start"]) >= FLOOR

    final = _cells(story.snap(steps[-2])[CELLS], recent)
    full = _cells(story.snap("full")[CELLS], recent)
    problems = [
        f"{k}: incremental {final.get(k)}, full refresh {v}"
        for k, v in full.items()
        if final.get(k) != v
    ]
    problems += [f"{k}: only incremental" for k in final.keys() - full.keys()]
    assert not problems, report("monitor_score_cells: incremental vs --full-refresh", problems)
    merged = {
        ts(r["window_start"]) for r in story.snap(steps[-2])[CELLS] if r["window_kind"] == "current"
    }
    assert MERGED_DAYS <= merged
