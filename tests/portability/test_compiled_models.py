"""The SQL dbt compiles for every model on DuckDB, PostgreSQL and Spark, read with sqlglot.

Each model's first-run and incremental SQL parses strictly in its engine's dialect; the first-run
SQL of PostgreSQL and Spark transpiles to Snowflake, BigQuery, Databricks and Trino (sqlglot
raising on what it cannot express there) and parses back in each; and every engine-specific
construct in it is one a dispatched macro emits (dialects.SHIM_OUTPUTS), reported with the
models that hold it.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from .conftest import package_models, transpile_tree, tree
from .constructs import Construct, transpile, uses
from .dialects import PORTABLE, SHIM_OUTPUTS, SQLGLOT_DIALECT, WAREHOUSES
from .project import FIRST_RUN, INCREMENTAL, CompiledModel

pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")


def test_every_model_is_compiled_for_a_first_and_an_incremental_run(
    compiled: list[CompiledModel],
) -> None:
    for mode in (FIRST_RUN, INCREMENTAL):
        names = {m.model for m in compiled if m.mode == mode and m.package == "model_monitor"}
        assert names == package_models(), f"{mode}: missing {package_models() - names}"
    assert all(m.sql.strip() for m in compiled), "a model compiled to nothing"


def test_compiled_sql_parses_in_the_engine_dialect(engine: str, compiled: list[CompiledModel]):
    failures = []
    for model in compiled:
        try:
            tree(model.sql, SQLGLOT_DIALECT[engine])
        except Exception as exc:  # sqlglot's ParseError/TokenError: report them all at once
            failures.append(f"{model.label}: {type(exc).__name__}: {str(exc)[:300]}")
    assert not failures, "\n".join(failures)


# DuckDB's compiled SQL is the shimless SQL of test_model_text.py plus DuckDB's renderings of the
# shims, which no warehouse runs: the transpile check of the model text covers it.
@pytest.mark.engines("postgres", "spark")
@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_compiled_sql_transpiles_to_the_warehouse(
    engine: str, compiled: list[CompiledModel], warehouse: str, request: pytest.FixtureRequest
) -> None:
    if (engine, warehouse) == ("spark", "trino"):
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason="sqlglot cannot write dbt-spark's dateadd (to_unix_timestamp without a "
                "format) for Trino; Trino runs dbt-trino's dateadd, not this one",
            )
        )
    source = SQLGLOT_DIALECT[engine]
    failures = []
    for model in (m for m in compiled if m.mode == FIRST_RUN):
        try:
            target = SQLGLOT_DIALECT[warehouse]
            transpile(model.sql, source, target, transpile_tree(model.sql, source), copy=False)
        except Exception as exc:  # UnsupportedError, ParseError: report them all at once
            failures.append(f"{model.label} -> {warehouse}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)


def engine_specific_uses(
    engine: str, compiled: list[CompiledModel]
) -> dict[Construct, dict[str, str]]:
    """construct -> {model: excerpt} for every construct beyond PORTABLE in the compiled SQL."""
    found: dict[Construct, dict[str, str]] = defaultdict(dict)
    dialect = SQLGLOT_DIALECT[engine]
    for model in compiled:
        for use in uses(model.sql, dialect, tree(model.sql, dialect)):
            if use.construct not in PORTABLE:
                found[use.construct].setdefault(model.model, use.excerpt)
    return found


def test_engine_specific_constructs_come_from_dispatched_macros(
    engine: str,
    compiled: list[CompiledModel],
    capsys: pytest.CaptureFixture[str],
    pytestconfig: pytest.Config,
) -> None:
    found = engine_specific_uses(engine, compiled)
    report = [f"engine-specific constructs in the SQL compiled on {engine}:"]
    unknown = []
    for construct, models in sorted(found.items()):
        names = ", ".join(sorted(models))
        macros = SHIM_OUTPUTS.get(construct)
        if macros is None:
            model, excerpt = next(iter(sorted(models.items())))
            unknown.append(
                f"{construct} in {names} (e.g. {model}: {excerpt}): not portable and no "
                f"dispatched macro is known to emit it; write it through one (an existing "
                f"shim, or a new one in dbt_project/macros/cross_db/) and list it in "
                f"tests/portability/dialects.py SHIM_OUTPUTS"
            )
        report.append(f"  {str(construct):<40} from {' or '.join(macros or ['?'])}: {names}")
    if pytestconfig.get_verbosity() > 0:  # the report, with -v
        with capsys.disabled():
            print("\n" + "\n".join(report))
    assert not unknown, "\n".join(unknown)
