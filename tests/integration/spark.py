"""The local Spark the tests share with dbt-spark's session mode, and a DB-API shim over it.

dbt-spark's `method: session` runs every statement on `SparkSession.builder.getOrCreate()` in the
calling process, so the tests start that session first (metastore, warehouse dir and Derby's log
in a directory of their own instead of the working directory) and dbt, run in-process, picks up
the same one: the tables the loader writes are the tables dbt reads. Timestamps travel as
`timestamp_ntz` between Python and Spark, so neither side's local time zone shifts them; Spark
itself works in UTC, as the profile's `spark.sql.session.timeZone` says.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

# Spark's own settings for a 2-core test machine. The shuffle partition count matters most:
# Spark's default of 200 turns every aggregate over a few thousand rows into 200 tiny tasks.
SESSION_CONF = {
    "spark.master": "local[2]",
    "spark.app.name": "model_monitor_tests",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    # Whole-stage code generation compiles Java for every query stage: seconds per model that
    # the few thousand rows of a test never win back.
    "spark.sql.codegen.wholeStage": "false",
    "spark.default.parallelism": "2",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "false",  # dbt-spark sets it too, at every statement
    "spark.driver.memory": "2g",
}

_session: Any = None
_failure: BaseException | None = None  # a start that failed is not retried by every module


class SparkUnavailable(RuntimeError):
    """Spark was asked for but cannot start here (no pyspark, no Java)."""


def java_version() -> str:
    """`java -version`'s first line (Spark's launcher uses JAVA_HOME, else `java` on PATH)."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        raise SparkUnavailable(
            f"no Java at {java}" if java else "no `java` on PATH: Spark needs Java 17 or later"
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    text = (out.stderr or out.stdout).strip()
    if out.returncode != 0 or not text:
        raise SparkUnavailable(f"`{java} -version` failed: {text}")
    return text.splitlines()[0]


def session(work_dir: Path) -> Any:
    """The process's SparkSession, started on first use with its state under `work_dir`."""
    global _session, _failure
    if _session is not None:
        return _session
    if _failure is not None:
        raise SparkUnavailable(str(_failure)) from _failure
    try:
        _session = _start(work_dir)
    except Exception as exc:
        _failure = exc
        raise
    return _session


def _start(work_dir: Path) -> Any:
    java_version()
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable(
            f"pyspark is not installed ({exc}); pip install -e '.[dev,spark]'"
        ) from exc
    work_dir.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in SESSION_CONF.items():
        builder = builder.config(key, value)
    metastore = work_dir / "metastore_db"
    builder = (
        builder.config("spark.sql.warehouse.dir", str(work_dir / "spark-warehouse"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={metastore};create=true",
        )
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={work_dir}")
    )
    started = builder.getOrCreate()
    started.sparkContext.setLogLevel("ERROR")
    return started


def stop() -> None:
    """Stop the session if this process started one."""
    global _session
    if _session is not None:
        _session.stop()
        _session = None


def active() -> Any:
    """The session started by `session()` (it must have been)."""
    if _session is None:
        raise SparkUnavailable("the Spark session was not started (tests/conftest.py starts it)")
    return _session


def quote(name: str) -> str:
    """A backquoted Spark SQL identifier."""
    return "`" + name.replace("`", "``") + "`"


class Cursor:
    """Enough of a DB-API cursor for loaders.Warehouse: execute, description, fetchall."""

    def __init__(self, spark: Any) -> None:
        self._spark = spark
        self._frame: Any = None
        self.description: list[tuple[Any, ...]] | None = None

    def execute(self, sql: str, params: Any = None) -> None:
        """Run one statement (no parameters: Spark SQL has no placeholders here)."""
        if params:
            raise ValueError("the Spark cursor takes no parameters")
        self._frame = self._spark.sql(sql)
        self.description = [(f.name, f.dataType.simpleString()) for f in self._frame.schema]

    def fetchall(self) -> list[tuple[Any, ...]]:
        """Every row; timestamps as naive wall-clock datetimes in the session time zone."""
        from pyspark.sql import functions as F
        from pyspark.sql.types import TimestampType

        frame = self._frame.select(
            *[
                F.col(quote(f.name)).cast("timestamp_ntz").alias(f.name)
                if isinstance(f.dataType, TimestampType)
                else F.col(quote(f.name))
                for f in self._frame.schema
            ]
        )
        return [tuple(row) for row in frame.collect()]


class Connection:
    """A DB-API-looking handle on the session (Spark has no transactions to commit)."""

    def __init__(self, spark: Any) -> None:
        self._spark = spark

    def cursor(self) -> Cursor:
        """A new cursor."""
        return Cursor(self._spark)

    def create_frame(self, rows: list[tuple[Any, ...]], types: list[str]) -> Any:
        """A DataFrame of Python rows with the given Spark SQL types, built without pandas or
        Arrow (NaN and infinities stay floats, None is NULL). Columns are named v0, v1, ..."""
        from pyspark.sql import types as T

        spark_types = {
            "double": T.DoubleType(),
            "string": T.StringType(),
            "timestamp_ntz": T.TimestampNTZType(),
            "boolean": T.BooleanType(),
            "bigint": T.LongType(),
        }
        schema = T.StructType(
            [T.StructField(f"v{i}", spark_types[t], True) for i, t in enumerate(types)]
        )
        convert = [_CONVERT[t] for t in types]
        data = [tuple(c(v) for c, v in zip(convert, row, strict=True)) for row in rows]
        return self._spark.createDataFrame(data, schema=schema, verifySchema=False)


def _none_or(fn: Any) -> Any:
    return lambda v: None if v is None else fn(v)


def _timestamp(value: Any) -> dt.datetime:
    import pandas as pd

    return pd.Timestamp(value).to_pydatetime()


_CONVERT = {
    "double": _none_or(float),
    "string": _none_or(str),
    "timestamp_ntz": _none_or(_timestamp),
    "boolean": _none_or(bool),
    "bigint": _none_or(int),
}
