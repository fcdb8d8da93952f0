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
    Case("type_double", "select cast(t.x as {}) as d from t", lambda m: m.type_double()),
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


@pytest.mark.parametrize(
    "adapter",
    [
        pytest.param(
            a,
            marks=pytest.mark.xfail(
                strict=True,
                reason="BigQuery has no delete+insert, and merge needs a row-unique key: the "
                "incremental models replace whole windows by window_key (docs/portability.md)",
            ),
        )
        if a == "bigquery"
        else a
        for a in ADAPTERS
    ],
)
def test_incremental_strategy_is_one_the_adapter_runs(adapter: str) -> None:
    m = macros(adapter)
    strategy = m.window_incremental_strategy()
    assert strategy in STRATEGIES[adapter]
    if strategy == "delete+insert":
        assert m.incremental_unique_key("window_key") == "window_key"
    if strategy == "insert_overwrite":
        assert m.incremental_partition_by("window_key") == ["window_key"]
