"""monitor_drift equals scipy/numpy on the same bins and the same raw values."""

from __future__ import annotations

import math
import sys
from typing import Any

import pytest

from model_monitor.tables.statistics import DRIFT_STATISTICS

from .compare import diff_rows, index_rows, missing_and_extra, nan_cells, report
from .conftest import Build, distribution_key, drift_key
from .reference_impl import DRIFT_METRICS, Expected

# Runs on Spark too: the shared example build (one dbt run per engine).
pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")

# Every statistic the registry declares (tables/statistics.py), so a new one is tested here
# against the reference implementation's value without an edit of this file.
BINNED = [s.name for s in DRIFT_STATISTICS if not s.from_values] + ["chi_square_dof"]
RAW = [s.name for s in DRIFT_STATISTICS if s.from_values]
EPS = sys.float_info.epsilon


def _rows(built: Build) -> dict[tuple, dict[str, Any]]:
    rows, dupes = index_rows(built.tables["monitor_drift"], drift_key)
    assert not dupes, report("duplicate drift rows", dupes)
    return rows


def test_one_row_per_window_version_slice_and_column(built: Build, expected: Expected) -> None:
    missing, extra = missing_and_extra(expected.drift, _rows(built))
    assert not missing, report("drift rows missing", missing)
    assert not extra, report("unexpected drift rows", extra)


def test_value_counts_of_both_sides(built: Build, expected: Expected) -> None:
    problems = diff_rows(expected.drift, _rows(built), ["reference_count", "current_count"])
    assert not problems, report("non-null finite counts differ", problems)


def test_bin_count_is_the_number_of_value_bins(built: Build, expected: Expected) -> None:
    problems = diff_rows(expected.drift, _rows(built), ["bin_count"])
    assert not problems, report("bin_count differs", problems)


def distribution_and_drift_checks(want: Expected) -> list[tuple[str, Any, dict, list[str]]]:
    """(table, key, expected rows, compared fields) of the distribution and drift tables."""
    return [
        ("monitor_distributions", distribution_key, want.distributions,
         ["bin_count", "bin_share", "value_share"]),
        ("monitor_drift", drift_key, want.drift,
         ["reference_count", "current_count", *DRIFT_METRICS]),
    ]  # fmt: skip


def js_conditioning(row: dict[str, Any]) -> float:
    """Absolute error any double evaluation of js_distance carries, scipy's included.

    Each bin adds p * ln(p / m) with ln of a number near 1 exact only to ~eps absolute, and the
    first-order terms cancel across bins: the divergence D is known to ~8 eps at best, so
    sqrt(D) to 8 eps / (2 sqrt(D)). That exceeds 1e-9 relative only for nearly equal
    distributions (js_distance below ~1e-3).
    """
    js = row["js_distance"]
    return 8 * EPS / (2 * js) if js else math.sqrt(8 * EPS)


@pytest.mark.parametrize("metric", BINNED)
def test_binned_statistic_equals_scipy_on_the_counts(
    built: Build, expected: Expected, metric: str
) -> None:
    problems = diff_rows(
        expected.drift, _rows(built), [metric], abs_tol={"js_distance": js_conditioning}
    )
    assert not problems, report(f"{metric} differs from scipy/numpy", problems)


@pytest.mark.parametrize("metric", RAW)
def test_raw_value_statistic_equals_scipy(built: Build, expected: Expected, metric: str) -> None:
    problems = diff_rows(expected.drift, _rows(built), [metric])
    assert not problems, report(f"{metric} differs from scipy", problems)


def test_the_reference_implementation_computes_every_declared_statistic() -> None:
    """A statistic declared without a scipy/numpy reference value would go untested."""
    assert set(BINNED + RAW) == set(DRIFT_METRICS)


def test_the_table_has_every_statistic_and_bound_the_python_side_reads(built: Build) -> None:
    """The two declarations (drift_statistics() in SQL, tables/statistics.py) must agree."""
    columns = set(built.tables["monitor_drift"][0])
    declared = {s.name for s in DRIFT_STATISTICS} | {
        s.error_bound for s in DRIFT_STATISTICS if s.error_bound
    }
    assert declared <= columns, sorted(declared - columns)


def test_the_scenario_has_one_sided_and_categorical_comparisons(expected: Expected) -> None:
    """Guards the other tests' reach: the data must produce NULL statistics (empty side)."""
    empty_side = [
        r for r in expected.drift.values() if r["reference_count"] == 0 or r["current_count"] == 0
    ]
    unseen_slice = [
        k for k, r in expected.drift.items() if k[4] == "JP" and r["reference_count"] == 0
    ]
    both = [r for r in expected.drift.values() if r["psi"] is not None]
    assert empty_side and unseen_slice and both


def test_statistics_are_null_when_a_side_is_empty(built: Build, expected: Expected) -> None:
    actual = _rows(built)
    problems = [
        f"{k}: {m}={actual[k][m]!r}"
        for k, r in expected.drift.items()
        if k in actual and (r["reference_count"] == 0 or r["current_count"] == 0)
        for m in BINNED + RAW
        if actual[k][m] is not None
    ]
    assert not problems, report("statistics not NULL with an empty side", problems)


def test_raw_statistics_are_null_for_categorical_columns(built: Build) -> None:
    problems = [
        f"{drift_key(r)}: {m}={r[m]!r}"
        for r in built.tables["monitor_drift"]
        if r["column_kind"] == "categorical"
        for m in RAW
        if r[m] is not None
    ]
    assert not problems, report("ks/wasserstein on a categorical column", problems)


def test_drift_holds_no_nan_or_infinity(built: Build) -> None:
    cells = nan_cells(built.tables["monitor_drift"])
    assert not cells, report("NaN/inf cells", cells)
