"""Run the demo end to end: generate the scenario, build the example dbt project, read the drift."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from model_monitor.demo.scenario import (
    MIN_DAYS,
    MIN_ROWS,
    ScenarioFacts,
    generate_scenario,
    write_scenario,
)
from model_monitor.errors import ModelMonitorError

PROJECT_TEMPLATE = Path(__file__).resolve().parent / "project"
PROFILE_NAME = "model_monitor_demo"
DUCKDB_FILE = "demo.duckdb"
PROJECT_DIR = "project"
TOP_DRIFT = 8

Echo = Callable[[str], None]


class DemoError(ModelMonitorError):
    """The demo could not run; the message says which step and what to do."""


class PackageNotFoundError(DemoError):
    """The dbt package `model_monitor` is not next to the installed sources."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"demo: the dbt package was not found at {path} "
            "(the demo runs from a source checkout: install it with `pip install -e .`)"
        )
        self.path = path


class DbtCommandError(DemoError):
    """A dbt command failed; `nodes` names the failing nodes, if dbt got that far."""

    def __init__(self, command: str, nodes: list[str], detail: str, log_path: Path) -> None:
        where = f" in {', '.join(nodes)}" if nodes else ""
        super().__init__(f"demo: `dbt {command}` failed{where}: {detail} (log: {log_path})")
        self.command = command
        self.nodes = nodes
        self.detail = detail
        self.log_path = log_path


class DemoOutputError(DemoError):
    """dbt succeeded but the expected table is not in the warehouse."""


@dataclass(frozen=True)
class DriftRow:
    """One column's drift in a window, as the demo summary shows it."""

    monitor_name: str
    window_start: pd.Timestamp
    model_version: str | None
    column_name: str
    column_role: str | None
    psi: float | None
    ks_statistic: float | None


@dataclass
class DemoResult:
    """Where the demo put things, what it wrote and what drifted most."""

    workdir: Path
    project_dir: Path
    profiles_dir: Path
    duckdb_path: Path
    facts: ScenarioFacts
    raw_row_counts: dict[str, int]
    monitor_row_counts: dict[str, int]
    top_drift: list[DriftRow]
    timings: dict[str, float] = field(default_factory=dict)


def find_package_dir() -> Path:
    """The `dbt_project/` of the source tree this module was installed from."""
    import model_monitor

    # A namespace package (no __init__.py yet) has no __file__; fall back to this file's place.
    anchor = getattr(model_monitor, "__file__", None)
    checkout = Path(anchor).resolve().parents[2] if anchor else Path(__file__).resolve().parents[3]
    return checkout / "dbt_project"


def run_demo(
    workdir: Path,
    rows: int = 300_000,
    days: int = 42,
    seed: int = 7,
    echo: Echo | None = None,
    package_dir: Path | None = None,
) -> DemoResult:
    """Generate the scenario into `workdir/demo.duckdb`, run `dbt deps` and `dbt build` there."""
    if rows < MIN_ROWS or days < MIN_DAYS:
        raise DemoError(
            f"demo: needs rows >= {MIN_ROWS} and days >= {MIN_DAYS}; got rows={rows}, days={days}"
        )
    say: Echo = echo or (lambda _line: None)
    workdir = Path(workdir).resolve()
    package_dir = Path(package_dir).resolve() if package_dir else find_package_dir()
    if not (package_dir / "dbt_project.yml").is_file():
        raise PackageNotFoundError(package_dir)
    clock = _Stopwatch()
    project_dir = workdir / PROJECT_DIR
    duckdb_path = workdir / DUCKDB_FILE
    _prepare_workdir(workdir, project_dir, duckdb_path, package_dir)
    say(f"prepared {project_dir} ({clock.lap('prepare'):.1f}s)")
    scenario = generate_scenario(rows=rows, days=days, seed=seed)
    say(f"generated {rows:,} churn predictions over {days} days ({clock.lap('generate'):.1f}s)")
    raw_counts = write_scenario(scenario, duckdb_path)
    total = sum(raw_counts.values())
    say(f"wrote {total:,} raw rows to {duckdb_path} ({clock.lap('write'):.1f}s)")
    dbt_args = ["--project-dir", str(project_dir), "--profiles-dir", str(workdir)]
    _invoke_dbt(["deps", *dbt_args], project_dir)
    say(f"dbt deps: installed model_monitor from {package_dir} ({clock.lap('dbt deps'):.1f}s)")
    built = _invoke_dbt(["build", *dbt_args], project_dir)
    say(f"dbt build: {built} ({clock.lap('dbt build'):.1f}s)")
    monitor_counts, top_drift = _read_results(duckdb_path, scenario.facts)
    drift_rows = monitor_counts.get("monitor_drift", 0)
    say(f"read monitor_drift: {drift_rows:,} rows ({clock.lap('read'):.1f}s)")
    return DemoResult(
        workdir=workdir,
        project_dir=project_dir,
        profiles_dir=workdir,
        duckdb_path=duckdb_path,
        facts=scenario.facts,
        raw_row_counts=raw_counts,
        monitor_row_counts=monitor_counts,
        top_drift=top_drift,
        timings=clock.laps,
    )


class _Stopwatch:
    """Seconds per step, each measured from the end of the previous one."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        self.laps[name], self._last = now - self._last, now
        return self.laps[name]


def _prepare_workdir(
    workdir: Path, project_dir: Path, duckdb_path: Path, package_dir: Path
) -> None:
    """A fresh copy of the project, a profile for the demo file, no database from a past run."""
    workdir.mkdir(parents=True, exist_ok=True)
    if project_dir.exists():
        shutil.rmtree(project_dir)
    shutil.copytree(
        PROJECT_TEMPLATE,
        project_dir,
        ignore=shutil.ignore_patterns("target", "dbt_packages", "logs", "__pycache__"),
    )
    (project_dir / "packages.yml").write_text(
        f"packages:\n  - local: {_yaml_string(package_dir)}\n", encoding="utf-8"
    )
    for stale in (duckdb_path, duckdb_path.with_name(duckdb_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    (workdir / "profiles.yml").write_text(
        f"{PROFILE_NAME}:\n"
        "  target: duckdb\n"
        "  outputs:\n"
        "    duckdb:\n"
        "      type: duckdb\n"
        f"      path: {_yaml_string(duckdb_path)}\n"
        "      threads: 4\n",
        encoding="utf-8",
    )


def _yaml_string(path: Path) -> str:
    """A path as a double-quoted YAML scalar (Windows backslashes and spaces included)."""
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _invoke_dbt(args: list[str], project_dir: Path) -> str:
    """Run one dbt command in-process; return a summary of what it ran, raise on failure."""
    from dbt.cli.main import dbtRunner

    command = args[0]
    log_dir = project_dir / "logs"
    flags = [
        "--log-level", "none", "--log-level-file", "debug", "--log-path", str(log_dir),
        "--no-send-anonymous-usage-stats",
    ]  # fmt: skip
    outcome = dbtRunner().invoke([command, *flags, *args[1:]])
    results = list(getattr(outcome.result, "results", None) or [])
    if outcome.success:
        return _summarize(results)
    failed = [r for r in results if str(r.status) in {"error", "fail", "runtime error"}]
    nodes = [r.node.unique_id for r in failed if getattr(r, "node", None) is not None]
    messages = [str(r.message) for r in failed if r.message]
    failed_node = getattr(outcome.exception, "node", None)
    if failed_node is not None and getattr(failed_node, "unique_id", None):
        nodes.append(failed_node.unique_id)
    if outcome.exception is not None:
        detail = f"{type(outcome.exception).__name__}: {outcome.exception}"
    elif messages:
        detail = " | ".join(messages[:3])
    else:
        detail = "no error message; see the log"
    raise DbtCommandError(command, nodes, " ".join(detail.split()), log_dir / "dbt.log")


def _summarize(results: list) -> str:
    """'12 models, 30 tests (2 warn)' from dbt's node results."""
    kinds = Counter(str(getattr(r.node, "resource_type", "node")) for r in results)
    warned = sum(str(r.status) == "warn" for r in results)
    parts = [f"{count} {kind}s" if count != 1 else f"1 {kind}" for kind, count in kinds.items()]
    summary = ", ".join(parts) or "nothing to build"
    return f"{summary} ({warned} warn)" if warned else summary


def _read_results(duckdb_path: Path, facts: ScenarioFacts) -> tuple[dict[str, int], list[DriftRow]]:
    """Row counts of the monitor tables and the most drifted columns of each latest window."""
    with duckdb.connect(str(duckdb_path)) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_name like 'monitor\\_%' escape '\\' and table_schema <> 'raw' "
            "order by table_name"
        ).fetchall()
        located = {name: f'"{schema}"."{name}"' for schema, name in tables}
        if "monitor_drift" not in located:
            raise DemoOutputError(
                f"demo: dbt build succeeded but no monitor_drift table was built in {duckdb_path}"
            )
        counts = {
            name: int(con.execute(f"select count(*) from {relation}").fetchone()[0])
            for name, relation in located.items()
        }
        drift = located["monitor_drift"]
        columns = {row[0] for row in con.execute(f"describe {drift}").fetchall()}
        role = "column_role" if "column_role" in columns else "null"
        current = "window_kind = 'current'" if "window_kind" in columns else "true"
        # The latest window that closed before the scenario's "now", per monitor; whole population.
        frame = con.execute(
            f"""
            with current_windows as (
                select * from {drift}
                where {current} and slice_key is null and window_end <= ?
            ),
            latest as (
                select monitor_name, max(window_start) as window_start
                from current_windows group by monitor_name
            )
            select d.monitor_name, d.window_start, d.model_version, d.column_name,
                   {role} as column_role, d.psi, d.ks_statistic
            from current_windows as d join latest using (monitor_name, window_start)
            order by d.monitor_name, d.psi desc nulls last, d.column_name
            """,
            [facts.end.to_pydatetime()],
        ).df()
    top = frame.groupby("monitor_name", sort=True).head(TOP_DRIFT)
    return counts, [
        DriftRow(
            monitor_name=row.monitor_name,
            window_start=pd.Timestamp(row.window_start),
            model_version=None if pd.isna(row.model_version) else str(row.model_version),
            column_name=row.column_name,
            column_role=None if pd.isna(row.column_role) else str(row.column_role),
            psi=None if pd.isna(row.psi) else float(row.psi),
            ks_statistic=None if pd.isna(row.ks_statistic) else float(row.ks_statistic),
        )
        for row in top.itertuples(index=False)
    ]
