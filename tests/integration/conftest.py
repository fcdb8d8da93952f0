"""The example build shared by the read-only test modules: one dbt run per engine per session.

test_bins, test_distributions, test_drift, test_data_quality, test_engines and test_cli_engines
only read the published tables, so they share one warehouse (own schema, own DuckDB file) per
engine instead of each loading and building the same data again. Modules that change data build
their own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .compare import ts
from .data import Scenario, make_scenario
from .dbt_runner import DRIFT_MODELS, DbtProject, DbtResult
from .loaders import Warehouse
from .reference_impl import Expected, expected_tables

SEED = int(os.environ.get("MM_SEED", "20240304"))
SIZE = os.environ.get("MM_SIZE", "medium")


def is_reference(row: dict[str, Any]) -> bool:
    """Reference rows carry window_kind 'reference'."""
    return row.get("window_kind") == "reference"


def bins_key(r: dict[str, Any]) -> tuple:
    """(monitor, column, bin_index) of a monitor_reference_bins row."""
    return (r["monitor_name"], r["column_name"], int(r["bin_index"]))


def distribution_key(r: dict[str, Any]) -> tuple:
    """The reference implementation's key of a monitor_distributions row."""
    return (
        r["monitor_name"],
        is_reference(r),
        ts(r["window_start"]),
        r["model_version"],
        r["slice_key"],
        r["slice_value"],
        r["column_name"],
        int(r["bin_index"]),
    )


def drift_key(r: dict[str, Any]) -> tuple:
    """(monitor, window_start, version, slice_key, slice_value, column) of a drift row."""
    return (
        r["monitor_name"],
        ts(r["window_start"]),
        r["model_version"],
        r["slice_key"],
        r["slice_value"],
        r["column_name"],
    )


def quality_key(r: dict[str, Any]) -> tuple:
    """Window rows: (monitor, window_start, version, slice_key, slice_value); column rows add
    the column name."""
    key = (
        r["monitor_name"],
        ts(r["window_start"]),
        r["model_version"],
        r["slice_key"],
        r["slice_value"],
    )
    return key if r["metric_scope"] == "window" else (*key, r["column_name"])


@dataclass
class Build:
    """A scenario loaded into a warehouse and built by dbt, with its tables read back."""

    warehouse: Warehouse
    project: DbtProject
    scenario: Scenario
    result: DbtResult
    tables: dict[str, list[dict[str, Any]]]

    def require_models(self) -> None:
        """Fail (with dbt's own words) unless every model was built."""
        if not self.result.models_ok:
            pytest.fail(
                f"dbt build failed on {self.warehouse.engine}:\n{self.result.tail(80)}",
                pytrace=False,
            )


def load_and_build(warehouse: Warehouse, scenario: Scenario, work_dir: Any, *extra: str) -> Build:
    """Load the scenario's raw tables, `dbt build` the drift tables (and their parents and
    data tests), read the four tables back."""
    warehouse.load(scenario.tables.values())
    project = DbtProject(warehouse, work_dir)
    result = project.build(scenario.dbt_vars(warehouse.raw_schema), *extra, select=DRIFT_MODELS)
    tables = project.read(result) if result.models_ok else {}
    return Build(warehouse, project, scenario, result, tables)


class BuildCache:
    """One example build per engine, made on first use."""

    def __init__(
        self,
        make_warehouse: Callable[[str, str], Warehouse],
        scenario: Scenario,
        tmp_path_factory: pytest.TempPathFactory,
    ) -> None:
        self._make = make_warehouse
        self._scenario = scenario
        self._tmp = tmp_path_factory
        self._builds: dict[str, Build] = {}

    def get(self, engine: str) -> Build:
        """The example build on `engine`."""
        if engine not in self._builds:
            wh = self._make(engine, "example")
            self._builds[engine] = load_and_build(
                wh, self._scenario, self._tmp.mktemp(f"dbt_example_{engine}")
            )
        return self._builds[engine]


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    """The seeded example scenario (MM_SEED, MM_SIZE = small | medium | large)."""
    return make_scenario(SEED, SIZE)


@pytest.fixture(scope="session")
def expected(scenario: Scenario) -> Expected:
    """Every table as numpy/scipy/pandas compute it from the raw frames."""
    return expected_tables(scenario)


@pytest.fixture(scope="session")
def example_builds(
    make_warehouse: Callable[[str, str], Warehouse],
    scenario: Scenario,
    tmp_path_factory: pytest.TempPathFactory,
) -> BuildCache:
    """Lazily built example warehouses, one per engine."""
    return BuildCache(make_warehouse, scenario, tmp_path_factory)


@pytest.fixture(scope="module")
def built(example_builds: BuildCache, engine: str) -> Build:
    """The example build on this module's engine (fails the tests if a model failed)."""
    build = example_builds.get(engine)
    build.require_models()
    return build
