"""The model-monitor CLI: output, exit codes and one-line errors."""

from __future__ import annotations

import json
import shutil
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from model_monitor.cli import EXIT_ALERTS, EXIT_ERROR, EXIT_OK, cli
from model_monitor.errors import ConfigError


@pytest.fixture
def run():
    """Invoke the CLI in-process; return the click Result."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, [str(a) for a in args])

    return invoke


def assert_one_line_error(result, *fragments: str) -> None:
    """Check exit code 2 and a single prefixed line on stderr, no traceback."""
    assert result.exit_code == EXIT_ERROR, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("model-monitor: error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_exit_codes_are_named():
    assert (EXIT_OK, EXIT_ALERTS, EXIT_ERROR) == (0, 1, 2)


def test_help_lists_the_commands(run):
    result = run("--help")
    assert result.exit_code == EXIT_OK
    assert "drift" in result.output and "demo" in result.output
    assert "performance" in result.output


def test_drift_help_shows_shared_options(run):
    result = run("drift", "--help")
    for option in ("--project-dir", "--profiles-dir", "--target", "--monitor", "--window"):
        assert option in result.output
    for option in ("--slices / --no-slices", "--format", "--min-psi"):
        assert option in result.output


def test_drift_table_sorted_by_psi(run, duckdb_project: Path):
    result = run("drift", "--project-dir", duckdb_project)
    assert result.exit_code == EXIT_OK, result.output
    lines = [line for line in result.stdout.splitlines() if "churn" in line or "fraud" in line]
    assert [line.split()[0] for line in lines] == ["churn", "fraud", "churn", "churn"]
    assert "0.3000" in lines[0] and "country" not in result.stdout


def test_drift_json_with_slices(run, duckdb_project: Path):
    result = run("drift", "--project-dir", duckdb_project, "--format", "json", "--slices")
    assert result.exit_code == EXIT_OK, result.output
    rows = json.loads(result.stdout)
    assert [r["psi"] for r in rows] == [0.5, 0.3, 0.2, 0.15, 0.12, None]
    assert rows[-1]["ks_pvalue"] is None and 0 < rows[0]["ks_pvalue"] < 1


def test_warehouse_options_work_before_the_command_too(run, duckdb_project: Path):
    after = run("drift", "--project-dir", duckdb_project, "--format", "json")
    before = run("--project-dir", duckdb_project, "drift", "--format", "json")
    assert after.exit_code == before.exit_code == EXIT_OK, before.output
    assert before.stdout == after.stdout and json.loads(before.stdout)


def test_warehouse_option_on_both_sides_must_agree(run, duckdb_project: Path, tmp_path: Path):
    same = run("--project-dir", duckdb_project, "drift", "--project-dir", duckdb_project)
    assert same.exit_code == EXIT_OK, same.output
    differ = run("--target", "dev", "drift", "--project-dir", duckdb_project, "--target", "prod")
    assert_one_line_error(differ, "--target is given twice", "dev before `drift`", "prod after")


def test_group_warehouse_options_reach_the_command(run, duckdb_project: Path):
    # --target before the command must reach the warehouse: an unknown one is the usual error
    result = run("--target", "no_such_target", "drift", "--project-dir", duckdb_project)
    assert_one_line_error(result, "no_such_target")


def test_demo_refuses_warehouse_options(run, tmp_path: Path):
    result = run("--project-dir", tmp_path, "demo", "--workdir", tmp_path / "demo")
    assert_one_line_error(result, "demo builds its own project", "--project-dir")
    assert not (tmp_path / "demo").exists()


def test_drift_filters_by_monitor_window_and_min_psi(run, duckdb_project: Path):
    base = ("drift", "--project-dir", duckdb_project, "--format", "json")
    rows = json.loads(run(*base, "--monitor", "churn", "--window", "2024-03-01").stdout)
    assert [(r["column_name"], r["window_start"]) for r in rows] == [
        ("plan", "2024-03-01T00:00:00"),
        ("age", "2024-03-01T00:00:00"),
    ]
    rows = json.loads(run(*base, "--min-psi", "0.2").stdout)
    assert [r["psi"] for r in rows] == [0.3]


def test_drift_with_nothing_above_min_psi_says_so(run, duckdb_project: Path):
    result = run("drift", "--project-dir", duckdb_project, "--min-psi", "9")
    assert result.exit_code == EXIT_OK and "No drift rows match." in result.stdout


def test_unknown_monitor_is_one_line_error(run, duckdb_project: Path):
    result = run("drift", "--project-dir", duckdb_project, "--monitor", "nope")
    assert_one_line_error(result, "monitor 'nope'", "known monitors: churn, fraud")


def test_unknown_window_is_one_line_error(run, duckdb_project: Path):
    result = run("drift", "--project-dir", duckdb_project, "--window", "2020-01-01")
    assert_one_line_error(result, "no window starts at 2020-01-01 00:00:00")


def test_missing_project_is_one_line_error(run, tmp_path: Path):
    assert_one_line_error(run("drift", "--project-dir", tmp_path), "no dbt_project.yml")


def test_unknown_target_is_one_line_error(run, duckdb_project: Path):
    result = run("drift", "--project-dir", duckdb_project, "--target", "prod")
    assert_one_line_error(result, "target named 'prod'")


def test_broken_connection_is_one_line_error(run, duckdb_project: Path):
    result = run("drift", "--project-dir", duckdb_project, "--target", "broken")
    assert_one_line_error(result, "duckdb target 'broken'")


def test_missing_manifest_is_one_line_error(run, duckdb_project: Path, tmp_path: Path):
    copy = tmp_path / "project"
    shutil.copytree(duckdb_project, copy, ignore=shutil.ignore_patterns("target", "logs"))
    assert_one_line_error(run("drift", "--project-dir", copy), "run `dbt build`")


@pytest.mark.parametrize("command", ["drift", "performance"])
def test_tables_not_built_yet_ask_for_dbt_build(run, parsed_project: Path, command: str):
    result = run(command, "--project-dir", parsed_project)
    table = "monitor_drift" if command == "drift" else "monitor_performance"
    assert_one_line_error(result, table, "target 'dev'", "run dbt build first")


def test_profiles_dir_without_profiles_yml_is_one_line_error(run, duckdb_project, tmp_path):
    result = run("drift", "--project-dir", duckdb_project, "--profiles-dir", tmp_path)
    assert_one_line_error(result, "no profiles.yml")


def test_bad_option_values_exit_with_error_code(run, duckdb_project: Path):
    assert run("drift", "--window", "March").exit_code == EXIT_ERROR
    assert run("drift", "--format", "xml").exit_code == EXIT_ERROR
    assert run("drift", "--min-psi", "high").exit_code == EXIT_ERROR


@pytest.fixture
def fake_demo(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Replace model_monitor.demo with a module whose run_demo records its arguments."""
    calls: list[dict] = []
    module = types.ModuleType("model_monitor.demo")

    def run_demo(**kwargs):
        calls.append(kwargs)
        kwargs["echo"]("demo ran")
        if kwargs["seed"] == 13:
            raise ConfigError("expected a lucky seed; got 13", key="seed")
        return types.SimpleNamespace(summary_lines=lambda: ["demo summary"])

    module.run_demo = run_demo
    monkeypatch.setitem(sys.modules, "model_monitor.demo", module)
    return calls


def test_demo_passes_its_defaults_to_run_demo(run, fake_demo: list[dict]):
    result = run("demo")
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.splitlines() == ["demo ran", "demo summary"]
    (call,) = fake_demo
    assert (call["workdir"], call["rows"], call["days"], call["seed"]) == (
        Path("model_monitor_demo"),
        300_000,
        42,
        7,
    )


def test_demo_passes_options_through(run, fake_demo: list[dict], tmp_path: Path):
    result = run("demo", "--workdir", tmp_path, "--rows", "500", "--days", "3", "--seed", "1")
    assert result.exit_code == EXIT_OK, result.output
    assert fake_demo[0] | {"echo": None} == {
        "workdir": tmp_path,
        "rows": 500,
        "days": 3,
        "seed": 1,
        "echo": None,
    }


def test_demo_errors_are_one_line(run, fake_demo: list[dict]):
    assert_one_line_error(run("demo", "--seed", "13"), "key `seed`", "lucky seed")
