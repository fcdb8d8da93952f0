"""Drift tests' p-values for the report, from the stored statistics and counts (scipy)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model_monitor.stats import benjamini_hochberg, chi_square_pvalue, ks_pvalue

# The roles the drift_test rule judges (and adjusts together with Benjamini-Hochberg).
ADJUSTED_ROLES = ("feature", "score", "prediction")


def add_pvalues(drift: pd.DataFrame) -> pd.DataFrame:
    """Return drift rows with the drift test's p-value, raw and Benjamini-Hochberg adjusted."""
    drift = drift.copy()
    raw = []
    for row in drift.itertuples(index=False):
        if row.column_kind == "numerical":
            counts = (row.reference_count, row.current_count)
            p = None if any(np.isnan(counts)) else ks_pvalue(row.ks_statistic, *map(int, counts))
        else:
            dof = None if np.isnan(row.chi_square_dof) else int(row.chi_square_dof)
            p = chi_square_pvalue(None if np.isnan(row.chi_square) else row.chi_square, dof)
        raw.append(np.nan if p is None else float(p))
    drift["pvalue"] = np.asarray(raw, dtype=float)
    drift["pvalue_adjusted"] = drift["pvalue"]
    judged = drift[drift["column_role"].isin(ADJUSTED_ROLES)]
    for _, group in judged.groupby(["window_start", "model_version"], dropna=False):
        values = [None if np.isnan(p) else float(p) for p in group["pvalue"]]
        adjusted = [np.nan if p is None else p for p in benjamini_hochberg(values)]
        drift.loc[group.index, "pvalue_adjusted"] = adjusted
    return drift
