"""Where the benchmark's builds run: DuckDB, PostgreSQL or Spark, one build per drift method.

The scenario is always generated into one DuckDB file (scenario.py), and the peers always read
that file. Each drift method builds in its own place: on DuckDB a database file of its own (the
exact build in the generated file itself, as before; the binned one in a copy made before any
build), on PostgreSQL and Spark a target schema of its own (`bench`, `bench_binned`) over one
copy of the raw tables in `bench_raw`, which the builds only read. Copying is not measured:

- PostgreSQL (connection from MM_PG_HOST, MM_PG_PORT, MM_PG_USER, MM_PG_PASSWORD,
  MM_PG_DATABASE): DuckDB writes each table as CSV, PG_CHUNK_ROWS prediction ids at a time, and
  psycopg2 streams every file into `COPY ... FROM STDIN`; then ANALYZE.
- Spark (dbt-spark `method: session`, a local Spark inside each dbt and CLI process): DuckDB writes
  each table as parquet under workdir/spark-data, and a Spark session with the profile's own
  settings (warehouse and Derby metastore under the workdir) creates tables over those folders.
  It runs in a subprocess: the Derby metastore admits one JVM at a time.

The appended day follows the same road: its predictions and the labels that arrive during it are
copied into the engine (one more CSV stream, or one more parquet file per folder, which the next
Spark session lists) before the DuckDB copy moves them itself (scenario.append_day).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

# bench/run.py puts bench/ on sys.path; engines does not (bench/profile.py would shadow the
# standard library's `profile`, which PySpark imports)
import scenario
import yaml

ENGINES = ("duckdb", "postgres", "spark")
PROFILE = "model_monitor_bench"
ENGINE_RAW_SCHEMA = "bench_raw"  # PostgreSQL and Spark; DuckDB keeps scenario.RAW_SCHEMA
ENGINE_SCHEMA = "bench"
RAW_TABLES = ("predictions", "labels", "reference")
PG_CHUNK_ROWS = 2_000_000  # prediction ids per CSV file: bounds the disk a copy needs
PG_ENV = ("MM_PG_HOST", "MM_PG_PORT", "MM_PG_USER", "MM_PG_PASSWORD", "MM_PG_DATABASE")
PG_TYPES = {"BIGINT": "bigint", "INTEGER": "integer", "DOUBLE": "double precision",
            "VARCHAR": "text", "TIMESTAMP": "timestamp"}  # fmt: skip
SPARK_DRIVER_MEMORY = "2g"  # the tests' setting; Spark's own 1g is tight for 1M+ rows
SPARK_THREADS = 1  # dbt threads on Spark, as in profiles.example.yml


class EngineError(RuntimeError):
    """The engine cannot be reached or loaded; the message says what to do."""


@dataclass(frozen=True)
class BuildTarget:
    """One drift method's build: its project and profile folder, its database and schemas."""

    engine: str
    method: str
    workdir: Path  # the run's (Spark's warehouse and metastore are there)
    home: Path  # holds project/, profiles.yml (and on DuckDB the database file)
    database: Path  # the DuckDB file this build reads (DuckDB) or the copy's source (others)
    schema: str  # where dbt builds the models
    raw_schema: str  # where the monitor's predictions, labels and reference are

    @property
    def project(self) -> Path:
        return self.home / "project"


def build_targets(engine: str, methods: list[str], workdir: Path) -> list[BuildTarget]:
    """exact in the workdir itself (bench/profile.py reads it there), binned in workdir/binned."""
    source = workdir / "bench.duckdb"
    out = []
    for method in methods:
        home = workdir if method == "exact" else workdir / method
        suffix = "" if method == "exact" else f"_{method}"
        if engine == "duckdb":
            out.append(BuildTarget(engine, method, workdir, home, home / "bench.duckdb", "main",
                                   scenario.RAW_SCHEMA))  # fmt: skip
        else:
            out.append(BuildTarget(engine, method, workdir, home, source, ENGINE_SCHEMA + suffix,
                                   ENGINE_RAW_SCHEMA))  # fmt: skip
    return out


def write_project(
    target: BuildTarget, template: Path, package_dir: Path, memory_limit: str | None, threads: int
) -> None:
    """A fresh copy of the bench project for this target, with its monitor config and profile."""
    if target.project.exists():
        shutil.rmtree(target.project)
    target.home.mkdir(parents=True, exist_ok=True)
    shutil.copytree(template, target.project)
    (target.project / "packages.yml").write_text(
        f'packages:\n  - local: "{package_dir}"\n', encoding="utf-8"
    )
    project_file = target.project / "dbt_project.yml"
    config = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    for monitor in config["vars"]["model_monitor"]["monitors"]:
        _configure_monitor(monitor, target)
    project_file.write_text(
        f"# Written by bench/run.py from {template / 'dbt_project.yml'} for {target.engine}, "
        f"drift method {target.method}.\n" + yaml.safe_dump(config, sort_keys=False),
        encoding="utf-8",
    )
    (target.home / "profiles.yml").write_text(
        _profile(target, memory_limit, threads), encoding="utf-8"
    )


def _configure_monitor(monitor: dict, target: BuildTarget) -> None:
    """Point the monitor at the target's raw schema; choose the drift and performance method."""
    monitor["predictions"] = _in_schema(monitor["predictions"], target.raw_schema)
    for key in ("labels", "reference"):
        monitor[key]["relation"] = _in_schema(monitor[key]["relation"], target.raw_schema)
    # The package's default is exact; the keys are written only when another method is asked
    # for, so this runs on a package that does not know them yet.
    if target.method != "exact":
        monitor["drift_method"] = target.method
        monitor["performance_method"] = target.method


def _in_schema(relation: str, schema: str) -> str:
    return f"{schema}.{relation.split('.')[-1]}"


def _profile(target: BuildTarget, memory_limit: str | None, threads: int) -> str:
    """profiles.yml for one target (a dict dumped as YAML: paths and settings quoted right)."""
    if target.engine == "duckdb":
        output: dict = {"type": "duckdb", "path": str(target.database), "threads": threads}
        if memory_limit:
            # DuckDB's advice under a tight limit; the tables' row order carries no meaning
            output["settings"] = {"memory_limit": memory_limit, "preserve_insertion_order": False}
    elif target.engine == "postgres":
        output = {
            "type": "postgres",
            "host": "{{ env_var('MM_PG_HOST') }}",
            "port": "{{ env_var('MM_PG_PORT', '5432') | as_number }}",
            "user": "{{ env_var('MM_PG_USER', 'postgres') }}",
            "password": "{{ env_var('MM_PG_PASSWORD', '') }}",
            "dbname": "{{ env_var('MM_PG_DATABASE') }}",
            "schema": target.schema,
            "threads": threads,
        }
    else:
        output = {"type": "spark", "method": "session", "host": "NA", "schema": target.schema,
                  "threads": SPARK_THREADS,
                  "server_side_parameters": spark_conf(target.workdir)}  # fmt: skip
    profile = {PROFILE: {"target": target.engine, "outputs": {target.engine: output}}}
    return yaml.safe_dump(profile, sort_keys=False)


def spark_conf(workdir: Path) -> dict[str, str]:
    """The Spark session of every dbt, CLI and loader process: one warehouse, one metastore."""
    return {
        "spark.master": "local[*]",
        "spark.driver.memory": SPARK_DRIVER_MEMORY,
        "spark.sql.session.timeZone": "UTC",  # windows are cut in the session time zone
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.warehouse.dir": str(workdir / "spark-warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={workdir / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={workdir}",
    }


def reset(engine: str, workdir: Path) -> None:
    """Remove what an earlier run left in the engine (schemas, warehouse, metastore)."""
    if engine == "postgres":
        with pg_connect() as con, con.cursor() as cur:
            for schema in (ENGINE_RAW_SCHEMA, ENGINE_SCHEMA, f"{ENGINE_SCHEMA}_binned"):
                cur.execute(f'drop schema if exists "{schema}" cascade')
    elif engine == "spark":
        for name in ("spark-warehouse", "metastore_db", "spark-data"):
            shutil.rmtree(workdir / name, ignore_errors=True)
        (workdir / "derby.log").unlink(missing_ok=True)


def load(targets: list[BuildTarget], workdir: Path) -> dict[str, object]:
    """Give every build its data, before any build; returns what was copied."""
    source = workdir / "bench.duckdb"
    engine = targets[0].engine
    if engine == "duckdb":
        for target in targets:
            if target.database != source:
                target.database.unlink(missing_ok=True)
                shutil.copy(source, target.database)
        return {"copies": [str(t.database) for t in targets]}
    selects = {table: f"select * from {scenario.RAW_SCHEMA}.{table}" for table in RAW_TABLES}
    if engine == "postgres":
        return _pg_copy(source, selects, workdir, create=True)
    return _spark_copy(source, selects, workdir, part=0)


def append(targets: list[BuildTarget], workdir: Path) -> dict[str, object]:
    """Append the 31st day: into the engine first, then into each DuckDB file."""
    engine = targets[0].engine
    copied: dict[str, object] = {}
    source = workdir / "bench.duckdb"
    if engine == "postgres":
        copied = _pg_copy(source, scenario.appended_rows_sql(), workdir, create=False)
    elif engine == "spark":
        copied = _spark_copy(source, scenario.appended_rows_sql(), workdir, part=1)
    files = [t.database for t in targets] if engine == "duckdb" else [source]
    moved = {str(f): scenario.append_day(f) for f in files}
    return {"engine": copied, "duckdb": moved}


def _columns(con: duckdb.DuckDBPyConnection, select: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in con.execute(f"describe {select}").fetchall()]


@contextmanager
def pg_connect() -> Iterator:
    """An autocommit psycopg2 connection from the MM_PG_* variables, closed after use."""
    missing = [name for name in ("MM_PG_HOST", "MM_PG_DATABASE") if not os.environ.get(name)]
    if missing:
        raise EngineError(
            f"bench: --engine postgres needs {', '.join(PG_ENV)} ({', '.join(missing)} unset); "
            'eval "$(bash scripts/postgres.sh)" starts a local server and prints them'
        )
    import psycopg2  # dbt-postgres brings it; only PostgreSQL runs need it

    try:
        con = psycopg2.connect(
            host=os.environ["MM_PG_HOST"],
            port=int(os.environ.get("MM_PG_PORT", "5432")),
            user=os.environ.get("MM_PG_USER", "postgres"),
            password=os.environ.get("MM_PG_PASSWORD", ""),
            dbname=os.environ["MM_PG_DATABASE"],
        )
    except psycopg2.OperationalError as error:
        raise EngineError(f"bench: cannot connect to PostgreSQL: {error}".strip()) from None
    con.autocommit = True
    with closing(con):
        yield con


def _pg_copy(
    source: Path, selects: dict[str, str], workdir: Path, create: bool
) -> dict[str, object]:
    """Stream each select of the DuckDB file into the PostgreSQL table of the same name."""
    scratch = workdir / "pg-copy"
    scratch.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    with duckdb.connect(str(source), read_only=True) as duck, pg_connect() as pg:
        with pg.cursor() as cur:
            if create:
                cur.execute(f'create schema if not exists "{ENGINE_RAW_SCHEMA}"')
            for table, select in selects.items():
                relation = f'"{ENGINE_RAW_SCHEMA}"."{table}"'
                columns = _columns(duck, select)
                if create:
                    ddl = ", ".join(f'"{name}" {PG_TYPES[kind]}' for name, kind in columns)
                    cur.execute(f"create table {relation} ({ddl})")
                rows[table] = 0
                for chunk in _id_chunks(duck, select, columns):
                    path = scratch / f"{table}.csv"
                    duck.execute(f"copy ({chunk}) to '{path}' (format csv, header false)")
                    with path.open("rb") as data:
                        cur.copy_expert(f"copy {relation} from stdin with (format csv)", data,
                                        size=1 << 20)  # fmt: skip
                    rows[table] += cur.rowcount
                    path.unlink()
                cur.execute(f"analyze {relation}")
    shutil.rmtree(scratch, ignore_errors=True)
    return {"postgres_rows": rows}


def _id_chunks(
    duck: duckdb.DuckDBPyConnection, select: str, columns: list[tuple[str, str]]
) -> list[str]:
    """The select cut into ranges of PG_CHUNK_ROWS prediction ids (whole if it has none)."""
    if "prediction_id" not in [name for name, _ in columns]:
        return [select]
    bounds = f"select min(prediction_id), max(prediction_id) from ({select})"
    low, high = duck.execute(bounds).fetchone()
    if low is None:
        return []
    return [
        f"select * from ({select}) where prediction_id >= {first} "
        f"and prediction_id < {first + PG_CHUNK_ROWS}"
        for first in range(low, high + 1, PG_CHUNK_ROWS)
    ]


def _spark_copy(
    source: Path, selects: dict[str, str], workdir: Path, part: int
) -> dict[str, object]:
    """Parquet files from the DuckDB file; on the first copy, Spark tables over their folders."""
    data = workdir / "spark-data"
    with duckdb.connect(str(source), read_only=True) as duck:
        duck.execute("set TimeZone = 'UTC'")
        for table, select in selects.items():
            folder = data / table
            folder.mkdir(parents=True, exist_ok=True)
            # timestamptz: parquet marks it adjusted to UTC, which Spark reads as `timestamp`
            # (a plain timestamp would be read as `timestamp_ntz`)
            columns = ", ".join(
                f'cast("{name}" as timestamptz) as "{name}"' if kind == "TIMESTAMP" else f'"{name}"'
                for name, kind in _columns(duck, select)
            )
            duck.execute(
                f"copy (select {columns} from ({select})) to '{folder / f'part-{part}.parquet'}' "
                "(format parquet)"
            )
    if part == 0:
        statements = [f"create database if not exists {ENGINE_RAW_SCHEMA}"] + [
            f"create table {ENGINE_RAW_SCHEMA}.{table} using parquet location '{data / table}'"
            for table in selects
        ]
        _spark_sql(workdir, statements)
    return {"spark_parquet": str(data), "part": part}


def _spark_sql(workdir: Path, statements: list[str]) -> None:
    """Run statements in a Spark session of the profile's settings, in a process of its own."""
    script = (
        "import json, sys\n"
        "from pyspark.sql import SparkSession\n"
        "conf, statements = json.loads(sys.argv[1]), json.loads(sys.argv[2])\n"
        "builder = SparkSession.builder.enableHiveSupport()\n"
        "for key, value in conf.items():\n"
        "    builder = builder.config(key, value)\n"
        "spark = builder.getOrCreate()\n"
        "for statement in statements:\n"
        "    spark.sql(statement)\n"
        "spark.stop()\n"
    )
    log = workdir / "logs" / "spark_load.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as out:
        code = subprocess.call(
            [sys.executable, "-c", script, json.dumps(spark_conf(workdir)), json.dumps(statements)],
            stdout=out, stderr=subprocess.STDOUT, cwd=workdir,
        )  # fmt: skip
    if code:
        raise EngineError(f"bench: creating the Spark tables failed (log: {log})")


def pg_server_cpu_seconds() -> float | None:
    """CPU seconds the PostgreSQL server has used so far: its postmaster's own and its exited
    children's (`cutime`, `cstime`), plus every live child's; None if it is not on this host."""
    with pg_connect() as con, con.cursor() as cur:
        cur.execute("select pg_backend_pid()")
        backend = cur.fetchone()[0]
        try:  # while the connection is open: its backend exits with it
            postmaster = _proc_stat(backend)[1]
        except OSError:
            return None  # the server is on another machine (or its /proc is not readable)
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        total = sum(_proc_stat(postmaster)[2:6])
    except OSError:
        return None  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = _proc_stat(int(entry.name))
            except OSError:
                continue  # gone meanwhile
            if stat[1] == postmaster:
                total += stat[2] + stat[3]
    return total / ticks


def _proc_stat(pid: int) -> tuple[int, int, int, int, int, int]:
    """(pid, ppid, utime, stime, cutime, cstime) from /proc/PID/stat, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (pid, int(fields[1]), *(int(fields[i]) for i in (11, 12, 13, 14)))


def table_sizes(target: BuildTarget) -> dict[str, int] | None:
    """Rows of each published monitor_* table (None on Spark: a session costs ~20 s)."""
    if target.engine == "duckdb":
        with duckdb.connect(str(target.database), read_only=True) as con:
            names = con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_name like 'monitor%' order by table_name"
            ).fetchall()
            return {
                name: con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
                for schema, name in names
            }
    if target.engine == "postgres":
        with pg_connect() as con, con.cursor() as cur:
            cur.execute(
                "select table_name from information_schema.tables where table_schema = %s "
                "and table_name like 'monitor%%' order by table_name",
                (target.schema,),
            )
            out = {}
            for (name,) in cur.fetchall():
                cur.execute(f'select count(*) from "{target.schema}"."{name}"')
                out[name] = cur.fetchone()[0]
            return out
    return None
