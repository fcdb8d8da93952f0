"""Raw tables with awkward column names, and a dbt project that runs the package on them.

Used by test_init.py (the drafted configuration must pass the package's validation and build)
and test_export.py (the export of a real build must match its tables), on DuckDB and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE_DIR = REPO / "dbt_project"
START = dt.datetime(2025, 3, 3)
DAYS = 10
ROWS = 1200

# Column names the package must take as written: spaces, mixed case, accents, a quote.
USAGE = "Data Usage GB"
AGE = "âge"
PLAN = "Plan Type"
COUNTRY = "pays d'origine"

BIGINT, DOUBLE, TEXT, TIMESTAMP = "bigint", "double", "text", "timestamp"
ENGINE_TYPES = {
    "duckdb": {BIGINT: "BIGINT", DOUBLE: "DOUBLE", TEXT: "VARCHAR", TIMESTAMP: "TIMESTAMP"},
    "postgres": {
        BIGINT: "bigint",
        DOUBLE: "double precision",
        TEXT: "text",
        TIMESTAMP: "timestamp",
    },
}


@dataclass
class RawTable:
    """A table to load: name, columns with their types, rows as Python values."""

    name: str
    types: dict[str, str]
    frame: pd.DataFrame

    def rows(self) -> list[tuple[Any, ...]]:
        """Return the rows with None for missing values."""
        return [
            tuple(None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row)
            for row in self.frame.itertuples(index=False, name=None)
        ]


def raw_tables(seed: int = 11) -> list[RawTable]:
    """Return predictions, labels and a training table of a small fraud model."""
    rng = np.random.default_rng(seed)
    n = ROWS
    seconds = np.sort(rng.integers(0, DAYS * 86_400, n))
    scored_at = [START + dt.timedelta(seconds=int(s)) for s in seconds]
    plan = rng.choice(["basic", "plus", "pro"], n, p=[0.5, 0.3, 0.2])
    usage = np.round(rng.gamma(2.0, 3.0, n) * (1 + 0.5 * (seconds > 6 * 86_400)), 3)
    age = rng.integers(18, 80, n)
    proba = np.round(1 / (1 + np.exp(-(usage - 8) / 3)), 6)
    predictions = pd.DataFrame(
        {
            "request_id": [f"r{i:05d}" for i in range(n)],
            "Scored At": scored_at,
            "model_version": np.where(seconds > 5 * 86_400, "v2", "v1"),
            USAGE: usage,
            AGE: age,
            PLAN: plan,
            COUNTRY: rng.choice(["FR", "DE", "ES", "IT"], n),
            "fraud_proba": proba,
            "is_fraud_pred": (proba >= 0.5).astype("int64"),
            "latency_ms": np.round(rng.lognormal(3, 0.4, n), 2),
            "status": rng.choice(["ok", "ok", "ok", "error", "timeout"], n),
            "customer_id": [f"c{i:04d}" for i in rng.integers(0, n // 3, n)],
            "notes": [f"free text {i}" for i in range(n)],
        }
    )
    labeled = rng.random(n) < 0.8
    labels = pd.DataFrame(
        {
            "request_id": predictions["request_id"][labeled].to_numpy(),
            "is_fraud": (rng.random(labeled.sum()) < proba[labeled]).astype("int64"),
            "labeled_at": [
                t + dt.timedelta(hours=30)
                for t, keep in zip(scored_at, labeled, strict=True)
                if keep
            ],
        }
    )
    m = 600
    t_usage = np.round(rng.gamma(2.0, 3.0, m), 3)
    t_proba = np.round(1 / (1 + np.exp(-(t_usage - 8) / 3)), 6)
    training = pd.DataFrame(
        {
            USAGE: t_usage,
            AGE: rng.integers(18, 80, m),
            PLAN: rng.choice(["basic", "plus", "pro"], m),
            COUNTRY: rng.choice(["FR", "DE", "ES"], m),
            "fraud_proba": t_proba,
            "is_fraud_pred": (t_proba >= 0.5).astype("int64"),
            "is_fraud": (rng.random(m) < t_proba).astype("int64"),
        }
    )
    types = {
        "request_id": TEXT,
        "Scored At": TIMESTAMP,
        "model_version": TEXT,
        USAGE: DOUBLE,
        AGE: BIGINT,
        PLAN: TEXT,
        COUNTRY: TEXT,
        "fraud_proba": DOUBLE,
        "is_fraud_pred": BIGINT,
        "latency_ms": DOUBLE,
        "status": TEXT,
        "customer_id": TEXT,
        "notes": TEXT,
        "is_fraud": BIGINT,
        "labeled_at": TIMESTAMP,
    }
    return [
        RawTable(name, {c: types[c] for c in frame.columns}, frame)
        for name, frame in (
            ("predictions", predictions),
            ("labels", labels),
            ("training", training),
        )
    ]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create_sql(engine: str, schema: str, table: RawTable) -> str:
    columns = ", ".join(f"{_quote(c)} {ENGINE_TYPES[engine][t]}" for c, t in table.types.items())
    return f"create table {_quote(schema)}.{_quote(table.name)} ({columns})"


def load_duckdb(path: Path, schema: str, tables: list[RawTable]) -> None:
    """Create the tables in a DuckDB file."""
    import duckdb

    with duckdb.connect(str(path)) as con:
        con.execute(f"create schema if not exists {_quote(schema)}")
        for table in tables:
            con.execute(_create_sql("duckdb", schema, table))
            marks = ", ".join("?" for _ in table.types)
            con.executemany(
                f"insert into {_quote(schema)}.{_quote(table.name)} values ({marks})", table.rows()
            )


def pg_connect() -> Any:
    """Connect to the MM_PG_* server."""
    import psycopg2

    return psycopg2.connect(
        host=os.environ["MM_PG_HOST"],
        port=int(os.environ.get("MM_PG_PORT", "5432")),
        user=os.environ.get("MM_PG_USER", "postgres"),
        password=os.environ.get("MM_PG_PASSWORD", ""),
        dbname=os.environ["MM_PG_DATABASE"],
    )


def load_postgres(schema: str, tables: list[RawTable]) -> None:
    """Create the tables in a schema of the MM_PG_* server."""
    from psycopg2.extras import execute_values

    connection = pg_connect()
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(f"create schema {_quote(schema)}")
            for table in tables:
                cursor.execute(_create_sql("postgres", schema, table))
                execute_values(
                    cursor,
                    f"insert into {_quote(schema)}.{_quote(table.name)} values %s",
                    table.rows(),
                )
    finally:
        connection.close()


def drop_postgres_schemas(*schemas: str) -> None:
    """Drop schemas of the MM_PG_* server."""
    connection = pg_connect()
    try:
        with connection, connection.cursor() as cursor:
            for schema in schemas:
                cursor.execute(f"drop schema if exists {_quote(schema)} cascade")
    finally:
        connection.close()


def require_engine(engine: str) -> None:
    """Skip an engine not asked for (MM_ENGINES); fail one asked for but not configured."""
    engines = os.environ.get("MM_ENGINES", "duckdb").split(",")
    if engine not in engines:
        pytest.skip(f"{engine} not in MM_ENGINES")
    if engine == "postgres" and not os.environ.get("MM_PG_HOST"):
        pytest.fail(
            "MM_ENGINES asks for postgres but MM_PG_HOST is not set; "
            'run `eval "$(bash scripts/postgres.sh)"`'
        )


def profile_yaml(engine: str, root: Path, schema: str) -> str:
    """Return profiles.yml for the engine: DuckDB in root/warehouse.duckdb, or MM_PG_*."""
    if engine == "duckdb":
        body = f"      type: duckdb\n      path: '{root / 'warehouse.duckdb'}'\n"
    else:
        body = (
            "      type: postgres\n"
            "      host: \"{{ env_var('MM_PG_HOST') }}\"\n"
            "      port: \"{{ env_var('MM_PG_PORT', '5432') | int }}\"\n"
            "      user: \"{{ env_var('MM_PG_USER', 'postgres') }}\"\n"
            "      password: \"{{ env_var('MM_PG_PASSWORD', '') }}\"\n"
            "      dbname: \"{{ env_var('MM_PG_DATABASE') }}\"\n"
            f"      schema: {schema}\n"
        )
    return f"mm_scaffold:\n  target: dev\n  outputs:\n    dev:\n{body}      threads: 2\n"


def write_project(root: Path, engine: str, schema: str, monitors_item: str | None) -> Path:
    """Write a dbt project installing the package, the monitor item pasted under monitors:."""
    project = root / "project"
    project.mkdir(parents=True, exist_ok=True)
    (project / "profiles.yml").write_text(profile_yaml(engine, root, schema), encoding="utf-8")
    (project / "packages.yml").write_text(
        f"packages:\n  - local: '{PACKAGE_DIR}'\n", encoding="utf-8"
    )
    text = (
        "name: mm_scaffold\nversion: '1.0'\nconfig-version: 2\nprofile: mm_scaffold\n"
        "model-paths: ['models']\n"
    )
    if monitors_item is not None:
        # Pasted as a user would: the drafted text, comments included, indented under monitors:.
        pasted = "".join(f"      {line}\n" if line else "\n" for line in monitors_item.splitlines())
        text += f"vars:\n  model_monitor:\n    monitors:\n{pasted}"
    (project / "dbt_project.yml").write_text(text, encoding="utf-8")
    (project / "models").mkdir(exist_ok=True)
    return project


def run_dbt(project: Path, *args: str) -> Any:
    """Run one dbt command in-process; return dbt's result (success and exception)."""
    from dbt.cli.main import dbtRunner
    from dbt_common.events.event_manager_client import cleanup_event_logger

    flags = ["--project-dir", str(project), "--profiles-dir", str(project), "--quiet"]
    flags.append("--no-send-anonymous-usage-stats")
    try:
        return dbtRunner().invoke([*args, *flags])
    finally:
        cleanup_event_logger()


@dataclass
class Built:
    """Raw tables loaded, a project written; `run` invokes the model-monitor CLI on it."""

    engine: str
    root: Path
    project: Path
    raw_schema: str
    target_schema: str
    run: Callable[..., Any]
