"""Warehouse access for the tests: load raw frames with exact types, read result tables back.

DuckDB gets DOUBLE / VARCHAR / TIMESTAMP, PostgreSQL `double precision` / `text` / `timestamp`,
Spark `double` / `string` / `timestamp` (in the process's own SparkSession, see spark.py).
Rows travel as Python values, so NULL (``None``) and NaN / +-inf stay distinct both ways.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import spark
from .data import DOUBLE, TEXT, TIMESTAMP, Table

BOOLEAN = "boolean"  # only the outcome tests use it (labels and predicted classes as booleans)
BIGINT = "bigint"

ENGINE_TYPES = {
    "duckdb": {
        DOUBLE: "DOUBLE",
        TEXT: "VARCHAR",
        TIMESTAMP: "TIMESTAMP",
        BOOLEAN: "BOOLEAN",
        BIGINT: "BIGINT",
    },
    "postgres": {
        DOUBLE: "double precision",
        TEXT: "text",
        TIMESTAMP: "timestamp",
        BOOLEAN: "boolean",
        BIGINT: "bigint",
    },
    "spark": {
        DOUBLE: "double",
        TEXT: "string",
        TIMESTAMP: "timestamp",
        BOOLEAN: "boolean",
        BIGINT: "bigint",
    },
}


@dataclass(frozen=True)
class PgParams:
    """Connection settings of the PostgreSQL server (the MM_PG_* variables)."""

    host: str
    port: int
    user: str
    password: str
    database: str


def quote(name: str) -> str:
    """A double-quoted SQL identifier (DuckDB and PostgreSQL; Spark: Warehouse.quote)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Warehouse:
    """One engine plus the schema a test owns (and its raw-data schema)."""

    engine: str  # duckdb | postgres | spark
    schema: str
    duckdb_path: Path | None = None
    pg: PgParams | None = None

    @property
    def raw_schema(self) -> str:
        """Where the generated predictions, labels and references live."""
        return f"{self.schema}_raw"

    def dbt_env(self) -> dict[str, str]:
        """The environment the integration_tests profiles read."""
        env = {"MM_SCHEMA": self.schema}
        if self.engine == "duckdb":
            env["MM_DUCKDB_PATH"] = str(self.duckdb_path)
        elif self.engine == "postgres":
            assert self.pg is not None
            env.update(
                MM_PG_HOST=self.pg.host,
                MM_PG_PORT=str(self.pg.port),
                MM_PG_USER=self.pg.user,
                MM_PG_PASSWORD=self.pg.password,
                MM_PG_DATABASE=self.pg.database,
            )
        return env

    def quote(self, name: str) -> str:
        """An identifier quoted for this engine."""
        return spark.quote(name) if self.engine == "spark" else quote(name)

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """A DB-API connection, committed and closed on exit."""
        if self.engine == "spark":
            yield spark.Connection(spark.active())
            return
        if self.engine == "duckdb":
            import duckdb

            con = duckdb.connect(str(self.duckdb_path))
            try:
                yield con
            finally:
                con.close()
            return
        import psycopg2

        assert self.pg is not None
        con = psycopg2.connect(
            host=self.pg.host,
            port=self.pg.port,
            user=self.pg.user,
            password=self.pg.password,
            dbname=self.pg.database,
            connect_timeout=10,
        )
        try:
            yield con
            con.commit()
        finally:
            con.close()

    def execute(self, sql: str, params: Iterable[Any] | None = None) -> None:
        """Run one statement."""
        with self.connect() as con:
            cur = con.cursor()
            cur.execute(sql, params)

    def query(self, sql: str, params: Iterable[Any] | None = None) -> list[dict[str, Any]]:
        """Rows as dicts of normalized Python values (Decimal -> float/int)."""
        with self.connect() as con:
            cur = con.cursor()
            cur.execute(sql, params)
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        return [dict(zip(names, map(normalize, row), strict=True)) for row in rows]

    def columns(self, relation: str) -> list[str]:
        """The column names of a relation, in order."""
        with self.connect() as con:
            cur = con.cursor()
            cur.execute(f"select * from {relation} where 1 = 0")
            return [d[0] for d in cur.description]

    def create_schemas(self) -> None:
        """The test's target and raw schemas, empty."""
        self.drop_schemas()
        for s in (self.schema, self.raw_schema):
            self.execute(f"create schema {self.quote(s)}")

    def drop_schemas(self) -> None:
        """Drop both schemas with everything in them."""
        for s in (self.schema, self.raw_schema):
            self.execute(f"drop schema if exists {self.quote(s)} cascade")

    def load(self, tables: Iterable[Table]) -> None:
        """(Re)create each table in the raw schema with exact types and insert its rows."""
        types = ENGINE_TYPES[self.engine]
        with self.connect() as con:
            cur = con.cursor()
            for t in tables:
                name = self.relation(t.name, self.raw_schema)
                cols = ", ".join(f"{self.quote(c)} {types[k]}" for c, k in t.columns.items())
                cur.execute(f"drop table if exists {name}")
                cur.execute(f"create table {name} ({cols})")
                self._insert(cur, name, t, t.rows())

    def append(self, table: Table, rows: list[tuple[Any, ...]]) -> None:
        """Insert more rows into an existing raw table."""
        with self.connect() as con:
            name = self.relation(table.name, self.raw_schema)
            self._insert(con.cursor(), name, table, rows)

    def _insert(self, cur: Any, name: str, table: Table, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        cols = ", ".join(self.quote(c) for c in table.columns)
        if self.engine == "duckdb":
            _duckdb_insert(cur, name, cols, table, rows)
            return
        if self.engine == "spark":
            _spark_insert(spark.Connection(spark.active()), name, cols, table, rows)
            return
        _postgres_copy(cur, name, cols, rows)

    def read_table(self, relation: str) -> list[dict[str, Any]]:
        """Every row of a (fully qualified, quoted) relation."""
        return self.query(f"select * from {relation}")

    def relation(self, name: str, schema: str | None = None) -> str:
        """The quoted name of a table in the target (or given) schema."""
        return f"{self.quote(schema or self.schema)}.{self.quote(name)}"


def _duckdb_insert(
    con: Any, name: str, cols: str, table: Table, rows: list[tuple[Any, ...]]
) -> None:
    """Bulk insert through a registered DataFrame.

    A pandas float column turns NaN into NULL on its way into DuckDB, so each double travels as a
    value plus a code (0 value, 1 NULL, 2 NaN) that the INSERT's SELECT decodes.
    """
    import numpy as np
    import pandas as pd

    frame: dict[str, Any] = {}
    select = []
    for i, kind in enumerate(table.columns.values()):
        values = [row[i] for row in rows]
        if kind == DOUBLE:
            code = [1 if v is None else 2 if v != v else 0 for v in values]
            frame[f"v{i}"] = np.array(
                [0.0 if c else float(v) for c, v in zip(code, values, strict=True)]
            )
            frame[f"c{i}"] = np.array(code, dtype=np.int8)
            select.append(f"case c{i} when 1 then null when 2 then 'NaN'::double else v{i} end")
        elif kind == TEXT:
            frame[f"v{i}"] = pd.Series(values, dtype=object)
            select.append(f"cast(v{i} as varchar)")
        elif kind in (BOOLEAN, BIGINT):
            frame[f"v{i}"] = pd.Series(values, dtype=object)
            select.append(f"cast(v{i} as {ENGINE_TYPES['duckdb'][kind]})")
        else:
            frame[f"v{i}"] = pd.Series(pd.to_datetime(values), dtype="datetime64[us]")
            select.append(f"cast(v{i} as timestamp)")
    con.register("__mm_load", pd.DataFrame(frame))
    try:
        con.execute(f"insert into {name} ({cols}) select {', '.join(select)} from __mm_load")
    finally:
        con.unregister("__mm_load")


def _copy_text(value: Any) -> str:
    """One field of PostgreSQL's COPY text format: \\N for NULL, backslash escapes, exact
    doubles (repr round-trips; NaN and the infinities are spelled as PostgreSQL reads them)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(char, escaped)
    return text


def _postgres_copy(cur: Any, name: str, cols: str, rows: list[tuple[Any, ...]]) -> None:
    """Bulk insert with COPY FROM STDIN: seconds for the 200k-row scale scenario, where
    multi-row INSERTs take a minute."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(map(_copy_text, row)))
        buffer.write("\n")
    buffer.seek(0)
    cur.copy_expert(f"copy {name} ({cols}) from stdin", buffer)


def _spark_insert(
    con: spark.Connection, name: str, cols: str, table: Table, rows: list[tuple[Any, ...]]
) -> None:
    """Insert through a DataFrame built from the Python rows (no pandas, no Arrow: NaN and
    infinities stay doubles). Timestamps go in as wall-clock `timestamp_ntz` and are cast to
    `timestamp` by Spark, in its session time zone."""
    kinds = list(table.columns.values())
    frame_types = ["timestamp_ntz" if k == TIMESTAMP else ENGINE_TYPES["spark"][k] for k in kinds]
    view = "__mm_load"
    con.create_frame(rows, frame_types).createOrReplaceTempView(view)
    select = ", ".join(
        f"cast(v{i} as timestamp)" if k == TIMESTAMP else f"v{i}" for i, k in enumerate(kinds)
    )
    try:
        con.cursor().execute(f"insert into {name} ({cols}) select {select} from {view}")
    finally:
        con.cursor().execute(f"drop view if exists {view}")


def normalize(value: Any) -> Any:
    """One Python representation for both drivers: float, int, str, datetime, None."""
    if isinstance(value, decimal.Decimal):
        if value.is_nan():
            return math.nan
        return (
            int(value)
            if value == value.to_integral_value() and value.as_tuple().exponent >= 0
            else float(value)
        )
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # numpy scalars
    return value
