"""drift_method binned: the window state against numpy, and every binned KS / Wasserstein value
within its reported error bound of scipy's exact value on the same raw data.

One build per engine of tests/integration/binned_data.py (heavy ties, heavy tails, values on grid
edges, NaN/inf/NULL, windows entirely outside the reference's range, an empty day, an unseen
slice value). On DuckDB and PostgreSQL a second story appends a day and late rows and checks that
the incremental state equals a --full-refresh build.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

from .binned_data import ABOVE_DAY, BELOW_DAY, START, binned_tables, make_binned_scenario
from .compare import assert_rows_match, diff_rows, index_rows, missing_and_extra, report, ts
from .conftest import distribution_key, drift_key, quality_key
from .data import Scenario, Table
from .dbt_runner import DbtProject, DbtResult
from .loaders import Warehouse
from .reference_impl import (
    Expected,
    current_groups,
    expected_tables,
    finite_values,
    prepare,
    slice_groups,
)

pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")

SEED = int(os.environ.get("MM_SEED", "20240506"))
# the window state records what the tables took in, for the next run to compare its counts with
SELECT = ("+monitor_drift", "+monitor_value_cells", "+monitor_data_quality", "mm_window_state")
STATE_TABLES = (
    "monitor_drift",
    "monitor_data_quality",
    "monitor_distributions",
    "monitor_value_cells",
    "monitor_value_grid",
)
BOUNDED = {
    "ks_statistic": "ks_error_bound",
    "wasserstein": "wasserstein_error_bound",
    "wasserstein_normed": "wasserstein_normed_error_bound",
}
BIN_FIELDS = ["reference_count", "current_count", "bin_count", "psi", "chi_square", "l_infinity"]

Tables = dict[str, list[dict[str, Any]]]


@dataclass
class BinnedBuild:
    """The scenario built on one engine, with the state and drift tables read back."""

    warehouse: Warehouse
    project: DbtProject
    result: DbtResult
    tables: Tables


def read_tables(warehouse: Warehouse, result: DbtResult) -> Tables:
    """The binned mode's tables of one build."""
    return {
        name: warehouse.read_table(result.relations.get(name) or warehouse.relation(name))
        for name in STATE_TABLES
    }


def build_binned(
    warehouse: Warehouse, scenario: Scenario, work_dir: Any, *extra: str
) -> BinnedBuild:
    """dbt build of the drift tables and the window state."""
    project = DbtProject(warehouse, work_dir)
    result = project.build(scenario.dbt_vars(warehouse.raw_schema), *extra, select=SELECT)
    if not result.models_ok:
        pytest.fail(f"dbt build failed on {warehouse.engine}:\n{result.tail(80)}", pytrace=False)
    return BinnedBuild(warehouse, project, result, read_tables(warehouse, result))


@cache
def scenario() -> Scenario:
    return make_binned_scenario(SEED)


@cache
def expected() -> Expected:
    """Exact statistics from scipy on the raw values (the binned monitors' exact twins)."""
    return expected_tables(scenario())


@pytest.fixture(scope="module")
def built(
    engine: str, make_warehouse: Callable[[str, str], Warehouse], tmp_path_factory: Any
) -> BinnedBuild:
    warehouse = make_warehouse(engine, "binned")
    warehouse.load(scenario().tables.values())
    return build_binned(warehouse, scenario(), tmp_path_factory.mktemp(f"binned_{engine}"))


def _drift(built: BinnedBuild) -> dict[tuple, dict[str, Any]]:
    rows, dupes = index_rows(built.tables["monitor_drift"], drift_key)
    assert not dupes, report("duplicate drift rows", dupes)
    return rows


def tolerance(exact: float, bound: float) -> float:
    """Rounding allowance on top of the bound: the SQL sums doubles in another order."""
    return 1e-9 * (abs(exact) + abs(bound)) + 1e-12


def test_one_drift_row_per_window_version_slice_and_column(built: BinnedBuild) -> None:
    missing, extra = missing_and_extra(expected().drift, _drift(built))
    assert not missing and not extra, report("drift rows missing or extra", missing + extra)


def test_bin_statistics_and_counts_are_exact_in_binned_mode(built: BinnedBuild) -> None:
    problems = diff_rows(expected().drift, _drift(built), BIN_FIELDS)
    assert not problems, report("bin statistics differ from scipy/numpy", problems)


@pytest.mark.parametrize("metric", list(BOUNDED))
def test_binned_value_is_within_its_bound_of_the_exact_value(
    built: BinnedBuild, metric: str
) -> None:
    actual, bound_of = _drift(built), BOUNDED[metric]
    problems, checked = [], 0
    for key, want in expected().drift.items():
        got = actual.get(key)
        if got is None:
            continue
        exact, value, bound = want[metric], got[metric], got[bound_of]
        if exact is None or value is None:
            if (exact is None) != (value is None) or (value is None) != (bound is None):
                problems.append(f"{key}: exact {exact!r}, binned {value!r} +- {bound!r}")
            continue
        checked += 1
        if bound < 0 or abs(value - exact) > bound + tolerance(exact, bound):
            problems.append(f"{key}: |{value!r} - {exact!r}| > {bound!r}")
    assert checked > 300, f"only {checked} rows compared"
    assert not problems, report(f"{metric} outside its error bound", problems)


def test_distributions_summed_from_the_state_equal_numpy(built: BinnedBuild) -> None:
    """The coarse bins of the default grid's monitor come from its cells (1000 = 100 x 10)."""
    want = {k: v for k, v in expected().distributions.items() if k[0] == "binned"}
    got = [r for r in built.tables["monitor_distributions"] if r["monitor_name"] == "binned"]
    assert_rows_match(
        "monitor_distributions",
        want,
        got,
        distribution_key,
        ["bin_count", "bin_share", "value_share"],
    )


def test_drift_method_is_recorded(built: BinnedBuild) -> None:
    methods = {r["drift_method"] for r in built.tables["monitor_drift"]}
    assert methods == {"binned"}


def test_a_window_outside_the_reference_range_has_an_exact_ks(built: BinnedBuild) -> None:
    """All current mass beyond the reference: KS is 1 and the bound 0 (the cell min/max)."""
    days = {pd.Timestamp(START + dt.timedelta(days=d)) for d in (ABOVE_DAY, BELOW_DAY)}
    rows = [
        r
        for r in built.tables["monitor_drift"]
        if r["column_name"] == "shifted" and ts(r["window_start"]) in days and r["ks_statistic"]
    ]
    assert rows
    wrong = [r for r in rows if r["ks_statistic"] != 1.0 or r["ks_error_bound"] != 0.0]
    assert not wrong, report("KS not exactly 1 +- 0", wrong)


def bound_figures(built: BinnedBuild, monitor: str) -> dict[str, tuple[float, float]]:
    """(median, max) of each error bound over the monitor's rows."""
    rows = [r for r in built.tables["monitor_drift"] if r["monitor_name"] == monitor]
    out = {}
    for bound in BOUNDED.values():
        values = [r[bound] for r in rows if r[bound] is not None]
        out[bound] = (float(np.median(values)), float(np.max(values)))
    return out


def test_the_default_grid_bounds_are_tight(built: BinnedBuild) -> None:
    """At 1,000 cells the bound is small against the statistics' alert levels (KS p-values,
    Wasserstein in reference standard deviations); the 16-cell grid's is far wider."""
    fine, coarse = bound_figures(built, "binned"), bound_figures(built, "binned.coarse")
    print(f"\nerror bounds (median, max): 1000 cells {fine}; 16 cells {coarse}")
    assert fine["ks_error_bound"][0] <= 0.005, fine
    assert fine["wasserstein_normed_error_bound"][0] <= 0.01, fine
    assert coarse["ks_error_bound"][0] > 5 * fine["ks_error_bound"][0], (fine, coarse)


# ---------------------------------------------------------------- the state against numpy


def grid_edges(reference: np.ndarray, cells: int) -> np.ndarray:
    """The distinct inverted-CDF quantiles r_(ceil(j n / cells)), j = 1..cells-1."""
    r = np.sort(reference)
    n = len(r)
    ranks = np.ceil(np.arange(1, cells) * n / cells).astype(int)
    edges = np.unique(r[ranks - 1])
    return np.where(edges == 0, 0.0, edges)


def cell_state(values: np.ndarray, edges: np.ndarray) -> dict[int, dict[str, Any]]:
    """cell -> value_count, edge_count and the interior min / max / sum of finite values."""
    cells = np.searchsorted(edges, values, side="left") + 1  # smallest k with x <= e_k
    on_edge = np.zeros(len(values), dtype=bool)
    inner = cells <= len(edges)
    on_edge[inner] = values[inner] == edges[cells[inner] - 1]
    out = {}
    for k in np.unique(cells):
        mine = cells == k
        inside = values[mine & ~on_edge]
        out[int(k)] = {
            "value_count": int(mine.sum()),
            "edge_count": int((mine & on_edge).sum()),
            "interior_min": float(inside.min()) if len(inside) else None,
            "interior_max": float(inside.max()) if len(inside) else None,
            "interior_sum": float(inside.sum()) if len(inside) else None,
        }
    return out


UNSET = dict.fromkeys(["interior_min", "interior_max", "interior_sum"])


@cache
def expected_state() -> tuple[dict[tuple, dict[str, Any]], dict[tuple, dict[str, Any]]]:
    """(grid rows, cell rows) of both monitors from the raw frames."""
    grid: dict[tuple, dict[str, Any]] = {}
    cells: dict[tuple, dict[str, Any]] = {}
    for spec in scenario().monitors:
        p = prepare(spec, scenario())
        numerical = [c for c in p.columns if c.kind == "numerical"]
        edges = {}
        for c in numerical:
            e = grid_edges(finite_values(p.reference[c.name].tolist()), spec.grid_cells or 1000)
            edges[c.name] = e
            bounds = [None, *e.tolist(), None]
            for k in range(1, len(e) + 2):
                grid[(spec.name, c.name, k)] = {
                    "lower_edge": bounds[k - 1],
                    "upper_edge": bounds[k],
                }
        sides = [(None, None, p.reference)] + list(current_groups(p))
        for ws, version, frame in sides:
            for sk, sv, sub in slice_groups(frame, spec.slices):
                for c in numerical:
                    raw = sub[c.name].tolist()
                    values = finite_values(raw)
                    state = cell_state(values, edges[c.name])
                    nulls = sum(v is None for v in raw)
                    others = len(raw) - nulls - len(values)  # NaN and infinities
                    for k, count in ((0, nulls), (-1, others)):
                        if count:
                            state[k] = {"value_count": count, "edge_count": 0, **UNSET}
                    for k, row in state.items():
                        cells[(spec.name, ws is None, ws, version, sk, sv, c.name, k)] = row
    return grid, cells


def cell_key(r: dict[str, Any]) -> tuple:
    return (
        r["monitor_name"],
        r["window_kind"] == "reference",
        ts(r["window_start"]) if r["window_kind"] == "current" else None,
        r["model_version"],
        r["slice_key"],
        r["slice_value"],
        r["column_name"],
        int(r["cell_index"]),
    )


def _distinct_counts(built: BinnedBuild, monitor: str) -> list[tuple[tuple, int, int]]:
    """(key, exact from pandas, built) for every column row of one monitor with values."""
    want = expected().quality_columns
    out = []
    for r in built.tables["monitor_data_quality"]:
        if r["monitor_name"] != monitor or r["metric_scope"] != "column":
            continue
        key = quality_key(r)
        if key in want:
            out.append((key, want[key]["distinct_count"], r["distinct_count"]))
    assert out, f"{monitor}: no column rows"
    return out


def test_distinct_counts_are_exact_when_asked(built: BinnedBuild) -> None:
    """binned.coarse sets distinct_count_method: exact."""
    wrong = [(k, e, a) for k, e, a in _distinct_counts(built, "binned.coarse") if e != a]
    assert not wrong, report("exact distinct_count differs from pandas", wrong)


def test_approximate_distinct_counts_are_near_the_exact_ones(built: BinnedBuild) -> None:
    """The default of a binned monitor: the engine's sketch, within 15% + 2 (DuckDB measured,
    over 1,000 groups per size, a 99th percentile of 8% and a largest error of 11%, or 2 of 10
    values); PostgreSQL has no sketch and must stay exact."""
    rows = _distinct_counts(built, "binned")
    if built.warehouse.engine == "postgres":
        wrong = [(k, e, a) for k, e, a in rows if e != a]
    else:
        wrong = [(k, e, a) for k, e, a in rows if abs(a - e) > 0.15 * e + 2]
        # guards the test's reach: a sketch that were not used would be exact everywhere
        assert any(a != e for _, e, a in rows), "no distinct count differs: sketch not used?"
    assert not wrong, report("approximate distinct_count too far from pandas", wrong)


def test_grid_edges_are_the_reference_quantiles(built: BinnedBuild) -> None:
    want, _ = expected_state()
    assert_rows_match(
        "monitor_value_grid",
        want,
        built.tables["monitor_value_grid"],
        lambda r: (r["monitor_name"], r["column_name"], int(r["cell_index"])),
        ["lower_edge", "upper_edge"],
    )


def test_window_state_equals_numpy(built: BinnedBuild) -> None:
    _, want = expected_state()
    assert_rows_match(
        "monitor_value_cells",
        want,
        built.tables["monitor_value_cells"],
        cell_key,
        ["value_count", "edge_count", "interior_min", "interior_max", "interior_sum"],
    )


# ---------------------------------------------------------------- incremental runs

NEXT_DAY = 7
LATE_DAY = 1


def _more_rows(seed: int) -> list[tuple[Any, ...]]:
    """A new day after the history and late rows into an old day, ids of their own."""
    extra = binned_tables(seed + 1, per_day=1500, n_ref=10)["binned_predictions"]
    frame = extra.frame.head(2000).copy()
    days = [NEXT_DAY if i % 4 else LATE_DAY for i in range(len(frame))]
    frame["predicted_at"] = [
        START + dt.timedelta(days=d, seconds=i * 37 % 86_400) for i, d in enumerate(days)
    ]
    frame["prediction_id"] = [f"more-{i}" for i in range(len(frame))]
    return Table("binned_predictions", extra.columns, frame).rows()


@pytest.mark.spark_full
@pytest.mark.engines("duckdb", "postgres")
def test_an_incremental_run_with_late_rows_equals_a_full_refresh(
    engine: str, make_warehouse: Callable[[str, str], Warehouse], tmp_path_factory: Any
) -> None:
    warehouse = make_warehouse(engine, "binned_inc")
    warehouse.load(scenario().tables.values())
    work = tmp_path_factory.mktemp(f"binned_inc_{engine}")
    build_binned(warehouse, scenario(), work)
    warehouse.append(scenario().tables["binned_predictions"], _more_rows(SEED))
    incremental = build_binned(warehouse, scenario(), work)
    full = build_binned(warehouse, scenario(), work, "--full-refresh")
    keys: dict[str, Callable[[dict[str, Any]], tuple]] = {
        "monitor_value_cells": cell_key,
        "monitor_drift": drift_key,
        "monitor_data_quality": quality_key,
    }
    for table, key in keys.items():
        want, _ = index_rows(full.tables[table], key)
        fields = [c for c in full.tables[table][0] if c not in ("window_key",)]
        assert_rows_match(table, want, incremental.tables[table], key, fields)
    late = [
        r
        for r in incremental.tables["monitor_value_cells"]
        if r["window_kind"] == "current"
        and ts(r["window_start"]) == pd.Timestamp(START + dt.timedelta(days=NEXT_DAY))
    ]
    assert late, "the appended day has no state"
