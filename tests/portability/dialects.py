"""What each engine and warehouse has: the allow-lists the portability tests check against.

Names are those of tests/portability/constructs.py: functions as the SQL spells them, types by
sqlglot's name for them (whatever a dialect calls a 64-bit float, it is `double`), syntax by
name. Sources for every entry that is
not plain SQL-92 are the vendors' SQL references (docs/portability.md lists them).
"""

from __future__ import annotations

from .constructs import FUNCTION, SYNTAX, TYPE, Construct

ENGINES = ("duckdb", "postgres", "spark")  # compiled for real by the tests
WAREHOUSES = ("snowflake", "bigquery", "databricks", "trino")  # checked without a connection
SQLGLOT_DIALECT = {name: name for name in (*ENGINES, *WAREHOUSES)}

# dbt's dispatch order per adapter type: the adapter, the adapters it declares as dependencies
# (dbt-databricks depends on dbt-spark), then default.
DISPATCH_ORDER = {
    "databricks": ("databricks", "spark", "default"),
}


def dispatch_order(adapter_type: str) -> tuple[str, ...]:
    """The macro prefixes dbt searches for `adapter_type`, in order."""
    return DISPATCH_ORDER.get(adapter_type, (adapter_type, "default"))


# Dispatched cross_db macros that render no SQL of a model (hooks run around it).
NOT_IN_MODELS = frozenset({"before_model_hook", "after_model_hook"})


def _f(*names: str) -> set[Construct]:
    return {Construct(FUNCTION, n) for n in names}


def _t(*names: str) -> set[Construct]:
    return {Construct(TYPE, n) for n in names}


def _s(*names: str) -> set[Construct]:
    return {Construct(SYNTAX, n) for n in names}


# What a model may write itself: present with the same meaning on DuckDB, PostgreSQL, Spark,
# Snowflake, BigQuery, Databricks and Trino. greatest/least are here with a caveat: Snowflake,
# BigQuery and Trino return NULL when an argument is NULL where the others skip it, so the package
# only passes them arguments that cannot be NULL.
PORTABLE: frozenset[Construct] = frozenset(
    _f(
        "abs",
        "avg",
        "ceil",
        "coalesce",
        "count",
        "dense_rank",
        "floor",
        "greatest",
        "lag",
        "lead",
        "least",
        "ln",
        "lower",
        "max",
        "min",
        "nullif",
        "power",
        "rank",
        "round",
        "row_number",
        "sqrt",
        "stddev_pop",
        "stddev_samp",
        "sum",
        "upper",
    )
    | _t("int", "bigint", "boolean")
)

# The placeholders the shimless project renders for each shim (shimless/macros/placeholders.sql).
PLACEHOLDERS: dict[Construct, str] = {
    **{
        Construct(FUNCTION, f"mm_{name}"): f"model_monitor.{name}"
        for name in (
            "is_finite",
            "string_literal",
            "timestamp_literal",
            "text_order",
            "percentile",
            "median",
            "hours_between",
            "number_text",
            "numbers",
            "window_start",
            "key_fingerprint",
            "approx_count_distinct",
        )
    },
    Construct(TYPE, "mm_double"): "model_monitor.type_double",
    **{
        Construct(FUNCTION, f"mm_{name}"): f"dbt.{name}"
        for name in ("date_trunc", "dateadd", "datediff", "concat", "hash", "length")
    },
    **{
        Construct(TYPE, f"mm_{name}"): f"dbt.type_{name}"
        for name in ("string", "timestamp", "bigint", "int", "float")
    },
}

# Engine-specific constructs the compiled SQL of DuckDB, PostgreSQL and Spark holds, and the
# dispatched macros that emit them. A construct missing here was written by a model (or a new
# override emits it) and fails tests/portability/test_compiled_models.py.
SHIM_OUTPUTS: dict[Construct, tuple[str, ...]] = {
    # model_monitor's shims
    Construct(FUNCTION, "isfinite"): ("model_monitor.is_finite",),
    Construct(FUNCTION, "percentile_cont"): ("model_monitor.percentile", "model_monitor.median"),
    Construct(SYNTAX, "within group"): ("model_monitor.percentile", "model_monitor.median"),
    Construct(FUNCTION, "percentile"): ("model_monitor.percentile", "model_monitor.median"),
    Construct(FUNCTION, "regexp_replace"): ("model_monitor.number_text",),
    Construct(SYNTAX, "backslash in string literal"): (
        "model_monitor.number_text",
        "model_monitor.string_literal",
    ),
    Construct(SYNTAX, "collate"): ("model_monitor.text_order",),
    Construct(SYNTAX, "materialized cte"): ("model_monitor.materialized_cte",),
    Construct(SYNTAX, "offset"): ("model_monitor.subquery_fence",),
    Construct(FUNCTION, "unix_micros"): ("model_monitor.hours_between",),
    Construct(TYPE, "double"): ("model_monitor.type_double",),
    Construct(FUNCTION, "approx_count_distinct"): ("model_monitor.approx_count_distinct",),
    # dbt's cross-database macros, as each adapter writes them
    Construct(FUNCTION, "date_trunc"): ("dbt.date_trunc",),
    Construct(FUNCTION, "date_diff"): ("dbt.datediff", "model_monitor.hours_between"),
    Construct(FUNCTION, "datediff"): ("dbt.datediff",),
    Construct(FUNCTION, "date_part"): ("dbt.datediff",),
    Construct(FUNCTION, "dateadd"): ("dbt.dateadd",),
    Construct(FUNCTION, "to_date"): ("dbt.datediff",),
    Construct(FUNCTION, "months_between"): ("dbt.datediff",),
    Construct(FUNCTION, "unix_timestamp"): ("dbt.datediff",),
    Construct(FUNCTION, "timestampadd"): ("dbt.dateadd",),
    Construct(SYNTAX, "intdiv"): ("dbt.datediff",),
    Construct(SYNTAX, "::"): ("dbt.datediff", "dbt.dateadd"),
    Construct(SYNTAX, "interval"): ("dbt.dateadd", "dbt.datediff"),
    Construct(FUNCTION, "extract"): ("dbt.datediff",),
    Construct(TYPE, "date"): ("dbt.datediff", "dbt.dateadd"),
    # dbt-spark: date arithmetic through dates and epoch seconds, NULL-checked by assert_not_null
    Construct(FUNCTION, "date_add"): ("dbt.dateadd",),
    Construct(FUNCTION, "to_unix_timestamp"): ("dbt.dateadd",),
    Construct(FUNCTION, "to_timestamp"): ("dbt.dateadd",),
    Construct(FUNCTION, "dayofweek"): ("dbt.datediff",),
    Construct(FUNCTION, "nvl2"): ("dbt.dateadd", "dbt.datediff"),
    Construct(FUNCTION, "assert_true"): ("dbt.dateadd", "dbt.datediff"),
    Construct(FUNCTION, "md5"): ("dbt.hash",),
    Construct(FUNCTION, "length"): ("dbt.length",),
    Construct(FUNCTION, "concat"): ("dbt.concat",),
    Construct(TYPE, "text"): ("dbt.type_string",),
    Construct(TYPE, "varchar"): ("dbt.type_string",),
    Construct(TYPE, "timestamp"): ("dbt.type_timestamp", "model_monitor.timestamp_literal"),
    Construct(TYPE, "timestampntz"): ("dbt.type_timestamp", "model_monitor.timestamp_literal"),
    # Spark's timestamp is an instant (sqlglot's timestamptz), read in the session time zone
    Construct(TYPE, "timestamptz"): ("dbt.type_timestamp", "model_monitor.timestamp_literal"),
    Construct(TYPE, "float"): ("dbt.type_float",),
}

# What each warehouse has beyond PORTABLE: the constructs its overrides (or the defaults it
# falls back to) may render, its own type names included. Anything else a rendered shim holds
# fails test_cross_db_macros.py. A backslash inside a string literal is allowed in every
# rendering: what it means there is checked by reading each literal back in its dialect.
NATIVE: dict[str, frozenset[Construct]] = {
    "snowflake": frozenset(
        _f(
            "percentile_cont",
            "datediff",
            "dateadd",
            "date_trunc",
            "dayofweekiso",
            "approx_count_distinct",
        )
        | _s("within group", "collate", "backslash in string literal")
        | _t("double", "varchar", "timestampntz", "timestamp")
    ),
    "bigquery": frozenset(
        _f(
            "array_agg",
            "safe_offset",
            "datetime_diff",
            "timestamp_trunc",
            "date_trunc",
            "farm_fingerprint",
            "approx_count_distinct",
        )
        | _s("ignorenulls", "bracket", "backslash in string literal")
        | _t("double", "text", "timestamptz", "timestamp")
    ),
    "databricks": frozenset(
        _f("percentile", "unix_micros", "regexp_replace", "date_trunc", "approx_count_distinct")
        | _s("backslash in string literal")
        | _t("double", "text", "timestamptz")
    ),
    "trino": frozenset(
        _f(
            "date_trunc",
            "is_finite",
            "regexp_replace",
            "array_agg",
            "array_sort",
            "element_at",
            "to_unixtime",
            "with_timezone",
            "approx_distinct",
        )
        | _s("aggregate filter", "bracket", "backslash in string literal")
        | _t("double", "varchar", "timestamp")
    ),
    "spark": frozenset(
        _f("percentile", "unix_micros", "regexp_replace", "date_trunc", "approx_count_distinct")
        | _s("backslash in string literal")
        | _t("double", "text", "timestamptz")
    ),
}

# How each adapter spells the types the package's type macros return.
TYPE_SPELLINGS: dict[str, frozenset[str]] = {
    "snowflake": frozenset({"double precision", "double", "float", "timestamp_ntz", "varchar"}),
    "bigquery": frozenset({"float64", "timestamp", "string", "int64"}),
    "databricks": frozenset({"double", "timestamp", "string", "bigint", "int"}),
    "trino": frozenset({"double", "timestamp", "timestamp(6)", "varchar", "bigint", "integer"}),
    "duckdb": frozenset({"double", "timestamp", "varchar", "bigint", "integer"}),
    "postgres": frozenset({"double precision", "timestamp", "text", "bigint", "integer"}),
    "spark": frozenset({"double", "timestamp", "string", "bigint", "int"}),
}
