"""Warehouse against real dbt projects: DuckDB always, PostgreSQL when MM_PG_HOST is set."""

from __future__ import annotations

import datetime as dt
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from model_monitor.errors import WarehouseError
from model_monitor.warehouse import Warehouse, resolve_profiles_dir

# --- profiles dir resolution ------------------------------------------------------------


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A project dir, a working dir and a home, none with profiles.yml yet."""
    paths = {name: tmp_path / name for name in ("project", "cwd", "home", "explicit", "env")}
    for path in paths.values():
        path.mkdir()
    monkeypatch.chdir(paths["cwd"])
    monkeypatch.setenv("HOME", str(paths["home"]))
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    return paths


def test_profiles_dir_defaults_to_home_dot_dbt(dirs: dict[str, Path]) -> None:
    assert resolve_profiles_dir(dirs["project"]) == dirs["home"] / ".dbt"


def test_profiles_dir_prefers_project_dir_over_home(dirs: dict[str, Path]) -> None:
    (dirs["project"] / "profiles.yml").write_text("{}")
    assert resolve_profiles_dir(dirs["project"]) == dirs["project"]


def test_profiles_dir_prefers_working_dir_like_dbt(dirs: dict[str, Path]) -> None:
    (dirs["project"] / "profiles.yml").write_text("{}")
    (dirs["cwd"] / "profiles.yml").write_text("{}")
    assert resolve_profiles_dir(dirs["project"]) == Path.cwd()


def test_profiles_dir_env_var_beats_files(
    dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    (dirs["cwd"] / "profiles.yml").write_text("{}")
    monkeypatch.setenv("DBT_PROFILES_DIR", str(dirs["env"]))
    assert resolve_profiles_dir(dirs["project"]) == dirs["env"]


def test_profiles_dir_option_beats_env_var(
    dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBT_PROFILES_DIR", str(dirs["env"]))
    assert resolve_profiles_dir(dirs["project"], dirs["explicit"]) == dirs["explicit"]


# --- DuckDB -----------------------------------------------------------------------------


@pytest.fixture
def warehouse(duckdb_project: Path) -> Warehouse:
    """A Warehouse on the DuckDB fixture project, closed after the test."""
    with Warehouse(duckdb_project) as wh:
        yield wh


def test_warehouse_reads_the_profile_beside_the_project(warehouse: Warehouse) -> None:
    assert (warehouse.adapter_type, warehouse.target) == ("duckdb", "dev")


def test_relation_comes_from_the_manifest(warehouse: Warehouse) -> None:
    assert warehouse.relation("monitor_drift") == '"warehouse"."main"."monitor_drift"'


def test_query_returns_typed_dataframe(warehouse: Warehouse) -> None:
    rel = warehouse.relation("monitor_drift")
    frame = warehouse.query(
        f"select monitor_name, window_start, slice_key, slice_value, reference_count, psi, "
        f"ks_statistic from {rel} order by window_start, psi"
    )
    assert list(frame.columns) == [
        "monitor_name",
        "window_start",
        "slice_key",
        "slice_value",
        "reference_count",
        "psi",
        "ks_statistic",
    ]
    assert len(frame) == 8
    assert pd.api.types.is_datetime64_any_dtype(frame["window_start"])
    assert frame["window_start"].iloc[0] == pd.Timestamp(dt.datetime(2024, 3, 1))
    assert frame["reference_count"].dtype == "int64"
    assert frame["psi"].dtype == "float64"
    assert frame["psi"].isna().sum() == 1
    assert frame["slice_key"].isna().sum() == 6
    assert set(frame["monitor_name"]) == {"churn", "fraud"}


def test_query_keeps_nan_and_integers_apart(warehouse: Warehouse) -> None:
    frame = warehouse.query(
        "select cast('nan' as double) as x, cast(null as integer) as n, 2 as two, "
        "'a' as s, cast('2024-01-02' as date) as d"
    )
    row = frame.iloc[0]
    assert math.isnan(row["x"]) and pd.isna(row["n"]) and row["two"] == 2 and row["s"] == "a"
    assert row["d"] == pd.Timestamp("2024-01-02")


def test_query_with_no_rows_keeps_columns(warehouse: Warehouse) -> None:
    frame = warehouse.query("select 1 as a, 'x' as b where 1 = 0")
    assert list(frame.columns) == ["a", "b"] and frame.empty


def test_query_prints_nothing(duckdb_project: Path, capfd: pytest.CaptureFixture[str]) -> None:
    with Warehouse(duckdb_project) as wh:
        wh.query("select 1 as a")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_bad_sql_is_one_line_warehouse_error(warehouse: Warehouse) -> None:
    with pytest.raises(WarehouseError) as info:
        warehouse.query("select * from no_such_table")
    assert "no_such_table" in str(info.value) and "\n" not in str(info.value)


def test_connection_failure_is_warehouse_error(duckdb_project: Path) -> None:
    with Warehouse(duckdb_project, target="broken") as wh, pytest.raises(WarehouseError) as info:
        wh.query("select 1 as a")
    assert "x.duckdb" in str(info.value) and "\n" not in str(info.value)


def test_close_releases_the_duckdb_file_lock(duckdb_project: Path) -> None:
    warehouse = Warehouse(duckdb_project)
    path = warehouse.query("select path from duckdb_databases() where database_name = 'warehouse'")
    warehouse.close()
    # dbt-duckdb keeps the file open per process; another process can lock it only now.
    code = "import duckdb, sys; duckdb.connect(sys.argv[1]).close()"
    subprocess.run([sys.executable, "-c", code, path["path"].iloc[0]], check=True)
    assert warehouse.query("select 1 as a")["a"].iloc[0] == 1  # and it reopens on demand
    warehouse.close()


def test_targets_of_one_adapter_type_do_not_share_an_adapter(duckdb_project: Path) -> None:
    dev = Warehouse(duckdb_project)
    other = Warehouse(duckdb_project, target="other")
    assert other.query("select current_database() as db")["db"].iloc[0] == "other"
    assert dev.query("select current_database() as db")["db"].iloc[0] == "warehouse"
    dev.close()
    other.close()


def test_unknown_target_is_warehouse_error(duckdb_project: Path) -> None:
    with pytest.raises(WarehouseError) as info:
        Warehouse(duckdb_project, target="prod")
    assert info.value.key == "target"
    assert "'prod'" in str(info.value) and "\n" not in str(info.value)


def test_dbt_target_env_var_picks_the_target_like_dbt(
    duckdb_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBT_TARGET", "other")
    assert Warehouse(duckdb_project).target == "other"
    assert Warehouse(duckdb_project, target="dev").target == "dev"  # the option wins


def test_dbt_target_path_env_var_moves_the_manifest_like_dbt(
    duckdb_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBT_TARGET_PATH", "elsewhere")
    with Warehouse(duckdb_project) as wh:
        assert wh.manifest_path == duckdb_project / "elsewhere" / "manifest.json"
        with pytest.raises(WarehouseError, match="elsewhere"):
            wh.relation("monitor_drift")


def test_missing_profiles_yml_is_warehouse_error(duckdb_project: Path, tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="no profiles.yml"):
        Warehouse(duckdb_project, profiles_dir=tmp_path)


def test_missing_project_is_warehouse_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="no dbt_project.yml"):
        Warehouse(tmp_path)


def test_missing_profile_env_var_is_warehouse_error(
    duckdb_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MM_UNIT_NO_SUCH_VAR", raising=False)
    (tmp_path / "profiles.yml").write_text(
        "mm_unit:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('MM_UNIT_NO_SUCH_VAR') }}\"\n"
    )
    with pytest.raises(WarehouseError, match="MM_UNIT_NO_SUCH_VAR"):
        Warehouse(duckdb_project, profiles_dir=tmp_path)


def test_missing_manifest_asks_for_dbt_build(duckdb_project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(duckdb_project, copy, ignore=shutil.ignore_patterns("target", "logs"))
    with Warehouse(copy) as wh, pytest.raises(WarehouseError, match="run `dbt build`"):
        wh.relation("monitor_drift")


def test_missing_model_asks_for_dbt_build(warehouse: Warehouse) -> None:
    with pytest.raises(WarehouseError, match="dbt build") as info:
        warehouse.relation("monitor_alerts")
    assert info.value.key == "relation"


def test_table_parsed_but_not_built_asks_for_dbt_build(parsed_project: Path) -> None:
    with Warehouse(parsed_project) as wh, pytest.raises(WarehouseError) as info:
        wh.query(f"select * from {wh.relation('monitor_drift')}")
    message = str(info.value)
    assert (info.value.key, info.value.obj) == ("relation", "monitor_drift")
    assert '"warehouse"."main"."monitor_drift"' in message and "target 'dev'" in message
    assert "run dbt build first" in message and str(parsed_project) in message
    assert "\n" not in message


def test_table_built_for_another_target_asks_for_dbt_build_there(duckdb_project: Path) -> None:
    with Warehouse(duckdb_project, target="other") as wh, pytest.raises(WarehouseError) as info:
        wh.query(f"select count(*) as n from {wh.relation('monitor_drift')}")
    assert "target 'other'" in str(info.value)
    assert "run dbt build first: `dbt build --target other`" in str(info.value)


def test_bad_sql_on_a_built_table_keeps_the_engine_error(warehouse: Warehouse) -> None:
    with pytest.raises(WarehouseError) as info:
        warehouse.query(f"select no_such_column from {warehouse.relation('monitor_drift')}")
    assert "no_such_column" in str(info.value) and "dbt build" not in str(info.value)


def test_table_without_a_column_the_package_declares_asks_for_a_full_refresh(
    stale_project: Path,
) -> None:
    with Warehouse(stale_project) as wh:
        relation = wh.relation("monitor_drift")
        assert len(wh.query(f'select "psi" from {relation}')) > 0
        with pytest.raises(WarehouseError) as info:
            wh.query(f'select "psi", "anderson_darling" from {relation}')
    message = str(info.value)
    assert (info.value.key, info.value.obj) == ("relation", "monitor_drift")
    assert "has no column anderson_darling" in message and "\n" not in message
    assert "`dbt build --full-refresh --select monitor_drift+`" in message


def test_ephemeral_model_has_no_relation(warehouse: Warehouse) -> None:
    with pytest.raises(WarehouseError, match="ephemeral"):
        warehouse.relation("monitor_ephemeral")


def test_quote_uses_the_adapter_and_refuses_embedded_quotes(warehouse: Warehouse) -> None:
    assert warehouse.quote("psi") == '"psi"'
    with pytest.raises(WarehouseError):
        warehouse.quote('a"b')


# --- PostgreSQL -------------------------------------------------------------------------


def test_postgres_relation_and_query(postgres_project: Path) -> None:
    with Warehouse(postgres_project) as wh:
        assert wh.adapter_type == "postgres"
        rel = wh.relation("monitor_drift")
        assert rel.endswith('"monitor_drift"') and "mm_unit_" in rel
        frame = wh.query(f"select count(*) as n, max(psi) as top from {rel}")
    assert frame["n"].iloc[0] == 8 and frame["top"].iloc[0] == 0.5


def test_postgres_connection_failure_is_warehouse_error(
    postgres_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MM_PG_PORT", "1")
    with Warehouse(postgres_project) as wh, pytest.raises(WarehouseError) as info:
        wh.query("select 1 as a")
    assert "port 1" in str(info.value) and "\n" not in str(info.value)
