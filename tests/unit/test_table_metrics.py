"""The per-window tables' metric registry agrees with the dbt package's documented columns."""

from __future__ import annotations

from pathlib import Path

import yaml

from model_monitor.alerts.observations import KNOWN_METRICS
from model_monitor.metric_ranges import METRIC_RANGES
from model_monitor.tables.metrics import TABLE_METRICS

MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models"


def _documented_columns() -> dict[str, set[str]]:
    columns = {}
    for path in MODELS.rglob("*.yml"):
        for model in yaml.safe_load(path.read_text()).get("models", ()):
            columns[model["name"]] = {c["name"] for c in model.get("columns", ())}
    return columns


def test_every_exported_table_metric_is_a_documented_column_of_its_table() -> None:
    columns = _documented_columns()
    missing = [
        (m.table, m.name)
        for m in TABLE_METRICS
        if m.help is not None and m.name not in columns.get(m.table, set())
    ]
    assert missing == []


def test_every_judged_table_metric_is_known_to_the_rules_and_has_a_range() -> None:
    judged = {m.name for m in TABLE_METRICS if m.judged}
    assert judged - KNOWN_METRICS == set()
    assert judged - set(METRIC_RANGES) == set()


def test_derived_metrics_are_judged_shares() -> None:
    # A metric the table does not hold is computed by the observations from counts: a share.
    derived = [m for m in TABLE_METRICS if m.help is None]
    assert derived and all(m.judged and m.kind == "share" for m in derived)


def test_metric_names_are_unique() -> None:
    names = [m.name for m in TABLE_METRICS]
    assert len(names) == len(set(names))
