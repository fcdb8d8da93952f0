"""monitor_reference_bins equals a recount of the reference with the documented binning rule."""

from __future__ import annotations

import numpy as np
import pytest

from .compare import diff_rows, index_rows, missing_and_extra, nan_cells, report
from .conftest import Build, bins_key
from .data import PLAN_LEADER, PLAN_TIED
from .reference_impl import Expected, finite_values

# Runs on Spark too: the shared example build (one dbt run per engine).
pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")

BIN_FIELDS = (
    "column_role",
    "column_kind",
    "bin_type",
    "lower_bound",
    "upper_bound",
    "category",
    "reference_count",
    "reference_share",
)


def _bins(built: Build) -> dict[tuple, dict]:
    rows, dupes = index_rows(built.tables["monitor_reference_bins"], bins_key)
    assert not dupes, report("duplicate (monitor, column, bin_index) rows", dupes)
    return rows


def test_reference_bins_have_one_row_per_expected_bin(built: Build, expected: Expected) -> None:
    missing, extra = missing_and_extra(expected.reference_bins, _bins(built))
    assert not missing, report("bins missing from monitor_reference_bins", missing)
    assert not extra, report("unexpected bins in monitor_reference_bins", extra)


def test_reference_bins_equal_a_recount_of_the_reference(built: Build, expected: Expected) -> None:
    problems = diff_rows(expected.reference_bins, _bins(built), BIN_FIELDS)
    assert not problems, report("reference bins differ from the recount", problems)


def test_numeric_edges_are_inverted_cdf_quantiles(built: Build, expected: Expected) -> None:
    """Upper bounds of the range bins = unique numpy.quantile(method='inverted_cdf')."""
    actual = _bins(built)
    problems = []
    for name, prep in expected.prepared.items():
        for col in prep.columns:
            if col.kind != "numerical":
                continue
            fin = finite_values(prep.reference[col.name].tolist())
            bins = prep.spec.bins
            want = (
                np.unique(np.quantile(fin, np.arange(1, bins) / bins, method="inverted_cdf"))
                if len(fin)
                else np.empty(0)
            )
            got = sorted(
                r["upper_bound"]
                for k, r in actual.items()
                if k[:2] == (name, col.name)
                and r["bin_type"] == "range"
                and r["upper_bound"] is not None
            )
            if not np.array_equal(np.asarray(got, dtype=float), want):
                problems.append(f"{name}/{col.name}: edges {got} != quantiles {want.tolist()}")
    assert not problems, report("numeric edges", problems)


def test_every_column_has_a_null_bucket_at_index_zero(built: Build, expected: Expected) -> None:
    actual = _bins(built)
    problems = []
    for name, prep in expected.prepared.items():
        for c in prep.columns:
            row = actual.get((name, c.name, 0))
            if row is None or row["bin_type"] != "null" or row["reference_share"] is not None:
                problems.append(f"{name}/{c.name}: {row}")
    assert not problems, report("NULL bucket missing or with a share", problems)


def test_top_k_ties_break_by_ascending_value(built: Build) -> None:
    """The reference has four plan values tied for second place; top_k = 4 keeps the three
    smallest of them (bytewise), the rest goes to `other`."""
    actual = _bins(built)
    categories = [
        actual[k]["category"]
        for k in sorted(actual)
        if k[:2] == ("churn", "plan") and actual[k]["bin_type"] == "category"
    ]
    assert categories == [PLAN_LEADER, *sorted(PLAN_TIED)[:3]]
    other = [
        actual[k] for k in actual if k[:2] == ("churn", "plan") and actual[k]["bin_type"] == "other"
    ]
    assert len(other) == 1 and other[0]["bin_index"] == 5


def test_shares_of_value_bins_sum_to_one(built: Build, expected: Expected) -> None:
    actual = _bins(built)
    problems = []
    for name, prep in expected.prepared.items():
        for c in prep.columns:
            shares = [
                np.nan if r["reference_share"] is None else r["reference_share"]
                for k, r in actual.items()
                if k[:2] == (name, c.name) and k[2] > 0
            ]
            has_values = any(
                r["reference_count"]
                for k, r in actual.items()
                if k[:2] == (name, c.name) and k[2] > 0
            )
            if has_values and not np.isclose(sum(shares), 1.0, rtol=1e-12):
                problems.append(f"{name}/{c.name}: shares sum to {sum(shares)}")
    assert not problems, report("value-bin shares", problems)


def test_reference_bins_hold_no_nan_or_infinity(built: Build) -> None:
    cells = nan_cells(built.tables["monitor_reference_bins"])
    assert not cells, report("NaN/inf cells (design: NULL = unbounded)", cells)


def test_the_package_data_tests_pass(built: Build) -> None:
    """`dbt build` also runs the package's own data tests on the example data."""
    assert built.result.success and not built.result.failed_tests, (
        built.result.failed_tests,
        built.result.tail(),
    )
