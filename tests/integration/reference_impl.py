"""An independent numpy/scipy/pandas implementation of docs/design.md, from the raw frames.

It shares nothing with the SQL: bins come from `np.searchsorted(side="left")` on inverted-CDF
edges, statistics from scipy, data-quality counts from pandas. Every expected table is a dict
from a row key to the row's fields, with ``None`` where the design says NULL.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr
from scipy.stats import chi2_contingency, ks_2samp, wasserstein_distance

from .data import DOUBLE, TEXT, MonitorSpec, Scenario

DEFAULT_EPSILON = 0.0001
GRAINS = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1), "week": pd.Timedelta(weeks=1)}

WS = "__window_start"
VERSION = "__version"
ID = "__id"
TS = "__ts"


@dataclass(frozen=True)
class Column:
    """A monitored column."""

    name: str
    role: str
    kind: str  # numerical | categorical


@dataclass(frozen=True)
class Bin:
    """One bin of a column: index 0 is the NULL bucket."""

    index: int
    type: str  # null | range | category | other
    lower: float | None = None
    upper: float | None = None
    category: str | None = None


@dataclass
class ColumnBins:
    """A column's bins and the rule that puts a value in one of them."""

    column: Column
    bins: list[Bin]
    edges: np.ndarray = field(default_factory=lambda: np.empty(0))
    top: dict[str, int] = field(default_factory=dict)

    @property
    def value_bins(self) -> list[Bin]:
        """Every bin but the NULL bucket."""
        return [b for b in self.bins if b.index > 0]

    def assign(self, values: list[Any]) -> np.ndarray:
        """Bin index of each value; -1 for NaN and infinities (they fall in no bin)."""
        out = np.full(len(values), -1, dtype=np.int64)
        if self.column.kind == "numerical":
            x, null = numeric(values)
            fin = finite_mask(x, null)
            out[null] = 0
            out[fin] = np.searchsorted(self.edges, x[fin], side="left") + 1
            return out
        other = len(self.bins) - 1
        for i, v in enumerate(values):
            out[i] = 0 if v is None else self.top.get(v, other)
        return out


def numeric(values: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(values as float64 with NaN for NULL, NULL mask)."""
    null = np.array([v is None for v in values], dtype=bool)
    x = np.array([math.nan if v is None else float(v) for v in values], dtype=np.float64)
    return x, null


def finite_mask(x: np.ndarray, null: np.ndarray) -> np.ndarray:
    """Finite = not NULL, not NaN, not +/-inf."""
    return ~null & np.isfinite(x)


def value_mask(column: Column, values: list[Any]) -> np.ndarray:
    """Values that count as 'non-null finite' for the column's kind."""
    if column.kind == "numerical":
        x, null = numeric(values)
        return finite_mask(x, null)
    return np.array([v is not None for v in values], dtype=bool)


def finite_values(values: list[Any]) -> np.ndarray:
    """The finite numerical values."""
    x, null = numeric(values)
    return x[finite_mask(x, null)]


def numeric_edges(reference_values: list[Any], bins: int) -> np.ndarray:
    """e_i = r_(ceil(i*n/B)), i = 1..B-1, duplicates collapsed."""
    r = np.sort(finite_values(reference_values))
    n = len(r)
    if n == 0:
        return np.empty(0)
    ranks = [-(-i * n // bins) for i in range(1, bins)]  # exact ceil(i*n/B)
    return np.unique(r[[k - 1 for k in ranks]])


def column_bins(column: Column, reference_values: list[Any], bins: int, top_k: int) -> ColumnBins:
    """The documented binning rule, from the whole reference."""
    if column.kind == "numerical":
        edges = numeric_edges(reference_values, bins)
        out = [Bin(0, "null")]
        bounds = [None, *edges.tolist(), None]
        for k in range(len(edges) + 1):
            out.append(Bin(k + 1, "range", bounds[k], bounds[k + 1]))
        return ColumnBins(column, out, edges=edges)
    counts = pd.Series([v for v in reference_values if v is not None], dtype=object).value_counts()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]
    top = {value: i + 1 for i, (value, _) in enumerate(ranked)}
    out = [Bin(0, "null")] + [Bin(i, "category", category=v) for v, i in top.items()]
    out.append(Bin(len(top) + 1, "other"))
    return ColumnBins(column, out, top=top)


def monitored_columns(spec: MonitorSpec, scenario: Scenario) -> list[Column]:
    """Features (listed, mapped or inferred), then score, prediction, label."""
    types = scenario.tables[spec.predictions].columns
    kind_of = {DOUBLE: "numerical", TEXT: "categorical"}
    if spec.features is None:
        used = {
            spec.id_column,
            spec.timestamp_column,
            spec.model_version_column,
            spec.prediction_column,
            spec.score_column,
            *spec.slices,
        }
        features = [(c, kind_of[t]) for c, t in types.items() if c not in used]
    elif isinstance(spec.features, dict):
        features = list(spec.features.items())
    else:
        features = [(c, kind_of[types[c]]) for c in spec.features]
    cols = [Column(name, "feature", kind) for name, kind in features]
    target_kind = "numerical" if spec.task == "regression" else "categorical"
    if spec.score_column:
        cols.append(Column(spec.score_column, "score", "numerical"))
    if spec.prediction_column:
        cols.append(Column(spec.prediction_column, "prediction", target_kind))
    if spec.labels:
        cols.append(Column(spec.labels.label_column, "label", target_kind))
    return cols


def window_start(ts: pd.Series, grain: str) -> pd.Series:
    """date_trunc(grain, ts); weeks start on Monday."""
    ts = pd.to_datetime(ts)
    if grain == "hour":
        return ts.dt.floor("h")
    day = ts.dt.floor("D")
    if grain == "day":
        return day
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


@dataclass
class Prepared:
    """A monitor's current rows, reference rows and bins, as the design defines them."""

    spec: MonitorSpec
    columns: list[Column]
    current: pd.DataFrame
    reference: pd.DataFrame
    bins: dict[str, ColumnBins]
    reference_start: pd.Timestamp | None
    reference_end: pd.Timestamp | None

    @property
    def grain(self) -> pd.Timedelta:
        """One window."""
        return GRAINS[self.spec.grain]


def prepare(spec: MonitorSpec, scenario: Scenario) -> Prepared:
    """Join labels, compute windows and versions, pick the reference, bin it."""
    columns = monitored_columns(spec, scenario)
    pred = scenario.tables[spec.predictions].frame
    cur = pd.DataFrame(index=pred.index)
    cur[ID] = pred[spec.id_column]
    cur[TS] = pd.to_datetime(pred[spec.timestamp_column].tolist())
    cur[WS] = window_start(cur[TS], spec.grain)
    versions = pred[spec.model_version_column] if spec.model_version_column else None
    cur[VERSION] = pd.Series(
        [None if versions is None else versions[i] for i in pred.index],
        index=pred.index,
        dtype=object,
    )
    for s in spec.slices:
        cur[s] = pred[s]
    for c in columns:
        if c.role != "label":
            cur[c.name] = pred[c.name]
    if spec.labels:
        lab = scenario.tables[spec.labels.table].frame
        lid = spec.labels.id_column or spec.id_column
        if spec.labels.timestamp_column:  # only the latest label of an id counts
            lab = lab.assign(__at=pd.to_datetime(lab[spec.labels.timestamp_column].tolist()))
            lab = lab.sort_values("__at", kind="stable")
        by_id = dict(zip(lab[lid], lab[spec.labels.label_column], strict=True))  # last wins
        cur[spec.labels.label_column] = pd.Series(
            [by_id.get(i) for i in cur[ID]], index=cur.index, dtype=object
        )
    ref_start = ref_end = None
    if spec.reference.between is not None:
        ref_start, ref_end = (pd.Timestamp(x) for x in spec.reference.between)
        ref = cur[(cur[TS] >= ref_start) & (cur[TS] < ref_end)].copy()
    else:
        raw = scenario.tables[spec.reference.table].frame  # type: ignore[index]
        ref = pd.DataFrame(index=raw.index)
        for s in spec.slices:
            ref[s] = raw[s]
        for c in columns:
            source = spec.reference.label_column if c.role == "label" else c.name
            ref[c.name] = (
                raw[source]
                if source is not None and source in raw.columns
                else pd.Series([None] * len(raw), index=raw.index, dtype=object)
            )
    bins = {c.name: column_bins(c, ref[c.name].tolist(), spec.bins, spec.top_k) for c in columns}
    return Prepared(spec, columns, cur, ref, bins, ref_start, ref_end)


def slice_groups(
    frame: pd.DataFrame, slices: tuple[str, ...]
) -> Iterator[tuple[str | None, str | None, pd.DataFrame]]:
    """The whole population, then one subset per slice column and value (NULL included)."""
    yield None, None, frame
    for s in slices:
        values = frame[s]
        for v in dict.fromkeys(values.tolist()):
            mask = values.isna() if v is None else values == v
            yield s, v, frame[mask.to_numpy(dtype=bool)]


def current_groups(p: Prepared) -> Iterator[tuple[pd.Timestamp, str | None, pd.DataFrame]]:
    """(window_start, model_version, rows) for every window/version with predictions."""
    keys = list(zip(p.current[WS], p.current[VERSION], strict=True))
    for key in dict.fromkeys(keys):
        mask = np.array([k == key for k in keys], dtype=bool)
        yield key[0], key[1], p.current[mask]


def window_spine(p: Prepared) -> list[pd.Timestamp]:
    """Every window start from the first to the last prediction."""
    first, last = p.current[WS].min(), p.current[WS].max()
    return list(pd.date_range(first, last, freq=p.grain))


def _share(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


# ---------------------------------------------------------------- monitor_reference_bins


def expected_reference_bins(p: Prepared) -> dict[tuple, dict[str, Any]]:
    """(monitor, column, bin_index) -> row."""
    out: dict[tuple, dict[str, Any]] = {}
    for c in p.columns:
        cb = p.bins[c.name]
        values = p.reference[c.name].tolist()
        idx = cb.assign(values)
        n_values = int(value_mask(c, values).sum())
        for b in cb.bins:
            count = int((idx == b.index).sum())
            out[(p.spec.name, c.name, b.index)] = {
                "column_role": c.role,
                "column_kind": c.kind,
                "bin_type": b.type,
                "lower_bound": b.lower,
                "upper_bound": b.upper,
                "category": b.category,
                "reference_count": count,
                "reference_share": None if b.index == 0 else _share(count, n_values),
            }
    return out


# ---------------------------------------------------------------- monitor_distributions


def _distribution_rows(
    p: Prepared, key: tuple, frame: pd.DataFrame, out: dict[tuple, dict[str, Any]]
) -> None:
    rows = len(frame)
    for c in p.columns:
        cb = p.bins[c.name]
        values = frame[c.name].tolist()
        idx = cb.assign(values)
        n_values = int(value_mask(c, values).sum())
        for b in cb.bins:
            count = int((idx == b.index).sum())
            out[(*key, c.name, b.index)] = {
                "column_role": c.role,
                "column_kind": c.kind,
                "bin_type": b.type,
                "lower_bound": b.lower,
                "upper_bound": b.upper,
                "category": b.category,
                "bin_count": count,
                "bin_share": _share(count, rows),
                "value_share": None if b.index == 0 else _share(count, n_values),
            }


def expected_distributions(p: Prepared) -> dict[tuple, dict[str, Any]]:
    """(monitor, is_reference, window_start, version, slice_key, slice_value, column, bin)."""
    out: dict[tuple, dict[str, Any]] = {}
    for ws, version, frame in current_groups(p):
        for sk, sv, sub in slice_groups(frame, p.spec.slices):
            _distribution_rows(p, (p.spec.name, False, ws, version, sk, sv), sub, out)
    for sk, sv, sub in slice_groups(p.reference, p.spec.slices):
        _distribution_rows(p, (p.spec.name, True, p.reference_start, None, sk, sv), sub, out)
    return out


# ---------------------------------------------------------------- monitor_drift

DRIFT_METRICS = (
    "psi",
    "chi_square",
    "chi_square_dof",
    "js_distance",
    "hellinger",
    "kl_divergence",
    "tv_distance",
    "l_infinity",
    "ks_statistic",
    "wasserstein",
    "wasserstein_normed",
)


def drift_metrics(
    cb: ColumnBins, ref_values: list[Any], cur_values: list[Any], epsilon: float
) -> dict[str, Any]:
    """The drift row of one column: counts and every statistic, from raw values."""
    c = cb.column
    value_bins = [b.index for b in cb.value_bins]
    ref_idx, cur_idx = cb.assign(ref_values), cb.assign(cur_values)
    ref_counts = np.array([(ref_idx == i).sum() for i in value_bins], dtype=np.float64)
    cur_counts = np.array([(cur_idx == i).sum() for i in value_bins], dtype=np.float64)
    row: dict[str, Any] = {
        "reference_count": int(ref_counts.sum()),
        "current_count": int(cur_counts.sum()),
        "bin_count": len(value_bins),
    }
    row.update(dict.fromkeys(DRIFT_METRICS))
    if ref_counts.sum() == 0 or cur_counts.sum() == 0:
        return row
    p, q = ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum()
    pe, qe = np.where(p > 0, p, epsilon), np.where(q > 0, q, epsilon)
    keep = (ref_counts + cur_counts) > 0
    chi = chi2_contingency(np.vstack([ref_counts[keep], cur_counts[keep]]), correction=False)
    row.update(
        psi=float(np.sum((qe - pe) * np.log(qe / pe))),
        chi_square=float(chi.statistic),
        chi_square_dof=int(chi.dof),
        js_distance=float(jensenshannon(p, q, base=2)),
        hellinger=float(np.sqrt(0.5 * np.sum((np.sqrt(p) - np.sqrt(q)) ** 2))),
        kl_divergence=float(np.sum(rel_entr(q, pe))),
        tv_distance=float(0.5 * np.sum(np.abs(p - q))),
        l_infinity=float(np.max(np.abs(p - q))),
    )
    if c.kind == "numerical":
        r, u = finite_values(ref_values), finite_values(cur_values)
        w = float(wasserstein_distance(r, u))
        sd = float(np.std(r, ddof=0))
        row.update(
            ks_statistic=float(ks_2samp(r, u).statistic),
            wasserstein=w,
            wasserstein_normed=None if sd == 0 else w / sd,
        )
    return row


def _reference_slice(p: Prepared, slice_key: str | None, slice_value: str | None) -> pd.DataFrame:
    if slice_key is None:
        return p.reference
    values = p.reference[slice_key]
    mask = values.isna() if slice_value is None else values == slice_value
    return p.reference[mask.to_numpy(dtype=bool)]


def expected_drift(p: Prepared, epsilon: float) -> dict[tuple, dict[str, Any]]:
    """(monitor, window_start, version, slice_key, slice_value, column) -> row."""
    out: dict[tuple, dict[str, Any]] = {}
    for ws, version, frame in current_groups(p):
        for sk, sv, sub in slice_groups(frame, p.spec.slices):
            ref = _reference_slice(p, sk, sv)
            for c in p.columns:
                out[(p.spec.name, ws, version, sk, sv, c.name)] = drift_metrics(
                    p.bins[c.name], ref[c.name].tolist(), sub[c.name].tolist(), epsilon
                )
    return out


# ---------------------------------------------------------------- monitor_data_quality


def _column_quality(c: Column, series: pd.Series, reference: pd.Series) -> dict[str, Any]:
    """Column-scope data-quality metrics with pandas."""
    rows = len(series)
    null = series.map(lambda v: v is None).astype(bool)
    row: dict[str, Any] = {
        "row_count": rows,
        "null_count": int(null.sum()),
        "null_rate": _share(int(null.sum()), rows),
    }
    if c.kind == "numerical":
        x = pd.to_numeric(series[~null], errors="raise").astype("float64")
        fin = x[np.isfinite(x.to_numpy())]
        ref = pd.Series(finite_values(reference.tolist()), dtype="float64")
        ref_min, ref_max = (ref.min(), ref.max()) if len(ref) else (None, None)
        row.update(
            nan_count=int(len(x) - len(fin)),
            distinct_count=int(fin.nunique()),
            min_value=None if fin.empty else float(fin.min()),
            max_value=None if fin.empty else float(fin.max()),
            mean_value=None if fin.empty else float(fin.mean()),
            stddev_value=None if len(fin) < 2 else float(fin.std(ddof=1)),
            out_of_range_count=(
                0 if ref_min is None else int(((fin < ref_min) | (fin > ref_max)).sum())
            ),
            unseen_category_count=None,
        )
    else:
        values = series[~null]
        seen = set(reference.dropna().tolist())
        row.update(
            nan_count=None,
            distinct_count=int(values.nunique()),
            min_value=None,
            max_value=None,
            mean_value=None,
            stddev_value=None,
            out_of_range_count=None,
            unseen_category_count=int((~values.isin(seen)).sum()),
        )
    return row


def expected_quality(
    p: Prepared,
) -> tuple[dict[tuple, dict[str, Any]], dict[tuple, dict[str, Any]]]:
    """Window-scope rows keyed (monitor, window_start, version, slice_key, slice_value) and
    column-scope rows keyed by the same plus the column name."""
    windows: dict[tuple, dict[str, Any]] = {}
    columns: dict[tuple, dict[str, Any]] = {}
    for ws, version, frame in current_groups(p):
        for sk, sv, sub in slice_groups(frame, p.spec.slices):
            key = (p.spec.name, ws, version, sk, sv)
            n = len(sub)
            windows[key] = {
                "row_count": n,
                "prediction_count": n,
                "duplicate_id_count": n - int(sub[ID].nunique()),
            }
            for c in p.columns:
                columns[(*key, c.name)] = _column_quality(c, sub[c.name], p.reference[c.name])
    return windows, columns


@dataclass
class Expected:
    """Every expected table of a scenario, plus the prepared monitors."""

    prepared: dict[str, Prepared]
    reference_bins: dict[tuple, dict[str, Any]]
    distributions: dict[tuple, dict[str, Any]]
    drift: dict[tuple, dict[str, Any]]
    quality_windows: dict[tuple, dict[str, Any]]
    quality_columns: dict[tuple, dict[str, Any]]


def expected_tables(scenario: Scenario) -> Expected:
    """Compute every expected table of the scenario."""
    epsilon = scenario.epsilon if scenario.epsilon is not None else DEFAULT_EPSILON
    exp = Expected({}, {}, {}, {}, {}, {})
    for spec in scenario.monitors:
        p = prepare(spec, scenario)
        exp.prepared[spec.name] = p
        exp.reference_bins.update(expected_reference_bins(p))
        exp.distributions.update(expected_distributions(p))
        exp.drift.update(expected_drift(p, epsilon))
        w, c = expected_quality(p)
        exp.quality_windows.update(w)
        exp.quality_columns.update(c)
    return exp
