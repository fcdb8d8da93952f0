"""The drift statistics of monitor_drift, declared once.

Each entry names a column of monitor_drift (the dbt package's `drift_statistics()` macro declares
the same list on the SQL side), says whether it is computed from the binned distributions or from
the raw values, which column holds its binned-mode error bound, whether the alert rules judge it,
and its help text (the export's and the docs'). Column lists, the rules' metric catalog and the
export's families derive from this tuple, so a new statistic is one entry here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

UNIT = (0.0, 1.0)
NON_NEGATIVE = (0.0, math.inf)


@dataclass(frozen=True)
class DriftStatistic:
    """One drift statistic: a column of monitor_drift."""

    name: str
    help: str
    # From the raw values (numerical columns only) rather than the binned distributions.
    from_values: bool = False
    # The column with binned mode's guaranteed distance from the exact value (0 when exact).
    error_bound: str | None = None
    # Whether alert rules judge it (drift_statistic rules and the drift_test's p-value).
    judged: bool = True
    # Its lowest and highest possible value: no alert bound is drawn or applied beyond them.
    value_range: tuple[float, float] = UNIT


DRIFT_STATISTICS = (
    DriftStatistic(
        "psi",
        "Population stability index of the column vs the reference.",
        value_range=NON_NEGATIVE,
    ),
    DriftStatistic(
        "chi_square",
        "Pearson chi-square statistic of the value bins vs the reference.",
        judged=False,  # judged through its p-value
        value_range=NON_NEGATIVE,
    ),
    DriftStatistic(
        "js_distance", "Jensen-Shannon distance (base 2) of the value bins vs the reference."
    ),
    DriftStatistic("hellinger", "Hellinger distance of the value bins vs the reference."),
    DriftStatistic("tv_distance", "Total variation distance of the value bins vs the reference."),
    DriftStatistic("l_infinity", "Largest absolute difference of a bin share vs the reference."),
    DriftStatistic(
        "kl_divergence",
        "Kullback-Leibler divergence of the value bins from the reference's.",
        value_range=NON_NEGATIVE,
    ),
    DriftStatistic(
        "ks_statistic",
        "Two-sample Kolmogorov-Smirnov statistic vs the reference.",
        from_values=True,
        error_bound="ks_error_bound",
    ),
    DriftStatistic(
        "wasserstein",
        "Wasserstein distance vs the reference, in the column's unit.",
        from_values=True,
        error_bound="wasserstein_error_bound",
        judged=False,  # in the column's unit: rules judge the normed one
        value_range=NON_NEGATIVE,
    ),
    DriftStatistic(
        "wasserstein_normed",
        "Wasserstein distance over the reference's standard deviation.",
        from_values=True,
        error_bound="wasserstein_normed_error_bound",
        value_range=NON_NEGATIVE,
    ),
)


@dataclass(frozen=True)
class DriftPValue:
    """A p-value computed from monitor_drift's aggregates (not stored: scipy computes it)."""

    name: str
    help: str
    # The statistic it tests (None: the drift test's, which picks one by the column's kind).
    statistic: str | None


CHI_SQUARE_PVALUE = DriftPValue(
    "chi_square_pvalue",
    "p-value of chi_square (scipy, from the statistic and its dof).",
    "chi_square",
)
KS_PVALUE = DriftPValue("ks_pvalue", "Asymptotic p-value of ks_statistic (scipy).", "ks_statistic")
# The drift test's p-value: KS for numerical columns, chi-square for categorical ones.
DRIFT_PVALUE = DriftPValue("drift_pvalue", "p-value of the column's drift test.", None)
STATISTIC_PVALUES = (CHI_SQUARE_PVALUE, KS_PVALUE)

# The range of each judged statistic and of the drift test's p-value.
JUDGED_RANGES = {
    **{s.name: s.value_range for s in DRIFT_STATISTICS if s.judged},
    DRIFT_PVALUE.name: UNIT,
}
STATISTIC_COLUMNS = tuple(s.name for s in DRIFT_STATISTICS)
BOUND_COLUMNS = tuple(s.error_bound for s in DRIFT_STATISTICS if s.error_bound is not None)
# The statistics and p-value the alert rules may judge, in the order they are observed.
JUDGED_METRICS = (*(s.name for s in DRIFT_STATISTICS if s.judged), DRIFT_PVALUE.name)
# What the p-values are computed from.
PVALUE_INPUT_COLUMNS = ("reference_count", "current_count", "chi_square", "chi_square_dof")


def statistics_with_pvalues() -> list[tuple[str, str]]:
    """(name, help) of each statistic, each followed by its p-value: the export's order."""
    listed = []
    for entry in DRIFT_STATISTICS:
        listed.append((entry.name, entry.help))
        listed += [(p.name, p.help) for p in STATISTIC_PVALUES if p.statistic == entry.name]
    return listed


def statistic(name: str) -> DriftStatistic:
    """Return the registry entry of a statistic (KeyError naming the known ones)."""
    for entry in DRIFT_STATISTICS:
        if entry.name == name:
            return entry
    raise KeyError(f"no drift statistic {name!r}; known: {', '.join(STATISTIC_COLUMNS)}")
