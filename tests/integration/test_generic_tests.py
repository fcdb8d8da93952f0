"""The package's generic dbt tests on the demo's tables: which pass, fail or warn, on which rows.

A user's project cannot patch the package's models a second time (they already have a schema.yml
entry), so, as docs/dbt_tests.md recommends, the checks hang on one-line ephemeral models
`<table>_checked` that select from the package's tables. Every check's failing rows (stored with
`--store-failures`) are compared with a pandas recomputation from the same tables, so a check
passes only where pandas finds nothing to report and fails with exactly the rows pandas finds.
DuckDB uses the demo's own file; PostgreSQL and Spark (MM_ENGINES=postgres,spark; Spark in the
full suite only, a build of the demo there costs minutes) get the demo's raw tables copied over
and build everything there.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml

from model_monitor.demo import run_demo

from .data import DOUBLE, TEXT, TIMESTAMP, Table
from .loaders import BIGINT, BOOLEAN, Warehouse

pytestmark = [pytest.mark.engines("duckdb", "postgres", "spark"), pytest.mark.spark_full]

ROWS, DAYS, SEED = 20_000, 21, 3
TABLES = ("monitor_drift", "monitor_data_quality", "monitor_performance", "monitor_label_coverage")
ROW_KEY = ["monitor_name", "window_start", "model_version", "slice_key", "slice_value"]
LOWER_IS_BETTER = {"log_loss", "brier_score", "expected_calibration_error", "false_positive_rate",
                   "mae", "mse", "rmse", "mape"}  # fmt: skip
FEATURES_ONLY = "column_role = 'feature'"

Frames = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Check:
    """One generic test as a user attaches it, and the outcome dbt must report."""

    name: str
    test: str
    table: str
    arguments: dict[str, Any]
    status: str  # pass | fail | warn | error
    config: dict[str, Any] = field(default_factory=dict)
    error: str = ""  # status error: a fragment of dbt's message


CHECKS = [
    # Drift: the injected drift moves monthly_charges, not tenure_months.
    Check(
        "psi_monthly_charges",
        "expect_psi_below",
        "monitor_drift",
        {"threshold": 0.25, "monitor": "churn", "columns": ["monthly_charges"]},
        "fail",
    ),
    Check(
        "psi_tenure_months",
        "expect_psi_below",
        "monitor_drift",
        {"threshold": 0.25, "monitor": "churn", "columns": ["tenure_months"]},
        "pass",
    ),
    Check(
        "psi_churn_with_slices",
        "expect_psi_below",
        "monitor_drift",
        {"threshold": 0.25, "monitor": "churn", "include_slices": True},
        "warn",
        {"severity": "warn"},
    ),
    Check(
        "ks_features_every_window",
        "expect_drift_statistic_below",
        "monitor_drift",
        {"statistic": "ks_statistic", "threshold": 0.1, "latest_only": False},
        "warn",
        {"where": FEATURES_ONLY, "warn_if": ">0", "error_if": ">1000"},
    ),
    Check(
        "wasserstein_eta_features",
        "expect_drift_statistic_below",
        "monitor_drift",
        {
            "statistic": "wasserstein_normed",
            "threshold": 0.5,
            "monitor": "delivery_eta",
            "columns": ["distance_km", "items", "predicted_minutes"],
        },
        "pass",
    ),
    Check(
        "js_distance_eta",
        "expect_drift_statistic_below",
        "monitor_drift",
        {"statistic": "js_distance", "threshold": 0.25, "monitor": "delivery_eta"},
        "fail",
    ),
    # Data quality: a NULL burst in tenure_months mid-period, an unseen country, an outage.
    Check(
        "null_rate_tenure_every_window",
        "expect_null_rate_below",
        "monitor_data_quality",
        {"threshold": 0.2, "monitor": "churn", "columns": ["tenure_months"], "latest_only": False},
        "fail",
    ),
    Check(
        "null_rate_features_latest",
        "expect_null_rate_below",
        "monitor_data_quality",
        {"threshold": 0.2, "columns": ["tenure_months", "monthly_charges", "plan", "country"]},
        "pass",
    ),
    Check(
        "unseen_country",
        "expect_unseen_category_share_below",
        "monitor_data_quality",
        {"threshold": 0.01, "monitor": "churn", "columns": ["country"]},
        "fail",
    ),
    # The outage is a known failure: kept, and inverted (exactly one failing window passes).
    Check(
        "volume_outage_is_known",
        "expect_prediction_volume_above",
        "monitor_data_quality",
        {"min_count": 500, "monitor": "churn", "latest_only": False},
        "pass",
        {"warn_if": "!=1", "error_if": "!=1"},
    ),
    Check(
        "volume_latest",
        "expect_prediction_volume_above",
        "monitor_data_quality",
        {"min_count": 100},
        "pass",
    ),
    # Performance: concept drift lowers accuracy; the regression's error grows after the drift.
    Check(
        "accuracy_floor_every_window",
        "expect_performance_above",
        "monitor_performance",
        {"metric_name": "accuracy", "floor": 0.7, "min_labeled_count": 100, "latest_only": False},
        "fail",
    ),
    Check(
        "estimated_accuracy_latest",
        "expect_performance_above",
        "monitor_performance",
        {"metric_name": "accuracy", "floor": 0.7, "metric_source": "estimated"},
        "warn",
        {"severity": "warn"},
    ),
    Check(
        "accuracy_drop_with_slices",
        "expect_performance_drop_below",
        "monitor_performance",
        {
            "metric_name": "accuracy",
            "threshold": 0.04,
            "min_labeled_count": 100,
            "include_slices": True,
            "latest_only": False,
        },
        "fail",
    ),
    Check(
        "rmse_relative_rise",
        "expect_performance_drop_below",
        "monitor_performance",
        {
            "metric_name": "rmse",
            "threshold": 0.2,
            "relative": True,
            "monitor": "delivery_eta",
            "latest_only": False,
        },
        "fail",
    ),
    Check(
        "rmse_ceiling_latest",
        "expect_performance_below",
        "monitor_performance",
        {"metric_name": "rmse", "threshold": 8, "monitor": "delivery_eta"},
        "pass",
    ),
    # Labels arrive late: settled windows are covered, the last few are not yet.
    Check(
        "label_coverage_settled",
        "expect_label_coverage_above",
        "monitor_label_coverage",
        {"floor": 0.5, "monitor": "churn"},
        "pass",
    ),
    Check(
        "label_coverage_recent",
        "expect_label_coverage_above",
        "monitor_label_coverage",
        {"floor": 0.5, "min_age_windows": 3, "monitor": "churn"},
        "fail",
    ),
    # Names are checked against the monitors' configuration when the test runs.
    Check(
        "misspelt_column",
        "expect_psi_below",
        "monitor_drift",
        {"threshold": 0.25, "monitor": "churn", "columns": ["monthly_charge"]},
        "error",
        error="`columns`: 'monthly_charge' is not a monitored column of monitor 'churn'",
    ),
    Check(
        "unknown_monitor",
        "expect_label_coverage_above",
        "monitor_label_coverage",
        {"floor": 0.5, "monitor": "churm"},
        "error",
        error="argument `monitor`: expected one of churn, delivery_eta; got 'churm'",
    ),
]

# Arguments with a wrong type or value stop `dbt parse`, naming the test, argument and value.
PARSE_ERRORS = [
    Check("unknown_statistic", "expect_drift_statistic_below", "monitor_drift",
          {"statistic": "energy_distance", "threshold": 0.1}, "error",
          error="argument `statistic`: expected one of psi, chi_square,"),
    Check("missing_threshold", "expect_null_rate_below", "monitor_data_quality", {}, "error",
          error="argument `threshold`: expected a number; got None"),
    Check("text_floor", "expect_label_coverage_above", "monitor_label_coverage",
          {"floor": "half"}, "error", error="argument `floor`: expected a number; got half"),
    Check("columns_not_a_list", "expect_null_rate_below", "monitor_data_quality",
          {"threshold": 0.1, "columns": "age"}, "error",
          error="argument `columns`: expected a non-empty list of column names; got age"),
    Check("lower_is_better_floor", "expect_performance_above", "monitor_performance",
          {"metric_name": "rmse", "floor": 5}, "error",
          error="argument `metric_name`: rmse is lower-is-better; use expect_performance_below"),
    Check("unknown_source", "expect_performance_drop_below", "monitor_performance",
          {"metric_name": "f1", "threshold": 0.1, "metric_source": "cbpe"}, "error",
          error="argument `metric_source`: expected one of realized, estimated; got cbpe"),
]  # fmt: skip


# ---- the project: checked models and the schema.yml a user would write ----------------------


def checked_model(table: str) -> str:
    """The user's one-line model a check hangs on."""
    return f"{table}_checked"


def write_checks(project_dir: Path, checks: list[Check]) -> None:
    """One ephemeral model per checked table and a schema.yml attaching the checks to them."""
    folder = project_dir / "models" / "checks"
    folder.mkdir(parents=True, exist_ok=True)
    models = []
    for table in TABLES:
        (folder / f"{checked_model(table)}.sql").write_text(
            "{{ config(materialized='ephemeral') }}\n"
            f"select * from {{{{ ref('model_monitor', '{table}') }}}}\n",
            encoding="utf-8",
        )
        tests = [
            {
                f"model_monitor.{c.test}": {
                    "name": c.name,
                    "arguments": c.arguments,
                    **({"config": c.config} if c.config else {}),
                }
            }
            for c in checks
            if c.table == table
        ]
        models.append({"name": checked_model(table), "data_tests": tests})
    (folder / "schema.yml").write_text(
        yaml.safe_dump({"version": 2, "models": models}, sort_keys=False), encoding="utf-8"
    )


@dataclass(frozen=True)
class CheckOutcome:
    """What dbt reported for one check."""

    status: str
    failures: int | None
    message: str
    relation: str | None  # where --store-failures put the failing rows


def invoke_dbt(args: list[str], log_dir: Path) -> Any:
    """Run dbt in-process; return the runner's result."""
    from dbt.cli.main import dbtRunner

    flags = ["--log-level", "none", "--log-level-file", "debug", "--log-path", str(log_dir)]
    return dbtRunner().invoke([args[0], *flags, *args[1:]])


def run_checks(project_dir: Path, profiles_dir: Path) -> dict[str, CheckOutcome]:
    """`dbt test` of the user's checks only, failing rows stored; outcomes by test name."""
    result = invoke_dbt(
        ["test", "--project-dir", str(project_dir), "--profiles-dir", str(profiles_dir),
         "--select", "path:models/checks", "--store-failures"],
        project_dir / "logs",
    )  # fmt: skip
    assert result.exception is None, result.exception
    outcomes = {}
    for r in result.result.results:
        outcomes[r.node.name] = CheckOutcome(
            status=str(r.status),
            failures=r.failures,
            message=str(r.message or ""),
            relation=getattr(r.node, "relation_name", None),
        )
    return outcomes


# ---- engines ----------------------------------------------------------------------------------


@dataclass
class Run:
    """The checks' outcomes on one engine and the tables they read, as pandas frames."""

    outcomes: dict[str, CheckOutcome]
    tables: Frames
    warehouse: Warehouse

    def failing_rows(self, name: str) -> pd.DataFrame:
        """The rows a check stored as failures."""
        relation = self.outcomes[name].relation
        assert relation, f"{name}: no stored failures relation"
        return frame(self.warehouse.query(f"select * from {relation}"))


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as a DataFrame with timestamps as pandas timestamps."""
    df = pd.DataFrame(rows)
    for column in ("window_start", "window_end"):
        if column in df:
            df[column] = pd.to_datetime(df[column])
    return df


def read_tables(warehouse: Warehouse) -> Frames:
    """The monitor tables the checks read."""
    return {t: frame(warehouse.query(f"select * from {warehouse.relation(t)}")) for t in TABLES}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo built on DuckDB (its project, profile and file)."""
    return run_demo(
        tmp_path_factory.mktemp("demo"), rows=ROWS, days=DAYS, seed=SEED, echo=lambda _: None
    )


@pytest.fixture(scope="module")
def run(
    engine: str,
    demo: Any,
    tmp_path_factory: pytest.TempPathFactory,
    make_warehouse: Callable[[str, str], Warehouse],
) -> Iterator[Run]:
    """The checks run on `engine` over the demo's tables."""
    if engine == "duckdb":
        write_checks(demo.project_dir, CHECKS)
        outcomes = run_checks(demo.project_dir, demo.profiles_dir)
        warehouse = Warehouse("duckdb", "main", duckdb_path=demo.duckdb_path)
        yield Run(outcomes, read_tables(warehouse), warehouse)
        return
    warehouse = make_warehouse(engine, "generic_tests")
    try:
        project_dir = engine_project(demo, warehouse, tmp_path_factory.mktemp(f"{engine}_project"))
        outcomes = run_checks(project_dir, project_dir)
        yield Run(outcomes, read_tables(warehouse), warehouse)
    finally:  # the stored failures live beside the warehouse's own schemas
        audit = f"{warehouse.schema}_dbt_test__audit"
        warehouse.execute(f"drop schema if exists {warehouse.quote(audit)} cascade")


NOT_COPIED = ("target", "logs", "dbt_packages", "checks")
# The demo's DuckDB column types as the loader's kinds (INTEGER widens to bigint: values unchanged).
DUCKDB_KINDS = {"VARCHAR": TEXT, "BIGINT": BIGINT, "INTEGER": BIGINT, "DOUBLE": DOUBLE,
                "TIMESTAMP": TIMESTAMP, "BOOLEAN": BOOLEAN}  # fmt: skip


def copy_raw_tables(demo: Any, warehouse: Warehouse) -> None:
    """The demo's raw tables, with their values as DuckDB holds them, into the raw schema."""
    tables = []
    # read-write, as dbt-duckdb may hold it open in this process (read-only would conflict)
    with duckdb.connect(str(demo.duckdb_path)) as source:
        names = source.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
        for (name,) in names:
            described = source.execute(f'describe raw."{name}"').fetchall()
            columns = {c[0]: DUCKDB_KINDS[c[1]] for c in described}
            rows = source.execute(f'select * from raw."{name}"').fetchall()
            frame = pd.DataFrame(rows, columns=list(columns), dtype=object)
            tables.append(Table(name, columns, frame))
    warehouse.load(tables)


def profile_output(warehouse: Warehouse) -> dict[str, Any]:
    """The dbt profile output that reaches the warehouse's own schema."""
    if warehouse.engine == "spark":  # the test process's SparkSession (integration/spark.py)
        return {"type": "spark", "method": "session", "host": "NA", "schema": warehouse.schema,
                "threads": 1,
                "server_side_parameters": {"spark.sql.session.timeZone": "UTC"}}  # fmt: skip
    pg = warehouse.pg
    assert pg is not None
    return {"type": "postgres", "host": pg.host, "port": pg.port, "user": pg.user,
            "password": pg.password, "dbname": pg.database, "schema": warehouse.schema,
            "threads": 4}  # fmt: skip


def engine_project(demo: Any, warehouse: Warehouse, workdir: Path) -> Path:
    """The demo's raw tables copied into the warehouse and its project built there."""
    copy_raw_tables(demo, warehouse)
    project_dir = workdir / "project"
    shutil.copytree(demo.project_dir, project_dir, ignore=shutil.ignore_patterns(*NOT_COPIED))
    config = project_dir / "dbt_project.yml"
    text = re.sub(r"(?<=: )raw\.", f"{warehouse.raw_schema}.", config.read_text(encoding="utf-8"))
    config.write_text(text, encoding="utf-8")
    write_checks(project_dir, CHECKS)
    output = profile_output(warehouse)
    profile = {"model_monitor_demo": {"target": "test", "outputs": {"test": output}}}
    (project_dir / "profiles.yml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    common = ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    for command in (["deps"], ["run"]):
        result = invoke_dbt([*command, *common], project_dir / "logs")
        assert result.success, (command, result.exception, project_dir / "logs")
    return project_dir


# ---- the reference: each check's failing rows recomputed with pandas ---------------------------


def judged(check: Check, rows: pd.DataFrame) -> pd.DataFrame:
    """The rows a check judges: current windows, its monitor, columns, slices and window age."""
    args = check.arguments
    rows = rows[rows.window_kind == "current"]
    if args.get("monitor"):
        rows = rows[rows.monitor_name == args["monitor"]]
    latest = rows.groupby("monitor_name").window_start.transform("max")
    age = (latest - rows.window_start) / (rows.window_end - rows.window_start)
    keep = pd.Series(True, index=rows.index)
    if not args.get("include_slices", False):
        keep &= rows.slice_key.isna()
    if args.get("columns"):
        keep &= rows.column_name.isin(args["columns"])
    if check.test == "expect_label_coverage_above":
        keep &= age >= args.get("min_age_windows", 7)
    elif args.get("latest_only", True):
        keep &= rows.window_start == latest
    return rows[keep]


def performance_rows(check: Check, perf: pd.DataFrame) -> pd.DataFrame:
    """Rows of the check's metric and source."""
    args = check.arguments
    source = args.get("metric_source", "realized")
    return perf[(perf.metric_name == args["metric_name"]) & (perf.metric_source == source)]


def with_reference(check: Check, perf: pd.DataFrame) -> pd.DataFrame:
    """Each row with the reference's value of its metric, source, slice and class."""
    keys = ["monitor_name", "slice_key", "slice_value", "class_label"]
    rows = performance_rows(check, perf).copy()
    filled = rows[keys].astype(object).where(rows[keys].notna(), "<null>")
    rows[[f"k_{k}" for k in keys]] = filled.to_numpy()
    reference = rows[rows.window_kind == "reference"]
    reference = reference[[f"k_{k}" for k in keys] + ["metric_value"]].rename(
        columns={"metric_value": "reference_value"}
    )
    return rows.merge(reference, on=[f"k_{k}" for k in keys], how="left")


def expected_failures(check: Check, tables: Frames) -> pd.DataFrame:
    """The rows `check` must report, with `observed_value`."""
    args = check.arguments
    rows = tables[check.table]
    if check.config.get("where") == FEATURES_ONLY:
        rows = rows[rows.column_role == "feature"]
    test = check.test
    if test in ("expect_psi_below", "expect_drift_statistic_below"):
        rows = judged(check, rows)
        value, fails = rows[args.get("statistic", "psi")], "ge"
    elif test == "expect_null_rate_below":
        rows = judged(check, rows[rows.metric_scope == "column"])
        value, fails = rows.null_rate, "ge"
    elif test == "expect_unseen_category_share_below":
        rows = rows[(rows.metric_scope == "column") & (rows.column_kind == "categorical")]
        rows = judged(check, rows)
        non_null = (rows.row_count - rows.null_count).astype(float)
        value, fails = rows.unseen_category_count / non_null.where(non_null != 0), "ge"
    elif test == "expect_prediction_volume_above":
        keys = ["monitor_name", "window_kind", "window_start", "window_end", "slice_key",
                "slice_value"]  # fmt: skip
        windows = rows[rows.metric_scope == "window"]
        rows = windows.groupby(keys, dropna=False, as_index=False).prediction_count.sum()
        rows = judged(check, rows)
        value, fails = rows.prediction_count, "lt"
    elif test == "expect_label_coverage_above":
        rows = judged(check, rows)
        value, fails = rows.label_coverage, "lt"
    elif test == "expect_performance_drop_below":
        rows = judged(check, with_reference(check, rows))
        rows = rows[rows.labeled_count >= args.get("min_labeled_count", 1)]
        if args["metric_name"] in LOWER_IS_BETTER:
            value = rows.metric_value - rows.reference_value
        else:
            value = rows.reference_value - rows.metric_value
        if args.get("relative"):
            value = value / rows.reference_value.abs()
        fails = "ge"
    else:  # expect_performance_above / expect_performance_below
        rows = judged(check, performance_rows(check, rows))
        rows = rows[rows.labeled_count >= args.get("min_labeled_count", 1)]
        value = rows.metric_value
        fails = "lt" if test == "expect_performance_above" else "ge"
    bound = args.get("threshold", args.get("floor", args.get("min_count")))
    rows = rows.assign(observed_value=value.astype(float))
    rows = rows[rows.observed_value.notna()]
    failing = rows.observed_value < bound if fails == "lt" else rows.observed_value >= bound
    return rows[failing]


def identities(rows: pd.DataFrame) -> list[tuple[tuple[Any, ...], float]]:
    """Each row as ((monitor, window, version, slice, column or metric ...), value), sorted."""
    if rows.empty:
        return []
    columns = [c for c in ROW_KEY if c in rows]
    columns += [c for c in ("column_name", "metric_name", "class_label") if c in rows]
    keyed = [
        (tuple(None if pd.isna(v) else v for v in row), float(value))
        for row, value in zip(
            rows[columns].itertuples(index=False), rows.observed_value, strict=True
        )
    ]
    return sorted(keyed, key=lambda item: repr(item[0]))


# ---- the tests ----------------------------------------------------------------------------------

JUDGED = [c for c in CHECKS if c.status != "error"]


def test_every_check_ran(run: Run) -> None:
    assert sorted(run.outcomes) == sorted(c.name for c in CHECKS)


@pytest.mark.parametrize("check", JUDGED, ids=lambda c: c.name)
def test_check_reports_the_rows_pandas_finds(run: Run, check: Check) -> None:
    outcome = run.outcomes[check.name]
    expected = expected_failures(check, run.tables)
    assert outcome.status == check.status, (outcome, len(expected))
    # dbt counts failures only when warn_if / error_if trips (the inverted check passes with 0)
    assert outcome.failures == (0 if check.status == "pass" else len(expected))
    stored, recomputed = identities(run.failing_rows(check.name)), identities(expected)
    assert [key for key, _ in stored] == [key for key, _ in recomputed]
    assert [value for _, value in stored] == pytest.approx([v for _, v in recomputed], rel=1e-9)


# Bounds at which every judged row fails.
RELAXED = {"threshold": float("-inf"), "floor": float("inf"), "min_count": float("inf")}


@pytest.mark.parametrize("check", JUDGED, ids=lambda c: c.name)
def test_check_is_not_vacuous(run: Run, check: Check) -> None:
    """A failing check found rows; a passing one judged rows (its filters match something)."""
    expected = expected_failures(check, run.tables)
    if check.status in ("fail", "warn") or check.config.get("error_if") == "!=1":
        assert len(expected) > 0
        return
    assert len(expected) == 0
    relaxed = {**check.arguments, **{k: v for k, v in RELAXED.items() if k in check.arguments}}
    judged_rows = expected_failures(
        Check(check.name, check.test, check.table, relaxed, check.status, check.config),
        run.tables,
    )
    assert len(judged_rows) > 0


def test_warn_severity_reports_warnings_not_errors(run: Run) -> None:
    warned = {name for name, o in run.outcomes.items() if o.status == "warn"}
    assert warned == {"psi_churn_with_slices", "ks_features_every_window",
                      "estimated_accuracy_latest"}  # fmt: skip
    assert all(run.outcomes[name].failures for name in warned)


def test_failing_rows_name_what_failed(run: Run) -> None:
    rows = run.failing_rows("psi_monthly_charges")
    assert list(rows.columns) == [*ROW_KEY[:2], "window_end", *ROW_KEY[2:], "column_name",
                                  "column_kind", "observed_value", "threshold"]  # fmt: skip
    assert set(rows.column_name) == {"monthly_charges"}
    assert (rows.observed_value >= 0.25).all() and (rows.threshold == 0.25).all()
    drops = run.failing_rows("accuracy_drop_with_slices")
    named = {"metric_name", "class_label", "labeled_count", "metric_value", "reference_value"}
    assert named <= set(drops.columns)


@pytest.mark.parametrize("check", [c for c in CHECKS if c.status == "error"], ids=lambda c: c.name)
def test_bad_arguments_fail_to_compile_with_the_value_at_fault(run: Run, check: Check) -> None:
    outcome = run.outcomes[check.name]
    assert outcome.status == "error"
    assert "model_monitor: test `" + check.test + "`" in outcome.message
    assert check.error in outcome.message


@pytest.fixture(scope="module")
def parse_project(demo: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo project (DuckDB) whose checks a test replaces."""
    project_dir = tmp_path_factory.mktemp("parse") / "project"
    ignored = shutil.ignore_patterns("target", "logs", "checks")  # dbt_packages: a symlink
    shutil.copytree(demo.project_dir, project_dir, symlinks=True, ignore=ignored)
    return project_dir


@pytest.mark.parametrize("check", PARSE_ERRORS, ids=lambda c: c.name)
def test_bad_arguments_stop_the_parse_naming_the_value(
    demo: Any, parse_project: Path, check: Check
) -> None:
    write_checks(parse_project, [check])
    result = invoke_dbt(
        ["parse", "--project-dir", str(parse_project), "--profiles-dir", str(demo.profiles_dir),
         "--no-partial-parse"],
        parse_project / "logs",
    )  # fmt: skip
    assert not result.success
    message = str(result.exception)
    assert "model_monitor: test `" + check.test + "`" in message
    assert check.error in message
