"""Fixtures: the package compiled once per engine per session, and parse trees shared by tests."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from integration.loaders import Warehouse
from sqlglot import exp

from .constructs import parse
from .project import FIRST_RUN, CompiledModel, CompileError, compile_models

MODELS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "models"
FIXTURE_MODEL = "portability_fixture_non_portable"


def package_models() -> set[str]:
    """The names of the package's models (one .sql file each)."""
    return {path.stem for path in MODELS_DIR.rglob("*.sql")}


def incremental_keys() -> dict[str, str]:
    """The package's incremental models and the key each replaces rows by
    (`incremental_unique_key('<key>')` in its config)."""
    keys = {}
    for path in MODELS_DIR.rglob("*.sql"):
        found = re.search(r"incremental_unique_key\('(\w+)'\)", path.read_text())
        if found:
            keys[path.stem] = found.group(1)
    return keys


@cache
def tree(sql: str, dialect: str) -> exp.Expression:
    """The parse tree of a compiled statement (parsed once per session; do not mutate)."""
    return parse(sql, dialect)


@cache
def transpile_tree(sql: str, dialect: str) -> exp.Expression:
    """A parse tree of its own for transpiling, which adapts it in place for each target."""
    return parse(sql, dialect)


class Compilations:
    """The package compiled on each engine, on first use (DuckDB also shimless)."""

    def __init__(
        self,
        make_warehouse: Callable[[str, str], Warehouse],
        tmp_path_factory: pytest.TempPathFactory,
    ) -> None:
        self._make = make_warehouse
        self._tmp = tmp_path_factory
        self._done: dict[str, list[CompiledModel]] = {}
        self._failed: dict[str, str] = {}

    def get(self, engine: str) -> list[CompiledModel]:
        """Every compiled model on `engine` (fails the test if dbt failed)."""
        if engine in self._failed:
            pytest.fail(self._failed[engine], pytrace=False)
        if engine not in self._done:
            warehouse = self._make(engine, "portability")
            work = self._tmp.mktemp(f"portability_{engine}")
            try:
                self._done[engine] = compile_models(warehouse, work, shimless=engine == "duckdb")
            except CompileError as exc:
                self._failed[engine] = f"{engine}: {exc}"
                pytest.fail(self._failed[engine], pytrace=False)
        return self._done[engine]


@pytest.fixture(scope="session")
def compilations(
    make_warehouse: Callable[[str, str], Warehouse], tmp_path_factory: pytest.TempPathFactory
) -> Compilations:
    """Compiled SQL per engine, made lazily."""
    return Compilations(make_warehouse, tmp_path_factory)


@pytest.fixture(scope="module")
def compiled(compilations: Compilations, engine: str) -> list[CompiledModel]:
    """The package's models as dbt compiled them on `engine` (first run and incremental)."""
    return [m for m in compilations.get(engine) if m.project == "real"]


@pytest.fixture(scope="session")
def shimless(compilations: Compilations) -> list[CompiledModel]:
    """The models compiled on DuckDB with every shim replaced by a placeholder (the fixture
    model excluded)."""
    return [
        m
        for m in compilations.get("duckdb")
        if m.project == "shimless" and m.model != FIXTURE_MODEL
    ]


@pytest.fixture(scope="session")
def fixture_model(compilations: Compilations) -> CompiledModel:
    """The deliberately non-portable fixture model, compiled in the shimless project."""
    return next(
        m for m in compilations.get("duckdb") if m.model == FIXTURE_MODEL and m.mode == FIRST_RUN
    )
