"""monitor_performance, monitor_confusion_matrix, monitor_residuals and monitor_fairness against
scikit-learn (tests/integration/reference_performance.py) on both engines.

One build per engine (shared with test_calibration) of tests/integration/performance_data.py:
tied scores, single-class and unlabeled windows, NULL and superseded labels, thresholded and
mapped classes, positive_class as text, integer and boolean, multiclass with a class never
predicted, regression with constant and zero labels.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest
from scipy.stats import mannwhitneyu
from sklearn.metrics import average_precision_score, roc_auc_score

from .compare import diff_rows, nan_cells, report
from .data import Scenario
from .loaders import Warehouse
from .performance_data import (
    OUTCOME_TABLES,
    OutcomeBuild,
    make_performance_scenario,
    performance_build,
    tied_scores,
)
from .reference_performance import (
    ExpectedOutcomes,
    Rows,
    confusion_key,
    diff_performance,
    expected_outcomes,
    fairness_key,
    index_actual,
    performance_key,
    residual_key,
)

# Runs on Spark too: one build of every model, shared with test_calibration.
pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")

SEED = int(os.environ.get("MM_SEED", "20240507"))


@cache
def _expected(seed: int) -> ExpectedOutcomes:
    return expected_outcomes(make_performance_scenario(seed))


@pytest.fixture(scope="module")
def build(
    engine: str,
    make_warehouse: Callable[[str, str], Warehouse],
    tmp_path_factory: pytest.TempPathFactory,
) -> OutcomeBuild:
    """The performance scenario built on this engine (fails if a model failed)."""
    b = performance_build(engine, make_warehouse, tmp_path_factory, SEED)
    if not b.result.models_ok:
        pytest.fail(f"dbt build failed on {engine}:\n{b.result.tail(80)}", pytrace=False)
    return b


@pytest.fixture(scope="module")
def expected() -> ExpectedOutcomes:
    """The outcome tables as scikit-learn computes them."""
    return _expected(SEED)


def _monitors(scenario: Scenario, task: str) -> set[str]:
    return {m.name for m in scenario.monitors if m.task == task}


def _only(rows: Rows, monitors: set[str]) -> Rows:
    return {k: v for k, v in rows.items() if k[0] in monitors}


def _keys_match(
    expected: Rows, actual: Rows, what: str, may_be_absent: Callable[[dict[str, Any]], bool]
) -> None:
    missing = sorted(
        (k for k in expected.keys() - actual.keys() if not may_be_absent(expected[k])), key=repr
    )
    extra = sorted(actual.keys() - expected.keys(), key=repr)
    assert not missing, report(f"{what}: rows missing", missing)
    assert not extra, report(f"{what}: rows not expected", extra)


def _performance(build: OutcomeBuild, expected: ExpectedOutcomes, monitors: set[str]) -> None:
    actual = _only(index_actual(build.tables["monitor_performance"], performance_key), monitors)
    want = _only(expected.performance, monitors)
    _keys_match(want, actual, "monitor_performance", lambda r: False)
    problems = diff_performance(want, actual)
    assert not problems, report("monitor_performance differs", problems)


# ------------------------------------------------------------------ the reference itself


def test_reference_auc_and_ap_on_tied_scores_follow_their_definitions() -> None:
    """Mann-Whitney U with midranks is AUC; AP = sum over distinct scores of dR * P."""
    rng = np.random.default_rng(5)
    s = np.array(tied_scores(rng, 400))
    y = (rng.random(400) < s).astype(int)
    u = mannwhitneyu(s[y == 1], s[y == 0]).statistic
    assert roc_auc_score(y, s) == pytest.approx(u / (y.sum() * (1 - y).sum()), rel=1e-12)
    ap, recall_before = 0.0, 0.0
    for t in np.unique(s)[::-1]:
        chosen = s >= t
        recall = y[chosen].sum() / y.sum()
        ap += (recall - recall_before) * y[chosen].mean()
        recall_before = recall
    assert average_precision_score(y, s) == pytest.approx(ap, rel=1e-12)


def test_the_scenario_covers_the_edge_cases(expected: ExpectedOutcomes) -> None:
    reasons = {
        (k[0], k[7], v["undefined_reason"])
        for k, v in expected.performance.items()
        if v["metric_value"] is None
    }
    assert ("bin_thr", "roc_auc", "single_class") in reasons
    assert ("bin_thr", "accuracy", "no_labels") in reasons
    assert ("bin_thr", "precision", "zero_denominator") in reasons
    assert ("multi", "precision", "zero_denominator") in reasons  # fish is never predicted
    assert ("multi", "recall", "zero_denominator") in reasons  # bird is never labeled on D2
    assert ("reg", "r2", "constant_labels") in reasons  # constant labels
    assert ("reg", "mae", "no_labels") in reasons
    o = expected.outcomes["bin_thr"]
    assert o.current["score"].map(lambda v: v in (0.0, 1.0)).any()  # log loss clipping


# ------------------------------------------------------------------ monitor_performance


def test_binary_realized_and_estimated_metrics_match_sklearn(
    build: OutcomeBuild, expected: ExpectedOutcomes
) -> None:
    _performance(build, expected, _monitors(build.scenario, "binary"))


def test_multiclass_metrics_match_sklearn(build: OutcomeBuild, expected: ExpectedOutcomes) -> None:
    _performance(build, expected, _monitors(build.scenario, "multiclass"))


def test_regression_metrics_match_sklearn(build: OutcomeBuild, expected: ExpectedOutcomes) -> None:
    _performance(build, expected, _monitors(build.scenario, "regression"))


@pytest.mark.parametrize("monitor", ["bin_bool", "bin_num"])
def test_positive_class_of_boolean_and_numeric_columns(
    build: OutcomeBuild, expected: ExpectedOutcomes, monitor: str
) -> None:
    """positive_class false on boolean columns; positive_class 1 on doubles 1.0 / 0.0."""
    _performance(build, expected, {monitor})


# ------------------------------------------------------------------ the other outcome tables


def test_confusion_matrix_counts_labeled_rows(
    build: OutcomeBuild, expected: ExpectedOutcomes
) -> None:
    actual = index_actual(build.tables["monitor_confusion_matrix"], confusion_key)
    _keys_match(
        expected.confusion, actual, "monitor_confusion_matrix", lambda r: r["row_count"] == 0
    )
    problems = diff_rows(expected.confusion, actual, ["row_count"])
    assert not problems, report("monitor_confusion_matrix differs", problems)


def test_residuals_bin_on_the_reference_quantiles(
    build: OutcomeBuild, expected: ExpectedOutcomes
) -> None:
    actual = index_actual(build.tables["monitor_residuals"], residual_key)
    _keys_match(expected.residuals, actual, "monitor_residuals", lambda r: r["bin_share"] is None)
    fields = ["lower_bound", "upper_bound", "bin_count", "bin_share"]
    problems = diff_rows(expected.residuals, actual, fields)
    assert not problems, report("monitor_residuals differs", problems)


def test_fairness_is_the_spread_of_per_slice_rates(
    build: OutcomeBuild, expected: ExpectedOutcomes
) -> None:
    actual = index_actual(build.tables["monitor_fairness"], fairness_key)
    _keys_match(expected.fairness, actual, "monitor_fairness", lambda r: r["slice_count"] == 0)
    problems = diff_rows(expected.fairness, actual, ["metric_value", "slice_count"])
    for key in expected.fairness.keys() & actual.keys():
        e, a = expected.fairness[key], actual[key]
        for side in ("min", "max"):
            if (
                e["metric_value"] is not None
                and a[f"{side}_slice_value"] not in e[f"{side}_slices"]
            ):
                problems.append(
                    f"{key}: {side}_slice_value expected one of {sorted(e[f'{side}_slices'])}, "
                    f"got {a[f'{side}_slice_value']!r}"
                )
    assert not problems, report("monitor_fairness differs", problems)


def test_no_outcome_number_is_nan_or_infinite(build: OutcomeBuild) -> None:
    cells = [c for t in OUTCOME_TABLES for c in nan_cells(build.tables[t])]
    assert not cells, report("NaN / infinite cells", cells)


def test_the_package_data_tests_pass(build: OutcomeBuild) -> None:
    assert not build.result.failed_tests, build.result.failed_tests
