"""Seeded scenarios for the outcome tables (performance, calibration, confusion matrix, residuals,
fairness) and the late-label story.

Every monitor is small and built around the edge cases of docs/design.md "Performance, labels and
operations": scores rounded to one or two decimals (heavy ties, exact 0 and 1), a single-class
window, an all-unlabeled window, NULL labels, superseded labels, the predicted class from a
threshold and from a class column, `positive_class` as a string, an integer and a boolean, a
multiclass window with a class never predicted and one never labeled, regression windows with
constant labels and with labels equal to 0, and label batches that arrive late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .data import DOUBLE, TEXT, TIMESTAMP, LabelsSpec, MonitorSpec, ReferenceSpec, Scenario, Table
from .loaders import BOOLEAN
from .reference_impl import numeric_edges

UNSET: Any = "<unset>"  # positive_class not configured (the default 1 / 1.0 / true)

OUTCOME_TABLES = (
    "monitor_performance",
    "monitor_calibration",
    "monitor_confusion_matrix",
    "monitor_residuals",
    "monitor_fairness",
)


@dataclass(frozen=True)
class OutcomeMonitor(MonitorSpec):
    """A monitor with the issue-3 keys; `to_config` adds them to the dbt var entry."""

    label_timestamp_column: str | None = None
    decision_threshold: float | None = None
    positive_class: Any = UNSET
    calibration_bins: int | None = None
    label_lookback_windows: int | None = None

    @property
    def bins_for_calibration(self) -> int:
        """calibration_bins with its documented default."""
        return self.calibration_bins or 10

    def to_config(self, raw_schema: str) -> dict[str, Any]:
        """The monitor's entry of `vars.model_monitor.monitors`."""
        cfg = super().to_config(raw_schema)
        if self.label_timestamp_column is not None:
            cfg["labels"]["timestamp_column"] = self.label_timestamp_column
        if self.positive_class is not UNSET:
            cfg["positive_class"] = self.positive_class
        for key in ("decision_threshold", "calibration_bins", "label_lookback_windows"):
            if getattr(self, key) is not None:
                cfg[key] = getattr(self, key)
        return cfg


def _table(name: str, columns: dict[str, str], data: dict[str, list[Any]]) -> Table:
    frame = pd.DataFrame({c: pd.Series(data[c], dtype=object) for c in columns}, dtype=object)
    return Table(name, columns, frame)


def _days(start: dt.datetime, n: int) -> list[dt.datetime]:
    return [start + dt.timedelta(days=d) for d in range(n)]


def _stamps(rng: np.random.Generator, day: dt.datetime, n: int) -> list[dt.datetime]:
    """n whole-second timestamps inside one day, its first and last second included."""
    secs = rng.integers(1, 86_399, n)
    secs[0] = 0
    if n > 1:
        secs[-1] = 86_399
    return sorted(day + dt.timedelta(seconds=int(s)) for s in secs)


def tied_scores(rng: np.random.Generator, n: int, a: float = 2.0, b: float = 3.0) -> list[float]:
    """Beta scores rounded to 2 decimals, a third of them to 1 decimal; some exactly 0 and 1."""
    raw = rng.beta(a, b, n)
    out = np.where(rng.random(n) < 0.33, np.round(raw, 1), np.round(raw, 2))
    out[rng.random(n) < 0.03] = 0.0
    out[rng.random(n) < 0.03] = 1.0
    return [float(v) for v in out]


def _draw(rng: np.random.Generator, scores: list[float]) -> list[bool]:
    """A positive outcome with probability 0.1 + 0.8 * score (so the score is informative)."""
    return [bool(v) for v in rng.random(len(scores)) < 0.1 + 0.8 * np.asarray(scores)]


def _choice(rng: np.random.Generator, pool: list[Any], p: list[float], n: int) -> list[Any]:
    idx = rng.choice(len(pool), size=n, p=np.asarray(p, dtype=float) / np.sum(p))
    return [pool[i] for i in idx]


# ------------------------------------------------------------------ binary, class from threshold


def _binary_threshold(rng: np.random.Generator) -> tuple[list[Table], OutcomeMonitor]:
    """Scores thresholded at 0.35, labels 'yes'/'no' with timestamps, five daily windows:
    D0 normal (with superseded labels), D1 only 'no', D2 no labels at all, D3 NULL and missing
    labels, D4 normal but slice b never predicted positive. Two versions, a slice with NULLs."""
    name = "bin_thr"
    days = _days(dt.datetime(2024, 5, 6), 5)
    rows: dict[str, list[Any]] = {k: [] for k in ("pid", "ts", "ver", "segment", "score", "x")}
    lab: dict[str, list[Any]] = {k: [] for k in ("pid", "label", "labeled_at")}
    for d, day in enumerate(days):
        n = 70
        ids = [f"t{d}-{i:03d}" for i in range(n)]
        segment = _choice(rng, ["a", "b", None], [5, 4, 1], n)
        score = tied_scores(rng, n)
        if d == 4:  # slice b: every score below the threshold, so no predicted positive
            score = [
                round(s * 0.3, 2) if g == "b" else s for s, g in zip(score, segment, strict=True)
            ]
        rows["pid"] += ids
        rows["ts"] += _stamps(rng, day, n)
        rows["ver"] += ["v1"] * n if d < 2 else _choice(rng, ["v1", "v2"], [1, 1], n)
        rows["segment"] += segment
        rows["score"] += score
        rows["x"] += [float(v) for v in rng.integers(0, 9, n)]
        outcome = _draw(rng, score)
        arrived = day + dt.timedelta(days=2, hours=d)
        for i, (pid, pos) in enumerate(zip(ids, outcome, strict=True)):
            label: str | None = "yes" if pos else "no"
            if d == 1:
                label = "no"
            elif d == 2:
                continue
            elif d == 3 and i % 10 < 3:
                label = None
            elif d == 3 and i % 10 < 5:
                continue
            if d == 0 and i % 9 == 0:  # an earlier, superseded label with the opposite value
                lab["pid"].append(pid)
                lab["label"].append("no" if label == "yes" else "yes")
                lab["labeled_at"].append(arrived - dt.timedelta(hours=5))
            lab["pid"].append(pid)
            lab["label"].append(label)
            lab["labeled_at"].append(arrived)
    pred_cols = {
        "pid": TEXT,
        "ts": TIMESTAMP,
        "ver": TEXT,
        "segment": TEXT,
        "score": DOUBLE,
        "x": DOUBLE,
    }
    predictions = _table(f"{name}_predictions", pred_cols, rows)
    labels = _table(f"{name}_labels", {"pid": TEXT, "label": TEXT, "labeled_at": TIMESTAMP}, lab)

    n_ref = 300
    ref_score = tied_scores(rng, n_ref)
    ref_label: list[Any] = ["yes" if p else "no" for p in _draw(rng, ref_score)]
    # The reference's top score bin has no labeled row: CBPE falls back to the bin's mean score.
    edges = numeric_edges(ref_score, 10)
    top = np.searchsorted(edges, np.asarray(ref_score), side="left") + 1 == len(edges) + 1
    ref_label = [None if t else v for t, v in zip(top, ref_label, strict=True)]
    for i in range(0, n_ref, 37):
        ref_label[i] = None
    ref_cols = {"segment": TEXT, "score": DOUBLE, "label": TEXT, "x": DOUBLE}
    reference = _table(
        f"{name}_reference",
        ref_cols,
        {
            "segment": _choice(rng, ["a", "b", None], [5, 4, 1], n_ref),
            "score": ref_score,
            "label": ref_label,
            "x": [float(v) for v in rng.integers(0, 9, n_ref)],
        },
    )
    monitor = OutcomeMonitor(
        name=name,
        task="binary",
        predictions=predictions.name,
        id_column="pid",
        timestamp_column="ts",
        model_version_column="ver",
        score_column="score",
        features=("x",),
        labels=LabelsSpec(table=labels.name, label_column="label"),
        label_timestamp_column="labeled_at",
        reference=ReferenceSpec(table=reference.name, label_column="label"),
        slices=("segment",),
        decision_threshold=0.35,
        positive_class="yes",
    )
    return [predictions, labels, reference], monitor


# ------------------------------------------------------------------ binary, class from a column


def _binary_class_column(rng: np.random.Generator) -> tuple[list[Table], OutcomeMonitor]:
    """A score plus a class column ('1'/'0', not the thresholded score), positive_class 1,
    labels without timestamps, a `between` reference (D0), 100 calibration bins; D2 has only
    positive labels."""
    name = "bin_cls"
    days = _days(dt.datetime(2024, 5, 6), 3)
    rows: dict[str, list[Any]] = {k: [] for k in ("pid", "ts", "region", "score", "pred", "x")}
    lab: dict[str, list[Any]] = {"pid": [], "label": []}
    for d, day in enumerate(days):
        n = 80
        ids = [f"c{d}-{i:03d}" for i in range(n)]
        score = tied_scores(rng, n, 2.5, 2.5)
        flip = rng.random(n) < 0.15
        pred = [
            ("1" if s >= 0.6 else "0") if not f else ("0" if s >= 0.6 else "1")
            for s, f in zip(score, flip, strict=True)
        ]
        rows["pid"] += ids
        rows["ts"] += _stamps(rng, day, n)
        rows["region"] += _choice(rng, ["north", "south", "east"], [3, 2, 1], n)
        rows["score"] += score
        rows["pred"] += pred
        rows["x"] += [float(v) for v in np.round(rng.normal(0, 1, n), 1)]
        outcome = _draw(rng, score)
        for i, (pid, pos) in enumerate(zip(ids, outcome, strict=True)):
            if i % 11 == 5:
                continue
            label = "1" if pos or d == 2 else "0"
            lab["pid"].append(pid)
            lab["label"].append(None if i % 13 == 7 else label)
    pred_cols = {
        "pid": TEXT,
        "ts": TIMESTAMP,
        "region": TEXT,
        "score": DOUBLE,
        "pred": TEXT,
        "x": DOUBLE,
    }
    predictions = _table(f"{name}_predictions", pred_cols, rows)
    labels = _table(f"{name}_labels", {"pid": TEXT, "label": TEXT}, lab)
    monitor = OutcomeMonitor(
        name=name,
        task="binary",
        predictions=predictions.name,
        id_column="pid",
        timestamp_column="ts",
        score_column="score",
        prediction_column="pred",
        features=("x",),
        labels=LabelsSpec(table=labels.name, label_column="label"),
        reference=ReferenceSpec(between=("2024-05-06", "2024-05-07")),
        slices=("region",),
        bins=8,
        positive_class=1,
        calibration_bins=100,
    )
    return [predictions, labels], monitor


# ------------------------------------------------------------------ binary, boolean and numeric


def _binary_boolean(rng: np.random.Generator) -> tuple[list[Table], OutcomeMonitor]:
    """Boolean predicted class and label, positive_class false (so `true` is the negative)."""
    name = "bin_bool"
    days = _days(dt.datetime(2024, 5, 6), 2)
    n = 60
    pred_cols = {"pid": TEXT, "ts": TIMESTAMP, "pred": BOOLEAN, "x": DOUBLE}
    rows: dict[str, list[Any]] = {k: [] for k in pred_cols}
    lab: dict[str, list[Any]] = {"pid": [], "label": []}
    for d, day in enumerate(days):
        ids = [f"b{d}-{i:03d}" for i in range(n)]
        truth = [bool(v) for v in rng.random(n) < 0.4]
        rows["pid"] += ids
        rows["ts"] += _stamps(rng, day, n)
        rows["pred"] += [t if rng.random() < 0.8 else not t for t in truth]
        rows["x"] += [float(v) for v in rng.integers(0, 5, n)]
        for i, (pid, t) in enumerate(zip(ids, truth, strict=True)):
            lab["pid"].append(pid)
            lab["label"].append(None if i % 12 == 3 else t)
    predictions = _table(f"{name}_predictions", pred_cols, rows)
    labels = _table(f"{name}_labels", {"pid": TEXT, "label": BOOLEAN}, lab)
    n_ref = 40
    ref_truth = [bool(v) for v in rng.random(n_ref) < 0.5]
    reference = _table(
        f"{name}_reference",
        {"pred": BOOLEAN, "label": BOOLEAN, "x": DOUBLE},
        {
            "pred": [t if rng.random() < 0.7 else not t for t in ref_truth],
            "label": ref_truth,
            "x": [float(v) for v in rng.integers(0, 5, n_ref)],
        },
    )
    monitor = OutcomeMonitor(
        name=name,
        task="binary",
        predictions=predictions.name,
        id_column="pid",
        timestamp_column="ts",
        prediction_column="pred",
        features=("x",),
        labels=LabelsSpec(table=labels.name, label_column="label"),
        reference=ReferenceSpec(table=reference.name, label_column="label"),
        positive_class=False,
    )
    return [predictions, labels, reference], monitor


def _binary_numeric(rng: np.random.Generator) -> tuple[list[Table], OutcomeMonitor]:
    """Predicted class and label stored as doubles 1.0 / 0.0, positive_class 1."""
    name = "bin_num"
    day = dt.datetime(2024, 5, 6)
    n = 50
    truth = [float(v) for v in rng.random(n) < 0.5]
    pred_cols = {"pid": TEXT, "ts": TIMESTAMP, "pred": DOUBLE, "x": DOUBLE}
    predictions = _table(
        f"{name}_predictions",
        pred_cols,
        {
            "pid": [f"n{i:03d}" for i in range(n)],
            "ts": _stamps(rng, day, n),
            "pred": [t if rng.random() < 0.8 else 1.0 - t for t in truth],
            "x": [float(v) for v in rng.integers(0, 5, n)],
        },
    )
    labels = _table(
        f"{name}_labels",
        {"pid": TEXT, "label": DOUBLE},
        {"pid": [f"n{i:03d}" for i in range(n)], "label": truth},
    )
    monitor = OutcomeMonitor(
        name=name,
        task="binary",
        predictions=predictions.name,
        id_column="pid",
        timestamp_column="ts",
        prediction_column="pred",
        features=("x",),
        labels=LabelsSpec(table=labels.name, label_column="label"),
        reference=ReferenceSpec(between=("2024-05-06", "2024-05-07")),
        positive_class=1,
    )
    return [predictions, labels], monitor


# ------------------------------------------------------------------ multiclass


def _multiclass(rng: np.random.Generator) -> tuple[list[Table], OutcomeMonitor]:
    """Labels cat/dog/bird/fish, predictions never 'fish'; D2 has no 'bird' label but predicts
    bird; NULL labels; two versions; a slice."""
    name = "multi"
    days = _days(dt.datetime(2024, 5, 6), 3)
    classes = ["cat", "dog", "bird", "fish"]
    pred_cols = {
        "pid": TEXT,
        "ts": TIMESTAMP,
        "ver": TEXT,
        "channel": TEXT,
        "pred": TEXT,
        "x": DOUBLE,
    }
    rows: dict[str, list[Any]] = {k: [] for k in pred_cols}
    lab: dict[str, list[Any]] = {"pid": [], "label": []}
    for d, day in enumerate(days):
        n = 75
        ids = [f"m{d}-{i:03d}" for i in range(n)]
        weights = [4, 3, 0, 1] if d == 2 else [4, 3, 2, 1]
        truth = _choice(rng, classes, weights, n)
        pred = []
        for t in truth:
            if rng.random() < 0.7 and t != "fish":
                pred.append(t)
            else:
                pred.append(_choice(rng, ["cat", "dog", "bird"], [3, 2, 2], 1)[0])
        rows["pid"] += ids
        rows["ts"] += _stamps(rng, day, n)
        rows["ver"] += _choice(rng, ["m1", "m2"], [2, 1], n)
        rows["channel"] += _choice(rng, ["web", "app"], [1, 1], n)
        rows["pred"] += pred
        rows["x"] += [float(v) for v in rng.integers(0, 5, n)]
        for i, (pid, t) in enumerate(zip(ids, truth, strict=True)):
            if i % 10 == 9:
                continue
            lab["pid"].append(pid)
            lab["label"].append(None if i % 10 == 4 else t)
    predictions = _table(f"{name}_predictions", pred_cols, rows)
    labels = _table(f"{name}_labels", {"pid": TEXT, "label": TEXT}, lab)
    n_ref = 90
    ref_truth = _choice(rng, classes, [4, 3, 2, 1], n_ref)
    reference = _table(
        f"{name}_reference",
        {"channel": TEXT, "pred": TEXT, "label": TEXT, "x": DOUBLE},
        {
            "channel": _choice(rng, ["web", "app"], [1, 1], n_ref),
            "pred": [t if rng.random() < 0.75 and t != "fish" else "cat" for t in ref_truth],
            "label": [None if i % 15 == 0 else t for i, t in enumerate(ref_truth)],
            "x": [float(v) for v in rng.integers(0, 5, n_ref)],
        },
    )
    monitor = OutcomeMonitor(
        name=name,
        task="multiclass",
        predictions=predictions.name,
        id_column="pid",
        timestamp_column="ts",
        model_version_column="ver",
        prediction_column="pred",
        features=("x",),
        labels=LabelsSpec(table=labels.name, label_column="label"),
        reference=ReferenceSpec(table=reference.name, label_column="label"),
        slices=("channel",),
    )
    return [predictions, labels, reference], monitor


# ------------------------------------------------------------------ regression


def _regression(rng: np.random.Generator) -> tuple[list[Table], OutcomeMonitor]:
    """Predictions to one decimal; D0 is the `between` reference; D1 constant labels; D2 labels
    equal to 0 among others (MAPE's eps); D3 no labels; NULL labels elsewhere."""
    name = "reg"
    days = _days(dt.datetime(2024, 5, 6), 4)
    pred_cols = {"pid": TEXT, "ts": TIMESTAMP, "store": TEXT, "y_hat": DOUBLE, "x": DOUBLE}
    rows: dict[str, list[Any]] = {k: [] for k in pred_cols}
    lab: dict[str, list[Any]] = {"pid": [], "y": [], "labeled_at": []}
    for d, day in enumerate(days):
        n = 60
        ids = [f"r{d}-{i:03d}" for i in range(n)]
        truth = np.round(rng.normal(10, 4, n), 1)
        y_hat = np.round(truth + rng.normal(0.5, 2, n), 1)
        rows["pid"] += ids
        rows["ts"] += _stamps(rng, day, n)
        rows["store"] += _choice(rng, ["s1", "s2"], [1, 1], n)
        rows["y_hat"] += [float(v) for v in y_hat]
        rows["x"] += [float(v) for v in rng.integers(0, 5, n)]
        if d == 3:
            continue
        for i, (pid, y) in enumerate(zip(ids, truth, strict=True)):
            value: float | None = float(y)
            if d == 1:
                value = 5.0
            elif d == 2 and i % 6 == 0:
                value = 0.0
            elif i % 8 == 3:
                value = None
            lab["pid"].append(pid)
            lab["y"].append(value)
            lab["labeled_at"].append(day + dt.timedelta(days=1))
    predictions = _table(f"{name}_predictions", pred_cols, rows)
    labels = _table(f"{name}_labels", {"pid": TEXT, "y": DOUBLE, "labeled_at": TIMESTAMP}, lab)
    monitor = OutcomeMonitor(
        name=name,
        task="regression",
        predictions=predictions.name,
        id_column="pid",
        timestamp_column="ts",
        prediction_column="y_hat",
        features=("x",),
        labels=LabelsSpec(table=labels.name, label_column="y"),
        label_timestamp_column="labeled_at",
        reference=ReferenceSpec(between=("2024-05-06", "2024-05-07")),
        slices=("store",),
        bins=6,
    )
    return [predictions, labels], monitor


def make_performance_scenario(seed: int) -> Scenario:
    """Every outcome monitor: two binary ones with scores, boolean and numeric binary ones,
    multiclass and regression."""
    rng = np.random.default_rng(seed)
    tables: dict[str, Table] = {}
    monitors: list[MonitorSpec] = []
    for make in (
        _binary_threshold,
        _binary_class_column,
        _binary_boolean,
        _binary_numeric,
        _multiclass,
        _regression,
    ):
        made, monitor = make(rng)
        tables.update({t.name: t for t in made})
        monitors.append(monitor)
    return Scenario(tables=tables, monitors=monitors, seed=seed)


# ------------------------------------------------------------------ late labels


@dataclass
class LabelBatch:
    """Label rows appended to one labels table between two incremental builds."""

    table: str
    rows: list[tuple[Any, ...]]
    windows: dict[str, set[pd.Timestamp]] = field(default_factory=dict)  # monitor -> windows hit


@dataclass
class LateLabelStory:
    """The initial scenario and the label batches appended after it, in order."""

    initial: Scenario
    batches: list[list[LabelBatch]]

    def after(self, step: int) -> Scenario:
        """The scenario with the first `step` batches appended."""
        tables = dict(self.initial.tables)
        for batch_list in self.batches[:step]:
            for batch in batch_list:
                t = tables[batch.table]
                more = pd.DataFrame(batch.rows, columns=list(t.columns)).astype(object)
                frame = pd.concat([t.frame, more], ignore_index=True).astype(object)
                tables[batch.table] = Table(t.name, t.columns, frame)
        return Scenario(tables=tables, monitors=self.initial.monitors, seed=self.initial.seed)


LATE_DAYS = _days(dt.datetime(2024, 6, 1), 10)  # last window 06-10


def make_late_label_story(seed: int) -> LateLabelStory:
    """A binary monitor with label timestamps (lookback 1, label lookback 5 windows) and a
    regression monitor without them (label lookback 3), ten daily windows, three label batches.

    For late_bin the last window is 06-10, so the cutoff is 06-09 and the floor 06-05: batch
    labels for 06-03 must leave that window stale, labels for 06-05..06-08 must update theirs.
    """
    rng = np.random.default_rng(seed)
    n = 40
    b_cols = {"pid": TEXT, "ts": TIMESTAMP, "segment": TEXT, "score": DOUBLE, "x": DOUBLE}
    b_rows: dict[str, list[Any]] = {k: [] for k in b_cols}
    r_cols = {"pid": TEXT, "ts": TIMESTAMP, "y_hat": DOUBLE, "x": DOUBLE}
    r_rows: dict[str, list[Any]] = {k: [] for k in r_cols}
    truth_b: dict[str, str] = {}
    truth_r: dict[str, float] = {}
    for d, day in enumerate(LATE_DAYS):
        ids = [f"L{d}-{i:02d}" for i in range(n)]
        score = tied_scores(rng, n)
        b_rows["pid"] += ids
        b_rows["ts"] += _stamps(rng, day, n)
        b_rows["segment"] += _choice(rng, ["a", "b"], [1, 1], n)
        b_rows["score"] += score
        b_rows["x"] += [float(v) for v in rng.integers(0, 5, n)]
        truth_b.update({i: "1" if p else "0" for i, p in zip(ids, _draw(rng, score), strict=True)})
        rids = [f"R{d}-{i:02d}" for i in range(n)]
        y = np.round(rng.normal(20, 5, n), 1)
        r_rows["pid"] += rids
        r_rows["ts"] += _stamps(rng, day, n)
        r_rows["y_hat"] += [float(v) for v in np.round(y + rng.normal(0, 2, n), 1)]
        r_rows["x"] += [float(v) for v in rng.integers(0, 5, n)]
        truth_r.update({i: float(v) for i, v in zip(rids, y, strict=True)})

    def day_ids(prefix: str, d: int, part: range) -> list[str]:
        return [f"{prefix}{d}-{i:02d}" for i in part]

    first = dt.datetime(2024, 6, 11)
    b_lab = [(i, truth_b[i], first) for d in range(6) for i in day_ids("L", d, range(0, 28))]
    r_lab = [(i, truth_r[i]) for d in range(6) for i in day_ids("R", d, range(0, 28))]
    bin_pred = _table("late_bin_predictions", b_cols, b_rows)
    bin_lab = _table(
        "late_bin_labels",
        {"pid": TEXT, "label": TEXT, "labeled_at": TIMESTAMP},
        {k: [r[j] for r in b_lab] for j, k in enumerate(("pid", "label", "labeled_at"))},
    )
    reg_pred = _table("late_reg_predictions", r_cols, r_rows)
    reg_lab = _table(
        "late_reg_labels",
        {"pid": TEXT, "y": DOUBLE},
        {k: [r[j] for r in r_lab] for j, k in enumerate(("pid", "y"))},
    )
    n_ref = 120
    ref_score = tied_scores(rng, n_ref)
    bin_ref = _table(
        "late_bin_reference",
        {"segment": TEXT, "score": DOUBLE, "label": TEXT, "x": DOUBLE},
        {
            "segment": _choice(rng, ["a", "b"], [1, 1], n_ref),
            "score": ref_score,
            "label": ["1" if p else "0" for p in _draw(rng, ref_score)],
            "x": [float(v) for v in rng.integers(0, 5, n_ref)],
        },
    )
    late_bin = OutcomeMonitor(
        name="late_bin",
        task="binary",
        predictions=bin_pred.name,
        id_column="pid",
        timestamp_column="ts",
        score_column="score",
        features=("x",),
        labels=LabelsSpec(table=bin_lab.name, label_column="label"),
        label_timestamp_column="labeled_at",
        reference=ReferenceSpec(table=bin_ref.name, label_column="label"),
        slices=("segment",),
        lookback_windows=1,
        label_lookback_windows=5,
    )
    late_reg = OutcomeMonitor(
        name="late_reg",
        task="regression",
        predictions=reg_pred.name,
        id_column="pid",
        timestamp_column="ts",
        prediction_column="y_hat",
        features=("x",),
        labels=LabelsSpec(table=reg_lab.name, label_column="y"),
        reference=ReferenceSpec(between=("2024-06-01", "2024-06-03")),
        bins=5,
        lookback_windows=1,
        label_lookback_windows=3,
    )
    initial = Scenario(
        tables={t.name: t for t in (bin_pred, bin_lab, bin_ref, reg_pred, reg_lab)},
        monitors=[late_bin, late_reg],
        seed=seed,
    )

    def ws(d: int) -> pd.Timestamp:
        return pd.Timestamp(LATE_DAYS[d])

    def flip(label: str) -> str:
        return "0" if label == "1" else "1"

    batches: list[list[LabelBatch]] = []
    # 1: new labels for 06-03 (beyond the floor: stays stale), 06-08 and 06-10; regression
    #    labels for 06-04 (beyond its floor 06-07; after its reference range, whose labels are
    #    part of the reference fingerprint) and 06-08.
    t1 = dt.datetime(2024, 6, 12)
    batches.append(
        [
            LabelBatch(
                bin_lab.name,
                [(i, truth_b[i], t1) for d in (2, 7, 9) for i in day_ids("L", d, range(28, 36))],
                {"late_bin": {ws(2), ws(7), ws(9)}},
            ),
            LabelBatch(
                reg_lab.name,
                [(i, truth_r[i]) for d in (3, 7) for i in day_ids("R", d, range(28, 36))],
                {"late_reg": {ws(3), ws(7)}},
            ),
        ]
    )
    # 2: corrections (a later label with the other value) for 06-05, a NULL label superseding a
    #    real one for 06-06.
    t2 = dt.datetime(2024, 6, 13)
    batches.append(
        [
            LabelBatch(
                bin_lab.name,
                [(i, flip(truth_b[i]), t2) for i in day_ids("L", 4, range(0, 10))]
                + [(i, None, t2) for i in day_ids("L", 5, range(0, 6))],
                {"late_bin": {ws(4), ws(5)}},
            ),
            LabelBatch(
                reg_lab.name,
                [(i, truth_r[i] + 3.0) for i in day_ids("R", 8, range(0, 10))],
                {"late_reg": {ws(8)}},
            ),
        ]
    )
    # 3: the rest of 06-07 and 06-09.
    t3 = dt.datetime(2024, 6, 14)
    batches.append(
        [
            LabelBatch(
                bin_lab.name,
                [(i, truth_b[i], t3) for d in (6, 8) for i in day_ids("L", d, range(0, 20))],
                {"late_bin": {ws(6), ws(8)}},
            ),
        ]
    )
    return LateLabelStory(initial, batches)


# ------------------------------------------------------------------ one build per engine


@dataclass
class OutcomeBuild:
    """A scenario loaded and built by dbt, with every published table read back."""

    warehouse: Any
    project: Any
    scenario: Scenario
    result: Any
    tables: dict[str, list[dict[str, Any]]]


def read_tables(project: Any, result: Any = None) -> dict[str, list[dict[str, Any]]]:
    """The drift tables (dbt_runner.TABLES) and every outcome table."""
    tables = project.read(result)
    wh = project.warehouse
    for name in OUTCOME_TABLES:
        relation = (result.relations.get(name) if result else None) or wh.relation(name)
        tables[name] = wh.read_table(relation)
    return tables


_BUILDS: dict[tuple[str, int], OutcomeBuild] = {}


def performance_build(
    engine: str, make_warehouse: Any, tmp_path_factory: Any, seed: int
) -> OutcomeBuild:
    """The performance scenario built once per engine and seed (shared by test modules)."""
    from .dbt_runner import DbtProject

    key = (engine, seed)
    if key not in _BUILDS:
        scenario = make_performance_scenario(seed)
        wh = make_warehouse(engine, "performance")
        wh.load(scenario.tables.values())
        project = DbtProject(wh, tmp_path_factory.mktemp(f"dbt_performance_{engine}"))
        result = project.build(scenario.dbt_vars(wh.raw_schema))
        tables = read_tables(project, result) if result.models_ok else {}
        _BUILDS[key] = OutcomeBuild(wh, project, scenario, result, tables)
    return _BUILDS[key]
