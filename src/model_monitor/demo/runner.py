"""Run the demo end to end: generate the scenario, build the example dbt project, read results."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from model_monitor.alerts import Alert
from model_monitor.demo.alerts import alert_summary_lines, evaluate_demo_alerts
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
SHOWN_DRIFT = 5  # columns per monitor in the printed summary
SHOWN_MIN_PSI = 0.1  # ... with at least this PSI (a moderate shift or more)
STORY_MONITOR = "churn"  # the classifier whose performance the summary follows
TAIL_COVERAGE = 0.5  # the unlabeled tail: the last windows with less than this share labeled
COVERAGE_DAYS = 5

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


@dataclass(frozen=True)
class PeriodPerformance:
    """Realized performance of one model version over a stretch of windows (or the reference)."""

    period: str  # "reference", "before drift" or "after drift"
    model_version: str | None
    first_window: pd.Timestamp | None
    last_window: pd.Timestamp | None
    labeled_count: int
    accuracy: float | None  # pooled over the windows: their accuracies weighted by labeled rows
    roc_auc: float | None  # the windows' AUCs averaged, weighted by labeled rows


@dataclass(frozen=True)
class CoverageDay:
    """Labels that arrived so far for one window's predictions (every version)."""

    window_start: pd.Timestamp
    prediction_count: int
    labeled_count: int

    @property
    def label_coverage(self) -> float | None:
        return self.labeled_count / self.prediction_count if self.prediction_count else None


@dataclass(frozen=True)
class TailEstimate:
    """CBPE's accuracy estimate for the mostly unlabeled last windows, and what labels say."""

    model_version: str | None
    first_window: pd.Timestamp
    last_window: pd.Timestamp
    scored_count: int
    estimated_accuracy: float | None
    labeled_count: int
    realized_accuracy: float | None


@dataclass(frozen=True)
class PerformanceStory:
    """How the story's classifier performed: before and after the drift, labels, estimates."""

    monitor_name: str
    periods: list[PeriodPerformance]
    coverage: list[CoverageDay]
    tail: list[TailEstimate]


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
        lines += _drift_lines(self.top_drift)
        if self.performance is None:
            lines += ["", f"No performance table for monitor '{STORY_MONITOR}' was built."]
        else:
            lines += _performance_lines(self.performance, self.facts)
        where = f"--project-dir {self.project_dir} --profiles-dir {self.profiles_dir}"
        lines += [
            "",
            "Explore:",
            f"  model-monitor drift {where}",
            f"  model-monitor performance {where}",
            f"  model-monitor evaluate {where} --now '{self.facts.end:%Y-%m-%d %H:%M}'",
        ]
        return lines + alert_summary_lines(self.alerts, self.alert_lines)


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
    monitor_counts, top_drift, story = _read_results(duckdb_path, scenario.facts)
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


def _read_results(
    duckdb_path: Path, facts: ScenarioFacts
) -> tuple[dict[str, int], list[DriftRow], PerformanceStory | None]:
    """Row counts of the monitor tables, the most drifted columns of each latest window and the
    classifier's performance story."""
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
        story = _read_performance(con, located, facts)
    top = frame.groupby("monitor_name", sort=True).head(TOP_DRIFT)
    return (
        counts,
        [
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
        ],
        story,
    )


def _read_performance(
    con: duckdb.DuckDBPyConnection, located: dict[str, str], facts: ScenarioFacts
) -> PerformanceStory | None:
    """The story classifier's accuracy and AUC per window, label coverage and CBPE estimates."""
    if "monitor_performance" not in located or "monitor_label_coverage" not in located:
        return None
    metrics = con.execute(
        f"""
        select window_kind, window_start, model_version, metric_source, metric_name,
               metric_value, labeled_count
        from {located["monitor_performance"]}
        where monitor_name = ? and slice_key is null and class_label is null
          and metric_name in ('accuracy', 'roc_auc')
        """,
        [STORY_MONITOR],
    ).df()
    coverage = con.execute(
        f"""
        select window_start, sum(prediction_count) as prediction_count,
               sum(labeled_count) as labeled_count
        from {located["monitor_label_coverage"]}
        where monitor_name = ? and slice_key is null
        group by window_start
        order by window_start
        """,
        [STORY_MONITOR],
    ).df()
    if metrics.empty:
        return None
    days = [
        CoverageDay(pd.Timestamp(r.window_start), int(r.prediction_count), int(r.labeled_count))
        for r in coverage.itertuples(index=False)
    ]
    tail_start = _tail_start(days)
    return PerformanceStory(
        monitor_name=STORY_MONITOR,
        periods=_periods(metrics, facts),
        coverage=days,
        tail=_tail(metrics, tail_start) if tail_start is not None else [],
    )


def _weighted(frame: pd.DataFrame, metric: str) -> tuple[float | None, int]:
    """A metric's values averaged with the rows behind each as weights; and those rows."""
    rows = frame[(frame.metric_name == metric) & frame.metric_value.notna()]
    weight = rows.labeled_count.astype(float)
    if rows.empty or weight.sum() == 0:
        return None, 0
    return float((rows.metric_value * weight).sum() / weight.sum()), int(weight.sum())


def _periods(metrics: pd.DataFrame, facts: ScenarioFacts) -> list[PeriodPerformance]:
    """Realized accuracy and AUC of the reference, then per version before and after the drift."""
    realized = metrics[metrics.metric_source == "realized"]
    reference = realized[realized.window_kind == "reference"]
    current = realized[(realized.window_kind == "current") & (realized.labeled_count > 0)]
    groups = [("reference", None, reference)]
    before = current.window_start < facts.drift_start
    for period, rows in (("before drift", current[before]), ("after drift", current[~before])):
        for version, version_rows in rows.groupby("model_version", sort=True, dropna=False):
            groups.append((period, None if pd.isna(version) else str(version), version_rows))
    periods = []
    for period, version, rows in groups:
        accuracy, labeled = _weighted(rows, "accuracy")
        if not labeled:
            continue
        auc, _ = _weighted(rows, "roc_auc")
        starts = rows.window_start.dropna()
        periods.append(
            PeriodPerformance(
                period=period,
                model_version=version,
                first_window=pd.Timestamp(starts.min()) if len(starts) else None,
                last_window=pd.Timestamp(starts.max()) if len(starts) else None,
                labeled_count=labeled,
                accuracy=accuracy,
                roc_auc=auc,
            )
        )
    return periods


def _tail_start(days: list[CoverageDay]) -> pd.Timestamp | None:
    """The first of the trailing windows whose labels cover less than TAIL_COVERAGE."""
    start = None
    for day in reversed(days):
        if day.label_coverage is None or day.label_coverage >= TAIL_COVERAGE:
            break
        start = day.window_start
    return start


def _tail(metrics: pd.DataFrame, tail_start: pd.Timestamp) -> list[TailEstimate]:
    """Per version: CBPE accuracy over the tail's scored rows and realized over its few labels."""
    rows = metrics[(metrics.window_kind == "current") & (metrics.window_start >= tail_start)]
    estimates = []
    for version, version_rows in rows.groupby("model_version", sort=True, dropna=False):
        estimated, scored = _weighted(
            version_rows[version_rows.metric_source == "estimated"], "accuracy"
        )
        realized, labeled = _weighted(
            version_rows[version_rows.metric_source == "realized"], "accuracy"
        )
        estimates.append(
            TailEstimate(
                model_version=None if pd.isna(version) else str(version),
                first_window=pd.Timestamp(version_rows.window_start.min()),
                last_window=pd.Timestamp(version_rows.window_start.max()),
                scored_count=scored,
                estimated_accuracy=estimated,
                labeled_count=labeled,
                realized_accuracy=realized,
            )
        )
    return estimates


def _day(value: pd.Timestamp | None) -> str:
    """A window start as month-day."""
    return "?" if value is None else value.strftime("%m-%d")


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _drift_lines(top_drift: list[DriftRow]) -> list[str]:
    """One line per monitor and version: its most drifted columns in the latest complete window."""
    lines = ["", "What drifted (latest complete window; PSI vs reference, 0.25+ is a major shift):"]
    groups: dict[tuple[str, pd.Timestamp, str | None], list[DriftRow]] = {}
    for row in top_drift:
        groups.setdefault((row.monitor_name, row.window_start, row.model_version), []).append(row)
    for (monitor, window, version), rows in groups.items():
        drifted = [r for r in rows if r.psi is not None and r.psi >= SHOWN_MIN_PSI][:SHOWN_DRIFT]
        shown = ", ".join(f"{r.column_name} {_figure(r.psi)}" for r in drifted)
        label = f"{monitor} {window:%Y-%m-%d}" + (f" {version}" if version else "")
        lines.append(f"  {label}: {shown or f'no column reaches PSI {SHOWN_MIN_PSI}'}")
    if not groups:
        lines.append("  no drift rows")
    return lines


def _performance_lines(story: PerformanceStory, facts: ScenarioFacts) -> list[str]:
    """The classifier's accuracy and AUC before and after the drift, labels and CBPE's estimate."""
    lines = [
        "",
        f"How {story.monitor_name} performed (drift injected from {facts.drift_start:%Y-%m-%d}, "
        f"v2 rolled out {facts.v2_start:%Y-%m-%d}):",
        f"  {'':<31} {'accuracy':>8} {'AUC*':>6} {'labeled':>9}",
    ]
    for p in story.periods:
        if p.period == "reference":
            label = "reference (training set)"
        else:
            span = f"{_day(p.first_window)}..{_day(p.last_window)}"
            label = f"{p.model_version or 'all'} {p.period} ({span})"
        lines.append(
            f"  {label:<31} {_figure(p.accuracy):>8} {_figure(p.roc_auc):>6} {p.labeled_count:>9,}"
        )
    lines.append("  * AUC: the daily values averaged, weighted by labeled rows")
    recent = story.coverage[-COVERAGE_DAYS:]
    if recent:
        shares = ", ".join(
            f"{_day(d.window_start)} {d.label_coverage:.0%}"
            for d in recent
            if d.label_coverage is not None
        )
        lines.append(f"Labels so far for the last days' predictions: {shares}")
    if story.tail:
        first = min(t.first_window for t in story.tail)
        last = max(t.last_window for t in story.tail)
        lines.append(
            f"CBPE estimate for the unlabeled tail ({_day(first)}..{_day(last)}, "
            f"under {TAIL_COVERAGE:.0%} labeled):"
        )
        for t in story.tail:
            so_far = (
                f"realized so far {_figure(t.realized_accuracy)} on {t.labeled_count:,} labels"
                if t.labeled_count
                else "no labels yet"
            )
            lines.append(
                f"  {t.model_version or 'all'}: accuracy ~ {_figure(t.estimated_accuracy)} from "
                f"{t.scored_count:,} scored predictions ({so_far})"
            )
        lines.append(
            "  CBPE assumes the score-outcome relation holds: a gap to realized hints at "
            "concept drift."
        )
    return lines
