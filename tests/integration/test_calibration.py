"""monitor_calibration (and the ECE and CBPE built on calibration) against numpy / scikit-learn.

Shares the performance build of test_performance (one dbt run per engine). bin_thr uses the
default 10 bins and scores with exact 0 and 1; bin_cls uses 100 bins, where ceil(score * B)
of a two-decimal score is not always the bin its bounds suggest (0.07 * 100 = 7.000000000000001).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from .compare import diff_rows, report, same
from .loaders import Warehouse
from .performance_data import OutcomeBuild, performance_build
from .reference_performance import (
    ExpectedOutcomes,
    calibration_bin,
    calibration_key,
    calibration_map,
    diff_performance,
    index_actual,
    performance_key,
)
from .test_performance import SEED, _expected

# Runs on Spark too: the build shared with test_performance.
pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")

SCORED = ("bin_thr", "bin_cls")


@pytest.fixture(scope="module")
def build(
    engine: str,
    make_warehouse: Callable[[str, str], Warehouse],
    tmp_path_factory: pytest.TempPathFactory,
) -> OutcomeBuild:
    """The performance scenario built on this engine (shared with test_performance)."""
    b = performance_build(engine, make_warehouse, tmp_path_factory, SEED)
    if not b.result.models_ok:
        pytest.fail(f"dbt build failed on {engine}:\n{b.result.tail(80)}", pytrace=False)
    return b


@pytest.fixture(scope="module")
def expected() -> ExpectedOutcomes:
    """The outcome tables as numpy / scikit-learn compute them."""
    return _expected(SEED)


def test_calibration_bins_follow_ceil_of_score_times_b() -> None:
    """The documented rule, including its float64 edge (not the bin's decimal bounds)."""
    s = np.array([0.0, 0.01, 0.07, 0.1, 0.5, 0.55, 1.0])
    assert calibration_bin(s, 10).tolist() == [1, 1, 1, 1, 5, 6, 10]
    assert calibration_bin(s, 100).tolist() == [1, 1, 8, 10, 50, 56, 100]


def test_calibration_rows_match(build: OutcomeBuild, expected: ExpectedOutcomes) -> None:
    actual = index_actual(build.tables["monitor_calibration"], calibration_key)
    want = expected.calibration
    missing = sorted(
        (k for k in want.keys() - actual.keys() if want[k]["prediction_count"]), key=repr
    )
    extra = sorted(actual.keys() - want.keys(), key=repr)
    assert not missing, report("monitor_calibration: rows missing", missing)
    assert not extra, report("monitor_calibration: rows not expected", extra)
    fields = ["lower_bound", "upper_bound", "prediction_count", "mean_prediction", "observed_rate"]
    problems = diff_rows(want, actual, fields)
    assert not problems, report("monitor_calibration differs", problems)


def test_every_calibration_group_covers_its_scored_labeled_rows(
    build: OutcomeBuild, expected: ExpectedOutcomes
) -> None:
    """Summed prediction_count of a group = labeled_count of its log_loss row."""
    counts: dict[tuple, int] = {}
    for r in build.tables["monitor_calibration"]:
        k = calibration_key(r)[:6]
        counts[k] = counts.get(k, 0) + int(r["prediction_count"])
    perf = index_actual(build.tables["monitor_performance"], performance_key)
    problems = []
    for k, n in counts.items():
        used = perf[(*k, "realized", "log_loss", None)]["labeled_count"]
        if used != n:
            problems.append(f"{k}: calibration rows {n}, log_loss labeled_count {used}")
    assert not problems, report("calibration vs performance", problems)


def test_ece_equals_the_weighted_gap_of_the_calibration_table(build: OutcomeBuild) -> None:
    cells: dict[tuple, list[tuple[int, float, float]]] = {}
    for r in build.tables["monitor_calibration"]:
        cells.setdefault(calibration_key(r)[:6], []).append(
            (int(r["prediction_count"]), r["mean_prediction"], r["observed_rate"])
        )
    perf = index_actual(build.tables["monitor_performance"], performance_key)
    problems = []
    for k, rows in cells.items():
        n = sum(c for c, _, _ in rows)
        ece = sum(c / n * abs(m - o) for c, m, o in rows)
        got = perf[(*k, "realized", "expected_calibration_error", None)]["metric_value"]
        if not same(ece, got):
            problems.append(f"{k}: ECE from the table {ece!r}, monitor_performance {got!r}")
    assert not problems, report("ECE", problems)


@pytest.mark.parametrize("monitor", SCORED)
def test_score_metrics_and_cbpe_match(
    build: OutcomeBuild, expected: ExpectedOutcomes, monitor: str
) -> None:
    """roc_auc, average_precision, log_loss, brier_score, ECE and every CBPE estimate."""
    names = {
        "roc_auc",
        "average_precision",
        "log_loss",
        "brier_score",
        "expected_calibration_error",
    }
    want = {
        k: v
        for k, v in expected.performance.items()
        if k[0] == monitor and (k[6] == "estimated" or k[7] in names)
    }
    actual = {
        k: v
        for k, v in index_actual(build.tables["monitor_performance"], performance_key).items()
        if k in want or (k[0] == monitor and (k[6] == "estimated" or k[7] in names))
    }
    assert sorted(want.keys() - actual.keys(), key=repr) == []
    assert sorted(actual.keys() - want.keys(), key=repr) == []
    problems = diff_performance(want, actual)
    assert not problems, report(f"{monitor}: score metrics / CBPE differ", problems)


def test_cbpe_uses_the_mean_score_of_a_bin_without_labeled_reference_rows(
    expected: ExpectedOutcomes,
) -> None:
    """The scenario has such a bin (bin_thr's top reference score bin), so the fallback is used."""
    o = expected.outcomes["bin_thr"]
    cmap = calibration_map(o)
    top = len(cmap.edges) + 1
    ref = o.reference
    score = np.array([np.nan if v is None else v for v in ref["score"]], dtype=float)
    in_top = np.searchsorted(cmap.edges, score, side="left") + 1 == top
    assert in_top.any() and ref["label_class"][in_top].isna().all()
    assert cmap.probability[top] == pytest.approx(score[in_top].mean(), rel=1e-12)
