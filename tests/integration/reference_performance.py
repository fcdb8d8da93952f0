"""An independent implementation of the outcome tables of docs/design.md with scikit-learn.

From the raw frames of a scenario: the latest label per id, the predicted and actual class (binary
'1'/'0' through `positive_class`), windows, versions and slices; then every metric per group with
scikit-learn (numpy only where sklearn has no function: ECE, CBPE's expected confusion matrix).
Nothing is shared with the SQL. Where the design leaves a cell open, the expected row lists every
accepted alternative (`reasons`, `labeled_counts`) and the tests report which one the SQL chose.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    matthews_corrcoef,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    precision_recall_fscore_support,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
    root_mean_squared_error,
)

from .compare import same, ts
from .data import Scenario
from .performance_data import UNSET, OutcomeMonitor
from .reference_impl import numeric_edges, slice_groups, window_start

DEFAULT_THRESHOLD = 0.5
NO_LABELS = frozenset({"no_labels"})
NO_SCORES = frozenset({"no_scores"})
SINGLE = frozenset({"single_class"})
ZERO = frozenset({"zero_denominator"})
# A ratio whose denominator is empty because the labels hold one class: the design has both words.
SINGLE_OR_ZERO = frozenset({"single_class", "zero_denominator"})
CONSTANT_LABELS = frozenset({"constant_labels"})

Key = tuple
Rows = dict[Key, dict[str, Any]]


# ------------------------------------------------------------------ outcome rows


def positive(value: Any, positive_class: Any) -> str | None:
    """'1' when a label / predicted class is the positive class, '0' otherwise, None for NULL.

    Text compares as text (the SQL lowercases both sides; the data here is lowercase), a boolean
    as a boolean, a number as a number (a double label 1.0 is positive for positive_class 1).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if positive_class is UNSET:
        if isinstance(value, bool):
            hit = value
        elif isinstance(value, float):
            hit = value == 1.0
        else:
            hit = str(value).lower() in ("1", "1.0", "true")
    elif isinstance(positive_class, bool):
        hit = str(value).lower() == str(positive_class).lower()
    elif isinstance(positive_class, (int, float)) and isinstance(value, (int, float)):
        hit = float(value) == float(positive_class)
    else:
        hit = str(value).lower() == str(positive_class).lower()
    return "1" if hit else "0"


def latest_labels(spec: OutcomeMonitor, scenario: Scenario) -> dict[str, Any]:
    """id -> the counted label: the latest to arrive; ties and no timestamp: the larger value."""
    assert spec.labels is not None
    frame = scenario.tables[spec.labels.table].frame
    id_col = spec.labels.id_column or spec.id_column
    best: dict[str, tuple[Any, Any]] = {}
    ids = frame[id_col].tolist()
    values = frame[spec.labels.label_column].tolist()
    stamps = (
        frame[spec.label_timestamp_column].tolist()
        if spec.label_timestamp_column
        else [None] * len(ids)
    )
    for lid, value, when in zip(ids, values, stamps, strict=True):
        if lid is None:
            continue
        rank = (
            when is not None,
            when or dt.datetime.min,
            value is not None,
            value if value is not None else 0,
        )
        if lid not in best or rank > best[lid][0]:
            best[lid] = (rank, value)
    return {k: v for k, (_, v) in best.items()}


@dataclass
class Outcomes:
    """A monitor's outcome rows: current (window, version, slices) and reference."""

    spec: OutcomeMonitor
    current: pd.DataFrame
    reference: pd.DataFrame
    reference_start: pd.Timestamp | None

    @property
    def has_score(self) -> bool:
        """Binary with a score column (score metrics, calibration, CBPE)."""
        return self.spec.task == "binary" and self.spec.score_column is not None


def _class_columns(spec: OutcomeMonitor, source: pd.DataFrame, labels: list[Any]) -> pd.DataFrame:
    """score, predicted_class, predicted_value, label_class, label_value of each row."""
    n = len(source)
    out = pd.DataFrame(index=source.index)
    score = (
        [None if v is None else float(v) for v in source[spec.score_column]]
        if spec.score_column
        else [None] * n
    )
    out["score"] = pd.Series(score, index=source.index, dtype=object)
    pred = source[spec.prediction_column].tolist() if spec.prediction_column else [None] * n
    if spec.task == "binary":
        from_score = spec.score_column is not None and (
            spec.prediction_column is None or spec.decision_threshold is not None
        )
        threshold = (
            spec.decision_threshold if spec.decision_threshold is not None else DEFAULT_THRESHOLD
        )
        if from_score:
            predicted = [None if s is None else ("1" if s >= threshold else "0") for s in score]
        else:
            predicted = [positive(v, spec.positive_class) for v in pred]
        actual = [positive(v, spec.positive_class) for v in labels]
        out["predicted_class"] = pd.Series(predicted, index=source.index, dtype=object)
        out["label_class"] = pd.Series(actual, index=source.index, dtype=object)
    elif spec.task == "multiclass":
        out["predicted_class"] = pd.Series(
            [None if v is None else str(v) for v in pred], index=source.index, dtype=object
        )
        out["label_class"] = pd.Series(
            [None if v is None else str(v) for v in labels], index=source.index, dtype=object
        )
    else:
        out["predicted_value"] = pd.Series(
            [None if v is None else float(v) for v in pred], index=source.index, dtype=object
        )
        out["label_value"] = pd.Series(
            [None if v is None else float(v) for v in labels], index=source.index, dtype=object
        )
    out["labeled"] = [v is not None for v in labels]
    return out


def outcomes(spec: OutcomeMonitor, scenario: Scenario) -> Outcomes:
    """The design's outcome rows, from the raw frames."""
    pred = scenario.tables[spec.predictions].frame
    by_id = latest_labels(spec, scenario) if spec.labels else {}
    labels = [by_id.get(i) for i in pred[spec.id_column]]
    cur = _class_columns(spec, pred, labels)
    cur["ws"] = window_start(
        pd.Series(pd.to_datetime(pred[spec.timestamp_column].tolist()), index=pred.index),
        spec.grain,
    )
    cur["version"] = (
        pred[spec.model_version_column]
        if spec.model_version_column
        else pd.Series([None] * len(pred), index=pred.index, dtype=object)
    )
    for s in spec.slices:
        cur[s] = pred[s]
    if spec.reference.between is not None:
        start, end = (pd.Timestamp(x) for x in spec.reference.between)
        when = pd.to_datetime(pred[spec.timestamp_column].tolist())
        ref = cur[np.asarray((when >= start) & (when < end))].copy()
        ref_start: pd.Timestamp | None = start
    else:
        raw = scenario.tables[spec.reference.table].frame  # type: ignore[index]
        ref_labels = (
            raw[spec.reference.label_column].tolist()
            if spec.reference.label_column
            else [None] * len(raw)
        )
        ref = _class_columns(spec, raw, ref_labels)
        for s in spec.slices:
            ref[s] = raw[s]
        ref_start = None
    return Outcomes(spec, cur, ref, ref_start)


def groups(o: Outcomes) -> Iterator[tuple[Key, pd.DataFrame]]:
    """((monitor, window_kind, window_start, version, slice_key, slice_value), rows)."""
    keys = list(zip(o.current["ws"], o.current["version"], strict=True))
    for ws, version in dict.fromkeys(keys):
        mask = np.array([k == (ws, version) for k in keys], dtype=bool)
        for sk, sv, sub in slice_groups(o.current[mask], o.spec.slices):
            yield (o.spec.name, "current", ws, version, sk, sv), sub
    for sk, sv, sub in slice_groups(o.reference, o.spec.slices):
        yield (o.spec.name, "reference", o.reference_start, None, sk, sv), sub


# ------------------------------------------------------------------ metrics


@dataclass
class Metric:
    """An expected metric row: value (None = NULL), the rows it used, accepted NULL reasons."""

    value: float | None
    labeled_count: int
    reasons: frozenset[str] = frozenset()
    labeled_counts: frozenset[int] = frozenset()  # further accepted labeled_count values

    def row(self) -> dict[str, Any]:
        """As an expected table row."""
        return {
            "metric_value": self.value,
            "labeled_count": self.labeled_count,
            "undefined_reason": None if self.value is not None else sorted(self.reasons)[0],
            "reasons": self.reasons if self.value is None else frozenset(),
            "labeled_counts": self.labeled_counts | {self.labeled_count},
        }


def _defined(value: float, n: int) -> Metric:
    v = float(value)
    if math.isnan(v):
        raise AssertionError("a defined metric came out NaN")
    return Metric(v, n)


def _quiet(fn: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def binary_labeled(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_pred) as 1/0 of the labeled rows that have a predicted class."""
    keep = rows["label_class"].notna() & rows["predicted_class"].notna()
    sub = rows[keep.to_numpy(dtype=bool)]
    return (
        (sub["label_class"] == "1").to_numpy(dtype=int),
        (sub["predicted_class"] == "1").to_numpy(dtype=int),
    )


def binary_count_metrics(rows: pd.DataFrame) -> dict[str, Metric]:
    """Confusion counts and every ratio of them, with sklearn."""
    y, p = binary_labeled(rows)
    n = len(y)
    tn, fp, fn, tp = (
        (int(v) for v in confusion_matrix(y, p, labels=[0, 1]).ravel()) if n else (0, 0, 0, 0)
    )
    out = {
        "true_positives": Metric(tp, n),
        "false_positives": Metric(fp, n),
        "true_negatives": Metric(tn, n),
        "false_negatives": Metric(fn, n),
    }
    single = n > 0 and (tp + fn == 0 or tn + fp == 0)

    def ratio(ok: bool, fn_value: Callable[[], float], name: str) -> None:
        if n == 0:
            out[name] = Metric(None, 0, NO_LABELS)
        elif not ok:
            out[name] = Metric(None, n, SINGLE_OR_ZERO if single else ZERO)
        else:
            out[name] = _defined(_quiet(fn_value), n)

    ratio(True, lambda: accuracy_score(y, p), "accuracy")
    ratio(tp + fp > 0, lambda: precision_score(y, p, zero_division=np.nan), "precision")
    ratio(tp + fn > 0, lambda: recall_score(y, p, zero_division=np.nan), "recall")
    ratio(2 * tp + fp + fn > 0, lambda: f1_score(y, p, zero_division=np.nan), "f1")
    ratio(tn + fp > 0, lambda: recall_score(y, p, pos_label=0, zero_division=np.nan), "specificity")
    ratio(tn + fp > 0, lambda: fp / (fp + tn), "false_positive_rate")
    ratio(
        tp + fn > 0 and tn + fp > 0,
        lambda: _balanced_accuracy(y, p),
        "balanced_accuracy",
    )
    ratio(
        (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn) > 0,
        lambda: matthews_corrcoef(y, p),
        "matthews_corrcoef",
    )
    ratio(True, lambda: float(np.mean(p)), "positive_prediction_rate")
    ratio(True, lambda: float(np.mean(y)), "prevalence")
    return out


def _balanced_accuracy(y: np.ndarray, p: np.ndarray) -> float:
    from sklearn.metrics import balanced_accuracy_score

    return float(balanced_accuracy_score(y, p))


def calibration_bin(score: np.ndarray, bins: int) -> np.ndarray:
    """clamp(ceil(score * B), 1, B), in float64 as the design writes it."""
    return np.clip(np.ceil(score * bins), 1, bins).astype(int)


def binary_score_metrics(rows: pd.DataFrame, calibration_bins: int) -> dict[str, Metric]:
    """ROC AUC, AP, log loss, Brier, ECE of the labeled rows with a finite score."""
    score = np.array([np.nan if v is None else v for v in rows["score"]], dtype=float)
    keep = rows["label_class"].notna().to_numpy(dtype=bool) & np.isfinite(score)
    y = (rows["label_class"][keep] == "1").to_numpy(dtype=int)
    s = score[keep]
    n = len(y)
    names = (
        "roc_auc",
        "average_precision",
        "log_loss",
        "brier_score",
        "expected_calibration_error",
    )
    if n == 0:
        labeled = int(rows["label_class"].notna().sum())
        return {m: Metric(None, 0, NO_LABELS if labeled == 0 else NO_SCORES) for m in names}
    pos = int(y.sum())
    out = {
        "roc_auc": _defined(roc_auc_score(y, s), n) if 0 < pos < n else Metric(None, n, SINGLE),
        "average_precision": (
            _defined(_quiet(lambda: average_precision_score(y, s)), n)
            if pos > 0
            else Metric(None, n, SINGLE)
        ),
        "log_loss": _defined(log_loss(y, s, labels=[0, 1]), n),
        "brier_score": _defined(_quiet(lambda: brier_score_loss(y, s, pos_label=1)), n),
    }
    b = calibration_bin(s, calibration_bins)
    ece = sum((b == k).sum() / n * abs(s[b == k].mean() - y[b == k].mean()) for k in np.unique(b))
    out["expected_calibration_error"] = _defined(ece, n)
    return out


@dataclass
class CalibrationMap:
    """CBPE's histogram binning of the reference: edges and each bin's probability."""

    edges: np.ndarray
    probability: dict[int, float]  # bin -> reference positive rate, or its mean score

    def __call__(self, score: np.ndarray) -> np.ndarray:
        bins = np.searchsorted(self.edges, score, side="left") + 1
        return np.array([self.probability[int(k)] for k in bins], dtype=float)


def calibration_map(o: Outcomes) -> CalibrationMap:
    """From the whole reference: its score bins (the numerical binning rule, `bins`), the
    positive rate of the labeled rows in each bin, else the bin's mean score."""
    ref = o.reference
    score = np.array([np.nan if v is None else v for v in ref["score"]], dtype=float)
    fin = np.isfinite(score)
    edges = numeric_edges(score[fin].tolist(), o.spec.bins)
    bins = np.searchsorted(edges, score[fin], side="left") + 1
    labels = ref["label_class"][fin].to_numpy(dtype=object)
    probability = {}
    for k in range(1, len(edges) + 2):
        inside = bins == k
        labeled = inside & np.array([v is not None for v in labels], dtype=bool)
        if labeled.any():
            probability[k] = float(np.mean(labels[labeled] == "1"))
        elif inside.any():
            probability[k] = float(np.mean(score[fin][inside]))
    return CalibrationMap(edges, probability)


def cbpe_metrics(rows: pd.DataFrame, cmap: CalibrationMap) -> dict[str, Metric]:
    """CBPE's expected confusion matrix over every scored row, and its five metrics."""
    score = np.array([np.nan if v is None else v for v in rows["score"]], dtype=float)
    keep = np.isfinite(score) & rows["predicted_class"].notna().to_numpy(dtype=bool)
    s = score[keep]
    n = len(s)
    names = ("accuracy", "precision", "recall", "f1", "specificity")
    if n == 0:
        return {m: Metric(None, 0, NO_SCORES) for m in names}
    pp = (rows["predicted_class"][keep] == "1").to_numpy(dtype=bool)
    prob = cmap(s)
    etp, efp = prob[pp].sum(), (1 - prob[pp]).sum()
    efn, etn = prob[~pp].sum(), (1 - prob[~pp]).sum()

    def div(num: float, den: float) -> Metric:
        return Metric(None, n, ZERO) if den == 0 else _defined(num / den, n)

    return {
        "accuracy": div(etp + etn, n),
        "precision": div(etp, etp + efp),
        "recall": div(etp, etp + efn),
        "f1": div(2 * etp, 2 * etp + efp + efn),
        "specificity": div(etn, etn + efp),
    }


MULTICLASS_AVERAGES = ("macro", "weighted", "micro")


def multiclass_metrics(rows: pd.DataFrame) -> dict[tuple[str, str | None], Metric]:
    """(metric_name, class_label) -> metric: accuracy, per class and averaged P/R/F1, support."""
    keep = rows["label_class"].notna() & rows["predicted_class"].notna()
    sub = rows[keep.to_numpy(dtype=bool)]
    y, p = sub["label_class"].tolist(), sub["predicted_class"].tolist()
    n = len(y)
    out: dict[tuple[str, str | None], Metric] = {}
    if n == 0:
        out[("accuracy", None)] = Metric(None, 0, NO_LABELS)
        for avg in MULTICLASS_AVERAGES:
            for m in ("precision", "recall", "f1"):
                out[(f"{m}_{avg}", None)] = Metric(None, 0, NO_LABELS)
        return out
    out[("accuracy", None)] = _defined(accuracy_score(y, p), n)
    classes = sorted(set(y) | set(p))
    prec, rec, f1, support = _quiet(
        lambda: precision_recall_fscore_support(y, p, labels=classes, zero_division=np.nan)
    )
    for i, c in enumerate(classes):
        alt = frozenset({n})  # the design says "rows the metric used": support or the group
        for name, v in (("precision", prec[i]), ("recall", rec[i]), ("f1", f1[i])):
            out[(name, c)] = (
                Metric(None, int(support[i]), ZERO, alt)
                if math.isnan(v)
                else Metric(float(v), int(support[i]), labeled_counts=alt)
            )
        out[("support", c)] = Metric(float(support[i]), int(support[i]), labeled_counts=alt)
    for avg in MULTICLASS_AVERAGES:
        values = _quiet(
            lambda avg=avg: precision_recall_fscore_support(
                y, p, labels=classes, average=avg, zero_division=np.nan
            )
        )
        for m, v in zip(("precision", "recall", "f1"), values[:3], strict=True):
            out[(f"{m}_{avg}", None)] = (
                Metric(None, n, ZERO) if v is None or math.isnan(v) else Metric(float(v), n)
            )
    return out


def regression_metrics(rows: pd.DataFrame) -> dict[str, Metric]:
    """MAE, MSE, RMSE, R2, MAPE, mean error of the rows with a finite label and prediction."""
    y = np.array([np.nan if v is None else v for v in rows["label_value"]], dtype=float)
    f = np.array([np.nan if v is None else v for v in rows["predicted_value"]], dtype=float)
    keep = np.isfinite(y) & np.isfinite(f)
    y, f = y[keep], f[keep]
    n = len(y)
    names = ("mae", "mse", "rmse", "r2", "mape", "mean_error")
    if n == 0:
        return {m: Metric(None, 0, NO_LABELS) for m in names}
    constant = bool(np.all(y == y[0]))
    return {
        "mae": _defined(mean_absolute_error(y, f), n),
        "mse": _defined(mean_squared_error(y, f), n),
        "rmse": _defined(root_mean_squared_error(y, f), n),
        "r2": Metric(None, n, CONSTANT_LABELS) if constant else _defined(r2_score(y, f), n),
        "mape": _defined(mean_absolute_percentage_error(y, f), n),
        "mean_error": _defined(np.mean(f - y), n),
    }


# ------------------------------------------------------------------ expected tables


@dataclass
class ExpectedOutcomes:
    """Every expected outcome table, keyed as the tests key the warehouse rows."""

    performance: Rows = field(default_factory=dict)
    calibration: Rows = field(default_factory=dict)
    confusion: Rows = field(default_factory=dict)
    residuals: Rows = field(default_factory=dict)
    fairness: Rows = field(default_factory=dict)
    outcomes: dict[str, Outcomes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _performance(o: Outcomes, exp: ExpectedOutcomes) -> None:
    spec = o.spec
    cmap = calibration_map(o) if o.has_score else None
    if cmap is not None and len(cmap.probability) < len(cmap.edges) + 1:
        exp.notes.append(f"{spec.name}: a reference score bin is empty (CBPE undefined there)")
    for key, rows in groups(o):
        metrics: dict[tuple[str, str, str | None], Metric] = {}
        if spec.task == "binary":
            for name, m in binary_count_metrics(rows).items():
                metrics[("realized", name, None)] = m
            if o.has_score:
                for name, m in binary_score_metrics(rows, spec.bins_for_calibration).items():
                    metrics[("realized", name, None)] = m
                for name, m in cbpe_metrics(rows, cmap).items():  # type: ignore[arg-type]
                    metrics[("estimated", name, None)] = m
        elif spec.task == "multiclass":
            for (name, cls), m in multiclass_metrics(rows).items():
                metrics[("realized", name, cls)] = m
        else:
            for name, m in regression_metrics(rows).items():
                metrics[("realized", name, None)] = m
        for mk, m in metrics.items():
            exp.performance[(*key, *mk)] = m.row()


def _calibration(o: Outcomes, exp: ExpectedOutcomes) -> None:
    b_total = o.spec.bins_for_calibration
    for key, rows in groups(o):
        score = np.array([np.nan if v is None else v for v in rows["score"]], dtype=float)
        keep = rows["label_class"].notna().to_numpy(dtype=bool) & np.isfinite(score)
        s = score[keep]
        y = (rows["label_class"][keep] == "1").to_numpy(dtype=float)
        b = calibration_bin(s, b_total)
        for k in range(1, b_total + 1):
            inside = b == k
            count = int(inside.sum())
            exp.calibration[(*key, k)] = {
                "lower_bound": (k - 1) / b_total,
                "upper_bound": k / b_total,
                "prediction_count": count,
                "mean_prediction": float(s[inside].mean()) if count else None,
                "observed_rate": float(y[inside].mean()) if count else None,
            }


def _confusion(o: Outcomes, exp: ExpectedOutcomes) -> None:
    for key, rows in groups(o):
        keep = rows["label_class"].notna() & rows["predicted_class"].notna()
        sub = rows[keep.to_numpy(dtype=bool)]
        counts = Counter(zip(sub["label_class"], sub["predicted_class"], strict=True))
        classes = sorted(set(sub["label_class"]) | set(sub["predicted_class"]))
        for a in classes:
            for p in classes:
                exp.confusion[(*key, a, p)] = {"row_count": counts.get((a, p), 0)}


def residual_edges(o: Outcomes) -> np.ndarray:
    """The reference's residual (prediction - label) edges by the numerical binning rule."""
    ref = o.reference
    y = np.array([np.nan if v is None else v for v in ref["label_value"]], dtype=float)
    f = np.array([np.nan if v is None else v for v in ref["predicted_value"]], dtype=float)
    r = f - y
    return numeric_edges(r[np.isfinite(r)].tolist(), o.spec.bins)


def _residuals(o: Outcomes, exp: ExpectedOutcomes) -> None:
    edges = residual_edges(o)
    bounds = [None, *edges.tolist(), None]
    for key, rows in groups(o):
        y = np.array([np.nan if v is None else v for v in rows["label_value"]], dtype=float)
        f = np.array([np.nan if v is None else v for v in rows["predicted_value"]], dtype=float)
        r = (f - y)[np.isfinite(f - y)]
        idx = np.searchsorted(edges, r, side="left") + 1
        for k in range(1, len(edges) + 2):
            count = int((idx == k).sum())
            exp.residuals[(*key, k)] = {
                "lower_bound": bounds[k - 1],
                "upper_bound": bounds[k],
                "bin_count": count,
                "bin_share": count / len(r) if len(r) else None,
            }


FAIRNESS = {
    "demographic_parity_difference": "positive_prediction_rate",
    "equal_opportunity_difference": "recall",
    "false_positive_rate_difference": "false_positive_rate",
}


def _fairness(o: Outcomes, exp: ExpectedOutcomes) -> None:
    """Max - min of a realized metric across one slice column's values (defined values only)."""
    if o.spec.task != "binary" or not o.spec.slices:
        return
    per: dict[tuple, list[tuple[Any, float]]] = {}
    for key, row in exp.performance.items():
        (mon, kind, ws, version, sk, sv, source, name, _cls) = key
        if mon != o.spec.name or kind != "current" or sk is None or source != "realized":
            continue
        for fair, metric in FAIRNESS.items():
            if metric == name:
                per.setdefault((mon, ws, version, sk, fair), [])
                if row["metric_value"] is not None:
                    per[(mon, ws, version, sk, fair)].append((sv, row["metric_value"]))
    for key, values in per.items():
        if not values:
            exp.fairness[key] = {
                "metric_value": None,
                "slice_count": 0,
                "min_slices": frozenset(),
                "max_slices": frozenset(),
            }
            continue
        lo = min(v for _, v in values)
        hi = max(v for _, v in values)
        exp.fairness[key] = {
            "metric_value": hi - lo,
            "slice_count": len(values),
            "min_slices": frozenset(s for s, v in values if v == lo),
            "max_slices": frozenset(s for s, v in values if v == hi),
        }


def expected_outcomes(scenario: Scenario) -> ExpectedOutcomes:
    """Every expected outcome table of the scenario's monitors."""
    exp = ExpectedOutcomes()
    for spec in scenario.monitors:
        assert isinstance(spec, OutcomeMonitor)
        if spec.labels is None:
            continue
        o = outcomes(spec, scenario)
        exp.outcomes[spec.name] = o
        _performance(o, exp)
        if o.has_score:
            _calibration(o, exp)
        if spec.task in ("binary", "multiclass"):
            _confusion(o, exp)
        if spec.task == "regression":
            _residuals(o, exp)
        _fairness(o, exp)
    return exp


# ------------------------------------------------------------------ keys and comparison


def _group(r: dict[str, Any]) -> Key:
    return (
        r["monitor_name"],
        r["window_kind"],
        ts(r["window_start"]),
        r["model_version"],
        r["slice_key"],
        r["slice_value"],
    )


def performance_key(r: dict[str, Any]) -> Key:
    """The group, metric_source, metric_name, class_label of a monitor_performance row."""
    return (*_group(r), r["metric_source"], r["metric_name"], r["class_label"])


def calibration_key(r: dict[str, Any]) -> Key:
    """The group and bin_index of a monitor_calibration row."""
    return (*_group(r), int(r["bin_index"]))


def confusion_key(r: dict[str, Any]) -> Key:
    """The group, actual_class and predicted_class of a monitor_confusion_matrix row."""
    return (*_group(r), r["actual_class"], r["predicted_class"])


def residual_key(r: dict[str, Any]) -> Key:
    """The group and bin_index of a monitor_residuals row."""
    return (*_group(r), int(r["bin_index"]))


def fairness_key(r: dict[str, Any]) -> Key:
    """(monitor, window_start, version, slice_key, metric_name) of a monitor_fairness row."""
    return (
        r["monitor_name"],
        ts(r["window_start"]),
        r["model_version"],
        r["slice_key"],
        r["metric_name"],
    )


def diff_performance(expected: Rows, actual: Rows) -> list[str]:
    """metric_value to 1e-9, labeled_count, and NULL only with an accepted undefined_reason."""
    problems = []
    for key in sorted(expected.keys() & actual.keys(), key=repr):
        e, a = expected[key], actual[key]
        if not same(e["metric_value"], a["metric_value"]):
            problems.append(
                f"{key}: metric_value expected {e['metric_value']!r}, got {a['metric_value']!r}"
                f" (undefined_reason {a['undefined_reason']!r})"
            )
            continue
        if a["labeled_count"] not in e["labeled_counts"]:
            problems.append(
                f"{key}: labeled_count expected {sorted(e['labeled_counts'])}, "
                f"got {a['labeled_count']!r}"
            )
        if e["metric_value"] is None and a["undefined_reason"] not in e["reasons"]:
            problems.append(
                f"{key}: undefined_reason expected one of {sorted(e['reasons'])}, "
                f"got {a['undefined_reason']!r}"
            )
        if e["metric_value"] is not None and a["undefined_reason"] is not None:
            problems.append(f"{key}: a defined value carries reason {a['undefined_reason']!r}")
    return problems


def index_actual(rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Key]) -> Rows:
    """Rows by key; a duplicate key is an error."""
    out: Rows = {}
    for r in rows:
        k = key(r)
        if k in out:
            raise AssertionError(f"duplicate row {k}")
        out[k] = r
    return out
