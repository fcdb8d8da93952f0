"""P-values from the aggregates the warehouse stores, computed with scipy.stats."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
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
