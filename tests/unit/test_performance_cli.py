"""`model-monitor performance` and the demo's closing summary, on tables the real package built."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.metrics import accuracy_score, f1_score

from model_monitor.cli import EXIT_ERROR, EXIT_OK, cli
from model_monitor.demo import DemoResult, run_demo
from model_monitor.demo.alerts import SHOWN_ALERTS
from model_monitor.demo.workdir import find_package_dir
from model_monitor.errors import ConfigError, WarehouseError
from model_monitor.performance.load import load_performance_summary
from model_monitor.performance.metrics import METRIC_ORDER
from model_monitor.performance.queries import build_performance_sql
from model_monitor.warehouse import Warehouse

pytestmark = pytest.mark.integration

INTENTS = ("billing", "cancel", "other")

# Two multiclass monitors over 120 requests on 2024-03-01..03: `intent` has no labels (and
# latency and status columns), `intent_labeled` gets a label for the first 100 requests.
RAW_SQL = f"""
create schema raw;
create table raw.intents as
select 'r' || lpad(i::varchar, 4, '0') as request_id,
       timestamp '2024-03-01' + to_days(cast(i % 3 as integer))
         + to_minutes(cast(i as integer)) as requested_at,
       case when i % 3 = 2 then 'm2' else 'm1' end as model_version,
       {list(INTENTS)}[1 + (i // 3) % 3] as predicted_intent,
       cast(i % 17 as double) as text_length,
       ['web', 'app'][1 + i % 2] as channel,
       10.0 + (i * 7) % 50 as latency_ms,
       case when i % 20 = 0 then 'error' else 'ok' end as status
from range(120) as t(i);
create table raw.intent_labels as
select request_id,
       case when row_number() over (order by request_id) % 4 = 0
            then {list(INTENTS)}[1 + (row_number() over (order by request_id) // 4) % 3]
            else predicted_intent end as intent
from raw.intents
where request_id < 'r0100';
"""

MONITORS_YAML = """
vars:
  model_monitor:
    monitors:
      - name: intent
        predictions: raw.intents
        id_column: request_id
        timestamp_column: requested_at
        model_version_column: model_version
        task: multiclass
        prediction_column: predicted_intent
        features: [text_length]
        reference:
          between: ['2024-03-01', '2024-03-02']
        latency_column: latency_ms
        status_column: status
        slices: [channel]
      - name: intent_labeled
        predictions: raw.intents
        id_column: request_id
        timestamp_column: requested_at
        task: multiclass
        prediction_column: predicted_intent
        features: [text_length]
        labels:
          relation: raw.intent_labels
          label_column: intent
        reference:
          between: ['2024-03-01', '2024-03-02']
"""


def dbt_invoke(*args: str) -> None:
    """Run one dbt command in-process and fail the test on error."""
    from dbt.cli.main import dbtRunner
    from dbt_common.events.event_manager_client import cleanup_event_logger

    try:
        result = dbtRunner().invoke([*args, "--quiet", "--no-send-anonymous-usage-stats"])
    finally:
        cleanup_event_logger()  # dbt's stdout logger holds pytest's capture stream
    assert result.success, result.exception


@pytest.fixture(scope="module")
def intent_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dbt project installing the package, built on the intent tables (models only)."""
    root = tmp_path_factory.mktemp("intent")
    database = root / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute(RAW_SQL)
    project = root / "project"
    project.mkdir()
    (project / "dbt_project.yml").write_text(
        "name: intent_unit\nversion: '1.0'\nconfig-version: 2\nprofile: intent_unit\n"
        + MONITORS_YAML
    )
    (project / "packages.yml").write_text(f"packages:\n  - local: '{find_package_dir()}'\n")
    (project / "profiles.yml").write_text(
        "intent_unit:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{database}'\n      threads: 4\n"
    )
    where = ["--project-dir", str(project), "--profiles-dir", str(project)]
    dbt_invoke("deps", *where)
    tables = ("monitor_performance", "monitor_label_coverage", "monitor_operations")
    dbt_invoke("run", *where, "--select", *(f"+{t}" for t in tables))
    return project


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """The demo, small: 3,000 churn predictions over 14 days, built by `dbt build`."""
    return run_demo(workdir=tmp_path_factory.mktemp("demo"), rows=3000, days=14)


def run(*args: Any) -> Any:
    """Invoke the CLI in-process; return the click Result."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def demo_args(demo: DemoResult) -> tuple[str, ...]:
    """The options that point the CLI at the demo's project."""
    return ("--project-dir", str(demo.project_dir), "--profiles-dir", str(demo.profiles_dir))


def intent_args(project: Path) -> tuple[str, ...]:
    """The options that point the CLI at the intent project."""
    return ("--project-dir", str(project))


def table_rows(database: Path, sql: str, *params: Any) -> list[dict[str, Any]]:
    """Rows of a query on a built DuckDB file, as dicts."""
    # Default configuration: dbt-duckdb may still hold the file open in this process.
    with duckdb.connect(str(database)) as con:
        frame = con.execute(sql, list(params)).df()
    return frame.to_dict("records")


def metric_rows(database: Path, monitor: str, **where: Any) -> dict[tuple[str, str], Any]:
    """(source, metric) -> value of monitor_performance rows for the whole population."""
    conditions = " and ".join(f"{k} is null" if v is None else f"{k} = ?" for k, v in where.items())
    rows = table_rows(
        database,
        "select metric_source, metric_name, class_label, metric_value from monitor_performance "
        f"where monitor_name = ? and slice_key is null and {conditions}",
        monitor,
        *(v for v in where.values() if v is not None),
    )
    return {
        (
            r["metric_source"],
            r["metric_name"] + (f"[{r['class_label']}]" if r["class_label"] else ""),
        ): None if r["metric_value"] != r["metric_value"] else r["metric_value"]
        for r in rows
    }


def metric_lines(output: str) -> dict[str, list[str]]:
    """Metric name -> the cells of its row, for the rows under each table's rule line."""
    lines: dict[str, list[str]] = {}
    in_table = False
    for line in output.splitlines():
        if set(line.strip()) == {"─"}:
            in_table = True
        elif not line.strip():
            in_table = False
        elif in_table:
            name, *cells = re.split(r"\s{2,}", line.strip())
            lines[name] = cells
    return lines


def assert_one_line_error(result: Any, *fragments: str) -> None:
    """Exit code 2 and one prefixed line on stderr, no traceback."""
    assert result.exit_code == EXIT_ERROR, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("model-monitor: error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# --- the table --------------------------------------------------------------------------------


def test_table_puts_reference_realized_estimated_and_change_side_by_side(demo: DemoResult):
    first = demo.facts.start.date().isoformat()
    result = run("performance", *demo_args(demo), "--monitor", "churn", "--window", first)
    assert result.exit_code == EXIT_OK, result.output
    out = result.stdout
    assert out.splitlines()[0] == f"churn · window {first} · version v1 · slice all"
    assert re.search(
        r"^labels: [\d,]+ of [\d,]+ predictions labeled \(\d+\.\d%\), median delay", out, re.M
    )
    assert out.splitlines()[2].startswith("operations: ")
    assert re.search(r"reference\s+realized\s+estimated\s+change vs", out)
    stored = metric_rows(demo.duckdb_path, "churn", window_start=demo.facts.start.to_pydatetime())
    reference = metric_rows(demo.duckdb_path, "churn", window_kind="reference")
    cells = metric_lines(out)
    accuracy = stored[("realized", "accuracy")]
    assert cells["accuracy"] == [
        f"{reference[('realized', 'accuracy')]:.4f}",
        f"{accuracy:.4f}",
        f"{stored[('estimated', 'accuracy')]:.4f}",
        f"{accuracy - reference[('realized', 'accuracy')]:+.4f}",
    ]
    # Binary metrics in reading order; counts last, as integers, with no change.
    shown = [name for name in cells if name in METRIC_ORDER["binary"]]
    assert shown == [m for m in METRIC_ORDER["binary"] if ("realized", m) in stored]
    assert cells["true_positives"][1] == f"{int(stored[('realized', 'true_positives')]):,}"
    assert len(cells["true_positives"]) == 2  # reference and realized, nothing estimated


def newest_mature_window(database: Path, monitor: str, version: str | None = None) -> Any:
    """The newest window with >= 100 labels and >= 50% coverage, from the coverage table."""
    rows = table_rows(
        database,
        "select window_start, sum(labeled_count) as labeled, sum(prediction_count) as predicted "
        "from monitor_label_coverage where monitor_name = ? and slice_key is null "
        + ("and model_version = ? " if version else "")
        + "group by window_start",
        monitor,
        *((version,) if version else ()),
    )
    mature = [
        r["window_start"]
        for r in rows
        if r["labeled"] >= 100 and r["labeled"] / r["predicted"] >= 0.5
    ]
    return max(mature), max(r["window_start"] for r in rows)


def wilson(successes: int, trials: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval, from its formula."""
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials**2))
    return centre - half, centre + half


def test_default_window_is_the_newest_with_mature_labels_and_says_why(demo: DemoResult):
    result = run("performance", *demo_args(demo), "--monitor", "churn")
    assert result.exit_code == EXIT_OK, result.output
    mature, newest = newest_mature_window(demo.duckdb_path, "churn")
    assert mature < newest  # the demo's last windows are mostly unlabeled
    assert result.stdout.startswith(f"churn · window {mature.date().isoformat()} · version")
    assert "labels not mature" not in result.stdout.splitlines()[0]
    newer = (newest - mature).days
    assert re.search(
        rf"^window: newest window with ≥100 labels and ≥50% coverage; {newer} newer windows? "
        rf"ha(ve|s) too few labels \(the newest, {newest.date().isoformat()}: ",
        result.stdout,
        re.M,
    ), result.stdout


def test_an_immature_window_is_marked_with_its_count_and_interval(demo: DemoResult):
    last = (demo.facts.end - dt.timedelta(days=1)).date().isoformat()
    result = run("performance", *demo_args(demo), "--monitor", "churn", "--window", last)
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.startswith(f"churn · window {last} · version v2")
    assert result.stdout.splitlines()[0].endswith("· labels not mature")
    assert "window: chosen with --window" in result.stdout
    cells = metric_lines(result.stdout)
    assert cells["roc_auc"][1] == "—¹"  # nothing labeled yet in the last window
    assert cells["accuracy"][1] == "—¹" and cells["accuracy"][-1].endswith("(est.)")
    assert "¹ no_labels: no labeled predictions" in result.stdout
    assert "† computed on" in result.stdout and "not mature" in result.stdout


def test_few_labels_show_the_wilson_interval_of_each_rate(demo: DemoResult):
    rows = table_rows(
        demo.duckdb_path,
        "select window_start, model_version, labeled_count, prediction_count "
        "from monitor_label_coverage where monitor_name = 'churn' and slice_key is null "
        "and labeled_count between 5 and 99 order by window_start",
    )
    assert rows, "the demo has no window with a few labels"
    window = rows[-1]["window_start"].date().isoformat()
    args = ("performance", *demo_args(demo), "--monitor", "churn", "--window", window)
    summaries = json.loads(run(*args, "--format", "json").stdout)
    table = metric_lines(run(*args).stdout)
    for summary in summaries:
        realized = summary["realized"]
        assert summary["labels_mature"] is False
        assert "fewer than 100" in summary["immature_reason"]
        tp, fp, tn, fn = (int(realized[k]) for k in
                          ("true_positives", "false_positives", "true_negatives",
                           "false_negatives"))  # fmt: skip
        want = {
            "accuracy": wilson(tp + tn, tp + fp + tn + fn),
            "recall": wilson(tp, tp + fn) if tp + fn else None,
            "specificity": wilson(tn, tn + fp) if tn + fp else None,
        }
        for metric, interval in want.items():
            got = summary["realized_intervals"][metric]
            if interval is None:
                assert got is None
            else:
                assert got == pytest.approx(list(interval), abs=1e-9), metric
        assert summary["realized_intervals"]["roc_auc"] is None
    shown = summaries[0]["realized_intervals"]["accuracy"]
    assert table["accuracy"][1].endswith(" †")
    assert f"{shown[0]:.4f} to {shown[1]:.4f}" in table["accuracy"]
    assert "no interval" in table["roc_auc"]


def test_regression_table_has_no_estimated_column(demo: DemoResult):
    result = run("performance", *demo_args(demo), "--monitor", "delivery_eta")
    assert result.exit_code == EXIT_OK, result.output
    assert "estimated" not in result.stdout
    assert list(metric_lines(result.stdout))[:5] == ["mae", "rmse", "r2", "mape", "mean_error"]


def test_every_monitor_by_default(demo: DemoResult):
    result = run("performance", *demo_args(demo))
    titles = [line for line in result.stdout.splitlines() if " · window " in line]
    assert [t.split(" · ")[0] for t in titles] == ["churn", "delivery_eta"]


# --- JSON ---------------------------------------------------------------------------------------


def test_json_carries_every_figure_of_the_stored_rows(demo: DemoResult):
    last = (demo.facts.end - dt.timedelta(days=1)).date().isoformat()
    result = run("performance", *demo_args(demo), "--format", "json", "--window", last)
    assert result.exit_code == EXIT_OK, result.output
    summaries = {s["monitor_name"]: s for s in json.loads(result.stdout)}
    churn = summaries["churn"]
    window = dt.datetime.fromisoformat(churn["window_start"])
    stored = metric_rows(demo.duckdb_path, "churn", window_start=window, model_version="v2")
    assert churn["realized"] == {m: v for (s, m), v in stored.items() if s == "realized"}
    assert churn["estimated"] == {m: v for (s, m), v in stored.items() if s == "estimated"}
    assert churn["realized"]["accuracy"] is None  # NULL (and NaN) become null
    assert churn["undefined_reasons"]["realized"]["accuracy"] == "no_labels"
    reference = metric_rows(demo.duckdb_path, "churn", window_kind="reference")
    assert churn["reference"] == {m: v for (s, m), v in reference.items() if s == "realized"}
    (coverage,) = table_rows(
        demo.duckdb_path,
        "select prediction_count, labeled_count, label_coverage, label_delay_median_hours "
        "from monitor_label_coverage where monitor_name = 'churn' and slice_key is null "
        "and window_start = ? and model_version = 'v2'",
        window,
    )
    coverage = {k: (None if v != v else v) for k, v in coverage.items()}
    assert churn["label_coverage"] == coverage
    assert set(churn["operations"]) == {
        "prediction_count",
        "latency_p50_ms",
        "latency_p95_ms",
        "latency_p99_ms",
        "error_rate",
    }
    assert summaries["delivery_eta"]["task"] == "regression"
    assert summaries["delivery_eta"]["estimated"] == {}
    assert churn["labels_mature"] is False and churn["window_choice"] == "chosen with --window"
    assert churn["maturity_rule"] == "≥100 labels and ≥50% coverage"


def test_json_of_the_default_window_says_it_is_mature(demo: DemoResult):
    result = run("performance", *demo_args(demo), "--format", "json", "--monitor", "churn")
    (churn, *_) = json.loads(result.stdout)
    mature, _ = newest_mature_window(demo.duckdb_path, "churn")
    assert churn["window_start"] == mature.isoformat()
    assert churn["window_choice"].startswith("newest window with ≥100 labels")


def test_slices_add_one_summary_per_slice_value_with_its_own_reference(demo: DemoResult):
    args = ("performance", *demo_args(demo), "--monitor", "churn", "--slices", "--format", "json")
    summaries = json.loads(run(*args).stdout)
    assert [s["slice_key"] for s in summaries][:2] == [None, "plan"]
    plans = {s["slice_value"]: s for s in summaries if s["slice_key"] == "plan"}
    assert set(plans) <= {"basic", "standard", "premium", "family", "student"} and plans
    rows = table_rows(
        demo.duckdb_path,
        "select slice_value, metric_value from monitor_performance where monitor_name = 'churn' "
        "and window_kind = 'reference' and slice_key = 'plan' and metric_source = 'realized' "
        "and metric_name = 'accuracy'",
    )
    for row in rows:
        if row["slice_value"] in plans:
            assert plans[row["slice_value"]]["reference"]["accuracy"] == row["metric_value"]


def test_version_picks_the_newest_mature_window_of_that_version(demo: DemoResult):
    args = ("performance", *demo_args(demo), "--version", "v1", "--format", "json")
    summaries = json.loads(run(*args).stdout)
    assert [(s["monitor_name"], s["model_version"]) for s in summaries] == [("churn", "v1")]
    mature_v1, _ = newest_mature_window(demo.duckdb_path, "churn", "v1")
    assert summaries[0]["window_start"] == mature_v1.isoformat()


# --- errors -------------------------------------------------------------------------------------


def test_unknown_monitor_is_one_line_error(demo: DemoResult):
    result = run("performance", *demo_args(demo), "--monitor", "nope")
    assert_one_line_error(result, "monitor 'nope'", "known monitors: churn, delivery_eta")


def test_unknown_version_and_window_are_one_line_errors(demo: DemoResult):
    result = run("performance", *demo_args(demo), "--version", "v'9")
    assert_one_line_error(result, 'no window has model version "v\'9"', "versions: v1, v2")
    result = run("performance", *demo_args(demo), "--window", "2020-01-01")
    assert_one_line_error(result, "no window with predictions starts at 2020-01-01 00:00:00")


def test_missing_performance_table_is_one_line_error(duckdb_project: Path):
    # This project publishes monitor_drift only.
    result = run("performance", "--project-dir", duckdb_project)
    assert_one_line_error(result, "table monitor_performance of package model_monitor")


def test_monitor_name_is_validated_before_it_reaches_sql(demo: DemoResult):
    with Warehouse(demo.project_dir, profiles_dir=demo.profiles_dir) as warehouse:
        with pytest.raises(ConfigError, match="letters, digits"):
            build_performance_sql(warehouse, monitor="churn' or '1'='1")


class WithoutTables:
    """A warehouse whose manifest lacks some tables."""

    def __init__(self, warehouse: Warehouse, *missing: str) -> None:
        self.warehouse, self.missing = warehouse, missing

    def relation(self, table_name: str) -> str:
        if table_name in self.missing:
            raise WarehouseError(f"table {table_name} is not in the manifest", key="relation")
        return self.warehouse.relation(table_name)

    def quote(self, identifier: str) -> str:
        return self.warehouse.quote(identifier)

    def query(self, sql: str) -> Any:
        return self.warehouse.query(sql)


def test_missing_coverage_and_operations_tables_leave_those_fields_empty(demo: DemoResult):
    with Warehouse(demo.project_dir, profiles_dir=demo.profiles_dir) as warehouse:
        full = load_performance_summary(warehouse, monitor="churn")
        partial = load_performance_summary(
            WithoutTables(warehouse, "monitor_label_coverage", "monitor_operations"),
            monitor="churn",
            window=full[0].window_start,
        )
    assert full[0].label_coverage is not None and full[0].operations is not None
    assert [(s.label_coverage, s.operations) for s in partial] == [(None, None)]
    assert partial[0].realized == full[0].realized


# --- a monitor without labels, multiclass, operations ------------------------------------------


def test_monitor_without_labels_has_no_coverage_and_shows_operations(intent_project: Path):
    result = run("performance", *intent_args(intent_project), "--monitor", "intent")
    assert result.exit_code == EXIT_OK, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "intent · window 2024-03-03 · version m2 · slice all"
    assert lines[1].startswith("labels: no label coverage")
    # Operations against numpy: the window's latencies and statuses from the raw table.
    raw = table_rows(
        intent_project.parent / "warehouse.duckdb",
        "select latency_ms, status from raw.intents where requested_at >= '2024-03-03'",
    )
    latency = np.array([r["latency_ms"] for r in raw])
    p50, p95, p99 = np.percentile(latency, [50, 95, 99])
    errors = sum(r["status"] == "error" for r in raw) / len(raw)
    assert lines[2] == (
        f"operations: {len(raw)} predictions, latency p50 {p50:.1f} / p95 {p95:.1f} / "
        f"p99 {p99:.1f} ms, error rate {errors:.2%}"
    )
    cells = metric_lines(result.stdout)
    assert list(cells)[:4] == ["accuracy", "precision_macro", "recall_macro", "f1_macro"]
    assert cells["accuracy"] == ["—¹", "—¹"]
    assert "¹ no_labels: no labeled predictions" in result.stdout


def test_monitor_without_labels_in_json(intent_project: Path):
    args = ("performance", *intent_args(intent_project), "--monitor", "intent", "--format", "json")
    (summary,) = json.loads(run(*args).stdout)
    assert summary["label_coverage"] is None and summary["labels_as_of"] is None
    assert summary["task"] == "multiclass" and summary["estimated"] == {}
    assert set(summary["realized"].values()) == {None}
    assert set(summary["undefined_reasons"]["realized"].values()) == {"no_labels"}
    assert summary["operations"]["prediction_count"] == 40


def test_multiclass_per_class_metrics_follow_the_averages(intent_project: Path):
    args = ("performance", *intent_args(intent_project), "--monitor", "intent_labeled")
    result = run(*args, "--window", "2024-03-02", "--format", "json")
    (summary,) = json.loads(result.stdout)
    keys = list(summary["realized"])
    assert keys[:2] == ["accuracy", "precision_macro"]
    assert keys[-4:] == ["precision[other]", "recall[other]", "f1[other]", "support[other]"]
    assert isinstance(summary["realized"]["support[billing]"], int)
    # The stored figures of the window agree with scikit-learn on the raw rows.
    raw = table_rows(
        intent_project.parent / "warehouse.duckdb",
        "select p.predicted_intent, l.intent from raw.intents as p "
        "join raw.intent_labels as l using (request_id) "
        "where p.requested_at >= '2024-03-02' and p.requested_at < '2024-03-03'",
    )
    y_true, y_pred = [r["intent"] for r in raw], [r["predicted_intent"] for r in raw]
    assert summary["realized"]["accuracy"] == pytest.approx(accuracy_score(y_true, y_pred))
    assert summary["realized"]["f1_macro"] == pytest.approx(
        f1_score(y_true, y_pred, average="macro")
    )
    assert summary["label_coverage"]["labeled_count"] == len(raw)
    table = run(*args, "--window", "2024-03-02").stdout
    assert list(metric_lines(table))[-4:] == keys[-4:]


# --- the demo's summary ------------------------------------------------------------------------


def test_demo_summary_tells_what_drifted_and_how_the_classifier_did(demo: DemoResult):
    lines = demo.summary_lines()
    text = "\n".join(lines)
    assert len(lines) - len(demo.alert_lines) <= 28, text
    assert "What drifted" in text and "churn " in text and "monthly_charges" in text
    story = demo.performance
    assert story is not None
    periods = {(p.period, p.model_version): p for p in story.periods}
    assert {("reference", None), ("before drift", "v1"), ("after drift", "v2")} <= set(periods)
    reference = metric_rows(demo.duckdb_path, "churn", window_kind="reference")
    assert periods["reference", None].accuracy == reference[("realized", "accuracy")]
    # The pooled accuracy before the drift is the share of correct labeled predictions.
    (pooled,) = table_rows(
        demo.duckdb_path,
        "select sum(metric_value * labeled_count) / sum(labeled_count) as accuracy "
        "from monitor_performance where monitor_name = 'churn' and slice_key is null "
        "and window_kind = 'current' and metric_source = 'realized' and metric_name = 'accuracy' "
        "and window_start < ? and labeled_count > 0",
        demo.facts.drift_start.to_pydatetime(),
    )
    assert periods["before drift", "v1"].accuracy == pytest.approx(pooled["accuracy"])
    assert "Labels so far for the last days' predictions:" in text
    assert story.tail and "CBPE estimate for the unlabeled tail" in text
    assert all(t.estimated_accuracy is not None for t in story.tail)
    assert f"model-monitor performance --project-dir {demo.project_dir}" in text


def test_demo_ends_with_the_alerts_of_the_newest_windows_stored_in_monitor_alerts(
    demo: DemoResult,
):
    lines = demo.summary_lines()
    title = "Alerts in the newest window of each monitor, and on realized performance"
    heading = next(i for i, line in enumerate(lines) if line.startswith(title))
    block, showing = lines[heading:-1], lines[-1]
    assert block[1:] == demo.alert_lines and len(block) <= 15, "\n".join(block)
    alerts = demo.alerts
    newest = (demo.facts.end - dt.timedelta(days=1)).to_pydatetime()
    labels = [a for a in alerts if "label_coverage" in a.details]  # realized performance
    assert alerts and {a.window_start for a in alerts if a not in labels} == {newest}
    for alert in labels:  # on the newest window with mature labels of its version
        assert alert.rule_name == "performance_drop"
        assert alert.details["labeled_count"] >= 100 and alert.details["label_coverage"] >= 0.5
    ranks = [a.severity.rank for a in alerts]
    assert ranks == sorted(ranks, reverse=True)  # the most severe first
    (psi,) = [a for a in alerts if a.rule_name == "psi" and a.column_name == "monthly_charges"]
    assert psi.severity.value == "critical" and not [
        a for a in alerts if a.rule_name == "freshness"
    ]
    assert len(alerts) > SHOWN_ALERTS  # the channel shows the most severe, then counts the rest
    assert block[2].startswith("  critical") and len(block) == 2 + SHOWN_ALERTS + 1
    assert block[-1].startswith(f"  and {len(alerts) - SHOWN_ALERTS} more (")
    assert showing == (
        f"Showing {SHOWN_ALERTS} of {len(alerts)} alerts; all: {demo.follow_ups().all_alerts()}"
    )
    stored = table_rows(demo.duckdb_path, "select alert_id, status from monitor_alerts")
    assert sorted(r["alert_id"] for r in stored) == sorted(a.alert_id for a in alerts)
    deliveries = table_rows(
        demo.duckdb_path, "select channel, delivery_status from monitor_alert_deliveries"
    )
    assert {(d["channel"], d["delivery_status"]) for d in deliveries} == {("console", "delivered")}
    assert len(deliveries) == len(alerts)
    assert f"model-monitor evaluate --project-dir {demo.project_dir}" in "\n".join(lines)


def test_cli_demo_prints_the_summary(demo: DemoResult, monkeypatch: pytest.MonkeyPatch):
    import model_monitor.demo as demo_module

    monkeypatch.setattr(demo_module, "run_demo", lambda **kwargs: demo)
    result = run("demo", "--workdir", demo.workdir)
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.splitlines() == demo.summary_lines()
