"""Shared fixtures: drift rows, and a tiny dbt project that publishes them on DuckDB."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from model_monitor.tables.statistics import BOUND_COLUMNS, STATISTIC_COLUMNS

DRIFT_TYPES = {
    "monitor_name": "varchar",
    "window_start": "timestamp",
    "window_end": "timestamp",
    "model_version": "varchar",
    "slice_key": "varchar",
    "slice_value": "varchar",
    "column_name": "varchar",
    "column_role": "varchar",
    "column_kind": "varchar",
    "reference_version": "varchar",
    "reference_count": "bigint",
    "current_count": "bigint",
    "bin_count": "bigint",
    "chi_square_dof": "bigint",
    # every statistic and error bound the registry declares
    **dict.fromkeys(STATISTIC_COLUMNS + BOUND_COLUMNS, "double precision"),
    "drift_method": "varchar",
}

DAY = dt.timedelta(days=1)
STATISTIC_DEFAULTS = {
    "psi": 0.05,
    "chi_square": 12.5,
    "js_distance": 0.08,
    "hellinger": 0.07,
    "tv_distance": 0.06,
    "l_infinity": 0.03,
    "ks_statistic": 0.09,
    "wasserstein": 1.5,
    "wasserstein_normed": 0.1,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that build one of these dbt projects carry the `integration` marker."""
    projects = {"duckdb_project", "parsed_project", "postgres_project"}
    for item in items:
        if projects & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


def drift_record(**values: Any) -> dict[str, Any]:
    """Return one monitor_drift row with plausible defaults."""
    start = values.pop("window_start", dt.datetime(2024, 3, 2))
    record: dict[str, Any] = {
        "monitor_name": "churn",
        "window_start": start,
        "window_end": start + DAY,
        "model_version": "v1",
        "slice_key": None,
        "slice_value": None,
        "column_name": "age",
        "column_role": "feature",
        "column_kind": "numerical",
        "reference_version": "abc123",
        "reference_count": 1000,
        "current_count": 250,
        "bin_count": 10,
        "chi_square_dof": 9,
        # a statistic without a value here (a newer one) is 0.04
        **{name: STATISTIC_DEFAULTS.get(name, 0.04) for name in STATISTIC_COLUMNS},
        **dict.fromkeys(BOUND_COLUMNS, 0.0),
        "drift_method": "exact",
    }
    record.update(values)
    return record


def drift_records() -> list[dict[str, Any]]:
    """Return rows of two monitors over two windows, with slices and missing statistics."""
    day1, day2 = dt.datetime(2024, 3, 1), dt.datetime(2024, 3, 2)
    return [
        drift_record(window_start=day1, psi=0.01),
        drift_record(window_start=day1, column_name="plan", column_kind="categorical", psi=0.02),
        drift_record(window_start=day2, psi=0.3),
        drift_record(
            window_start=day2,
            column_name="plan",
            column_kind="categorical",
            psi=0.12,
            ks_statistic=None,
            wasserstein=None,
            wasserstein_normed=None,
        ),
        drift_record(window_start=day2, slice_key="country", slice_value="FR", psi=0.5),
        drift_record(window_start=day2, slice_key="country", slice_value=None, psi=0.2),
        drift_record(
            window_start=day2,
            column_name="score",
            column_role="score",
            current_count=0,
            **dict.fromkeys(
                ["psi", "chi_square", "chi_square_dof", "js_distance", "ks_statistic"], None
            ),
        ),
        drift_record(monitor_name="fraud", window_start=day1, psi=0.15, model_version=None),
    ]


def sql_value(value: Any, sql_type: str) -> str:
    """Render one value as a typed SQL literal for the fixture model."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f"cast(null as {sql_type})"
    if isinstance(value, dt.datetime):
        return f"cast('{value.isoformat(sep=' ')}' as timestamp)"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return f"cast({value!r} as {sql_type})"


def drift_model_sql(records: list[dict[str, Any]]) -> str:
    """Return a dbt model selecting the given monitor_drift rows."""
    selects = [
        "select " + ", ".join(f"{sql_value(r[c], t)} as {c}" for c, t in DRIFT_TYPES.items())
        for r in records
    ]
    return "\nunion all\n".join(selects) + "\n"


class DuckWarehouse:
    """A stand-in Warehouse: monitor_drift in an in-memory DuckDB, queries recorded."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        import duckdb

        self.connection = duckdb.connect()
        self.connection.execute(f"create table monitor_drift as {drift_model_sql(records)}")
        self.queries: list[str] = []

    def relation(self, table_name: str) -> str:
        """Return the table's name, quoted."""
        return f'"{table_name}"'

    def quote(self, identifier: str) -> str:
        """Quote as DuckDB does."""
        return f'"{identifier}"'

    def query(self, sql: str) -> pd.DataFrame:
        """Run and record one query."""
        self.queries.append(sql)
        return self.connection.sql(sql).df()


@pytest.fixture
def duck_warehouse() -> DuckWarehouse:
    """A stand-in Warehouse holding drift_records()."""
    return DuckWarehouse(drift_records())


@pytest.fixture
def empty_duck_warehouse() -> DuckWarehouse:
    """A stand-in Warehouse whose monitor_drift is empty."""
    warehouse = DuckWarehouse([drift_record()])
    warehouse.connection.execute("delete from monitor_drift")
    return warehouse


def write_dbt_project(root: Path, profile_yaml: str, records: list[dict[str, Any]]) -> Path:
    """Write a dbt project named model_monitor with a monitor_drift model; return its dir."""
    project = root / "project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: model_monitor\nversion: '1.0'\nconfig-version: 2\nprofile: mm_unit\n"
        "model-paths: ['models']\nmodels:\n  model_monitor:\n    +materialized: table\n"
    )
    (project / "profiles.yml").write_text(profile_yaml)
    (project / "models" / "monitor_drift.sql").write_text(drift_model_sql(records))
    (project / "models" / "monitor_ephemeral.sql").write_text(
        "{{ config(materialized='ephemeral') }}\nselect 1 as one\n"
    )
    return project


def dbt_build(project: Path, *extra: str) -> None:
    """Run `dbt build` in-process on a project whose profiles.yml sits beside it."""
    dbt_invoke("build", project, *extra)


def dbt_invoke(command: str, project: Path, *extra: str) -> None:
    """Run one dbt command in-process on a project whose profiles.yml sits beside it."""
    from dbt.cli.main import dbtRunner
    from dbt_common.events.event_manager_client import cleanup_event_logger

    args = [command, "--project-dir", str(project), "--profiles-dir", str(project), "--quiet"]
    args.append("--no-send-anonymous-usage-stats")  # no network here: don't wait on tracking
    try:
        result = dbtRunner().invoke([*args, *extra])
    finally:
        # dbt's stdout logger holds pytest's capture stream, which closes after the test.
        cleanup_event_logger()
    assert result.success, result.exception


@pytest.fixture(scope="session")
def duckdb_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built dbt project on a DuckDB file, publishing drift_records() as monitor_drift."""
    root = tmp_path_factory.mktemp("duckdb")
    profile = (
        "mm_unit:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{root / 'warehouse.duckdb'}'\n      threads: 1\n"
        "    other:\n      type: duckdb\n"
        f"      path: '{root / 'other.duckdb'}'\n      threads: 1\n"
        "    broken:\n      type: duckdb\n"
        f"      path: '{root / 'missing' / 'dir' / 'x.duckdb'}'\n      threads: 1\n"
    )
    project = write_dbt_project(root, profile, drift_records())
    dbt_build(project)
    return project


@pytest.fixture(scope="session")
def parsed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DuckDB project with monitor_drift and monitor_performance after `dbt parse` only:
    a manifest that names the tables, and a warehouse without them."""
    root = tmp_path_factory.mktemp("parsed")
    profile = (
        "mm_unit:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{root / 'warehouse.duckdb'}'\n      threads: 1\n"
    )
    project = write_dbt_project(root, profile, drift_records())
    (project / "models" / "monitor_performance.sql").write_text("select 1 as one\n")
    dbt_invoke("parse", project)
    return project


@pytest.fixture(scope="session")
def stale_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DuckDB project built, then its schema yml declares a column the table lacks
    (anderson_darling): a table built by an older release, as after an upgrade."""
    root = tmp_path_factory.mktemp("stale")
    profile = (
        "mm_unit:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{root / 'warehouse.duckdb'}'\n      threads: 1\n"
    )
    project = write_dbt_project(root, profile, drift_records())
    dbt_build(project)
    (project / "models" / "schema.yml").write_text(
        "version: 2\nmodels:\n  - name: monitor_drift\n    columns:\n"
        "      - name: psi\n      - name: anderson_darling\n"
    )
    dbt_invoke("parse", project)
    return project


@pytest.fixture(scope="session")
def postgres_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The same project on the PostgreSQL server named by MM_PG_*.

    Skipped only when postgres is not among the engines asked for (MM_ENGINES); asked for but
    not configured is a failure, so a missing engine never passes as green.
    """
    engines = os.environ.get("MM_ENGINES", "duckdb").split(",")
    if "postgres" not in engines:
        pytest.skip("postgres not in MM_ENGINES")
    if not os.environ.get("MM_PG_HOST"):
        pytest.fail(
            "MM_ENGINES asks for postgres but MM_PG_HOST is not set; "
            'run `eval "$(bash scripts/postgres.sh)"`'
        )
    root = tmp_path_factory.mktemp("postgres")
    schema = f"mm_unit_{os.getpid()}"
    profile = (
        "mm_unit:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n"
        "      host: \"{{ env_var('MM_PG_HOST') }}\"\n"
        "      port: \"{{ env_var('MM_PG_PORT', '5432') | int }}\"\n"
        "      user: \"{{ env_var('MM_PG_USER', 'postgres') }}\"\n"
        "      password: \"{{ env_var('MM_PG_PASSWORD', '') }}\"\n"
        "      dbname: \"{{ env_var('MM_PG_DATABASE') }}\"\n"
        f"      schema: {schema}\n      threads: 1\n"
    )
    project = write_dbt_project(root, profile, drift_records())
    try:
        dbt_build(project)
        yield project
    finally:
        drop_postgres_schema(schema)


def drop_postgres_schema(schema: str) -> None:
    """Drop the fixture's schema from the MM_PG_* server."""
    import psycopg2

    connection = psycopg2.connect(
        host=os.environ["MM_PG_HOST"],
        port=int(os.environ.get("MM_PG_PORT", "5432")),
        user=os.environ.get("MM_PG_USER", "postgres"),
        password=os.environ.get("MM_PG_PASSWORD", ""),
        dbname=os.environ["MM_PG_DATABASE"],
    )
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(f'drop schema if exists "{schema}" cascade')
    finally:
        connection.close()
