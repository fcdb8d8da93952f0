"""The binned-performance story: two binary monitors with `performance_method: binned` (a coarse
grid of 6 cells and the default 1000) over one predictions table, its labels arriving in
batches between incremental builds.

Scores are heavily tied (one or two decimals, exact 0 and 1), so many sit exactly on a grid edge
(the edges are reference scores); some are NULL, NaN or infinite. Windows 07-01..07-08 with 07-06
empty (no prediction); 07-03 is labeled with negatives only until the last batch, 07-04 has no label
at first. Two
model versions and a slice. With lookback 1 and label_lookback_windows 5 the last window 07-08
gives the cutoff 07-07 and the floor 07-03: late labels for 07-03..07-05 are merged into the
stored score cells, those for 07-07..07-08 recounted, the one for 07-01 never seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .data import DOUBLE, TEXT, TIMESTAMP, LabelsSpec, ReferenceSpec, Scenario
from .performance_data import (
    LabelBatch,
    LateLabelStory,
    OutcomeMonitor,
    _choice,
    _draw,
    _stamps,
    _table,
    tied_scores,
)

DAYS = [dt.datetime(2024, 7, 1) + dt.timedelta(days=d) for d in range(8) if d != 5]
LAST = pd.Timestamp("2024-07-08")
FLOOR = LAST - pd.Timedelta(days=5)
CUTOFF = LAST - pd.Timedelta(days=1)
MERGED_DAYS = {pd.Timestamp(f"2024-07-0{d}") for d in (3, 4, 5)}
BINNED = ("binned_coarse", "binned_fine")


@dataclass(frozen=True)
class BinnedMonitor(OutcomeMonitor):
    """An OutcomeMonitor with performance_method binned and its grid."""

    grid_cells: int | None = None

    def to_config(self, raw_schema: str) -> dict[str, Any]:
        """The monitor's entry, with performance_method binned (and grid_cells when set)."""
        cfg = super().to_config(raw_schema)
        cfg["performance_method"] = "binned"
        if self.grid_cells is not None:
            cfg["grid_cells"] = self.grid_cells
        return cfg


def _scores(rng: np.random.Generator, n: int) -> list[float | None]:
    """Tied scores with a few NULL, NaN, +inf and -inf."""
    out: list[float | None] = list(tied_scores(rng, n))
    for i in rng.choice(n, size=max(4, n // 20), replace=False):
        out[int(i)] = [None, float("nan"), float("inf"), float("-inf")][int(i) % 4]
    return out


def make_binned_story(seed: int) -> LateLabelStory:
    """The initial scenario and three label batches (see the module docstring)."""
    rng = np.random.default_rng(seed)
    cols = {
        "pid": TEXT,
        "ts": TIMESTAMP,
        "ver": TEXT,
        "segment": TEXT,
        "score": DOUBLE,
        "pred": TEXT,
        "x": DOUBLE,
    }
    rows: dict[str, list[Any]] = {k: [] for k in cols}
    truth: dict[str, str] = {}
    ids_by_day: dict[int, list[str]] = {}
    for day in DAYS:
        d = day.day
        n = 90
        ids = [f"B{d}-{i:02d}" for i in range(n)]
        ids_by_day[d] = ids
        score = _scores(rng, n)
        rows["pid"] += ids
        rows["ts"] += _stamps(rng, day, n)
        rows["ver"] += _choice(rng, ["v1", "v2"], [2, 1], n)
        rows["segment"] += _choice(rng, ["a", "b", None], [4, 4, 1], n)
        rows["score"] += score
        # the class from a column: a NaN score has no class (SQL orders NaN above every number,
        # so `score >= threshold` would call it positive; that rule is not what is tested here)
        rows["pred"] += [
            None if s is None or np.isnan(s) else ("1" if s >= 0.5 else "0") for s in score
        ]
        rows["x"] += [float(v) for v in rng.integers(0, 9, n)]
        finite = [s if s is not None and np.isfinite(s) else 0.5 for s in score]
        truth.update({i: "1" if p else "0" for i, p in zip(ids, _draw(rng, finite), strict=True)})

    def label_of(i: str) -> str:
        return "0" if i.startswith("B3-") else truth[i]

    first = dt.datetime(2024, 7, 9)
    lab: list[tuple[Any, ...]] = []
    for d, ids in ids_by_day.items():
        if d == 4:
            continue
        for i in ids[:55]:
            lab.append((i, label_of(i), first))
    labels = _table(
        "bp_labels",
        {"pid": TEXT, "label": TEXT, "labeled_at": TIMESTAMP},
        {k: [r[j] for r in lab] for j, k in enumerate(("pid", "label", "labeled_at"))},
    )
    predictions = _table("bp_predictions", cols, rows)
    n_ref = 400
    ref_score = tied_scores(rng, n_ref)
    reference = _table(
        "bp_reference",
        {"segment": TEXT, "score": DOUBLE, "pred": TEXT, "label": TEXT, "x": DOUBLE},
        {
            "segment": _choice(rng, ["a", "b", None], [4, 4, 1], n_ref),
            "score": ref_score,
            "pred": ["1" if s >= 0.5 else "0" for s in ref_score],
            "x": [float(v) for v in rng.integers(0, 9, n_ref)],
            "label": ["1" if p else "0" for p in _draw(rng, ref_score)],
        },
    )
    common: dict[str, Any] = {
        "task": "binary",
        "predictions": predictions.name,
        "id_column": "pid",
        "timestamp_column": "ts",
        "model_version_column": "ver",
        "score_column": "score",
        "prediction_column": "pred",
        "positive_class": "1",
        "features": ("x",),
        "labels": LabelsSpec(table=labels.name, label_column="label"),
        "label_timestamp_column": "labeled_at",
        "reference": ReferenceSpec(table=reference.name, label_column="label"),
        "slices": ("segment",),
        "lookback_windows": 1,
        "label_lookback_windows": 5,
    }
    monitors = [
        BinnedMonitor(name="binned_coarse", grid_cells=6, **common),
        BinnedMonitor(name="binned_fine", **common),
    ]
    initial = Scenario(
        tables={t.name: t for t in (predictions, labels, reference)}, monitors=monitors, seed=seed
    )

    def ws(d: int) -> pd.Timestamp:
        return pd.Timestamp(dt.datetime(2024, 7, d))

    def flip(label: str) -> str:
        return "0" if label == "1" else "1"

    b1 = (
        # 07-03 and 07-05: new labels; 07-04: its first labels; 07-05: a corrected label;
        # 07-08 (in the lookback): new labels
        [
            (i, label_of(i), dt.datetime(2024, 7, 10))
            for d in (3, 4, 5, 8)
            for i in ids_by_day[d][55:70]
        ]
        + [(i, flip(truth[i]), dt.datetime(2024, 7, 10)) for i in ids_by_day[5][:8]]
    )
    b2 = (
        # 07-05: the corrected labels corrected back, 07-03: a NULL label supersedes a real one,
        # 07-01: beyond the floor (never seen); 07-04: more labels
        [(i, truth[i], dt.datetime(2024, 7, 11)) for i in ids_by_day[5][:4]]
        + [(i, None, dt.datetime(2024, 7, 11)) for i in ids_by_day[3][:6]]
        + [(i, truth[i], dt.datetime(2024, 7, 11)) for i in ids_by_day[1][55:65]]
        + [(i, truth[i], dt.datetime(2024, 7, 11)) for i in ids_by_day[4][70:80]]
    )
    b3 = (
        # the same label sent again (07-03), 07-03's first positives (its second class)
        [(i, label_of(i), dt.datetime(2024, 7, 12)) for i in ids_by_day[3][10:20]]
        + [(i, "1", dt.datetime(2024, 7, 12)) for i in ids_by_day[3][70:75]]
    )
    windows = [{ws(3), ws(4), ws(5), ws(8)}, {ws(1), ws(3), ws(4), ws(5)}, {ws(3)}]
    batches = []
    for rows_, w in zip((b1, b2, b3), windows, strict=True):
        batches.append([LabelBatch(labels.name, rows_, {m: w for m in BINNED})])
    return LateLabelStory(initial, batches)
