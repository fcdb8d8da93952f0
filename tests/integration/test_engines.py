"""DuckDB and PostgreSQL publish equal tables for the same data (runs when both are selected)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .compare import diff_rows, index_rows, missing_and_extra, report
from .conftest import BuildCache, bins_key, distribution_key, drift_key, quality_key

KEYS: dict[str, Callable[[dict[str, Any]], tuple]] = {
    "monitor_reference_bins": bins_key,
    "monitor_distributions": distribution_key,
    "monitor_drift": drift_key,
    "monitor_data_quality": lambda r: (r.get("window_kind"), r["metric_scope"], *quality_key(r)),
}


@pytest.fixture(scope="module")
def both(engines: list[str], example_builds: BuildCache) -> tuple[Any, Any]:
    """The example build on each engine."""
    if not {"duckdb", "postgres"} <= set(engines):
        pytest.skip("needs MM_ENGINES=duckdb,postgres")
    duck, pg = example_builds.get("duckdb"), example_builds.get("postgres")
    duck.require_models()
    pg.require_models()
    return duck, pg


@pytest.mark.parametrize("table", list(KEYS))
def test_engines_publish_equal_tables(both: tuple[Any, Any], table: str) -> None:
    duck, pg = both
    d_rows, d_dupes = index_rows(duck.tables[table], KEYS[table])
    p_rows, p_dupes = index_rows(pg.tables[table], KEYS[table])
    assert not d_dupes and not p_dupes, (d_dupes[:5], p_dupes[:5])
    only_duck, only_pg = missing_and_extra(d_rows, p_rows)
    assert not only_duck, report("rows only on duckdb", only_duck)
    assert not only_pg, report("rows only on postgres", only_pg)
    # reference_version is a fingerprint each engine hashes from its own text rendering of
    # the reference's min/max: it only has to be stable per engine, not equal across engines.
    columns = sorted(
        {c for r in duck.tables[table] + pg.tables[table] for c in r} - {"reference_version"}
    )
    problems = diff_rows(d_rows, p_rows, columns)
    assert not problems, report("duckdb (expected) vs postgres (got)", problems)


def test_engines_publish_the_same_columns_in_the_same_order(both: tuple[Any, Any]) -> None:
    duck, pg = both
    for table in KEYS:
        assert list(duck.tables[table][0]) == list(pg.tables[table][0]), table
