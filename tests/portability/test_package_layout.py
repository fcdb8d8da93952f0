"""Layout rules of the dbt package that readers rely on, read from its files as text."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

PACKAGE = Path(__file__).resolve().parents[2] / "dbt_project"
STATS = PACKAGE / "macros" / "stats"
MACRO = re.compile(r"{%-?\s*macro\s+(\w+)\s*\(")


def test_every_stats_file_holds_the_macro_it_is_named_after() -> None:
    misnamed = {}
    for path in sorted(STATS.glob("*.sql")):
        # a dispatched macro's implementations (default__x, duckdb__x) belong with x
        names = {name.split("__", 1)[-1] for name in MACRO.findall(path.read_text())}
        if names != {path.stem}:
            misnamed[path.name] = sorted(names)
    assert not misnamed


def test_schema_documents_every_drift_statistic_and_error_bound() -> None:
    declared = (STATS / "drift_statistics.sql").read_text()
    columns = set(re.findall(r"'(?:name|error_bound)': '(\w+)'", declared))
    assert {"psi", "ks_statistic", "ks_error_bound"} <= columns
    schema = yaml.safe_load((PACKAGE / "models" / "schema.yml").read_text())
    (drift,) = [m for m in schema["models"] if m["name"] == "monitor_drift"]
    documented = {c["name"] for c in drift["columns"] if c.get("description")}
    assert columns - documented == set()
