"""Compile every model of the package on a real engine and keep the SQL dbt compiled.

Two root projects share one warehouse and schema:

* `real` installs the package as a user would. `dbt build --full-refresh` compiles every model's
  first-run SQL (and creates the tables the models read back while compiling); `dbt compile`
  afterwards compiles the incremental SQL.
* `shimless` (DuckDB only) also puts tests/portability/shimless/macros first in the dispatch
  order of `model_monitor` and `dbt`, so every dispatched shim renders a neutral placeholder
  (`mm_is_finite(x)`, type `mm_double`). What is left is the SQL the models and the package's
  non-dispatched macros write themselves, which has to run unchanged on every warehouse. The
  shimless project also holds a deliberately non-portable fixture model that the checker must
  flag.

The data is the demo scenario, small; `monitors` says what watches it.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import patch

import yaml
from integration.data import DOUBLE, TEXT, TIMESTAMP, Table
from integration.loaders import Warehouse

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PACKAGE_DIR = REPO / "dbt_project"
SHIMLESS_MACROS = HERE / "shimless" / "macros"
FIXTURE_MODELS = HERE / "fixtures" / "models"

FIRST_RUN = "first_run"
INCREMENTAL = "incremental"

_lock = threading.Lock()

# dbt.concat takes any number of fields; a DuckDB macro has one overload per count.
_ARITIES = [", ".join(f"a{i}" for i in range(n)) for n in range(1, 13)]

# The placeholders of shimless/macros/placeholders.sql as DuckDB types and macros, so that the
# queries the models run while compiling (window plans, reference versions) still execute.
SHIMLESS_DUCKDB = [
    *(
        f"create or replace type {name} as {duck}"
        for name, duck in (
            ("mm_double", "double"),
            ("mm_string", "varchar"),
            ("mm_timestamp", "timestamp"),
            ("mm_bigint", "bigint"),
            ("mm_int", "integer"),
            ("mm_float", "float"),
        )
    ),
    "create or replace macro mm_is_finite(x) as isfinite(x)",
    "create or replace macro mm_string_literal(s) as s",
    "create or replace macro mm_timestamp_literal(s) as cast(s as timestamp)",
    "create or replace macro mm_text_order(x) as x",
    "create or replace macro mm_percentile(x, p) as quantile_cont(x, p)",
    "create or replace macro mm_median(x) as median(x)",
    "create or replace macro mm_approx_count_distinct(x) as approx_count_distinct(x)",
    "create or replace macro mm_hours_between(a, b) as date_diff('microsecond', a, b) / 3.6e9",
    "create or replace macro mm_number_text(x) as cast(x as varchar)",
    "create or replace macro mm_window_start(part, x) as date_trunc(part, x)",
    "create or replace macro mm_numbers(d) as table "
    "select range as n from range(cast(pow(10, d) as bigint))",
    "create or replace macro mm_key_fingerprint(x) as cast(hash(x) >> 1 as bigint)",
    "create or replace macro mm_date_trunc(part, x) as date_trunc(part, x)",
    "create or replace macro mm_dateadd(part, n, x) as x + n * cast('1 ' || part as interval)",
    "create or replace macro mm_datediff(a, b, part) as date_diff(part, a, b)",
    "create or replace macro mm_hash(x) as md5(cast(x as varchar))",
    "create or replace macro mm_length(x) as length(x)",
    "create or replace macro mm_concat "
    + ", ".join(f"({args}) as concat({args})" for args in _ARITIES),
]


class CompileError(RuntimeError):
    """dbt failed to build or compile the package on an engine."""


@dataclass(frozen=True)
class CompiledModel:
    """The SQL dbt compiled for one model on one engine, in one mode."""

    engine: str
    project: str  # real | shimless
    mode: str  # first_run | incremental
    model: str
    package: str
    path: str  # the model file, relative to its project
    sql: str

    @property
    def label(self) -> str:
        """`engine/project/mode/model`, for messages."""
        return f"{self.engine}/{self.project}/{self.mode}/{self.model}"


def monitors(raw_schema: str) -> list[dict[str, Any]]:
    """Four monitors over the demo tables that between them reach every branch of the models:
    binary with a predicted class and a score, binary with a score and a threshold only,
    multiclass, regression; day, hour and week windows; a reference table and a reference time
    range; labels with and without arrival times; slices; declared, listed and inferred
    features; a column name that needs quoting;
    exact and binned drift (a coarse and the default grid). Few columns each: the SQL repeats
    per column."""
    raw = raw_schema
    return [
        {
            "name": "churn",
            "predictions": f"{raw}.predictions",
            "id_column": "prediction_id",
            "timestamp_column": "predicted_at",
            "model_version_column": "model_version",
            "task": "binary",
            "prediction_column": "predicted_churn",
            "score_column": "churn_score",
            "features": {"Data Usage GB": "numerical", "plan": "categorical"},
            "labels": {
                "relation": f"{raw}.labels",
                "id_column": "prediction_id",
                "label_column": "churned",
                "timestamp_column": "labeled_at",
            },
            "reference": {"relation": f"{raw}.training", "label_column": "churned"},
            "latency_column": "latency_ms",
            "status_column": "status",
            "window_grain": "day",
            "slices": ["plan"],
            "performance_method": "binned",
            "grid_cells": 50,
        },
        {
            "name": "churn_threshold",
            "predictions": f"{raw}.predictions",
            "id_column": "prediction_id",
            "timestamp_column": "predicted_at",
            "task": "binary",
            "score_column": "churn_score",
            "decision_threshold": 0.4,
            "positive_class": 1,
            "features": ["age"],
            "labels": {"relation": f"{raw}.labels", "label_column": "churned"},
            "reference": {"between": ["2025-01-06", "2025-01-09 12:00:00"], "version": "v2"},
            "window_grain": "hour",
            "lookback_windows": 3,
            "calibration_bins": 5,
            "bins": 4,
            "drift_method": "binned",
            "grid_cells": 50,
        },
        {
            "name": "churn_segments",
            "predictions": f"{raw}.predictions",
            "id_column": "prediction_id",
            "timestamp_column": "predicted_at",
            "task": "multiclass",
            "prediction_column": "payment_method",
            "features": {"country": "categorical"},
            "labels": {"relation": f"{raw}.labels", "label_column": "churned"},
            "reference": {"relation": f"{raw}.training", "label_column": "churned"},
            "top_k": 3,
        },
        {
            "name": "delivery_eta",
            "predictions": f"{raw}.eta_predictions",
            "id_column": "delivery_id",
            "timestamp_column": "requested_at",
            "task": "regression",
            "prediction_column": "predicted_minutes",
            "labels": {
                "relation": f"{raw}.eta_labels",
                "label_column": "actual_minutes",
                "timestamp_column": "delivered_at",
            },
            "reference": {"between": ["2025-01-06", "2025-01-13"]},
            "drift_method": "binned",
            "window_grain": "week",
            "slices": ["region"],
        },
    ]


def _kind(dtype: Any) -> str:
    name = str(dtype).lower()
    if "datetime" in name:
        return TIMESTAMP
    return DOUBLE if "int" in name or "float" in name else TEXT


def scenario_tables() -> list[Table]:
    """The demo scenario's raw tables, small (1,000 predictions over 14 days), typed for the
    integration loaders: numbers as doubles, text, timestamps; missing values as NULL."""
    import pandas as pd

    from model_monitor.demo.scenario import generate_scenario

    tables = []
    for name, frame in generate_scenario(rows=1000, days=14, seed=1).tables.items():
        columns = {str(column): _kind(dtype) for column, dtype in frame.dtypes.items()}
        values = frame.astype(object).where(frame.notna(), None)
        convert_kind = {TIMESTAMP: lambda v: pd.Timestamp(v).to_pydatetime(), DOUBLE: float}
        for column, kind in columns.items():
            convert = convert_kind.get(kind)
            if convert is not None:
                values[column] = [None if v is None else convert(v) for v in values[column]]
        tables.append(Table(name, columns, values))
    return tables


def profile_output(warehouse: Warehouse) -> dict[str, Any]:
    """The dbt profile output that writes into the warehouse's schema."""
    if warehouse.engine == "duckdb":
        path = str(warehouse.duckdb_path)
        return {"type": "duckdb", "path": path, "schema": warehouse.schema, "threads": 4}
    if warehouse.engine == "postgres":
        pg = warehouse.pg
        assert pg is not None
        return {
            "type": "postgres",
            "host": pg.host,
            "port": pg.port,
            "user": pg.user,
            "password": pg.password,
            "dbname": pg.database,
            "schema": warehouse.schema,
            "threads": 4,
        }
    return {
        "type": "spark",
        "method": "session",
        "host": "NA",
        "schema": warehouse.schema,
        "threads": 1,
        "server_side_parameters": {"spark.sql.session.timeZone": "UTC"},
    }


def define_placeholders(path: Path) -> None:
    """Create the shimless placeholders in a DuckDB file."""
    import duckdb

    with duckdb.connect(str(path)) as con:
        for statement in SHIMLESS_DUCKDB:
            con.execute(statement)


# --- dbt -------------------------------------------------------------------------------------


def _dbt(args: list[str]) -> Any:
    """Run dbt in-process; raise CompileError with dbt's error messages when it fails."""
    from dbt.cli.main import dbtRunner

    errors: list[str] = []

    def collect(event: Any) -> None:
        if getattr(event.info, "level", "") == "error" and getattr(event.info, "msg", ""):
            errors.append(str(event.info.msg))

    with _lock, patch.dict(os.environ, {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}):
        res = dbtRunner(callbacks=[collect]).invoke([*args, "--quiet", "--no-use-colors"])
    if not res.success:
        detail = "\n".join(errors) or repr(res.exception)
        raise CompileError(f"dbt {' '.join(args[:1])} failed:\n{detail}")
    return res.result


def _write_project(
    root: Path, name: str, warehouse: Warehouse, shimless: bool, macros: Path | None = None
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "name": name,
        "version": "0.1.0",
        "config-version": 2,
        "profile": "mm_portability",
        "model-paths": ["models"],
        "macro-paths": ["macros"],
        "target-path": "target",
        "flags": {"send_anonymous_usage_stats": False},
        "vars": {"model_monitor": {"monitors": monitors(warehouse.raw_schema)}},
    }
    if shimless:
        # model_monitor already searches the root project first; dbt's own macros need asking.
        config["dispatch"] = [{"macro_namespace": "dbt", "search_order": [name, "dbt"]}]
        shutil.copytree(SHIMLESS_MACROS, root / "macros", dirs_exist_ok=True)
        shutil.copytree(FIXTURE_MODELS, root / "models", dirs_exist_ok=True)
    if macros is not None:
        shutil.copytree(macros, root / "macros", dirs_exist_ok=True)
    (root / "dbt_project.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    (root / "packages.yml").write_text(yaml.safe_dump({"packages": [{"local": str(PACKAGE_DIR)}]}))
    outputs = {warehouse.engine: profile_output(warehouse)}
    profile = {"mm_portability": {"target": warehouse.engine, "outputs": outputs}}
    (root / "profiles.yml").write_text(yaml.safe_dump(profile))
    _dbt(["deps", *_dirs(root)])
    return root


def _dirs(root: Path) -> list[str]:
    return ["--project-dir", str(root), "--profiles-dir", str(root)]


def _collect(result: Any, engine: str, project: str, mode: str) -> list[CompiledModel]:
    out = []
    for r in getattr(result, "results", None) or []:
        node = r.node
        if str(node.resource_type) != "model":
            continue
        out.append(
            CompiledModel(
                engine=engine,
                project=project,
                mode=mode,
                model=node.name,
                package=node.package_name,
                path=node.original_file_path,
                sql=node.compiled_code or "",
            )
        )
    return sorted(out, key=lambda m: m.model)


def run_models(warehouse: Warehouse, work_dir: Path, macros: Path | None = None) -> Path:
    """Install the package (with the root project's `macros`, found first by dispatch) and
    build every model from scratch on the warehouse's loaded tables; returns the project, for
    `run_incremental`."""
    project = _write_project(work_dir, "mm_portability", warehouse, shimless=False, macros=macros)
    _dbt(["run", *_dirs(project), "--full-refresh"])
    return project


def run_incremental(project: Path) -> None:
    """An incremental run of every model of a project made by `run_models`."""
    _dbt(["run", *_dirs(project)])


def compile_models(warehouse: Warehouse, work_dir: Path, shimless: bool) -> list[CompiledModel]:
    """Load the scenario, then every model's compiled SQL on the warehouse's engine: first run
    and incremental run, plus (when `shimless`, DuckDB only) both again with placeholders."""
    engine = warehouse.engine
    warehouse.load(scenario_tables())
    real = _write_project(work_dir / "real", "mm_portability", warehouse, shimless=False)
    built = _dbt(["build", *_dirs(real), "--full-refresh", "--exclude", "resource_type:test"])
    compiled = _collect(built, engine, "real", FIRST_RUN)
    compiled += _collect(_dbt(["compile", *_dirs(real)]), engine, "real", INCREMENTAL)
    if shimless:
        assert warehouse.duckdb_path is not None, "the shimless project runs on DuckDB"
        define_placeholders(warehouse.duckdb_path)
        project = _write_project(
            work_dir / "shimless", "mm_portability_shimless", warehouse, shimless=True
        )
        first = _dbt(["compile", *_dirs(project), "--full-refresh"])
        compiled += _collect(first, engine, "shimless", FIRST_RUN)
        compiled += _collect(_dbt(["compile", *_dirs(project)]), engine, "shimless", INCREMENTAL)
    return compiled
