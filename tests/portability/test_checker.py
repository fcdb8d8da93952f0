"""The checker itself, on snippets: it names what is engine-specific and passes plain SQL."""

from __future__ import annotations

import re

import pytest
from sqlglot.errors import UnsupportedError

from .constructs import Construct, constructs, transpile
from .dialects import PORTABLE
from .project import FIXTURE_MODELS

FIXTURE = FIXTURE_MODELS / "portability_fixture_non_portable.sql"


def fixture_sql() -> str:
    """The fixture model without its Jinja comment (it has no other Jinja)."""
    return re.sub(r"\{#.*?#\}", "", FIXTURE.read_text(), flags=re.DOTALL)


def test_the_fixture_model_is_flagged_without_dbt() -> None:
    flagged = {str(c) for c in constructs(fixture_sql(), "duckdb") - PORTABLE}
    assert {
        "function isfinite",
        "function percentile_cont",
        "syntax within group",
        "syntax collate",
        "syntax ::",
        "function unix_micros",
        "syntax aggregate filter",
        "function regexp_replace",
        "syntax backslash in string literal",
        "syntax ilike",
    } <= flagged


def test_plain_sql_uses_only_portable_constructs() -> None:
    sql = """
        with counts as (
          select monitor_name, count(*) as n, sum(case when x > 0 then 1 else 0 end) as positives
          from t where x is not null and y in ('a', 'b') group by monitor_name
        )
        select monitor_name, coalesce(cast(positives as bigint), 0) as positives,
          sqrt(greatest(n, 0)) as root_n,
          row_number() over (partition by monitor_name order by n desc) as rank_n
        from counts where exists (select 1 from u where u.name = counts.monitor_name)
    """
    for dialect in ("duckdb", "postgres", "spark", "snowflake", "bigquery", "trino"):
        assert constructs(sql, dialect) <= PORTABLE, dialect


@pytest.mark.parametrize(
    ("dialect", "sql", "construct"),
    [
        ("postgres", "with a as materialized (select 1) select 1", "syntax materialized cte"),
        ("postgres", 'select y collate "C" from t', "syntax collate"),
        ("spark", "select percentile(x, 0.5) from t", "function percentile"),
        ("spark", "select unix_micros(ts) from t", "function unix_micros"),
        ("duckdb", "select 5 % 2", "syntax %"),
        ("duckdb", "select 2 ^ 3", "syntax ^"),
        ("duckdb", "select x::text from t", "syntax ::"),
        ("postgres", "select distinct on (a) a, b from t", "syntax distinct on"),
        ("duckdb", "select count(*) filter (where x > 0) from t", "syntax aggregate filter"),
        ("duckdb", "select a + interval 1 day from t", "syntax interval"),
        ("snowflake", "select iff(x > 0, 1, 0) from t", "function iff"),
        ("duckdb", "select cast(x as double) from t", "type double"),
    ],
)
def test_engine_specific_constructs_are_named(dialect: str, sql: str, construct: str) -> None:
    assert construct in {str(c) for c in constructs(sql, dialect)}


def test_a_construct_sqlglot_cannot_write_for_the_target_fails_the_transpile() -> None:
    sql = "select sum(x) over (order by v nulls last) from t"
    with pytest.raises(UnsupportedError, match="NULLS LAST"):
        transpile(sql, "duckdb", "bigquery")


def test_the_target_null_order_is_kept_where_the_sql_does_not_say() -> None:
    sql = "select sum(x) over (order by v) from t"
    assert "NULLS" not in transpile(sql, "duckdb", "bigquery")


def test_construct_names_read_as_written() -> None:
    assert Construct("function", "percentile_cont") in constructs(
        "select percentile_cont(0.5) within group (order by x) from t", "postgres"
    )
