"""Every other engine publishes the same tables as DuckDB for the same data.

Parametrized over the selected engines besides DuckDB (PostgreSQL, Spark); DuckDB's build, the
yardstick, is made even when DuckDB itself was not selected (it needs no server).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .compare import diff_rows, index_rows, missing_and_extra, report
from .conftest import Build, BuildCache, bins_key, distribution_key, drift_key, quality_key

pytestmark = pytest.mark.engines("postgres", "spark")

KEYS: dict[str, Callable[[dict[str, Any]], tuple]] = {
    "monitor_reference_bins": bins_key,
    "monitor_distributions": distribution_key,
    "monitor_drift": drift_key,
    "monitor_data_quality": lambda r: (r.get("window_kind"), r["metric_scope"], *quality_key(r)),
}


@pytest.fixture(scope="module")
def both(engine: str, example_builds: BuildCache) -> tuple[Build, Build]:
    """The example build on DuckDB and on this engine."""
    duck, other = example_builds.get("duckdb"), example_builds.get(engine)
    duck.require_models()
    other.require_models()
    return duck, other


@pytest.mark.parametrize("table", list(KEYS))
def test_engines_publish_equal_tables(both: tuple[Build, Build], table: str) -> None:
    duck, other = both
    engine = other.warehouse.engine
    d_rows, d_dupes = index_rows(duck.tables[table], KEYS[table])
    o_rows, o_dupes = index_rows(other.tables[table], KEYS[table])
    assert not d_dupes and not o_dupes, (d_dupes[:5], o_dupes[:5])
    only_duck, only_other = missing_and_extra(d_rows, o_rows)
    assert not only_duck, report(f"rows only on duckdb, not on {engine}", only_duck)
    assert not only_other, report(f"rows only on {engine}", only_other)
    # reference_version is a fingerprint each engine hashes from its own text rendering of
    # the reference's min/max: it only has to be stable per engine, not equal across engines.
    columns = sorted(
        {c for r in duck.tables[table] + other.tables[table] for c in r} - {"reference_version"}
    )
    problems = diff_rows(d_rows, o_rows, columns)
    assert not problems, report(f"duckdb (expected) vs {engine} (got)", problems)


# Spark stores a partitioned table's partition column last, whatever the model's select says;
# the package partitions its incremental tables on Spark by window_key (the reference tables by
# monitor_name), so that one column moves to the end there.
SPARK_PARTITION_COLUMN = {"monitor_reference_bins": "monitor_name"}


def _column_order(columns: list[str], engine: str, table: str) -> list[str]:
    """The columns of DuckDB's table in the order `engine` stores them."""
    if engine != "spark":
        return columns
    last = SPARK_PARTITION_COLUMN.get(table, "window_key")
    return [c for c in columns if c != last] + [last]


def test_engines_publish_the_same_columns_in_the_same_order(both: tuple[Build, Build]) -> None:
    duck, other = both
    engine = other.warehouse.engine
    for table in KEYS:
        want = _column_order(list(duck.tables[table][0]), engine, table)
        assert list(other.tables[table][0]) == want, table
