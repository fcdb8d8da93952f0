"""The SQL the models write themselves, with every shim replaced by a placeholder, is portable.

The shimless project (tests/portability/project.py) compiles the package on DuckDB with each
dispatched macro rendering `mm_<macro>(...)` or type `mm_<type>`. Whatever else is in that SQL
the models (or the package's non-dispatched macros) wrote, and it runs unchanged everywhere: so
it may hold only PORTABLE constructs, and it has to transpile to every warehouse. The deliberate
fixture model shows the check failing on what a model must not write.
"""

from __future__ import annotations

import re

import pytest
from sqlglot import exp

from .conftest import FIXTURE_MODEL, incremental_keys, package_models, transpile_tree, tree
from .constructs import Construct, transpile, uses
from .dialects import NOT_IN_MODELS, PLACEHOLDERS, PORTABLE, SHIM_OUTPUTS, WAREHOUSES
from .macro_render import CROSS_DB
from .project import FIRST_RUN, SHIMLESS_MACROS, CompiledModel

PLACEHOLDER_MACROS = SHIMLESS_MACROS / "placeholders.sql"


def non_portable(model: CompiledModel) -> list[str]:
    """One line per construct the model writes that is neither portable nor a placeholder."""
    lines = []
    for use in uses(model.sql, "duckdb", tree(model.sql, "duckdb")):
        construct = use.construct
        if construct in PORTABLE or construct in PLACEHOLDERS:
            continue
        macros = SHIM_OUTPUTS.get(construct)
        advice = (
            f"write it through {' or '.join(macros)}"
            if macros
            else "add a dispatched macro for it in dbt_project/macros/cross_db/"
        )
        lines.append(f"{model.label}: {construct}: {use.excerpt}  -> {advice}")
    return lines


def test_every_dispatched_shim_has_a_placeholder() -> None:
    placeholders = set(re.findall(r"macro default__(\w+)\(", PLACEHOLDER_MACROS.read_text()))
    shims = set()
    for path in CROSS_DB.glob("*.sql"):
        shims |= set(re.findall(r"macro default__(\w+)\(", path.read_text()))
    assert shims - NOT_IN_MODELS <= placeholders


def test_every_model_is_compiled_shimless(shimless: list[CompiledModel]) -> None:
    assert {m.model for m in shimless} == package_models()


def test_models_write_only_portable_sql(shimless: list[CompiledModel]) -> None:
    findings = [line for model in shimless for line in non_portable(model)]
    assert not findings, "non-portable SQL written in models:\n" + "\n".join(findings)


def test_the_shims_were_replaced_by_placeholders(shimless: list[CompiledModel]) -> None:
    found: set[Construct] = set()
    for model in shimless:
        found |= {u.construct for u in uses(model.sql, "duckdb", tree(model.sql, "duckdb"))}
    used = {c for c in PLACEHOLDERS if c in found}
    # every shim the models call shows up as its placeholder, none as its DuckDB rendering
    assert Construct("function", "mm_is_finite") in used
    assert Construct("type", "mm_double") in used
    assert Construct("function", "isfinite") not in found
    assert Construct("type", "double") not in found


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_model_sql_transpiles_to_the_warehouse(
    shimless: list[CompiledModel], warehouse: str
) -> None:
    failures = []
    for model in (m for m in shimless if m.mode == FIRST_RUN):
        try:
            statement = transpile_tree(model.sql, "duckdb")
            transpile(model.sql, "duckdb", warehouse, statement, copy=False)
        except Exception as exc:  # UnsupportedError, ParseError: report them all at once
            failures.append(f"{model.label} -> {warehouse}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)


def test_the_non_portable_fixture_model_is_flagged(fixture_model: CompiledModel) -> None:
    assert fixture_model.model == FIXTURE_MODEL
    flagged = {line.split(": ")[1] for line in non_portable(fixture_model)}
    assert flagged == {
        "function isfinite",
        "function percentile_cont",
        "syntax within group",
        "syntax collate",
        "syntax ::",
        "type double",
        "function unix_micros",
        "syntax aggregate filter",
        "function regexp_replace",
        "syntax backslash in string literal",
        "syntax ilike",
        "function current_timestamp",
    }


def test_incremental_models_end_with_the_fingerprint_of_their_key(
    shimless: list[CompiledModel],
) -> None:
    # Where an engine replaces rows by an integer column (BigQuery), every incremental model
    # writes its key's fingerprint (key_fingerprint) last, as <key>_fingerprint: the placeholder
    # shows it here, with the key's own expression as its argument (an empty relation lists it
    # as a typed NULL).
    keys = incremental_keys()
    keyed = [(m, keys[m.model]) for m in shimless if m.model in keys]
    assert {m.model for m, _ in keyed} == set(keys) and len(keys) == 18
    for model, key in keyed:
        select = tree(model.sql, "duckdb")
        assert isinstance(select, exp.Select), model.label
        named = select.named_selects
        assert named.count(key) == 1 and named[-1] == f"{key}_fingerprint", model.label
        projections = {p.alias_or_name: p.unalias() for p in select.selects}
        fingerprint = projections[f"{key}_fingerprint"]
        if isinstance(fingerprint, exp.Cast):  # the empty relation: cast(null as mm_bigint)
            continue
        assert fingerprint.name.lower() == "mm_key_fingerprint", model.label
        assert [a.sql() for a in fingerprint.expressions] == [projections[key].sql()], model.label
