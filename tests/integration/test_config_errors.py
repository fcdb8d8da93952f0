"""Configuration errors make `dbt build` fail with a message naming the monitor and the key."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .data import Scenario, make_churn_only
from .dbt_runner import DRIFT_MODELS, DbtProject, DbtResult
from .loaders import Warehouse

MONITOR = "cfg"

# Every case runs on Spark too (a few seconds each: dbt stops before any model); the valid
# configuration's build, a minute there, only in the full Spark suite (the shared example build
# of the subset builds a valid configuration already).
pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")


def _set(key: str, value: Any) -> Callable[[dict[str, Any], str], None]:
    def change(monitor: dict[str, Any], raw_schema: str) -> None:
        *path, last = key.split(".")
        target = monitor
        for part in path:
            target = target[part]
        target[last] = value.format(raw=raw_schema) if isinstance(value, str) else value

    return change


# (case id, change to the valid monitor, key named in the error, text the message must hold)
# Checks of the configuration alone: the same macro on every engine, run on the first one.
STATIC_CASES: list[tuple[str, Callable[[dict[str, Any], str], None], str, str]] = [
    ("unknown_key", _set("colour", "blue"), "colour", "unknown key"),
    ("unknown_nested_key", _set("reference.colour", "blue"), "reference.colour", "unknown key"),
    ("wrong_type_of_value", _set("bins", "ten"), "bins", ""),
    ("value_out_of_range", _set("bins", 1), "bins", ""),
    (
        "bad_window_grain",
        _set("window_grain", "month"),
        "window_grain",
        "expected one of hour, day, week; got 'month'",
    ),
    (
        "bad_drift_method",
        _set("drift_method", "approximate"),
        "drift_method",
        "expected one of exact, binned; got 'approximate'",
    ),
    ("grid_cells_out_of_range", _set("grid_cells", 5000), "grid_cells", "from 2 to 1000"),
    (
        "bad_distinct_count_method",
        _set("distinct_count_method", "hll"),
        "distinct_count_method",
        "expected one of exact, approximate; got 'hll'",
    ),
]
# Checks against the warehouse (relations, columns, types): run on every engine.
WAREHOUSE_CASES: list[tuple[str, Callable[[dict[str, Any], str], None], str, str]] = [
    ("missing_column", _set("score_column", "no_such_column"), "score_column", ""),
    (
        "missing_label_column",
        _set("labels.label_column", "no_such_label"),
        "labels.label_column",
        "",
    ),
    ("missing_feature", _set("features", ["plan", "no_such_feature"]), "features", ""),
    ("wrong_type_of_column", _set("timestamp_column", "ignored_col"), "timestamp_column", ""),
    ("unknown_relation", _set("predictions", "{raw}.no_such_table"), "predictions", ""),
    (
        "unknown_reference_relation",
        _set("reference.relation", "{raw}.no_such_reference"),
        "reference.relation",
        "",
    ),
]
# A misspelt column in any column key: the first error suggests the name meant (a few edits
# away, _closest_names.sql), whichever relation the key reads.
MISSPELT_CASES: list[tuple[str, Callable[[dict[str, Any], str], None], str, str]] = [
    (f"misspelt_{key.replace('.', '_')}", _set(key, wrong), key, f"(did you mean {meant}?)")
    for key, wrong, meant in [
        ("score_column", "scroe", "score"),
        ("timestamp_column", "predicted_ta", "predicted_at"),
        ("model_version_column", "model_verison", "model_version"),
        ("prediction_column", "predicted_clas", "predicted_class"),
        ("slices", ["country", "Customer Teir"], "Customer Tier"),
        ("features", ["plan", "Order Amuont"], "Order Amount"),
        ("labels.label_column", "lable", "label"),
        ("labels.id_column", "predictionid", "prediction_id"),
        ("labels.timestamp_column", "labelled_at", "labeled_at"),
        ("reference.label_column", "labl", "label"),
    ]
]
# labels.id_column defaults to id_column, and the labels are read first: a misspelt id_column
# is reported under labels.id_column, with the same suggestion.
MISSPELT_CASES.append(
    (
        "misspelt_id_column",
        _set("id_column", "prediction_di"),
        "labels.id_column",
        "(did you mean prediction_id?)",
    )
)
CASES = [pytest.param(*c[1:], False, id=c[0]) for c in STATIC_CASES] + [
    pytest.param(*c[1:], True, id=c[0]) for c in WAREHOUSE_CASES + MISSPELT_CASES
]


@pytest.fixture(scope="module")
def setup(
    warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DbtProject, Scenario]:
    """A small valid scenario loaded into this module's warehouse."""
    scenario = make_churn_only(seed=5, n_pred=80, n_ref=40, prefix=MONITOR)
    warehouse.load(scenario.tables.values())
    project = DbtProject(warehouse, Path(tmp_path_factory.mktemp(f"dbt_cfg_{warehouse.engine}")))
    return project, scenario


def _build(setup: tuple[DbtProject, Scenario], change: Callable | None) -> DbtResult:
    project, scenario = setup
    dbt_vars = copy.deepcopy(scenario.dbt_vars(project.warehouse.raw_schema))
    if change is not None:
        change(dbt_vars["model_monitor"]["monitors"][0], project.warehouse.raw_schema)
    return project.build(dbt_vars, select=DRIFT_MODELS)


@pytest.mark.spark_full
def test_the_unchanged_configuration_builds(setup: tuple[DbtProject, Scenario]) -> None:
    res = _build(setup, None)
    assert res.success, res.tail()


@pytest.mark.parametrize(("change", "key", "text", "per_engine"), CASES)
def test_configuration_error_names_monitor_and_key(
    setup: tuple[DbtProject, Scenario],
    engine: str,
    engines: list[str],
    change: Callable,
    key: str,
    text: str,
    per_engine: bool,
) -> None:
    if not per_engine and engine != engines[0]:
        pytest.skip(f"a check of the configuration alone: run on {engines[0]} only")
    res = _build(setup, change)
    assert not res.success, f"dbt build succeeded despite a bad `{key}`"
    prefix = f"model_monitor: monitor '{MONITOR}', key `{key}`: "
    assert prefix in res.text, f"no {prefix!r} in dbt's messages:\n{res.tail()}"
    line = next(x for x in res.text.splitlines() if prefix in x)
    assert text in line, line
