"""Seeded random scenarios: raw tables and the monitors config that watches them.

Every frame holds Python objects (``None`` for NULL, ``float('nan')``/``inf`` as themselves) so
that NULL and NaN stay distinct all the way into the warehouse and into the reference
implementation. Three monitors of three sizes cover the edge cases of the issue: ties, NULL,
NaN and infinities, an all-NULL column, a single-valued column, empty windows, unseen
categories, values with quotes and unicode, and column names that need quoting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

DOUBLE = "double"
TEXT = "text"
TIMESTAMP = "timestamp"

NAN = float("nan")
INF = float("inf")

# Names that must be quoted in SQL: spaces, mixed case, reserved words.
ORDER_AMOUNT = "Order Amount"
CUSTOMER_TIER = "Customer Tier"
EMPTY_COL = "EmptyCol"
SALE_ID = "Sale ID"
ONLY_NAN = "Only NaN"
RESERVED_SELECT = "select"

# Reference counts are built so that four plan values tie for the second place; top_k = 4
# keeps the most frequent one and the three smallest of the tied values (bytewise order).
PLAN_LEADER = "basic"
PLAN_TIED = ("O'Brien", "café", "pro", "日本語")
# 'cafe' + U+0301 is not 'café' (U+00E9) and 'pro ' is not 'pro': compared bytewise.
PLAN_RARE = ('say "hi"', "a,b", "back\\slash", "enterprise", "🙂 emoji", "cafe\u0301", "pro ")
PLAN_UNSEEN = ("unseen-1", "ünseen ☃", "it's new", "")


@dataclass(frozen=True)
class Table:
    """A raw table: ordered column types and the rows as an object-typed DataFrame."""

    name: str
    columns: dict[str, str]
    frame: pd.DataFrame

    def rows(self) -> list[tuple[Any, ...]]:
        """The rows as tuples of Python values, in column order."""
        cols = [self.frame[c].tolist() for c in self.columns]
        return list(zip(*cols, strict=True)) if cols else []


@dataclass(frozen=True)
class LabelsSpec:
    """The `labels:` block of a monitor."""

    table: str
    label_column: str
    id_column: str | None = None
    timestamp_column: str | None = None  # with it, only the latest label of an id counts


@dataclass(frozen=True)
class ReferenceSpec:
    """The `reference:` block: a relation or a `between` range of the predictions."""

    table: str | None = None
    between: tuple[str, str] | None = None
    label_column: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class MonitorSpec:
    """One monitor as the tests configure it; `to_config` renders the dbt var entry."""

    name: str
    task: str
    predictions: str
    id_column: str
    timestamp_column: str
    reference: ReferenceSpec
    model_version_column: str | None = None
    prediction_column: str | None = None
    score_column: str | None = None
    features: tuple[str, ...] | dict[str, str] | None = None
    labels: LabelsSpec | None = None
    window_grain: str | None = None
    slices: tuple[str, ...] = ()
    bins: int = 10
    top_k: int = 20
    lookback_windows: int = 1
    drift_method: str | None = None  # exact | binned; None leaves the package default
    performance_method: str | None = None
    grid_cells: int | None = None
    distinct_count_method: str | None = None  # exact | approximate

    @property
    def grain(self) -> str:
        """The window grain with its documented default."""
        return self.window_grain or "day"

    def to_config(self, raw_schema: str) -> dict[str, Any]:
        """The monitor's entry of `vars.model_monitor.monitors`."""
        cfg: dict[str, Any] = {
            "name": self.name,
            "predictions": f"{raw_schema}.{self.predictions}",
            "id_column": self.id_column,
            "timestamp_column": self.timestamp_column,
            "task": self.task,
            "bins": self.bins,
            "top_k": self.top_k,
            "lookback_windows": self.lookback_windows,
        }
        if self.window_grain is not None:
            cfg["window_grain"] = self.window_grain
        for key in ("drift_method", "performance_method", "grid_cells", "distinct_count_method"):
            if getattr(self, key) is not None:
                cfg[key] = getattr(self, key)
        for key in ("model_version_column", "prediction_column", "score_column"):
            if getattr(self, key) is not None:
                cfg[key] = getattr(self, key)
        if self.features is not None:
            cfg["features"] = (
                dict(self.features) if isinstance(self.features, dict) else list(self.features)
            )
        if self.slices:
            cfg["slices"] = list(self.slices)
        if self.labels is not None:
            labels: dict[str, Any] = {
                "relation": f"{raw_schema}.{self.labels.table}",
                "label_column": self.labels.label_column,
            }
            if self.labels.id_column is not None:
                labels["id_column"] = self.labels.id_column
            if self.labels.timestamp_column is not None:
                labels["timestamp_column"] = self.labels.timestamp_column
            cfg["labels"] = labels
        ref: dict[str, Any] = {}
        if self.reference.table is not None:
            ref["relation"] = f"{raw_schema}.{self.reference.table}"
        if self.reference.between is not None:
            ref["between"] = list(self.reference.between)
        if self.reference.label_column is not None:
            ref["label_column"] = self.reference.label_column
        if self.reference.version is not None:
            ref["version"] = self.reference.version
        cfg["reference"] = ref
        return cfg


@dataclass
class Scenario:
    """Raw tables plus the monitors over them."""

    tables: dict[str, Table]
    monitors: list[MonitorSpec]
    epsilon: float | None = None
    seed: int = 0
    notes: dict[str, Any] = field(default_factory=dict)

    def monitor(self, name: str) -> MonitorSpec:
        """The monitor called `name`."""
        return next(m for m in self.monitors if m.name == name)

    def dbt_vars(self, raw_schema: str) -> dict[str, Any]:
        """The `--vars` payload for dbt."""
        mm: dict[str, Any] = {"monitors": [m.to_config(raw_schema) for m in self.monitors]}
        if self.epsilon is not None:
            mm["epsilon"] = self.epsilon
        return {"model_monitor": mm}


def _frame(columns: dict[str, str], data: dict[str, list[Any]]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(data[c], dtype=object) for c in columns}, dtype=object)


def _sprinkle(rng: np.random.Generator, values: list[Any], rates: dict[str, float]) -> list[Any]:
    """Replace a random share of values by NULL / NaN / +inf / -inf."""
    specials = {"null": None, "nan": NAN, "inf": INF, "-inf": -INF}
    out = list(values)
    u = rng.random(len(out))
    low = 0.0
    for kind, rate in rates.items():
        hit = (u >= low) & (u < low + rate)
        for i in np.flatnonzero(hit):
            out[i] = specials[kind]
        low += rate
    return out


def _choice(rng: np.random.Generator, pool: list[Any], p: list[float], n: int) -> list[Any]:
    idx = rng.choice(len(pool), size=n, p=np.asarray(p) / np.sum(p))
    return [pool[i] for i in idx]


def _timestamps(
    rng: np.random.Generator, starts: list[dt.datetime], span: dt.timedelta, n: int
) -> list[dt.datetime]:
    """n timestamps in the given windows, whole seconds, window boundaries included."""
    secs = int(span.total_seconds())
    out = []
    for i in range(n):
        start = starts[int(rng.integers(len(starts)))]
        if i % 97 == 0:
            offset = 0  # exactly on the window start
        elif i % 89 == 0:
            offset = secs - 1  # the last second of the window
        else:
            offset = int(rng.integers(secs))
        out.append(start + dt.timedelta(seconds=offset))
    return out


def _ids(rng: np.random.Generator, prefix: str, n: int, dup_rate: float) -> list[str]:
    ids = [f"{prefix}{i:05d}" for i in range(n)]
    for i in range(1, n):
        if rng.random() < dup_rate:
            ids[i] = ids[int(rng.integers(i))]
    return ids


def _plan_reference(rng: np.random.Generator, n: int) -> list[Any]:
    """Exact counts: the leader, four tied values, then rarer ones (each below the tie)."""
    tied = max(3, n // 10)
    values: list[Any] = [PLAN_LEADER] * (tied + 1 + n // 10)
    for v in PLAN_TIED:
        values += [v] * tied
    values += [None] * (n // 20)
    rest = max(0, n - len(values))
    per_rare = min(tied - 1, -(-rest // len(PLAN_RARE)))
    for v in PLAN_RARE:
        take = min(per_rare, rest)
        values += [v] * take
        rest -= take
    values += [None] * rest  # whatever the rare values could not take
    rng.shuffle(values)  # type: ignore[arg-type]
    return values


def _churn_labels(
    rng: np.random.Generator, predictions: dict[str, list[Any]]
) -> tuple[dict[str, str], pd.DataFrame]:
    """One label per predicted id some hours after its first prediction; a few ids relabeled
    (earlier or later than the first label: the latest counts); a few orphan labels."""
    first_seen: dict[str, dt.datetime] = {}
    for pid, when in zip(predictions["prediction_id"], predictions["predicted_at"], strict=True):
        first_seen.setdefault(pid, when)
    ids = sorted(first_seen)
    labels = _sprinkle(rng, [str(int(v)) for v in rng.integers(0, 2, len(ids))], {"null": 0.03})
    at = [first_seen[i] + dt.timedelta(hours=int(rng.integers(1, 72))) for i in ids]
    rows = list(zip(ids, labels, at, strict=True))
    for pid, label, when in list(rows):
        if rng.random() < 0.05:
            shift = dt.timedelta(minutes=int(rng.choice([-1, 1]) * rng.integers(1, 600)))
            rows.append((pid, {"0": "1", "1": "0"}.get(label or "", "1"), when + shift))
    rows += [(f"orphan-{k}", "1", dt.datetime(2024, 3, 6)) for k in range(3)]
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    cols = {"prediction_id": TEXT, "label": TEXT, "labeled_at": TIMESTAMP}
    frame = _frame(cols, {c: [r[k] for r in rows] for k, c in enumerate(cols)})
    return cols, frame


def _churn(
    rng: np.random.Generator, n_pred: int, n_ref: int, prefix: str
) -> tuple[dict[str, Table], MonitorSpec]:
    """Binary classifier, daily windows (one day empty), relation reference, two slices."""
    days = [dt.datetime(2024, 3, 4) + dt.timedelta(days=d) for d in range(7)]
    busy = [d for i, d in enumerate(days) if i != 3]  # 2024-03-07 stays empty
    ts = sorted(_timestamps(rng, busy, dt.timedelta(days=1), n_pred))
    day_no = [(t - days[0]).days for t in ts]
    score_raw = np.round(rng.beta(2, 5, n_pred), 2)
    drift = np.array([1.0 + 0.08 * d for d in day_no])
    amount = np.round(rng.lognormal(3.0, 0.8, n_pred) * drift, 1)
    pred_cols = {
        "prediction_id": TEXT,
        "predicted_at": TIMESTAMP,
        "model_version": TEXT,
        "country": TEXT,
        CUSTOMER_TIER: TEXT,
        "score": DOUBLE,
        "predicted_class": TEXT,
        ORDER_AMOUNT: DOUBLE,
        RESERVED_SELECT: DOUBLE,
        "plan": TEXT,
        EMPTY_COL: DOUBLE,
        "constant": DOUBLE,
        "empty_cat": TEXT,
        "ignored_col": TEXT,
    }
    score = _sprinkle(rng, [float(s) for s in score_raw], {"null": 0.03, "nan": 0.01})
    plan_pool = [PLAN_LEADER, *PLAN_TIED, *PLAN_RARE, *PLAN_UNSEEN, None]
    plan_p = [20, 9, 10, 8, 9, 2, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 3]
    data: dict[str, list[Any]] = {
        "prediction_id": _ids(rng, "p", n_pred, 0.02),
        "predicted_at": ts,
        "model_version": ["v1" if d < 2 else str(rng.choice(["v1", "v2"])) for d in day_no],
        "country": _choice(rng, ["DE", "FR", "US", "JP", None], [5, 3, 6, 1, 1], n_pred),
        CUSTOMER_TIER: _choice(rng, ["gold", "silver", "", None], [2, 5, 0.5, 1], n_pred),
        "score": score,
        "predicted_class": [
            None if s is None or s != s else ("1" if s >= 0.5 else "0") for s in score
        ],
        ORDER_AMOUNT: _sprinkle(
            rng, [float(a) for a in amount], {"null": 0.05, "nan": 0.02, "inf": 0.01, "-inf": 0.01}
        ),
        RESERVED_SELECT: _sprinkle(
            rng, [float(v) for v in rng.integers(0, 6, n_pred)], {"null": 0.02}
        ),
        "plan": _choice(rng, plan_pool, plan_p, n_pred),
        EMPTY_COL: [None] * n_pred,
        "constant": _sprinkle(rng, [7.25] * n_pred, {"null": 0.05}),
        "empty_cat": [None] * n_pred,
        "ignored_col": [f"x{i % 7}" for i in range(n_pred)],
    }
    predictions = Table(f"{prefix}_predictions", pred_cols, _frame(pred_cols, data))

    labels = Table(f"{prefix}_labels", *_churn_labels(rng, data))

    ref_score = _sprinkle(
        rng, [float(s) for s in np.round(rng.beta(2, 5, n_ref), 2)], {"null": 0.02, "nan": 0.01}
    )
    ref_cols = {
        "country": TEXT,
        CUSTOMER_TIER: TEXT,
        "score": DOUBLE,
        "predicted_class": TEXT,
        "label": TEXT,
        ORDER_AMOUNT: DOUBLE,
        RESERVED_SELECT: DOUBLE,
        "plan": TEXT,
        EMPTY_COL: DOUBLE,
        "constant": DOUBLE,
        "empty_cat": TEXT,
    }
    ref_data: dict[str, list[Any]] = {
        "country": _choice(rng, ["DE", "FR", "US", None], [5, 3, 6, 1], n_ref),
        CUSTOMER_TIER: _choice(rng, ["gold", "silver", "", None], [2, 5, 0.5, 1], n_ref),
        "score": ref_score,
        "predicted_class": [
            None if s is None or s != s else ("1" if s >= 0.5 else "0") for s in ref_score
        ],
        "label": _choice(rng, ["0", "1", None], [6, 3, 0.2], n_ref),
        ORDER_AMOUNT: _sprinkle(
            rng,
            [float(a) for a in np.round(rng.lognormal(3.0, 0.8, n_ref), 1)],
            {"null": 0.04, "nan": 0.02, "inf": 0.01, "-inf": 0.005},
        ),
        RESERVED_SELECT: _sprinkle(
            rng, [float(v) for v in rng.integers(0, 5, n_ref)], {"null": 0.03}
        ),
        "plan": _plan_reference(rng, n_ref),
        EMPTY_COL: [None] * n_ref,
        "constant": _sprinkle(rng, [7.25] * n_ref, {"null": 0.03}),
        "empty_cat": [None] * n_ref,
    }
    reference = Table(f"{prefix}_reference", ref_cols, _frame(ref_cols, ref_data))

    monitor = MonitorSpec(
        name=prefix,
        task="binary",
        predictions=predictions.name,
        id_column="prediction_id",
        timestamp_column="predicted_at",
        model_version_column="model_version",
        prediction_column="predicted_class",
        score_column="score",
        features=(ORDER_AMOUNT, RESERVED_SELECT, "plan", EMPTY_COL, "constant", "empty_cat"),
        labels=LabelsSpec(table=labels.name, label_column="label", timestamp_column="labeled_at"),
        reference=ReferenceSpec(table=reference.name, label_column="label"),
        window_grain=None,  # the default, day
        slices=("country", CUSTOMER_TIER),
        bins=10,
        top_k=4,
        lookback_windows=1,
    )
    return {t.name: t for t in (predictions, labels, reference)}, monitor


def _sales(rng: np.random.Generator, n_pred: int) -> tuple[dict[str, Table], MonitorSpec]:
    """Regression, weekly windows (one week empty), `between` reference, inferred features."""
    weeks = [dt.datetime(2024, 2, 26) + dt.timedelta(weeks=w) for w in range(6)]
    busy = [w for i, w in enumerate(weeks) if i != 3]
    ts = _timestamps(rng, busy, dt.timedelta(weeks=1), n_pred)
    # the `between` range is [start, end): one row exactly on each end
    ts[1], ts[2] = dt.datetime(2024, 2, 28), dt.datetime(2024, 3, 6)
    ts.sort()
    y_hat = np.round(rng.normal(100, 15, n_pred), 0)
    cols = {
        "id": TEXT,
        "ts": TIMESTAMP,
        "channel": TEXT,
        "y_hat": DOUBLE,
        "Temperature": DOUBLE,
        "region": TEXT,
    }
    data: dict[str, list[Any]] = {
        "id": _ids(rng, "s", n_pred, 0.01),
        "ts": ts,
        "channel": _choice(rng, ["web", "store"], [3, 2], n_pred),
        "y_hat": _sprinkle(rng, [float(v) for v in y_hat], {"null": 0.02, "nan": 0.01}),
        "Temperature": _sprinkle(
            rng,
            [float(v) for v in np.round(rng.normal(12, 6, n_pred), 1)],
            {"null": 0.05, "nan": 0.02, "inf": 0.02},
        ),
        "region": _choice(
            rng, ["nord", "süd", "ost", "west", "O'Hare", None], [4, 3, 2, 2, 1, 1], n_pred
        ),
    }
    predictions = Table("sales_predictions", cols, _frame(cols, data))
    ids = sorted(set(data["id"]))
    actual = [float(v) for v in np.round(rng.normal(100, 20, len(ids)), 0)]
    label_cols = {SALE_ID: TEXT, "actual": DOUBLE}
    labels = Table(
        "sales_labels",
        label_cols,
        _frame(label_cols, {SALE_ID: ids, "actual": _sprinkle(rng, actual, {"null": 0.05})}),
    )
    monitor = MonitorSpec(
        name="sales.v2-reg",
        task="regression",
        predictions=predictions.name,
        id_column="id",
        timestamp_column="ts",
        prediction_column="y_hat",
        features=None,  # every other column: Temperature, region
        labels=LabelsSpec(table=labels.name, label_column="actual", id_column=SALE_ID),
        # Wednesday to Wednesday: its start is no window start of a weekly monitor.
        reference=ReferenceSpec(between=("2024-02-28", "2024-03-06"), version="r1"),
        window_grain="week",
        slices=("channel",),
        bins=5,
        top_k=3,
        lookback_windows=0,
    )
    return {t.name: t for t in (predictions, labels)}, monitor


def _hourly(rng: np.random.Generator, n_pred: int) -> tuple[dict[str, Table], MonitorSpec]:
    """Multiclass, hourly windows with gaps, a 6-row reference with a single-valued column."""
    start = dt.datetime(2024, 3, 4)
    hours = [start + dt.timedelta(hours=h) for h in (0, 1, 2, 5, 6, 11, 12, 13, 23, 24, 30)]
    cols = {
        "ID": TEXT,
        "Event Time": TIMESTAMP,
        "ver": TEXT,
        "predicted_label": TEXT,
        "x": DOUBLE,
        "Mixed Case": TEXT,
        "order": DOUBLE,
        ONLY_NAN: DOUBLE,
    }
    data: dict[str, list[Any]] = {
        "ID": _ids(rng, "h", n_pred, 0.1),
        "Event Time": sorted(_timestamps(rng, hours, dt.timedelta(hours=1), n_pred)),
        "ver": _choice(rng, ["m1", "m2", None], [1, 1, 0.3], n_pred),
        "predicted_label": _choice(rng, ["cat", "dog", "bird", None], [3, 2, 1, 0.3], n_pred),
        "x": _sprinkle(
            rng, [float(v) for v in rng.integers(1, 5, n_pred)], {"null": 0.1, "nan": 0.05}
        ),
        "Mixed Case": _choice(rng, ["A", "b", "Ä", "a'b", None], [3, 3, 1, 1, 1], n_pred),
        "order": _sprinkle(rng, [float(v) for v in rng.integers(0, 8, n_pred)], {"-inf": 0.05}),
        ONLY_NAN: _sprinkle(rng, [0.5] * n_pred, {"nan": 0.5, "inf": 0.1, "null": 0.1}),
    }
    predictions = Table("hourly_predictions", cols, _frame(cols, data))
    ref_cols = {
        "predicted_label": TEXT,
        "x": DOUBLE,
        "Mixed Case": TEXT,
        "order": DOUBLE,
        ONLY_NAN: DOUBLE,
    }
    ref = Table(
        "hourly_reference",
        ref_cols,
        _frame(
            ref_cols,
            {
                "predicted_label": ["cat", "dog", "dog", None, "cat", "bird"],
                "x": [3.0, 3.0, None, 3.0, NAN, 3.0],  # one finite value, repeated
                "Mixed Case": ["b", "A", "A", "b", "Ä", None],  # A and b tie
                "order": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
                ONLY_NAN: [NAN, INF, None, NAN, -INF, NAN],  # non-null, yet no finite value
            },
        ),
    )
    monitor = MonitorSpec(
        name="hourly",
        task="multiclass",
        predictions=predictions.name,
        id_column="ID",
        timestamp_column="Event Time",
        model_version_column="ver",
        prediction_column="predicted_label",
        features={
            "x": "numerical",
            "Mixed Case": "categorical",
            "order": "numerical",
            ONLY_NAN: "numerical",
        },
        reference=ReferenceSpec(table=ref.name),
        window_grain="hour",
        bins=3,
        top_k=1,  # A and b tie in the reference (cat and dog too): the smaller value wins
        lookback_windows=2,
    )
    return {t.name: t for t in (predictions, ref)}, monitor


SIZES = {"small": 0.25, "medium": 1.0, "large": 3.0}


def _negative_zeros(frame: pd.DataFrame, column: str) -> None:
    """Every other 0.0 becomes -0.0: equal as numbers, so one bin and one distinct value."""
    values = frame[column].tolist()
    zeros = [i for i, v in enumerate(values) if v == 0.0]
    for i in zeros[::2]:
        values[i] = -0.0
    frame[column] = pd.Series(values, index=frame.index, dtype=object)


def make_scenario(seed: int, size: str = "medium") -> Scenario:
    """The three monitors (large churn, medium sales, small hourly) scaled by `size`."""
    rng = np.random.default_rng(seed)
    f = SIZES[size]
    churn_tables, churn = _churn(rng, int(2400 * f), int(1500 * f), "churn")
    sales_tables, sales = _sales(rng, int(400 * f))
    hourly_tables, hourly = _hourly(rng, max(30, int(60 * f)))
    tables = {**churn_tables, **sales_tables, **hourly_tables}
    for name in ("churn_predictions", "churn_reference"):
        _negative_zeros(tables[name].frame, RESERVED_SELECT)
    # A configured epsilon (the incremental tests keep the default).
    return Scenario(tables=tables, monitors=[churn, sales, hourly], seed=seed, epsilon=0.0005)


def make_churn_only(seed: int, n_pred: int, n_ref: int, prefix: str = "churn") -> Scenario:
    """A single churn-like monitor (used by the incremental and configuration tests)."""
    rng = np.random.default_rng(seed)
    tables, monitor = _churn(rng, n_pred, n_ref, prefix)
    return Scenario(tables=tables, monitors=[monitor], seed=seed)


def with_monitor(scenario: Scenario, monitor: MonitorSpec) -> Scenario:
    """The scenario with `monitor` replacing the one of the same name."""
    monitors = [monitor if m.name == monitor.name else m for m in scenario.monitors]
    return replace(scenario, monitors=monitors)
