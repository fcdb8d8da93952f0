"""P-values from the aggregates the warehouse stores (monitor_drift), computed with scipy.stats."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats


def _is_missing(value: float | None) -> bool:
    """Tell whether a value is None or NaN."""
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def _missing(*values: float | None) -> float | None:
    """Return the missing value to hand back: None if any input is None, else NaN."""
    if any(v is None for v in values):
        return None
    return math.nan


def chi_square_pvalue(statistic: float | None, dof: float | None) -> float | None:
    """Return the p-value of Pearson's chi-square statistic, as scipy's chi2_contingency."""
    if _is_missing(statistic) or _is_missing(dof):
        return _missing(statistic, dof)
    if dof == 0:
        # chi2_contingency's degenerate case: one non-empty bin, observed == expected.
        return 1.0
    return float(stats.chi2.sf(statistic, dof))


def ks_pvalue(statistic: float | None, n1: int | None, n2: int | None) -> float | None:
    """Return the two-sided p-value of a two-sample KS statistic, as ks_2samp(method="asymp")."""
    if _is_missing(statistic) or _is_missing(n1) or _is_missing(n2):
        return _missing(statistic, n1, n2)
    if n1 <= 0 or n2 <= 0:  # type: ignore[operator]
        return math.nan
    # scipy's asymp branch: Smirnov's distribution at the effective size m*n/(m+n), rounded.
    m, n = sorted([float(n1), float(n2)], reverse=True)  # type: ignore[arg-type]
    effective_n = np.round(m * n / (m + n))
    with np.errstate(divide="ignore", invalid="ignore"):  # n1 = n2 = 1 rounds to 0: NaN
        return float(np.clip(stats.kstwo.sf(statistic, effective_n), 0, 1))


def benjamini_hochberg(pvalues: Sequence[float | None]) -> list[float | None]:
    """Return Benjamini-Hochberg adjusted p-values, as scipy's false_discovery_control."""
    present = [i for i, p in enumerate(pvalues) if not _is_missing(p)]
    adjusted: list[float | None] = [
        None if p is None else (math.nan if _is_missing(p) else p) for p in pvalues
    ]
    if present:
        # Missing p-values are not hypotheses tested: m counts only the present ones.
        values = np.asarray([pvalues[i] for i in present], dtype=float)
        for i, p in zip(present, np.atleast_1d(stats.false_discovery_control(values)), strict=True):
            adjusted[i] = float(p)
    return adjusted


# drift_test_pvalue's arguments, as columns of monitor_drift.
DRIFT_TEST_INPUTS = (
    "column_kind",
    "ks_statistic",
    "reference_count",
    "current_count",
    "chi_square",
    "chi_square_dof",
)


def drift_test_pvalue(
    column_kind: str | None,
    ks_statistic: float | None,
    reference_count: float | None,
    current_count: float | None,
    chi_square: float | None,
    chi_square_dof: float | None,
) -> float:
    """Return the p-value of a column's drift test, NaN when undefined: two-sample KS for a
    numerical column, Pearson's chi-square for a categorical one (the drift_test rule's)."""
    if column_kind == "numerical":
        counts = (ks_statistic, reference_count, current_count)
        if any(_is_missing(v) for v in counts):
            return math.nan
        p = ks_pvalue(ks_statistic, int(reference_count), int(current_count))  # type: ignore[arg-type]
    else:
        if _is_missing(chi_square) or _is_missing(chi_square_dof):
            return math.nan
        p = chi_square_pvalue(chi_square, int(chi_square_dof))  # type: ignore[arg-type]
    return math.nan if p is None else float(p)


# The roles the drift_test rule judges (and adjusts together with Benjamini-Hochberg).
ADJUSTED_ROLES = ("feature", "score", "prediction")


def with_drift_pvalues(drift: pd.DataFrame) -> pd.DataFrame:
    """Return typed monitor_drift rows with the drift test's p-value, raw (`pvalue`) and
    Benjamini-Hochberg adjusted over the judged columns of each window and version."""
    drift = drift.copy()
    inputs = drift[list(DRIFT_TEST_INPUTS)].itertuples(index=False)
    drift["pvalue"] = np.asarray([drift_test_pvalue(*row) for row in inputs], dtype=float)
    drift["pvalue_adjusted"] = drift["pvalue"]
    judged = drift[drift["column_role"].isin(ADJUSTED_ROLES)]
    for _, group in judged.groupby(["window_start", "model_version"], dropna=False):
        values = [None if np.isnan(p) else float(p) for p in group["pvalue"]]
        adjusted = [np.nan if p is None else p for p in benjamini_hochberg(values)]
        drift.loc[group.index, "pvalue_adjusted"] = adjusted
    return drift
