"""P-values from aggregates agree with scipy computing them from the raw data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from model_monitor.tables.pvalues import benjamini_hochberg, chi_square_pvalue, ks_pvalue

TOL = 1e-12

# scipy warns dividing by the effective size 0 of two one-value samples (its p-value is NaN).
pytestmark = pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")

SIZES = [(1, 1), (1, 7), (2, 3), (5, 5), (7, 300), (100, 37), (999, 1000), (4000, 15000)]


def close(a: float, b: float) -> bool:
    """Tell whether two p-values agree to 1e-12, absolutely or relatively (NaN equals NaN)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


@pytest.mark.parametrize("n1,n2", SIZES)
@pytest.mark.parametrize("seed", range(5))
def test_ks_pvalue_matches_ks_2samp_asymp_on_continuous_samples(n1: int, n2: int, seed: int):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n1)
    b = rng.normal(loc=0.2 * seed, scale=1 + 0.1 * seed, size=n2)
    expected = stats.ks_2samp(a, b, method="asymp")
    assert close(ks_pvalue(float(expected.statistic), n1, n2), float(expected.pvalue))


@pytest.mark.parametrize("n1,n2", SIZES)
@pytest.mark.parametrize("seed", range(5))
def test_ks_pvalue_matches_ks_2samp_asymp_with_ties(n1: int, n2: int, seed: int):
    rng = np.random.default_rng(100 + seed)
    a = rng.integers(0, 4, size=n1).astype(float)
    b = rng.integers(0, 3 + seed % 2, size=n2).astype(float)
    expected = stats.ks_2samp(a, b, method="asymp")
    assert close(ks_pvalue(float(expected.statistic), n1, n2), float(expected.pvalue))


def test_ks_pvalue_is_symmetric_in_sample_sizes():
    assert ks_pvalue(0.2, 40, 90) == ks_pvalue(0.2, 90, 40)


@settings(max_examples=200, deadline=None)
@given(
    a=st.lists(st.integers(-5, 5), min_size=1, max_size=60),
    b=st.lists(st.integers(-5, 5), min_size=1, max_size=60),
)
def test_ks_pvalue_matches_ks_2samp_asymp_on_any_small_samples(a: list[int], b: list[int]):
    expected = stats.ks_2samp(a, b, method="asymp")
    assert close(ks_pvalue(float(expected.statistic), len(a), len(b)), float(expected.pvalue))


def contingency(rng: np.random.Generator, k: int) -> np.ndarray:
    """Return a 2 x k table of counts, every row and column non-empty, some cells zero."""
    table = rng.integers(0, 40, size=(2, k)) * (rng.random((2, k)) > 0.2)
    table[0, table.sum(axis=0) == 0] = 1
    # drift is NULL unless both sides have values
    table[0, -1] = max(table[0, -1], 1)
    table[1, 0] = max(table[1, 0], 1)
    return table


@pytest.mark.parametrize("k", [2, 3, 10, 57])
@pytest.mark.parametrize("seed", range(5))
def test_chi_square_pvalue_matches_chi2_contingency(k: int, seed: int):
    table = contingency(np.random.default_rng(seed), k)
    expected = stats.chi2_contingency(table, correction=False)
    assert expected.dof == k - 1
    assert close(chi_square_pvalue(float(expected.statistic), k - 1), float(expected.pvalue))


def test_chi_square_pvalue_of_a_single_bin_is_one_like_chi2_contingency():
    expected = stats.chi2_contingency(np.array([[30], [12]]), correction=False)
    assert (expected.dof, expected.pvalue) == (0, 1.0)
    assert chi_square_pvalue(0.0, 0) == 1.0


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("m", [2, 3, 17, 500])
def test_benjamini_hochberg_matches_false_discovery_control(seed: int, m: int):
    rng = np.random.default_rng(seed)
    ps = rng.random(m) ** 3
    ps[: m // 3] = ps[0]  # ties
    ps[-1] = 1.0
    expected = stats.false_discovery_control(ps)
    actual = benjamini_hochberg(list(ps))
    assert all(close(a, float(e)) for a, e in zip(actual, expected, strict=True))


def test_benjamini_hochberg_skips_missing_pvalues_and_counts_only_present_ones():
    ps = [0.5, None, 0.6, math.nan, 0.1, 0.001]
    actual = benjamini_hochberg(ps)
    expected = stats.false_discovery_control([0.5, 0.6, 0.1, 0.001])
    assert actual[1] is None and math.isnan(actual[3])
    present = [actual[0], actual[2], actual[4], actual[5]]
    assert all(close(a, float(e)) for a, e in zip(present, expected, strict=True))


def test_benjamini_hochberg_of_one_or_none():
    assert benjamini_hochberg([]) == []
    assert benjamini_hochberg([0.03]) == [0.03]
    assert benjamini_hochberg([None]) == [None]


@pytest.mark.parametrize(
    "call",
    [
        lambda: chi_square_pvalue(None, 3),
        lambda: chi_square_pvalue(4.0, None),
        lambda: ks_pvalue(None, 10, 10),
        lambda: ks_pvalue(0.3, None, 10),
        lambda: ks_pvalue(0.3, 10, None),
    ],
)
def test_none_in_gives_none_out(call):
    assert call() is None


@pytest.mark.parametrize(
    "call",
    [
        lambda: chi_square_pvalue(math.nan, 3),
        lambda: chi_square_pvalue(4.0, math.nan),
        lambda: ks_pvalue(math.nan, 10, 10),
        lambda: ks_pvalue(np.float64("nan"), 10, 10),
        lambda: ks_pvalue(0.3, 0, 10),
    ],
)
def test_nan_in_gives_nan_out(call):
    assert math.isnan(call())
