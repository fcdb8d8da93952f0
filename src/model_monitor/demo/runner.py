"""Run the demo end to end: generate the scenario, build the example dbt project, read results."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from model_monitor.alerts.record import Alert
from model_monitor.demo.alerts import alert_summary_lines, evaluate_demo_alerts
from model_monitor.demo.dbt_commands import invoke_dbt
from model_monitor.demo.errors import DemoError, PackageNotFoundError
from model_monitor.demo.facts import MIN_DAYS, ScenarioFacts
from model_monitor.demo.followup import FollowUps, follow_ups
from model_monitor.demo.results import DriftRow, read_results
from model_monitor.demo.scenario import MIN_ROWS, generate_scenario, write_scenario
from model_monitor.demo.story import STORY_MONITOR, PerformanceStory
from model_monitor.demo.summary import drift_lines, performance_lines
from model_monitor.demo.workdir import DUCKDB_FILE, PROJECT_DIR, find_package_dir, prepare_workdir

Echo = Callable[[str], None]


@dataclass
class DemoResult:
    """Where the demo put things, what it wrote, what drifted most and how the model did."""

    workdir: Path
    project_dir: Path
    profiles_dir: Path
    duckdb_path: Path
    facts: ScenarioFacts
    raw_row_counts: dict[str, int]
    monitor_row_counts: dict[str, int]
    top_drift: list[DriftRow]
    timings: dict[str, float] = field(default_factory=dict)
    performance: PerformanceStory | None = None
    alerts: list[Alert] = field(default_factory=list)  # the newest windows', most severe first
    alert_lines: list[str] = field(default_factory=list)  # what the console channel printed

    def summary_lines(self) -> list[str]:
        """Return the closing summary: what drifted, how the classifier did, what to run next,
        and the alerts of the newest windows."""
        lines = ["", f"Results in {self.duckdb_path}"]
        lines += drift_lines(self.top_drift)
        if self.performance is None:
            lines += ["", f"No performance table for monitor '{STORY_MONITOR}' was built."]
        else:
            lines += performance_lines(self.performance, self.facts)
        commands = self.follow_ups()
        hint = commands.activation_hint()
        lines += ["", "Explore" + (f" ({hint}):" if hint else ":")]
        lines += [f"  {command}" for command in commands.explore()]
        return lines + alert_summary_lines(self.alerts, self.alert_lines, commands.all_alerts())

    def follow_ups(self) -> FollowUps:
        """Return the commands the summary suggests, against this run's project and clock."""
        return follow_ups(self.project_dir, self.profiles_dir, self.facts.end.to_pydatetime())


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
    prepare_workdir(workdir, project_dir, duckdb_path, package_dir)
    say(f"prepared {project_dir} ({clock.lap('prepare'):.1f}s)")
    scenario = generate_scenario(rows=rows, days=days, seed=seed)
    say(f"generated {rows:,} churn predictions over {days} days ({clock.lap('generate'):.1f}s)")
    raw_counts = write_scenario(scenario, duckdb_path)
    total = sum(raw_counts.values())
    say(f"wrote {total:,} raw rows to {duckdb_path} ({clock.lap('write'):.1f}s)")
    dbt_args = ["--project-dir", str(project_dir), "--profiles-dir", str(workdir)]
    invoke_dbt(["deps", *dbt_args], project_dir)
    say(f"dbt deps: installed model_monitor from {package_dir} ({clock.lap('dbt deps'):.1f}s)")
    built = invoke_dbt(["build", *dbt_args], project_dir)
    say(f"dbt build: {built} ({clock.lap('dbt build'):.1f}s)")
    monitor_counts, top_drift, story = read_results(duckdb_path, scenario.facts)
    drift_rows = monitor_counts.get("monitor_drift", 0)
    performance_rows = monitor_counts.get("monitor_performance", 0)
    say(
        f"read monitor_drift: {drift_rows:,} rows, monitor_performance: {performance_rows:,} rows "
        f"({clock.lap('read'):.1f}s)"
    )
    # As `model-monitor evaluate --now <the scenario's end>` would: freshness holds.
    found = evaluate_demo_alerts(project_dir, workdir, scenario.facts.end.to_pydatetime())
    say(
        f"evaluated the alert rules: {len(found.alerts)} alerts stored in monitor_alerts "
        f"({clock.lap('alerts'):.1f}s)"
    )
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
        performance=story,
        alerts=list(found.alerts),
        alert_lines=list(found.lines),
    )


class _Stopwatch:
    """Seconds per step, each measured from the end of the previous one."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> float:
        """Record the seconds since the previous lap under `name` and return them."""
        now = time.perf_counter()
        self.laps[name], self._last = now - self._last, now
        return self.laps[name]
