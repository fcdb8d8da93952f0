"""Incremental runs at scale boundaries: windows that straddle a run, a late-arriving day,
deleted rows, and a reference change that moves the bin edges.

One module-scoped story per engine over the same churn-like predictions, monitored three times:
`edge_day` (daily), `edge_hour` (hourly) and `edge_week` (weekly: every prediction lies in the
week of 2024-03-04, so that window straddles every run). Each step builds every model
incrementally, then rebuilds from scratch (--full-refresh) on the same data; the tests check that
both builds publish the same rows, drift and outcome tables alike.

1. `partial`: predictions up to 03-09 12:30 (03-09 and its 12:00 hour half filled), the labels
   that had arrived by then, 03-05 held back.
2. `straddle`: the rest of 03-09, 03-10 up to 12:30, the labels of that time.
3. `late_day`: the whole of 03-05 with its labels, after 03-10 was built: beyond lookback_windows
   of the daily and hourly monitors, with labels older than the stored labels_as_of.
4. `deleted`: a few predictions of 03-06 are deleted (beyond the lookback too).
5. `reference`: the reference is replaced by one whose numerical bin edges and top categories
   differ.

edge_hour keeps late labels for 200 windows (label_lookback_windows), since labels arrive up to
72 hours after their prediction; label_lookback_windows itself is tested in test_late_labels.
Every engine plays every step (nine builds of every model; on Spark, in the full suite only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from .compare import (
    assert_rows_match,
    diff_rows,
    index_rows,
    missing_and_extra,
    report,
    snapshot_after,
    ts,
)
from .conftest import bins_key, distribution_key, drift_key, quality_key
from .data import ORDER_AMOUNT, LabelsSpec, Scenario, Table, make_churn_only
from .dbt_runner import TABLES, DbtProject
from .loaders import Warehouse
from .performance_data import OutcomeMonitor, read_tables
from .reference_impl import (
    expected_reference_bins,
    expected_tables,
    prepare,
    window_start,
)
from .reference_performance import (
    calibration_key,
    confusion_key,
    diff_performance,
    expected_outcomes,
    fairness_key,
    index_actual,
    latest_labels,
    performance_key,
)
from .test_drift import distribution_and_drift_checks, js_conditioning

# On Spark in the full suite only (MM_SPARK_SUITE=full): its nine builds take Spark many minutes.
pytestmark = [pytest.mark.engines("duckdb", "postgres", "spark"), pytest.mark.spark_full]

PREFIX = "edge"
FIRST_CUT = dt.datetime(2024, 3, 9, 12, 30)  # the first run sees predictions and labels before it
SECOND_CUT = dt.datetime(2024, 3, 10, 12, 30)  # the second run those before this
LATE_DAY = dt.datetime(2024, 3, 5)  # arrives whole in step 3
DELETED_DAY = dt.datetime(2024, 3, 6)  # loses a few predictions in step 4
STEPS = ("partial", "straddle", "late_day", "deleted", "reference")

Tables = dict[str, list[dict[str, Any]]]
Key = Callable[[dict[str, Any]], tuple]


def _window_key(r: dict[str, Any]) -> tuple:
    return (
        r["monitor_name"],
        r.get("window_kind"),
        ts(r["window_start"]),
        r["model_version"],
        r["slice_key"],
        r["slice_value"],
    )


# Every table the package publishes per window, with its key. labels_as_of is left out of the
# comparison: a window an incremental run leaves alone keeps the labels_as_of of its last run.
KEYS: dict[str, Key] = {
    "monitor_reference_bins": bins_key,
    "monitor_distributions": distribution_key,
    "monitor_drift": drift_key,
    "monitor_data_quality": lambda r: (r.get("window_kind"), r["metric_scope"], *quality_key(r)),
    "monitor_performance": performance_key,
    "monitor_calibration": calibration_key,
    "monitor_confusion_matrix": confusion_key,
    "monitor_fairness": fairness_key,
    "monitor_label_coverage": _window_key,
    "monitor_operations": _window_key,
}
SKIPPED_COLUMNS = {"labels_as_of"}
# The label's own rows in the drift tables reflect the labels present when their window was last
# computed (docs/design.md, Late labels): labels arriving for a window an incremental run leaves
# alone change them in a full build only, so the comparisons leave those rows out.
LABEL = "label"
DRIFT_TABLES = ("monitor_distributions", "monitor_drift", "monitor_data_quality")


@dataclass
class Story:
    """Snapshots after each step (incremental `step`, from scratch `step_full`) and the data."""

    snapshots: dict[str, Tables] = field(default_factory=dict)
    data: dict[str, Scenario] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    failed_tests: dict[str, list[str]] = field(default_factory=dict)

    def snap(self, step: str) -> Tables:
        """The tables after `step` (fails the test if that step's build failed)."""
        return snapshot_after(self.snapshots, self.failures, step)


def _monitors(scenario: Scenario) -> list[OutcomeMonitor]:
    """The churn monitor three times: daily, hourly, weekly."""
    base = scenario.monitors[0]
    labels = base.labels
    assert labels is not None
    fields = {k: v for k, v in asdict(base).items() if k not in ("labels", "reference")}
    common = {
        **fields,
        "labels": LabelsSpec(**asdict(labels)),
        "reference": base.reference,
        "label_timestamp_column": labels.timestamp_column,
    }
    return [
        OutcomeMonitor(**{**common, "name": f"{PREFIX}_day", "window_grain": "day"}),
        OutcomeMonitor(
            **{
                **common,
                "name": f"{PREFIX}_hour",
                "window_grain": "hour",
                "label_lookback_windows": 200,
                "slices": (),
            }
        ),
        OutcomeMonitor(
            **{**common, "name": f"{PREFIX}_week", "window_grain": "week", "lookback_windows": 0}
        ),
    ]


def _subset(table: Table, keep: Any) -> Table:
    return Table(table.name, table.columns, table.frame[np.asarray(keep, dtype=bool)].copy())


def _times(table: Table, column: str) -> pd.Series:
    return pd.Series(pd.to_datetime(table.frame[column].tolist()), index=table.frame.index)


def _shifted_reference(reference: Table) -> Table:
    """The reference with other numerical quantiles (so other bin edges) and another plan mix."""
    frame = reference.frame.copy()

    def column(values: list[Any]) -> pd.Series:
        return pd.Series(values, index=frame.index, dtype=object)  # keeps None as None

    def finite(v: Any) -> bool:
        return isinstance(v, float) and bool(np.isfinite(v))

    frame[ORDER_AMOUNT] = column([v * 1.7 + 3.0 if finite(v) else v for v in frame[ORDER_AMOUNT]])
    frame["score"] = column(
        [round(min(1.0, v * 1.4), 2) if finite(v) else v for v in frame["score"]]
    )
    frame["plan"] = column([p if i % 3 else "premium" for i, p in enumerate(frame["plan"])])
    return Table(reference.name, reference.columns, frame)


def _read(project: DbtProject, result: Any) -> Tables:
    tables = read_tables(project, result)
    wh = project.warehouse
    for name in ("monitor_label_coverage", "monitor_operations"):
        tables[name] = wh.read_table(result.relations.get(name) or wh.relation(name))
    return tables


@pytest.fixture(scope="module")
def story(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Story:
    """Play every step; a failed build ends the story (later tests then fail on its output)."""
    wh = warehouse
    project = DbtProject(wh, Path(tmp_path_factory.mktemp(f"dbt_boundaries_{wh.engine}")))
    churn = make_churn_only(seed=23, n_pred=600, n_ref=300, prefix=PREFIX)
    scenario = replace(churn, monitors=_monitors(churn))
    pred, labels, ref = (
        scenario.tables[f"{PREFIX}_{k}"] for k in ("predictions", "labels", "reference")
    )
    predicted_at = _times(pred, "predicted_at")
    labeled_at = _times(labels, "labeled_at")
    on_late_day = predicted_at.dt.floor("D") == pd.Timestamp(LATE_DAY)
    # The late day's labels arrive with it, those of ids that also occur on other days before
    # (a label backfilled with an old timestamp for an older window is another story).
    ids = pred.frame["prediction_id"]
    late_ids = set(ids[on_late_day]) - set(ids[~on_late_day])
    for_late_day = labels.frame["prediction_id"].isin(late_ids)
    story = Story()
    dbt_vars = scenario.dbt_vars(wh.raw_schema)

    def build(step: str, *extra: str) -> bool:
        res = project.build(dbt_vars, *extra)
        if res.failed_tests:
            story.failed_tests[step] = res.failed_tests
        if not res.models_ok:
            story.failures.append(f"{step}: dbt build {' '.join(extra)} failed:\n{res.tail()}")
            return False
        story.snapshots[step] = _read(project, res)
        return True

    def play(step: str, predictions: Table, label_rows: Table, reference: Table = ref) -> bool:
        """Load the step's tables whole (appends, late rows and deletions alike), build
        incrementally, then from scratch."""
        wh.load([predictions, label_rows, reference])
        story.data[step] = replace(
            scenario,
            tables={t.name: t for t in (predictions, label_rows, reference)},
        )
        return build(step) and build(f"{step}_full", "--full-refresh")

    def until(cut: dt.datetime) -> tuple[Table, Table]:
        return (
            _subset(pred, (predicted_at < cut) & ~on_late_day),
            _subset(labels, (labeled_at < cut) & ~for_late_day),
        )

    # 1. the first run: 03-09 and its 12:00 hour half filled, 03-05 missing
    first_pred, first_labels = until(FIRST_CUT)
    wh.load([first_pred, first_labels, ref])
    story.data["partial"] = replace(
        scenario, tables={t.name: t for t in (first_pred, first_labels, ref)}
    )
    if not build("partial"):
        return story
    # 2. the rest of 03-09, half of 03-10, and the labels of that time
    if not play("straddle", *until(SECOND_CUT)):
        return story
    # 3. the whole of 03-05 with its labels, after 03-10 was built
    late_pred = _subset(pred, (predicted_at < SECOND_CUT) | on_late_day)
    late_labels = _subset(labels, (labeled_at < SECOND_CUT) | for_late_day)
    if not play("late_day", late_pred, late_labels):
        return story
    # 4. five predictions of 03-06 are deleted
    deleted_day = _times(late_pred, "predicted_at").dt.floor("D") == pd.Timestamp(DELETED_DAY)
    doomed = set(late_pred.frame["prediction_id"][deleted_day].iloc[:5])
    kept = _subset(late_pred, ~late_pred.frame["prediction_id"].isin(doomed))
    if not play("deleted", kept, late_labels):
        return story
    # 5. another reference: other bin edges and top categories
    play("reference", kept, late_labels, _shifted_reference(ref))
    return story


def _without_label_rows(rows: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    if table not in DRIFT_TABLES:
        return rows
    return [r for r in rows if r.get("column_role") != LABEL]


def _differences(full: Tables, incremental: Tables, table: str) -> list[str]:
    key = KEYS[table]
    want, dupes = index_rows(_without_label_rows(full[table], table), key)
    assert not dupes, report(f"duplicate rows in the full build's {table}", dupes)
    got, dupes = index_rows(_without_label_rows(incremental[table], table), key)
    if dupes:
        return [f"{table}: duplicate {k}" for k in dupes]
    missing, extra = missing_and_extra(want, got)
    problems = [f"{table}: missing {k}" for k in missing] + [f"{table}: extra {k}" for k in extra]
    columns = sorted({c for r in full[table] + incremental[table] for c in r} - SKIPPED_COLUMNS)
    return problems + [f"{table}: {p}" for p in diff_rows(want, got, columns)]


@pytest.mark.parametrize("step", STEPS[1:])
def test_an_incremental_run_equals_a_full_build(story: Story, step: str) -> None:
    """Every published table, every window (drift and outcome tables, reference rows included):
    nothing lost, nothing duplicated, nothing stale."""
    full, incremental = story.snap(f"{step}_full"), story.snap(step)
    problems = [p for table in KEYS for p in _differences(full, incremental, table)]
    assert not problems, report(f"{step}: incremental vs --full-refresh", problems)


def _prediction_counts(tables: Tables, monitor: str) -> dict[pd.Timestamp, int]:
    """monitor_data_quality's whole-population volume per window (summed over versions)."""
    counts: dict[pd.Timestamp, int] = {}
    for r in tables["monitor_data_quality"]:
        if r["monitor_name"] == monitor and r["metric_scope"] == "window" and not r["slice_key"]:
            w = ts(r["window_start"])
            assert w is not None
            counts[w] = counts.get(w, 0) + int(r["prediction_count"])
    return {w: n for w, n in counts.items() if n}


def _true_counts(scenario: Scenario, monitor: str) -> dict[pd.Timestamp, int]:
    p = prepare(scenario.monitor(monitor), scenario)
    return {pd.Timestamp(k): int(v) for k, v in p.current.groupby("__window_start").size().items()}


@pytest.mark.parametrize("grain", ["day", "hour", "week"])
def test_a_window_filled_across_two_runs_is_complete_after_the_second(
    story: Story, grain: str
) -> None:
    monitor = f"{PREFIX}_{grain}"
    straddling = pd.Timestamp(FIRST_CUT).floor({"day": "D", "hour": "h"}.get(grain, "D"))
    if grain == "week":
        straddling = pd.Timestamp(FIRST_CUT.date()) - pd.Timedelta(days=FIRST_CUT.weekday())
    first = _prediction_counts(story.snap("partial"), monitor)
    second = _prediction_counts(story.snap("straddle"), monitor)
    assert first == _true_counts(story.data["partial"], monitor)
    assert second == _true_counts(story.data["straddle"], monitor)
    assert 0 < first[straddling] < second[straddling], (first.get(straddling), straddling)


@pytest.mark.parametrize("grain", ["day", "hour"])
def test_a_late_day_beyond_the_lookback_is_taken_in(story: Story, grain: str) -> None:
    monitor = f"{PREFIX}_{grain}"
    before = _prediction_counts(story.snap("straddle"), monitor)
    after = _prediction_counts(story.snap("late_day"), monitor)
    late = {w: n for w, n in after.items() if w.floor("D") == pd.Timestamp(LATE_DAY)}
    assert late and not set(late) & set(before), "03-05 was there before it arrived"
    assert after == _true_counts(story.data["late_day"], monitor)
    scenario = story.data["late_day"]
    spec = scenario.monitor(monitor)
    assert isinstance(spec, OutcomeMonitor)
    label_of = latest_labels(spec, scenario)
    frame = scenario.tables[spec.predictions].frame
    stamps = window_start(pd.Series(pd.to_datetime(frame["predicted_at"].tolist())), grain)
    with_labels = {
        pd.Timestamp(w)
        for w, pid in zip(stamps, frame["prediction_id"], strict=True)
        if w in late and label_of.get(pid) is not None
    }
    assert with_labels, "the late day has no label"
    labeled = {
        ts(r["window_start"])
        for r in story.snap("late_day")["monitor_performance"]
        if r["monitor_name"] == monitor
        and r["window_kind"] == "current"
        and r["metric_name"] == "accuracy"
        and r["metric_source"] == "realized"
        and r["labeled_count"]
    }
    assert with_labels == labeled & set(late), "03-05's labels were not counted"


def test_deleted_rows_are_taken_out(story: Story) -> None:
    monitor = f"{PREFIX}_day"
    before = _prediction_counts(story.snap("late_day"), monitor)
    after = _prediction_counts(story.snap("deleted"), monitor)
    day = pd.Timestamp(DELETED_DAY)
    assert after[day] == before[day] - 5
    assert after == _true_counts(story.data["deleted"], monitor)


def _edges(tables: Tables, column: str) -> dict[str, list[Any]]:
    edges: dict[str, list[Any]] = {}
    for r in sorted(tables["monitor_reference_bins"], key=lambda r: int(r["bin_index"])):
        if r["column_name"] == column and r["bin_type"] == "range":
            edges.setdefault(r["monitor_name"], []).append(r["upper_bound"])
    return edges


def test_a_new_reference_moves_the_bin_edges_and_rebins_every_window(story: Story) -> None:
    before, after = story.snap("deleted"), story.snap("reference")
    for column in (ORDER_AMOUNT, "score"):
        old, new = _edges(before, column), _edges(after, column)
        assert old.keys() == new.keys() and all(old[m] != new[m] for m in old), column
    old_plan = {r["category"] for r in before["monitor_reference_bins"] if r["category"]}
    new_plan = {r["category"] for r in after["monitor_reference_bins"] if r["category"]}
    assert old_plan != new_plan, "the top categories did not change"
    scenario = story.data["reference"]
    for monitor in scenario.monitors:
        want = expected_reference_bins(prepare(monitor, scenario))
        got, _ = index_rows(
            [r for r in after["monitor_reference_bins"] if r["monitor_name"] == monitor.name],
            bins_key,
        )
        missing, extra = missing_and_extra(want, got)
        assert not missing and not extra, (missing[:5], extra[:5])
        fields = ["bin_type", "lower_bound", "upper_bound", "category", "reference_count"]
        problems = diff_rows(want, got, fields)
        assert not problems, report(f"{monitor.name}: bins of the new reference", problems)
    for monitor in scenario.monitors:
        versions, old_versions = (
            {
                r["reference_version"]
                for t in TABLES
                for r in tables[t]
                if r["monitor_name"] == monitor.name
            }
            for tables in (after, before)
        )
        assert len(versions) == 1 and not versions & old_versions, monitor.name


@pytest.mark.parametrize("step", ["straddle", "late_day", "reference"])
def test_incremental_tables_equal_the_reference_implementation(story: Story, step: str) -> None:
    """Drift tables against numpy/scipy, performance against sklearn, after incremental runs."""
    tables, scenario = story.snap(step), story.data[step]
    want = expected_tables(scenario)
    checks = distribution_and_drift_checks(want)
    for table, key, everything, fields in checks:
        expected = {k: v for k, v in everything.items() if LABEL not in k}
        rows = _without_label_rows(tables[table], table)
        assert_rows_match(f"{step}: {table}", expected, rows, key, fields,
                          abs_tol={"js_distance": js_conditioning})  # fmt: skip
    performance = expected_outcomes(scenario).performance
    got = index_actual(tables["monitor_performance"], performance_key)
    missing = sorted(performance.keys() - got.keys(), key=repr)
    extra = sorted(got.keys() - performance.keys(), key=repr)
    assert not missing and not extra, (missing[:10], extra[:10])
    problems = diff_performance(performance, got)
    assert not problems, report(f"{step}: monitor_performance vs sklearn", problems)


def test_the_package_data_tests_pass_in_every_step(story: Story) -> None:
    story.snap(f"{STEPS[-1]}_full")
    assert not story.failed_tests, story.failed_tests
