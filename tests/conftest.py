"""Shared fixtures: the engines to test (`--engines` / MM_ENGINES) and a warehouse per module.

`engine` is parametrized from `--engines` or MM_ENGINES (comma list, default duckdb); a test
runs only on the engines it declares with `@pytest.mark.engines(...)` (on the test, on one of its
parameters, or module-wide through `pytestmark`; the closest one counts). A test without the
marker runs on DuckDB and PostgreSQL, never on Spark. Instances for an engine a test does not
support are deselected (reported as such), never collected as skips or passes. A module that
asks for `warehouse` gets its own schema (DuckDB: its own file in tmp_path too). PostgreSQL is
reached through MM_PG_*, Spark is started in this process (tests/integration/spark.py); an
engine that was asked for and cannot be reached fails the tests, never skips them.

Spark runs in one of two suites (`--spark-suite` / MM_SPARK_SUITE): `subset` (the default, what
CI runs) leaves out the Spark instances of tests also marked `spark_full`, which cost Spark
minutes and exercise SQL the subset already covers; `full` runs every test marked for Spark.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from integration import spark
from integration.loaders import PgParams, Warehouse

KNOWN_ENGINES = ("duckdb", "postgres", "spark")
# Spark costs seconds per model, so it runs only the tests that opt in with the marker.
UNMARKED_ENGINES = ("duckdb", "postgres")
SPARK_SUITES = ("subset", "full")


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--engines duckdb,postgres` overrides MM_ENGINES."""
    parser.addoption(
        "--engines",
        default=None,
        help="comma list of engines for the integration tests (env MM_ENGINES, default duckdb)",
    )
    parser.addoption(
        "--spark-suite",
        default=None,
        choices=SPARK_SUITES,
        help="Spark's tests: subset (default, CI) or full (also the `spark_full` ones; env "
        "MM_SPARK_SUITE)",
    )


def spark_suite(config: pytest.Config) -> str:
    """`subset` or `full`: which of the tests marked for Spark run on it."""
    suite = config.getoption("--spark-suite") or os.environ.get("MM_SPARK_SUITE") or "subset"
    if suite not in SPARK_SUITES:
        raise pytest.UsageError(f"MM_SPARK_SUITE: expected one of {SPARK_SUITES}; got {suite!r}")
    return suite


@pytest.fixture(scope="session")
def spark_full_suite(request: pytest.FixtureRequest) -> bool:
    """Whether Spark runs its full suite (fixtures that play long stories stop early otherwise)."""
    return spark_suite(request.config) == "full"


def selected_engines(config: pytest.Config) -> list[str]:
    """The engines the run was asked for, validated."""
    raw = config.getoption("--engines") or os.environ.get("MM_ENGINES") or "duckdb"
    engines = [e.strip() for e in raw.split(",") if e.strip()]
    unknown = [e for e in engines if e not in KNOWN_ENGINES]
    if unknown or not engines:
        raise pytest.UsageError(
            f"MM_ENGINES/--engines: unknown engine(s) {unknown}; expected a comma list of "
            f"{', '.join(KNOWN_ENGINES)}"
        )
    return list(dict.fromkeys(engines))


def supported_engines(item: pytest.Item, suite: str = "full") -> tuple[str, ...]:
    """The engines a test declares with its closest `engines` marker, or the default; Spark
    only in the full suite if the test is also marked `spark_full`."""
    marker = item.get_closest_marker("engines")
    if marker is None:
        return UNMARKED_ENGINES
    unknown = [e for e in marker.args if e not in KNOWN_ENGINES]
    if unknown or not marker.args:
        raise pytest.UsageError(f"{item.nodeid}: engines marker {marker.args!r}")
    if suite != "full" and item.get_closest_marker("spark_full") is not None:
        return tuple(e for e in marker.args if e != "spark")
    return tuple(marker.args)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize every test that takes `engine` over the selected engines."""
    if "engine" in metafunc.fixturenames:
        metafunc.parametrize("engine", selected_engines(metafunc.config), scope="module")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/integration carries the `integration` marker; a test instance
    whose engine the test does not support (in this Spark suite) is deselected."""
    suite = spark_suite(config)
    keep, drop = [], []
    for item in items:
        if f"{os.sep}integration{os.sep}" in str(item.path):
            item.add_marker(pytest.mark.integration)
        callspec = getattr(item, "callspec", None)
        engine = callspec.params.get("engine") if callspec is not None else None
        if engine is not None and engine not in supported_engines(item, suite):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def engines(pytestconfig: pytest.Config) -> list[str]:
    """The selected engines."""
    return selected_engines(pytestconfig)


@pytest.fixture(scope="session")
def run_token() -> str:
    """Makes schema names unique to this pytest process (PostgreSQL is shared)."""
    return f"{os.getpid()}_{secrets.token_hex(3)}"


def _start_spark(work_dir: Path) -> None:
    """The process's SparkSession (shared with dbt-spark's session mode), or a failed test."""
    try:
        spark.session(work_dir)
        return
    except Exception as exc:  # no Java, no pyspark, a JVM that does not start: all the same here
        problem = str(exc).strip()
    pytest.fail(
        f"spark was requested (MM_ENGINES/--engines) but cannot start: {problem}\n"
        "Install it with: pip install -e '.[dev,spark]' (and Java 17+ on PATH)",
        pytrace=False,
    )


def _pg_params() -> PgParams:
    """MM_PG_* as the integration_tests profile reads them (same defaults), checked reachable."""
    params = PgParams(
        host=os.environ.get("MM_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("MM_PG_PORT", "55432")),
        user=os.environ.get("MM_PG_USER", "postgres"),
        password=os.environ.get("MM_PG_PASSWORD", ""),
        database=os.environ.get("MM_PG_DATABASE", "model_monitor_test"),
    )
    try:
        import psycopg2

        psycopg2.connect(
            host=params.host,
            port=params.port,
            user=params.user,
            password=params.password,
            dbname=params.database,
            connect_timeout=5,
        ).close()
    except Exception as exc:  # any driver or network error means the same thing here
        pytest.fail(
            f"postgres was requested (MM_ENGINES/--engines) but "
            f"{params.user}@{params.host}:{params.port}/{params.database} is unreachable: "
            f"{exc!s}".strip()
            + '\nStart one with: eval "$(bash scripts/postgres.sh)"',
            pytrace=False,
        )
    return params


@pytest.fixture(scope="session")
def make_warehouse(
    tmp_path_factory: pytest.TempPathFactory, run_token: str
) -> Iterator[Callable[[str, str], Warehouse]]:
    """Factory: a fresh warehouse (own schema; DuckDB: own file) for an engine and a label."""
    made: list[Warehouse] = []
    pg: list[PgParams] = []

    def make(engine: str, label: str) -> Warehouse:
        if engine == "duckdb":
            path = tmp_path_factory.mktemp(f"duckdb_{label}") / "warehouse.duckdb"
            wh = Warehouse("duckdb", f"mm_{label}", duckdb_path=path)
        elif engine == "spark":
            # One session and metastore per pytest process, in its own temporary directory:
            # the database names only have to be unique within it.
            _start_spark(tmp_path_factory.getbasetemp() / "spark")
            wh = Warehouse("spark", f"mm_{label}")
        else:
            if not pg:
                pg.append(_pg_params())
            wh = Warehouse("postgres", f"mm_{label}_{run_token}".lower(), pg=pg[0])
        wh.create_schemas()
        made.append(wh)
        return wh

    yield make
    for wh in made:
        if wh.engine == "postgres" and not os.environ.get("MM_KEEP_SCHEMAS"):
            wh.drop_schemas()
    spark.stop()


@pytest.fixture(scope="module")
def warehouse(
    engine: str, request: pytest.FixtureRequest, make_warehouse: Callable[[str, str], Warehouse]
) -> Warehouse:
    """This module's own warehouse on `engine`."""
    label = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return make_warehouse(engine, label)
