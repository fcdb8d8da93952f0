"""The package's shims as Snowflake, BigQuery, Databricks, Trino (and Spark) would render them.

No adapter or connection is needed: tests/portability/macro_render.py renders the macro files
with dbt's Jinja environment and dbt's dispatch order. Each rendering has to parse strictly in
the warehouse's sqlglot dialect and use nothing beyond PORTABLE and what that warehouse has
(dialects.NATIVE); where the arithmetic is engine-independent it is also executed, through
sqlglot, in DuckDB and compared with numpy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import duckdb
import numpy as np
import pytest
import sqlglot
from sqlglot import exp

from .constructs import parse, uses
from .dialects import NATIVE, NOT_IN_MODELS, PORTABLE, TYPE_SPELLINGS, WAREHOUSES
from .macro_render import CROSS_DB, Macros, RenderError

ADAPTERS = (*WAREHOUSES, "spark")


@cache
def macros(adapter: str) -> Macros:
    """The macros rendered for one adapter type (loaded once)."""
    return Macros(adapter)


@dataclass(frozen=True)
class Case:
    """A shim called the way the models call it, inside a statement that gives it a context."""

    macro: str
    statement: str  # `{}` is where the rendering goes
    render: Callable[[Macros], str]


CASES = (
    Case("is_finite", "select 1 as ok from t where {}", lambda m: m.is_finite("t.x")),
    Case("percentile", "select {} as q from t", lambda m: m.percentile("t.x", 0.25)),
    Case("median", "select {} as q from t", lambda m: m.median("t.x")),
    Case(
        "approx_count_distinct",
        "select {} as n from t",
        lambda m: m.count_distinct("t.x", "approximate"),
    ),
    Case("string_literal", "select {} as s", lambda m: m.string_literal("O'Brien \\ café")),
    Case("timestamp_literal", "select {} as ts", lambda m: m.timestamp_literal("2025-01-06")),
    Case("text_order", "select t.y from t order by {}", lambda m: m.text_order("t.y")),
    Case("number_text", "select {} as label from t", lambda m: m.number_text("t.x")),
    Case("hours_between", "select {} as h from t", lambda m: m.hours_between("t.a", "t.b")),
    Case("numbers", "select n from ({}) as numbers", lambda m: m.numbers(3)),
    Case("window_start", "select {} as w from t", lambda m: m.window_start("week", "t.a")),
    Case(
        "materialized_cte",
        "with c as {} (select 1 as one) select one from c",
        lambda m: m.materialized_cte(),
    ),
    Case(
        "subquery_fence",
        "select s.x from (select t.x from t {}) as s",
        lambda m: m.subquery_fence(),
    ),
    Case("type_double", "select cast(t.x as {}) as d from t", lambda m: m.type_double()),
    # none where the key itself is the replacement key
    Case("key_fingerprint", "select {} as f from t", lambda m: m.key_fingerprint("t.k") or "t.k"),
)


def test_every_dispatched_shim_has_a_case() -> None:
    defaults = set()
    for path in CROSS_DB.glob("*.sql"):
        defaults |= set(re.findall(r"macro default__(\w+)\(", path.read_text()))
    assert defaults - NOT_IN_MODELS == {case.macro for case in CASES}


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.macro)
def test_shim_renders_sql_the_warehouse_runs(adapter: str, case: Case) -> None:
    rendered = case.render(macros(adapter))
    statement = case.statement.format(rendered)
    found = uses(statement, adapter, parse(statement, adapter))
    allowed = PORTABLE | NATIVE[adapter]
    foreign = [f"{u.construct}: {u.excerpt}" for u in found if u.construct not in allowed]
    assert not foreign, (
        f"{case.macro} on {adapter} renders `{rendered}`, which uses what {adapter} lacks:\n"
        + "\n".join(foreign)
        + f"\n-> add {adapter}__{case.macro} to dbt_project/macros/cross_db/{case.macro}.sql"
    )


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_type_double_is_spelled_the_adapter_way(adapter: str) -> None:
    assert macros(adapter).type_double() in TYPE_SPELLINGS[adapter]


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("value", ["O'Brien", "back\\slash", "it's \\'quoted\\'", "日本語 🙂", ""])
def test_string_literal_reads_back_as_the_value(adapter: str, value: str) -> None:
    # sqlglot unescapes each dialect's literals its own way: Snowflake, BigQuery and Spark read
    # a backslash as an escape character, Trino does not.
    literal = macros(adapter).string_literal(value)
    assert parse(f"select {literal}", adapter).find(exp.Literal).this == value


def test_databricks_inherits_the_spark_overrides() -> None:
    assert macros("databricks").number_text("x") == macros("spark").number_text("x")
    assert macros("databricks").hours_between("a", "b") == macros("spark").hours_between("a", "b")


def test_a_datediff_the_adapter_lacks_fails_to_render() -> None:
    # dbt-trino has no microsecond datediff: without trino__hours_between this is the error
    with pytest.raises(RenderError, match="microsecond"):
        macros("trino").default__hours_between("a", "b")


# --- executed through sqlglot in DuckDB ------------------------------------------------------

VALUES = [3.0, 1.0, None, 7.5, 2.0, 10.0, 4.0, 4.0]


def run_in_duckdb(select: str, adapter: str, setup: list[str]) -> list[tuple]:
    """Transpile a statement from the adapter's dialect to DuckDB and run it."""
    con = duckdb.connect()
    for statement in setup:
        con.execute(statement)
    return con.execute(sqlglot.transpile(select, read=adapter, write="duckdb")[0]).fetchall()


# Spark's (and Databricks') percentile is exact and linear too, but sqlglot turns it into
# DuckDB's discrete quantile: only the interpolating renderings are executed.
@pytest.mark.parametrize("adapter", ["snowflake", "bigquery", "trino"])
@pytest.mark.parametrize("p", [0, 0.1, 0.25, 0.5, 0.9, 1])
def test_percentile_interpolates_like_numpy(adapter: str, p: float) -> None:
    rows = ", ".join("(null)" if v is None else f"({v})" for v in VALUES)
    setup = ["create table t (x double)", f"insert into t values {rows}"]
    select = f"select {macros(adapter).percentile('t.x', p)} as q from t"
    (got,) = run_in_duckdb(select, adapter, setup)[0]
    expected = np.percentile([v for v in VALUES if v is not None], p * 100)
    assert got == pytest.approx(expected, rel=1e-12)
    empty = run_in_duckdb(select, adapter, [*setup, "delete from t"])
    assert empty == [(None,)]


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_hours_between_counts_microseconds(adapter: str) -> None:
    setup = [
        "create table t as select timestamp '2025-03-30 00:30:00.000001' as a, "
        "timestamp '2025-03-31 02:45:30.250002' as b",
        # Trino's with_timezone(ts, 'UTC') reads wall time as UTC, as DuckDB's epoch() does
        "create macro with_timezone(ts, zone) as ts",
    ]
    select = f"select {macros(adapter).hours_between('t.a', 't.b')} as h from t"
    (got,) = run_in_duckdb(select, adapter, setup)[0]
    assert got == pytest.approx((26 * 3600 + 15 * 60 + 30.250001) / 3600, abs=1e-9)


@pytest.mark.parametrize("adapter", ["trino", "spark", "databricks"])
def test_number_text_drops_a_trailing_point_zero(adapter: str) -> None:
    # these engines write doubles like Java ('56.0'), as DuckDB does: the override's pattern
    # (escaped each engine's way) must survive into a working regex
    setup = ["create table t (x double)", "insert into t values (56.0), (39.2), (-3.0), (0.5)"]
    select = f"select {macros(adapter).number_text('t.x')} as label from t"
    assert [r[0] for r in run_in_duckdb(select, adapter, setup)] == ["56", "39.2", "-3", "0.5"]


# --- incremental strategy --------------------------------------------------------------------

# What each adapter runs (docs.getdbt.com, "Supported incremental strategies by adapter");
# Databricks runs insert_overwrite on all-purpose clusters only, not on SQL warehouses.
STRATEGIES = {
    "snowflake": {"append", "merge", "delete+insert", "insert_overwrite", "microbatch"},
    "bigquery": {"merge", "insert_overwrite", "microbatch"},
    "databricks": {"append", "merge", "delete+insert", "replace_where", "microbatch"},
    "trino": {"append", "merge", "delete+insert", "microbatch"},
    "spark": {"append", "merge", "insert_overwrite", "microbatch"},
}


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_incremental_strategy_is_one_the_adapter_runs(adapter: str) -> None:
    m = macros(adapter)
    strategy = m.window_incremental_strategy()
    assert strategy in STRATEGIES[adapter]
    if strategy == "delete+insert":
        assert m.incremental_unique_key("window_key") == "window_key"
    if strategy == "insert_overwrite":
        # the table's replacement column: the key itself, or its fingerprint where the engine
        # partitions on integers and dates only (BigQuery)
        field = m.incremental_partition_by("window_key")
        field = field["field"] if isinstance(field, dict) else field
        expected = "window_key_fingerprint" if m.key_fingerprint("k") else "window_key"
        assert field in (expected, [expected])


# --- BigQuery: insert_overwrite on the key's fingerprint --------------------------------------
# dbt-bigquery's insert_overwrite, as it renders for the package's partition config, from
# dbt-labs/dbt-adapters: dbt-bigquery/src/dbt/include/bigquery/macros/materializations/
# incremental_strategy/insert_overwrite.sql (bq_dynamic_insert_overwrite_sql), the merge of
# dbt-adapters/src/dbt/include/global_project/macros/materializations/models/incremental/
# merge.sql (default__get_insert_overwrite_merge_sql), and the replacement value of an int64
# range partition, dbt-bigquery/src/dbt/adapters/bigquery/relation_configs/_partition.py
# (PartitionConfig.render_wrapped: `v - MOD(v - start, interval)`).

# BigQuery's most range partitions per table (cloud.google.com/bigquery/quotas, partitioned tables)
MAX_RANGE_PARTITIONS = 10_000
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def bq_replacement_value(partition_by: dict, alias: str | None = None) -> str:
    """PartitionConfig.render_wrapped() for an int64 range partition."""
    assert partition_by["data_type"] == "int64" and partition_by.get("range")
    column = f"{alias}.{partition_by['field']}" if alias else partition_by["field"]
    start, interval = partition_by["range"]["start"], partition_by["range"]["interval"]
    return f"({column} - MOD({column} - {start}, {interval}))"


def bq_partitions_for_replacement(partition_by: dict) -> str:
    """Step 2 of bq_dynamic_insert_overwrite_sql: the partition values of the new rows."""
    value = bq_replacement_value(partition_by)
    return f"select array_agg(distinct {value} IGNORE NULLS) from tmp"


def bq_insert_overwrite_merge(partition_by: dict, columns: list[str], replaced: list[int]) -> str:
    """Step 3: default__get_insert_overwrite_merge_sql with dbt-bigquery's predicate (the
    script's array variable written out as the literal array step 2 returned)."""
    predicate = f"{bq_replacement_value(partition_by, 'DBT_INTERNAL_DEST')} in unnest({replaced})"
    quoted = ", ".join(f"`{c}`" for c in columns)
    return f"""merge into target as DBT_INTERNAL_DEST
        using (select * from tmp) as DBT_INTERNAL_SOURCE
        on FALSE
    when not matched by source and {predicate} then delete
    when not matched then insert ({quoted}) values ({quoted})"""


def test_bigquery_partitions_on_the_key_fingerprint_column_the_models_write() -> None:
    m = macros("bigquery")
    partition_by = m.incremental_partition_by("window_key")
    column = m.key_fingerprint_column("t.window_key", "window_key")
    assert m.incremental_unique_key("window_key") is None  # insert_overwrite takes none
    statement = f"select t.window_key{column} from t"
    tree = parse(statement, "bigquery")
    assert tree.named_selects == ["window_key", partition_by["field"]]
    (fingerprint,) = tree.find_all(exp.FarmFingerprint)  # BigQuery's INT64 FarmHash of the key
    assert fingerprint.expressions == [exp.column("window_key", table="t")]
    found = uses(statement, "bigquery", tree)
    assert {u.construct for u in found} <= PORTABLE | NATIVE["bigquery"]
    # a range BigQuery accepts: generate_array(start, end, interval) within the partition limit
    bounds = partition_by["range"]
    assert 0 < (bounds["end"] - bounds["start"]) // bounds["interval"] <= MAX_RANGE_PARTITIONS
    # the empty relations of models without rows list the same column, as INT64
    assert m.key_fingerprint_columns("window_key") == [(partition_by["field"], "int64")]


def test_other_adapters_write_no_fingerprint_column() -> None:
    for adapter in (a for a in ADAPTERS if a != "bigquery"):
        assert macros(adapter).key_fingerprint_column("t.window_key", "window_key") == ""
        assert macros(adapter).key_fingerprint_columns("window_key") == []


@pytest.mark.parametrize("fingerprints", ["small", "extreme"])
def test_bigquery_insert_overwrite_replaces_exactly_the_recomputed_windows(
    fingerprints: str,
) -> None:
    # Stored: windows a (3 rows) and b (2 rows). Recomputed: a (2 rows, one of them new, two old
    # ones gone) and c (new). Expected: a's 2 new rows, b untouched, c; nothing twice. The
    # extreme fingerprints check that `v - MOD(v - start, interval)` neither overflows nor
    # merges neighbouring values at the ends of int64.
    ids = {"small": {"a": 7, "b": 8, "c": -7}, "extreme": {"a": INT64_MIN, "b": INT64_MAX, "c": 0}}
    fp = ids[fingerprints]
    partition_by = macros("bigquery").incremental_partition_by("window_key")
    field = partition_by["field"]
    columns = ["window_key", "bin", "value", field]
    stored = [("a", 1, 1.0), ("a", 2, 2.0), ("a", 3, 3.0), ("b", 1, 4.0), ("b", 2, 5.0)]
    recomputed = [("a", 1, 10.0), ("a", 4, 40.0), ("c", 1, 9.0)]
    con = duckdb.connect()
    for name, rows in (("target", stored), ("tmp", recomputed)):
        con.execute(f"create table {name} (window_key text, bin int, value double, {field} bigint)")
        con.executemany(f"insert into {name} values (?, ?, ?, ?)", [(*r, fp[r[0]]) for r in rows])

    def run(sql: str) -> list[tuple]:
        return con.execute(sqlglot.transpile(sql, read="bigquery", write="duckdb")[0]).fetchall()

    ((replaced,),) = run(bq_partitions_for_replacement(partition_by))
    assert sorted(replaced) == sorted({fp["a"], fp["c"]})
    run(bq_insert_overwrite_merge(partition_by, columns, sorted(replaced)))
    got = con.execute("select window_key, bin, value from target order by all").fetchall()
    assert got == [("a", 1, 10.0), ("a", 4, 40.0), ("b", 1, 4.0), ("b", 2, 5.0), ("c", 1, 9.0)]
