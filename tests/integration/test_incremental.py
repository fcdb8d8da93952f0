"""Incremental runs: no-op re-runs, new days, late rows, --full-refresh, reference changes.

One module-scoped fixture plays the whole story once per engine and keeps a snapshot of every
table after each step; each test then checks one promise of docs/design.md on those snapshots.
Every engine plays every step (nine builds of the drift tables); Spark, at about a minute a
build, plays them in its full suite and the first four (up to new_day_full) in the subset CI runs.
Late rows are taken in wherever they land: mm_window_state remembers each window's prediction
count, and a window whose count changed is recomputed even beyond lookback_windows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

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
from .data import Scenario, Table, make_churn_only
from .dbt_runner import DRIFT_MODELS, TABLES, DbtProject
from .loaders import Warehouse
from .reference_impl import (
    expected_reference_bins,
    expected_tables,
    prepare,
    window_spine,
)
from .test_drift import distribution_and_drift_checks, js_conditioning

MONITOR = "inc"
NEW_DAY = dt.datetime(2024, 3, 9)  # appended in step 3; the initial load ends on 2024-03-08
LATE_OLD = dt.datetime(2024, 3, 5, 12)  # a late row before the lookback cutoff of step 4
LATE_RECENT = dt.datetime(2024, 3, 8, 12)  # a late row inside it (cutoff = 03-09 - 1 day)
# Added to reference_count of the NULL buckets between runs: a rewrite of the bins drops it.
# (Nothing downstream reads the NULL bucket's reference count, and it keeps the package's own
# data tests green, which a NULL-bucket share or a bin label would not.)
SENTINEL = 1_000_000

pytestmark = pytest.mark.engines("duckdb", "postgres", "spark")
# Spark plays the steps after new_day_full in its full suite only (see the docstring).
LATER = pytest.mark.spark_full
# The drift tables, their parents, and the window state the next run compares its counts with.
SELECT = (*DRIFT_MODELS, "mm_window_state")

KEYS: dict[str, Callable[[dict[str, Any]], tuple]] = {
    "monitor_reference_bins": bins_key,
    "monitor_distributions": distribution_key,
    "monitor_drift": drift_key,
    "monitor_data_quality": lambda r: (r.get("window_kind"), r["metric_scope"], *quality_key(r)),
}

Tables = dict[str, list[dict[str, Any]]]


@dataclass
class Story:
    """Snapshots of every table after each step, and what each step loaded."""

    engine: str
    snapshots: dict[str, Tables] = field(default_factory=dict)
    data: dict[str, Scenario] = field(default_factory=dict)
    xmins: dict[str, list[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    failed_tests: dict[str, list[str]] = field(default_factory=dict)

    def snap(self, step: str) -> Tables:
        """The tables after `step` (fails the test if that step's build failed)."""
        return snapshot_after(self.snapshots, self.failures, step)


def _subset(table: Table, keep: pd.Series) -> Table:
    return Table(table.name, table.columns, table.frame[keep.to_numpy(dtype=bool)].copy())


def _concat(table: Table, more: pd.DataFrame) -> Table:
    frame = pd.concat([table.frame, more], ignore_index=True).astype(object)
    return Table(table.name, table.columns, frame)


def _with_tables(scenario: Scenario, *tables: Table) -> Scenario:
    return replace(scenario, tables={**scenario.tables, **{t.name: t for t in tables}})


def _late_rows(pred: Table, labels: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies of one row of 03-05 and one of 03-08, with new ids and timestamps, + labels."""
    rows = []
    for i, when in enumerate((LATE_OLD, LATE_RECENT)):
        day = pd.to_datetime(pred.frame["predicted_at"].tolist()).floor("D") == when.replace(hour=0)
        row = pred.frame[day].iloc[0].copy()
        row["prediction_id"] = f"late-{i}"
        row["predicted_at"] = when
        rows.append(row)
    more_pred = pd.DataFrame(rows).astype(object)
    more_labels = pd.DataFrame(
        {
            "prediction_id": ["late-0", "late-1"],
            "label": ["1", "0"],
            "labeled_at": [NEW_DAY, NEW_DAY],
        }
    ).astype(object)
    return more_pred, more_labels


def _tamper(wh: Warehouse) -> None:
    bins = wh.relation("monitor_reference_bins")
    if wh.engine != "spark":
        wh.execute(
            f"update {bins} set reference_count = reference_count + {SENTINEL} where bin_index = 0"
        )
        return
    # Spark tables without Delta take no UPDATE: rewrite the table through a copy.
    copy = wh.relation("mm_tampered_bins")
    select = ", ".join(
        f"case when bin_index = 0 then reference_count + {SENTINEL} else reference_count end "
        "as reference_count"
        if c == "reference_count"
        else wh.quote(c)
        for c in wh.columns(bins)
    )
    wh.execute(f"drop table if exists {copy}")
    wh.execute(f"create table {copy} as select {select} from {bins}")
    wh.execute(f"insert overwrite table {bins} select * from {copy}")
    wh.execute(f"drop table {copy}")


def _xmins(wh: Warehouse) -> list[str]:
    if wh.engine != "postgres":
        return []
    rows = wh.query(
        f"select xmin::text as x, monitor_name, column_name, bin_index "
        f"from {wh.relation('monitor_reference_bins')} order by 2, 3, 4"
    )
    return [str(r) for r in rows]


@pytest.fixture(scope="module")
def story(
    warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory, spark_full_suite: bool
) -> Story:
    """Run the steps; a failed build ends the story (later tests then fail on its output)."""
    wh = warehouse
    project = DbtProject(wh, Path(tmp_path_factory.mktemp(f"dbt_incremental_{wh.engine}")))
    full = make_churn_only(seed=11, n_pred=500, n_ref=300, prefix=MONITOR)
    pred, labels, ref = (
        full.tables[f"{MONITOR}_{k}"] for k in ("predictions", "labels", "reference")
    )
    when = pd.to_datetime(pred.frame["predicted_at"].tolist())
    before = pd.Series(when < NEW_DAY)
    on_new_day = pd.Series((when >= NEW_DAY) & (when < NEW_DAY + dt.timedelta(days=1)))
    story = Story(wh.engine)
    dbt_vars = full.dbt_vars(wh.raw_schema)

    def build(step: str, *extra: str) -> bool:
        res = project.build(dbt_vars, *extra, select=SELECT)
        if res.failed_tests:
            story.failed_tests[step] = res.failed_tests
        if not res.models_ok:
            story.failures.append(f"{step}: dbt build {' '.join(extra)} failed:\n{res.tail()}")
            return False
        story.snapshots[step] = project.read(res)
        return True

    # 1. the first days; 2. again, nothing new (the bins carry a sentinel in between)
    initial = _with_tables(full, _subset(pred, before))
    wh.load(initial.tables.values())
    story.data["initial"] = initial
    if not build("initial"):
        return story
    _tamper(wh)
    story.xmins["initial"] = _xmins(wh)
    if not build("rerun"):
        return story
    story.xmins["rerun"] = _xmins(wh)

    # 3. a new day arrives; then the same data rebuilt from scratch
    new_day = _subset(pred, on_new_day)
    wh.append(pred, new_day.rows())
    story.data["new_day"] = _with_tables(full, _subset(pred, before | on_new_day))
    if not build("new_day"):
        return story
    story.xmins["new_day"] = _xmins(wh)
    if not build("new_day_full", "--full-refresh"):
        return story
    if wh.engine == "spark" and not spark_full_suite:
        return story

    # 4. late rows: one before the lookback cutoff, one inside it; 5. --full-refresh
    _tamper(wh)
    story.xmins["before_late"] = _xmins(wh)
    more_pred, more_labels = _late_rows(pred, labels)
    wh.append(pred, list(more_pred.itertuples(index=False, name=None)))
    wh.append(labels, list(more_labels.itertuples(index=False, name=None)))
    late = story.data["new_day"]
    story.data["late"] = _with_tables(
        late, _concat(late.tables[pred.name], more_pred), _concat(labels, more_labels)
    )
    if not build("late"):
        return story
    story.xmins["late"] = _xmins(wh)
    if not build("late_full", "--full-refresh"):
        return story

    # 6. the reference changes (more rows); then the same rebuilt from scratch
    _tamper(wh)
    grown = _concat(ref, ref.frame.iloc[:25])
    wh.load([grown])
    story.data["reference"] = _with_tables(story.data["late"], grown)
    if not build("reference"):
        return story
    if not build("reference_full", "--full-refresh"):
        return story

    # 7. only reference.version changes
    _tamper(wh)
    monitor = replace(
        full.monitors[0], reference=replace(full.monitors[0].reference, version="v-next")
    )
    dbt_vars = replace(full, monitors=[monitor]).dbt_vars(wh.raw_schema)
    build("version")
    return story


def _index(tables: Tables, table: str) -> dict[tuple, dict[str, Any]]:
    rows, dupes = index_rows(tables[table], KEYS[table])
    assert not dupes, report(f"duplicate rows in {table}", dupes)
    return rows


def _untamper(tables: Tables) -> Tables:
    """The tables with the sentinel taken out again."""
    out = dict(tables)
    out["monitor_reference_bins"] = [
        {**r, "reference_count": r["reference_count"] - SENTINEL}
        if r["bin_index"] == 0 and r["reference_count"] >= SENTINEL
        else r
        for r in tables["monitor_reference_bins"]
    ]
    return out


def _assert_table_equal(expected: Tables, actual: Tables, table: str, what: str) -> None:
    e, a = _index(expected, table), _index(actual, table)
    missing, extra = missing_and_extra(e, a)
    assert not missing, report(f"{what}: {table} rows missing", missing)
    assert not extra, report(f"{what}: {table} rows extra", extra)
    columns = sorted({c for r in expected[table] + actual[table] for c in r})
    problems = diff_rows(e, a, columns)
    assert not problems, report(f"{what}: {table} differs", problems)


def _assert_equal(expected: Tables, actual: Tables, what: str) -> None:
    for table in TABLES:
        _assert_table_equal(expected, actual, table, what)


def _sentinels(tables: Tables) -> list[bool]:
    return [
        r["reference_count"] >= SENTINEL
        for r in tables["monitor_reference_bins"]
        if r["bin_index"] == 0
    ]


def _population_counts(tables: Tables) -> dict[tuple, Any]:
    return {
        (ts(r["window_start"]), r["model_version"]): r["prediction_count"]
        for r in tables["monitor_data_quality"]
        if r["metric_scope"] == "window"
        and r["slice_key"] is None
        and r.get("window_kind") != "reference"
        and r["prediction_count"]
    }


def _pandas_counts(scenario: Scenario) -> dict[tuple, int]:
    p = prepare(scenario.monitor(MONITOR), scenario)
    return {k: int(v) for k, v in p.current.groupby(["__window_start", "__version"]).size().items()}


@pytest.mark.parametrize(
    "step",
    [
        "initial",
        "rerun",
        "new_day",
        "new_day_full",
        *(
            pytest.param(step, marks=LATER)
            for step in ("late", "late_full", "reference", "reference_full", "version")
        ),
    ],
)
def test_no_duplicates_after_any_run(story: Story, step: str) -> None:
    tables = story.snap(step)
    for table in TABLES:
        _index(tables, table)
        assert tables[table], f"{table} is empty after {step}"


def test_a_rerun_without_new_data_changes_no_row(story: Story) -> None:
    initial = story.snap("initial")
    tampered = dict(initial)
    tampered["monitor_reference_bins"] = [
        {**r, "reference_count": r["reference_count"] + SENTINEL} if r["bin_index"] == 0 else r
        for r in initial["monitor_reference_bins"]
    ]
    _assert_equal(tampered, story.snap("rerun"), "rerun vs first run")


@pytest.mark.parametrize("step", ["rerun", "new_day", pytest.param("late", marks=LATER)])
def test_unchanged_reference_leaves_bins_untouched(story: Story, step: str) -> None:
    """The sentinel written into the bins survives runs with an unchanged reference (and on
    PostgreSQL the rows keep their xmin: they were not rewritten)."""
    assert all(_sentinels(story.snap(step))), f"bins were rewritten in step {step}"
    if story.engine == "postgres":
        before = "before_late" if step == "late" else "initial"
        assert story.xmins[before] == story.xmins[step]


def test_a_new_day_leaves_the_tables_equal_to_a_full_build(story: Story) -> None:
    _assert_equal(
        story.snap("new_day_full"),
        _untamper(story.snap("new_day")),
        "incremental vs --full-refresh after a new day",
    )


def test_a_new_day_is_counted(story: Story) -> None:
    got = _population_counts(story.snap("new_day"))
    want = _pandas_counts(story.data["new_day"])
    assert {k: got.get(k) for k in want} == want
    assert any(k[0] == pd.Timestamp(NEW_DAY) for k in got)


@LATER
def test_late_rows_update_their_windows_even_beyond_the_lookback(story: Story) -> None:
    """03-08 lies in the lookback (cutoff = last stored window 03-09 - 1 day); 03-05 lies beyond
    it, yet its prediction count changed since the last run (mm_window_state), so it is
    recomputed too: every table equals a full build on the same data."""
    before = _population_counts(story.snap("new_day_full"))
    after = _population_counts(story.snap("late"))
    truth = _pandas_counts(story.data["late"])
    for day in (LATE_OLD, LATE_RECENT):
        keys = [k for k in truth if k[0] == pd.Timestamp(day.date())]
        assert sum(truth[k] for k in keys) == sum(before[k] for k in keys) + 1  # a late row
        assert {k: after.get(k) for k in keys} == {k: truth[k] for k in keys}, day.date()
    _assert_equal(
        story.snap("late_full"),
        _untamper(story.snap("late")),
        "incremental vs --full-refresh after late rows",
    )


def test_full_refresh_rebuilds_the_bins(story: Story) -> None:
    assert not any(_sentinels(story.snap("new_day_full"))), "--full-refresh kept the old bins"


@LATER
def test_full_refresh_rebuilds_every_window(story: Story) -> None:
    full = _population_counts(story.snap("late_full"))
    truth = _pandas_counts(story.data["late"])
    assert {k: full.get(k) for k in truth} == truth


@LATER
def test_a_changed_reference_rebins_and_recomputes_every_window(story: Story) -> None:
    changed = story.snap("reference")
    assert not any(_sentinels(changed)), "bins not rebuilt after the reference changed"
    old_versions = {r["reference_version"] for t in TABLES for r in story.snap("late_full")[t]}
    new_versions = {r["reference_version"] for t in TABLES for r in changed[t]}
    assert len(new_versions) == 1 and not new_versions & old_versions, (old_versions, new_versions)
    _assert_equal(
        story.snap("reference_full"),
        changed,
        "incremental vs --full-refresh after the reference changed",
    )


@LATER
def test_rebuilt_bins_equal_a_recount_of_the_new_reference(story: Story) -> None:
    scenario = story.data["reference"]
    want = expected_reference_bins(prepare(scenario.monitor(MONITOR), scenario))
    got = _index(story.snap("reference"), "monitor_reference_bins")
    fields = [
        "bin_type",
        "lower_bound",
        "upper_bound",
        "category",
        "reference_count",
        "reference_share",
    ]
    missing, extra = missing_and_extra(want, got)
    assert not missing and not extra, (missing[:5], extra[:5])
    problems = diff_rows(want, got, fields)
    assert not problems, report("bins after the reference changed", problems)


@LATER
def test_a_new_reference_version_forces_rebinning(story: Story) -> None:
    tables = story.snap("version")
    assert not any(_sentinels(tables)), "bins not rebuilt after reference.version changed"
    before = {
        r["reference_version"] for r in story.snap("reference_full")["monitor_reference_bins"]
    }
    after = {r["reference_version"] for r in tables["monitor_reference_bins"]}
    assert before.isdisjoint(after)


@LATER
def test_the_story_covers_an_empty_window(story: Story) -> None:
    scenario = story.data["late"]
    p = prepare(scenario.monitor(MONITOR), scenario)
    assert set(window_spine(p)) - set(p.current["__window_start"])


@LATER
def test_the_package_data_tests_pass_in_every_step(story: Story) -> None:
    story.snap("version")
    assert not story.failed_tests, story.failed_tests


@pytest.mark.parametrize("step", ["new_day", pytest.param("reference", marks=LATER)])
def test_incremental_tables_equal_the_reference_implementation(story: Story, step: str) -> None:
    """After an incremental append (and after a reference change), with the default epsilon."""
    tables = _untamper(story.snap(step))
    want = expected_tables(story.data[step])
    checks = [
        (
            "monitor_reference_bins",
            bins_key,
            want.reference_bins,
            [
                "bin_type",
                "lower_bound",
                "upper_bound",
                "category",
                "reference_count",
                "reference_share",
            ],
        ),
        *distribution_and_drift_checks(want),
    ]
    for table, key, expected, fields in checks:
        assert_rows_match(f"{step}: {table}", expected, tables[table], key, fields,
                          abs_tol={"js_distance": js_conditioning})  # fmt: skip
