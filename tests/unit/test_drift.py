"""load_drift: window and slice selection, p-values, errors, and the SQL it builds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from model_monitor.drift import DriftRow, build_drift_sql, load_drift
from model_monitor.errors import ConfigError
from model_monitor.sql_values import sql_string
from model_monitor.tables.pvalues import chi_square_pvalue, ks_pvalue
from model_monitor.warehouse import Warehouse


@pytest.fixture
def warehouse(duck_warehouse):
    """The stand-in warehouse of conftest, under a short name."""
    return duck_warehouse


def keys(rows: list[DriftRow]) -> list[tuple[Any, ...]]:
    """Return (monitor, window day, slice value, column, psi) of each row."""
    return [(r.monitor_name, r.window_start.day, r.slice_value, r.column_name, r.psi) for r in rows]


def test_default_is_latest_window_per_monitor_whole_population_by_psi(warehouse):
    assert keys(load_drift(warehouse)) == [
        ("churn", 2, None, "age", 0.3),
        ("fraud", 1, None, "age", 0.15),
        ("churn", 2, None, "plan", 0.12),
        ("churn", 2, None, "score", None),
    ]


def test_slices_adds_every_slice_row(warehouse):
    rows = load_drift(warehouse, slices=True)
    assert [(r.slice_key, r.slice_value, r.psi) for r in rows][:3] == [
        ("country", "FR", 0.5),
        (None, None, 0.3),
        ("country", None, 0.2),
    ]
    assert len(rows) == 6


def test_monitor_selects_one_monitor(warehouse):
    assert keys(load_drift(warehouse, monitor="fraud")) == [("fraud", 1, None, "age", 0.15)]


def test_window_selects_that_window_for_every_monitor(warehouse):
    assert keys(load_drift(warehouse, window=dt.date(2024, 3, 1))) == [
        ("fraud", 1, None, "age", 0.15),
        ("churn", 1, None, "plan", 0.02),
        ("churn", 1, None, "age", 0.01),
    ]


def test_min_psi_drops_lower_and_missing_psi(warehouse):
    rows = load_drift(warehouse, min_psi=0.13)
    assert [r.psi for r in rows] == [0.3, 0.15]


def test_pvalues_come_from_the_aggregates(warehouse):
    rows = {r.column_name: r for r in load_drift(warehouse, monitor="churn")}
    age = rows["age"]
    assert age.chi_square_pvalue == chi_square_pvalue(12.5, 9)
    assert age.ks_pvalue == ks_pvalue(0.09, 1000, 250)
    assert rows["plan"].ks_statistic is None and rows["plan"].ks_pvalue is None
    assert rows["score"].chi_square_pvalue is None and rows["score"].psi is None


def test_rows_carry_python_types(warehouse):
    row = load_drift(warehouse, monitor="fraud")[0]
    assert row.window_start == dt.datetime(2024, 3, 1) and type(row.window_start) is dt.datetime
    assert row.window_end == dt.datetime(2024, 3, 2)
    assert type(row.reference_count) is int and row.model_version is None
    assert (row.column_role, row.column_kind, row.reference_version) == (
        "feature",
        "numerical",
        "abc123",
    )


def test_unknown_monitor_names_the_known_ones(warehouse):
    with pytest.raises(ConfigError) as info:
        load_drift(warehouse, monitor="nope")
    assert info.value.key == "monitor" and "known monitors: churn, fraud" in str(info.value)
    assert "did you mean" not in str(info.value)


def test_a_misspelt_monitor_gets_a_did_you_mean(warehouse):
    with pytest.raises(ConfigError, match=r"\(did you mean churn\?\); known monitors: churn"):
        load_drift(warehouse, monitor="chrun")


def test_invalid_monitor_name_is_refused_before_any_query(warehouse):
    with pytest.raises(ConfigError, match="letters, digits"):
        load_drift(warehouse, monitor="x' or '1'='1")
    assert warehouse.queries == []


def test_missing_window_names_the_stored_range(warehouse):
    with pytest.raises(ConfigError) as info:
        load_drift(warehouse, monitor="churn", window=dt.datetime(2023, 1, 1))
    message = str(info.value)
    assert info.value.key == "window" and "2024-03-01 00:00:00 to 2024-03-02 00:00:00" in message


def test_empty_table_gives_no_rows(empty_duck_warehouse):
    assert load_drift(empty_duck_warehouse) == []


def test_sql_quotes_identifiers_and_escapes_literals(warehouse):
    sql = build_drift_sql(warehouse, monitor="churn", window=dt.datetime(2024, 3, 1, 6))
    assert 'drift."psi"' in sql and "drift.\"monitor_name\" = 'churn'" in sql
    assert "cast('2024-03-01 06:00:00' as timestamp)" in sql
    assert 'drift."slice_key" is null' in sql


def test_sql_string_doubles_quotes_and_refuses_backslashes():
    assert sql_string("o'brien") == "'o''brien'"
    with pytest.raises(ConfigError):
        sql_string("a\\'")


def test_load_drift_through_dbt_on_duckdb(duckdb_project: Path, warehouse):
    with Warehouse(duckdb_project) as real:
        rows = load_drift(real, slices=True)
    assert rows == load_drift(warehouse, slices=True)


def test_load_drift_through_dbt_on_postgres(postgres_project: Path, warehouse):
    with Warehouse(postgres_project) as real:
        rows = load_drift(real, slices=True, window=dt.date(2024, 3, 2))
    assert rows == load_drift(warehouse, slices=True, window=dt.date(2024, 3, 2))
