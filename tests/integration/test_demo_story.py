"""The demo scenario end to end on DuckDB: the tables tell the story the scenario injected.

This is the acceptance check of CBPE's stated error: before the injected concept drift, the
estimated accuracy tracks the realized one within 0.015 on average and 0.04 at worst per day.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from model_monitor.demo import run_demo

ROWS = 120_000
DAYS = 28


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    result = run_demo(
        tmp_path_factory.mktemp("demo"), rows=ROWS, days=DAYS, seed=11, echo=lambda _: None
    )
    # dbt-duckdb keeps the file open in this process: connect with the same (default) configuration
    con = duckdb.connect(str(result.duckdb_path))
    yield result, con
    con.close()


def _daily(con, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def _accuracy(con) -> pd.DataFrame:
    return _daily(
        con,
        """
        select window_start, model_version,
          max(case when metric_source = 'realized' then metric_value end) as realized,
          max(case when metric_source = 'estimated' then metric_value end) as estimated,
          max(case when metric_source = 'realized' then labeled_count end) as labeled
        from main.monitor_performance
        where monitor_name = 'churn' and window_kind = 'current' and slice_key is null
          and metric_name = 'accuracy'
        group by window_start, model_version
        """,
    )


def test_cbpe_tracks_realized_accuracy_before_the_concept_drift(demo):
    result, con = demo
    acc = _accuracy(con)
    before = acc[(acc.window_start < result.facts.drift_start) & (acc.labeled >= 1000)]
    assert len(before) >= 10
    error = (before.estimated - before.realized).abs()
    assert error.mean() <= 0.015, before
    assert error.max() <= 0.04, before


def test_realized_accuracy_of_v1_drops_after_the_concept_drift(demo):
    result, con = demo
    acc = _accuracy(con)
    v1 = acc[acc.model_version == "v1"]
    before = v1[v1.window_start < result.facts.drift_start].realized.mean()
    after = v1[v1.window_start >= result.facts.drift_start + pd.Timedelta(days=2)].realized.mean()
    assert after < before - 0.05, (before, after)


def test_the_unlabeled_tail_has_low_coverage_and_still_an_estimate(demo):
    _, con = demo
    coverage = _daily(
        con,
        """
        select window_start, sum(prediction_count) as predictions, sum(labeled_count) as labeled
        from main.monitor_label_coverage
        where monitor_name = 'churn' and slice_key is null
        group by window_start order by window_start
        """,
    )
    last = coverage.iloc[-1]
    assert last.labeled / last.predictions < 0.2
    acc = _accuracy(con)
    tail = acc[acc.window_start == coverage.window_start.max()]
    assert tail.estimated.notna().all()


def test_monthly_charges_drifts_only_after_the_drift_point(demo):
    result, con = demo
    psi = _daily(
        con,
        """
        select window_start, max(psi) as psi from main.monitor_drift
        where monitor_name = 'churn' and column_name = 'monthly_charges' and slice_key is null
        group by window_start
        """,
    )
    assert psi[psi.window_start < result.facts.drift_start].psi.max() < 0.1
    late = psi[psi.window_start >= result.facts.drift_start + pd.Timedelta(days=2)]
    assert late.psi.min() > 0.25


def test_the_outage_day_shows_zero_volume(demo):
    result, con = demo
    volume = con.execute(
        """
        select prediction_count from main.monitor_data_quality
        where monitor_name = 'churn' and metric_scope = 'window' and slice_key is null
          and window_start = ?
        """,
        [result.facts.outage_date.to_pydatetime()],
    ).fetchall()
    assert volume == [(0,)]
