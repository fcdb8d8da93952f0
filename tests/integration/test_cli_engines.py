"""The CLI reads every engine's tables through the dbt profile: `model-monitor drift` on the
example build of PostgreSQL or Spark (Spark through a `method: session` profile, the test
process's own SparkSession) prints what it prints on DuckDB's build of the same data.

The shared example builds are reused, so this costs no dbt build of its own.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from model_monitor.cli import EXIT_OK, cli

from .conftest import Build, BuildCache
from .dbt_runner import PROJECT_DIR

pytestmark = pytest.mark.engines("postgres", "spark")

# Each engine hashes reference_version from its own text of the reference's min/max
# (test_engines): stable per engine, not equal across engines.
PER_ENGINE = {"reference_version"}


def cli_drift(build: Build, *args: str) -> list[dict[str, Any]]:
    """`model-monitor drift --format json` on a build, through the integration_tests profile."""
    env = {**build.warehouse.dbt_env(), "DBT_TARGET_PATH": str(build.project.work_dir / "target")}
    result = CliRunner().invoke(
        cli,
        ["drift", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
         "--target", build.warehouse.engine, "--format", "json", *args],
        env=env,
    )  # fmt: skip
    assert result.exit_code == EXIT_OK, (result.output, result.stderr, result.exception)
    return json.loads(result.stdout)


def _key(row: dict[str, Any]) -> tuple:
    return tuple(str(row[k]) for k in ("monitor_name", "window_start", "model_version",
                                       "slice_key", "slice_value", "column_name"))  # fmt: skip


@pytest.mark.parametrize("args", [(), ("--slices",)], ids=["overall", "slices"])
def test_cli_drift_reads_the_same_rows_as_on_duckdb(
    engine: str, example_builds: BuildCache, args: tuple[str, ...]
) -> None:
    duck, other = example_builds.get("duckdb"), example_builds.get(engine)
    duck.require_models()
    other.require_models()
    want = {_key(r): r for r in cli_drift(duck, *args)}
    got = {_key(r): r for r in cli_drift(other, *args)}
    assert want, "the CLI printed no drift rows on duckdb"
    assert sorted(got) == sorted(want)
    problems = []
    for key, row in want.items():
        for column, value in row.items():
            if column in PER_ENGINE:
                continue
            actual = got[key][column]
            if isinstance(value, float) and isinstance(actual, float):
                if actual != pytest.approx(value, rel=1e-9, abs=1e-12):
                    problems.append(f"{key} {column}: duckdb {value!r}, {engine} {actual!r}")
            elif actual != value:
                problems.append(f"{key} {column}: duckdb {value!r}, {engine} {actual!r}")
    assert not problems, "\n".join(problems[:20])
