"""BigQuery's incremental replacement, played on DuckDB: rows replaced by `<key>_fingerprint`.

On BigQuery the incremental tables carry their key's fingerprint and dbt-bigquery's
insert_overwrite replaces rows by it: it deletes the stored rows whose fingerprint is among the
new rows' and inserts the new rows (docs/portability.md, "BigQuery incremental models";
test_cross_db_macros.py runs those statements themselves). DuckDB's delete+insert on the
fingerprint does the same, so a root project whose macros make DuckDB write the fingerprint and
replace by it (bigquery_replacement/macros) runs every model's BigQuery plumbing for real. After
rows vanish from recomputed windows, an older window changes and late rows arrive, its
incremental tables must hold what replacing by the key itself gives.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from integration.compare import report, same
from integration.loaders import Warehouse

from .conftest import incremental_keys
from .project import run_incremental, run_models, scenario_tables

pytestmark = pytest.mark.engines("duckdb")

REPLACE_BY_FINGERPRINT = Path(__file__).resolve().parent / "bigquery_replacement" / "macros"
FINGERPRINT = "cast(hash({}) >> 1 as bigint)"  # bigquery_replacement/macros, DuckDB's stand-in

# Between the two runs, the same on both warehouses: a slice value's rows vanish from the newest
# windows, an older window loses rows (its count changes, so it is recomputed beyond the
# lookback), late rows land in another old window, and the regression monitor's last days go.
CHANGES = (
    "delete from {raw}.predictions where plan = 'student' "
    "and predicted_at >= (select max(predicted_at) - interval 2 day from {raw}.predictions)",
    "delete from {raw}.predictions where plan in ('family', 'premium') "
    "and cast(predicted_at as date) "
    "= (select cast(min(predicted_at) as date) + 3 from {raw}.predictions)",
    "insert into {raw}.predictions by name select * replace (prediction_id || '-late' as "
    "prediction_id, predicted_at - interval 1 day as predicted_at) from {raw}.predictions "
    "where plan = 'basic' and cast(predicted_at as date) "
    "= (select cast(min(predicted_at) as date) + 6 from {raw}.predictions)",
    "delete from {raw}.eta_predictions "
    "where requested_at >= (select max(requested_at) - interval 3 day from {raw}.eta_predictions)",
)
VANISHED = (
    "select count(*) as n from {schema}.monitor_operations where slice_value = 'student' "
    "and window_start >= "
    "(select max(window_start) - interval 1 day from {schema}.monitor_operations)"
)


def _build_and_change(warehouse: Warehouse, work: Path, macros: Path | None) -> int:
    """First run, the changes, an incremental run; the vanished slice's rows before the changes."""
    warehouse.load(scenario_tables())
    project = run_models(warehouse, work, macros)
    before = warehouse.query(VANISHED.format(schema=warehouse.schema))[0]["n"]
    for change in CHANGES:
        warehouse.execute(change.format(raw=warehouse.raw_schema))
    run_incremental(project)
    return before


@pytest.fixture(scope="module")
def replaced(
    make_warehouse: Callable[[str, str], Warehouse], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Warehouse, Warehouse, int]:
    """The package run twice by key (as DuckDB does) and by fingerprint (as BigQuery does)."""
    by_key = make_warehouse("duckdb", "replace_by_key")
    by_fingerprint = make_warehouse("duckdb", "replace_by_fingerprint")
    _build_and_change(by_key, tmp_path_factory.mktemp("by_key"), None)
    before = _build_and_change(
        by_fingerprint, tmp_path_factory.mktemp("by_fingerprint"), REPLACE_BY_FINGERPRINT
    )
    return by_key, by_fingerprint, before


def _float_columns(rows: list[dict[str, Any]]) -> list[str]:
    return sorted({c for r in rows for c, v in r.items() if isinstance(v, float)})


def _by_other_columns(rows: list[dict[str, Any]], floats: list[str]) -> dict[tuple, list[tuple]]:
    """Rows grouped by their non-float values, each group's floats sorted (NULL, NaN first)."""
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for r in rows:
        groups[tuple((c, v) for c, v in sorted(r.items()) if c not in floats)].append(
            tuple(r[c] for c in floats)
        )
    order = lambda v: (v is not None and not math.isnan(v), v if v is not None else 0)  # noqa: E731
    return {k: sorted(g, key=lambda t: tuple(order(v) for v in t)) for k, g in groups.items()}


def test_the_changes_reach_recomputed_windows(replaced: tuple[Warehouse, Warehouse, int]) -> None:
    # otherwise the comparison below would hold for tables no run touched
    _, by_fingerprint, before = replaced
    assert before > 0
    assert by_fingerprint.query(VANISHED.format(schema=by_fingerprint.schema))[0]["n"] == 0


@pytest.mark.parametrize("model", sorted(incremental_keys()))
def test_replacing_by_fingerprint_leaves_what_replacing_by_key_does(
    replaced: tuple[Warehouse, Warehouse, int], model: str
) -> None:
    by_key, by_fingerprint, _ = replaced
    key = incremental_keys()[model]
    fingerprint = f"{key}_fingerprint"
    assert fingerprint not in by_key.columns(by_key.relation(model))  # DuckDB itself: none
    wrong = by_fingerprint.query(
        f"select count(*) as n from {by_fingerprint.relation(model)} "
        f"where {fingerprint} is distinct from {FINGERPRINT.format(key)}"
    )
    assert wrong[0]["n"] == 0
    # reference_version hashes the monitors' configuration, relation names (and so each
    # warehouse's raw schema) included
    other = {fingerprint, "reference_version"}
    expected = [
        {c: v for c, v in r.items() if c not in other}
        for r in by_key.read_table(by_key.relation(model))
    ]
    got = [
        {c: v for c, v in r.items() if c not in other}
        for r in by_fingerprint.read_table(by_fingerprint.relation(model))
    ]
    assert expected, f"{model}: no rows to compare"
    floats = _float_columns(expected + got)
    want, have = _by_other_columns(expected, floats), _by_other_columns(got, floats)
    assert sorted(map(repr, have)) == sorted(map(repr, want)), report(
        f"{model}: rows differ", sorted(set(map(repr, have)) ^ set(map(repr, want)))
    )
    differs = []
    for group, rows in want.items():
        if len(rows) != len(have[group]):
            differs.append((group, f"{len(rows)} rows by key, {len(have[group])} by fingerprint"))
            continue
        for a, b in zip(rows, have[group], strict=True):
            if not all(same(x, y) for x, y in zip(a, b, strict=True)):
                differs.append((group, a, b))
    assert not differs, report(f"{model}: numbers differ", differs)
