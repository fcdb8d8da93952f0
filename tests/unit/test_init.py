"""`model-monitor init`: guesses from names, types and samples; the draft passes the package."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import monitor_project as mp
import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from model_monitor.cli import EXIT_ERROR, EXIT_OK, cli
from model_monitor.errors import ConfigError, WarehouseError
from model_monitor.init.commented_yaml import LINE_BREAKS, comment_text, render_yaml, yaml_scalar
from model_monitor.init.draft import Draft
from model_monitor.init.introspect import (
    NUMERIC_TYPE,
    TEXT_TYPE,
    ColumnProfile,
    TableProfile,
    profile_table,
    type_kind,
)
from model_monitor.init.monitor import draft_from_warehouse, draft_monitor
from model_monitor.init.vocabulary import name_tokens

MACRO = mp.PACKAGE_DIR / "macros" / "config" / "_relation_columns.sql"


# --- the rules, on hand-made profiles -------------------------------------------------------


def col(name: str, data_type: str, distinct: int | None = None, **values: Any) -> ColumnProfile:
    """A profiled column: every sampled row non-null unless said otherwise."""
    kind = type_kind(data_type)
    measured = kind in ("numerical", "categorical")
    return ColumnProfile(
        name,
        data_type,
        kind,
        non_null=values.pop("non_null", 1000) if measured else None,
        distinct=distinct if measured else None,
        in_unit_interval=values.pop("in_unit", 0) if kind == "numerical" else None,
        values=values.pop("values", None),
    )


def table(name: str, *columns: ColumnProfile, rows: int = 1000) -> TableProfile:
    return TableProfile(name, f'"{name}"', list(columns), rows)


class FakeProbe:
    """Values come from the profiles; the time range is fixed."""

    def __init__(self, span: tuple[dt.datetime, dt.datetime] | None = None) -> None:
        self.span = span or (dt.datetime(2024, 1, 3, 8), dt.datetime(2024, 2, 20))
        self.asked: list[str] = []

    def values(self, table: TableProfile, column: ColumnProfile | None) -> ColumnProfile | None:
        return column

    def time_range(self, table: TableProfile, column: str):
        self.asked.append(column)
        return self.span


def binary_predictions(**overrides: ColumnProfile) -> TableProfile:
    columns = {
        "prediction_id": col("prediction_id", "varchar", 1000),
        "predicted_at": col("predicted_at", "timestamp"),
        "modelVersion": col("modelVersion", "varchar", 2),
        "churn_score": col("churn_score", "double", 990, in_unit=1000),
        "predicted_churn": col("predicted_churn", "bigint", 2, values=("0", "1")),
        "tenure": col("tenure", "integer", 60),
        "plan": col("plan", "text", 4),
        "created_at": col("created_at", "timestamp with time zone"),
        "payload": col("payload", "jsonb"),
        "customer_id": col("customer_id", "varchar", 300),
        "latency_ms": col("latency_ms", "double", 900),
        "status": col("status", "varchar", 2, values=("error", "ok")),
    }
    columns.update(overrides)
    return table("raw.predictions", *columns.values())


def labels_table(**overrides: ColumnProfile) -> TableProfile:
    columns = {
        "prediction_id": col("prediction_id", "varchar", 800),
        "churned": col("churned", "boolean", 2, values=("false", "true")),
        "labeled_at": col("labeled_at", "timestamp"),
    }
    columns.update(overrides)
    return table("raw.labels", *columns.values(), rows=800)


def config(draft: Draft) -> dict[str, Any]:
    """The draft's YAML, loaded: one list item."""
    [monitor] = yaml.safe_load(render_yaml(draft))
    return monitor


def todo_keys(draft: Draft) -> list[str]:
    return [t.split(":")[0] for t in draft.todos()]


def test_type_kind_uses_the_package_patterns():
    macro = MACRO.read_text(encoding="utf-8")
    patterns = re.findall(r"modules\.re\.match\('([^']+)', t\)", macro)
    assert patterns == [NUMERIC_TYPE.pattern, TEXT_TYPE.pattern]
    kinds = {
        "BIGINT": "numerical", "double precision": "numerical", "numeric(18,2)": "numerical",
        "DECIMAL(10, 2)": "numerical", "uinteger": "numerical", "float8": "numerical",
        "character varying(256)": "categorical", "TEXT": "categorical", "boolean": "categorical",
        "uuid": "categorical", "timestamp with time zone": "temporal", "DATE": "temporal",
        "jsonb": "other", "interval": "other", "integer[]": "other",
    }  # fmt: skip
    assert {t: type_kind(t) for t in kinds} == kinds


def test_name_tokens_split_case_spaces_and_punctuation():
    assert name_tokens("predictedAt") == ["predicted", "at"]
    assert name_tokens("Data Usage GB") == ["data", "usage", "gb"]
    assert name_tokens("request-ID.v2") == ["request", "id", "v2"]


def test_binary_draft_guesses_every_key_with_a_reason():
    probe = FakeProbe()
    draft = draft_monitor(binary_predictions(), probe, labels=labels_table(), name="churn")
    monitor = config(draft)
    assert monitor == {
        "name": "churn",
        "predictions": "raw.predictions",
        "id_column": "prediction_id",
        "timestamp_column": "predicted_at",
        "model_version_column": "modelVersion",
        "task": "binary",
        "prediction_column": "predicted_churn",
        "score_column": "churn_score",
        "features": {"tenure": "numerical", "plan": "categorical"},
        "labels": {
            "relation": "raw.labels",
            "id_column": "prediction_id",
            "timestamp_column": "labeled_at",
            "label_column": "churned",
        },
        "reference": {"between": ["2024-01-03", "2024-01-10"]},
        "window_grain": "day",
        "latency_column": "latency_ms",
        "status_column": "status",
    }
    assert draft.todos() == []
    text = render_yaml(draft)
    assert "# slices: [plan]" in text
    assert "# left out: customer_id (looks like an identifier)" in text
    assert "# left out: payload (type jsonb has no kind" in text
    assert "# left out: created_at (type timestamp with time zone" in text
    assert re.search(r"id_column: prediction_id +# guessed: name looks like an id, unique", text)
    assert probe.asked == ["predicted_at"]  # the first week, from the prediction times


def test_yes_no_labels_leave_a_positive_class_todo():
    labels = labels_table(churned=col("churned", "varchar", 2, values=("no", "yes")))
    draft = draft_monitor(binary_predictions(), FakeProbe(), labels=labels)
    assert "positive_class" in todo_keys(draft)
    assert "seen 0, 1, no, yes" in render_yaml(draft)
    assert "positive_class" not in config(draft)


def test_probability_named_as_the_prediction_becomes_the_score():
    predictions = binary_predictions(
        predicted_churn=col("prediction", "double", 950, in_unit=1000),
        churn_score=col("tenure_score", "double", 700, in_unit=12),  # not within [0, 1]
    )
    monitor = config(draft_monitor(predictions, FakeProbe(), labels=labels_table()))
    assert monitor["task"] == "binary"
    assert monitor["score_column"] == "prediction" and "prediction_column" not in monitor
    assert monitor["features"]["tenure_score"] == "numerical"


def test_many_numeric_predictions_make_a_regression_and_the_score_a_feature():
    predictions = binary_predictions(
        predicted_churn=col("predicted_minutes", "double", 870, in_unit=3)
    )
    labels = labels_table(churned=col("actual_minutes", "double", 700))
    monitor = config(draft_monitor(predictions, FakeProbe(), labels=labels))
    assert monitor["task"] == "regression"
    assert monitor["prediction_column"] == "predicted_minutes"
    assert "score_column" not in monitor and monitor["features"]["churn_score"] == "numerical"
    assert monitor["labels"]["label_column"] == "actual_minutes"


def test_several_classes_make_a_multiclass():
    predictions = binary_predictions(predicted_churn=col("predicted_class", "varchar", 5))
    draft = draft_monitor(predictions, FakeProbe())
    assert config(draft)["task"] == "multiclass"
    assert "up to 5 distinct classes" in render_yaml(draft)


def test_required_keys_that_cannot_be_guessed_are_null_with_a_todo():
    predictions = table(
        "raw.events",
        col("amount", "double", 800),
        col("when", "varchar", 900),  # a text timestamp: not usable as is
        col("kind", "varchar", 3),
    )
    draft = draft_monitor(predictions, FakeProbe())
    monitor = config(draft)
    assert monitor["name"] == "events"
    assert monitor["id_column"] is None and monitor["timestamp_column"] is None
    assert monitor["task"] is None and monitor["reference"] is None
    assert {"id_column", "timestamp_column", "task", "reference", "labels"} <= set(todo_keys(draft))
    text = render_yaml(draft)
    assert "# TODO: timestamp_column: no timestamp or date column in raw.events" in text


def test_id_found_by_uniqueness_when_no_name_says_id():
    predictions = binary_predictions(
        prediction_id=col("request_token", "varchar", 1000),
        customer_id=col("segment", "varchar", 4),
    )
    draft = draft_monitor(predictions, FakeProbe())
    assert config(draft)["id_column"] == "request_token"
    assert "every value distinct" in render_yaml(draft)


def test_duplicated_ids_are_said_to_be_duplicated():
    predictions = binary_predictions(prediction_id=col("prediction_id", "varchar", 990))
    draft = draft_monitor(predictions, FakeProbe())
    assert "NOT unique in the first 1,000 rows" in render_yaml(draft)


def test_reference_relation_must_hold_the_features_and_gives_the_label():
    reference = table("raw.training", col("tenure", "integer", 50), col("churned", "integer", 2))
    draft = draft_monitor(
        binary_predictions(), FakeProbe(), labels=labels_table(), reference=reference
    )
    monitor = config(draft)
    assert monitor["features"] == {"tenure": "numerical"}
    assert monitor["reference"] == {"relation": "raw.training", "label_column": "churned"}
    assert "left out: plan (not in raw.training, which must hold every feature)" in render_yaml(
        draft
    )


def test_latency_in_seconds_and_odd_error_statuses():
    predictions = binary_predictions(
        latency_ms=col("response_time_s", "double", 900),
        status=col("status", "varchar", 4, values=("FAILED", "ok", "redirect", "timed_out")),
    )
    draft = draft_monitor(predictions, FakeProbe())
    monitor = config(draft)
    assert monitor["latency_column"] == "response_time_s"
    assert "latency_column" in todo_keys(draft)
    assert monitor["error_statuses"] == ["FAILED", "timed_out"]


def test_reference_between_is_checked_and_exclusive_with_a_relation():
    predictions, probe = binary_predictions(), FakeProbe()
    monitor = config(draft_monitor(predictions, probe, between=("2024-01-01", "2024-01-08 12:00")))
    assert monitor["reference"] == {"between": ["2024-01-01", "2024-01-08 12:00"]}
    assert probe.asked == []
    with pytest.raises(ConfigError, match="expected a timestamp like"):
        draft_monitor(predictions, probe, between=("yesterday", "2024-01-08"))
    with pytest.raises(ConfigError, match="not both"):
        draft_monitor(predictions, probe, reference=table("raw.t"), between=("2024-01-01",) * 2)
    with pytest.raises(ConfigError, match="expected letters, digits"):
        draft_monitor(predictions, probe, name="churn model")


def test_short_history_gives_a_shorter_reference():
    probe = FakeProbe((dt.datetime(2024, 1, 3, 8), dt.datetime(2024, 1, 6, 1)))
    monitor = config(draft_monitor(binary_predictions(), probe))
    assert monitor["reference"] == {"between": ["2024-01-03", "2024-01-04"]}


def test_odd_column_names_survive_the_yaml():
    odd = ["Data Usage GB", "pays d'origine", "yes", "1", "a: b", "#tag", "âge 名前", "x\ny", ""]
    predictions = binary_predictions(
        **{f"odd{i}": col(name, "double", 40) for i, name in enumerate(odd)}
    )
    features = config(draft_monitor(predictions, FakeProbe()))["features"]
    assert [n for n in features if n in odd] == odd


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_yaml_scalar_loads_back_as_value_and_key(text):
    scalar = yaml_scalar(text)
    assert not LINE_BREAKS.search(scalar)
    loaded = yaml.safe_load(f"- {scalar}  # note\n- {{{scalar}: 1}}\n- k: {scalar}\n  {scalar}: 2")
    assert loaded == [text, {text: 1}, {"k": text, text: 2}]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_comment_text_stays_one_loadable_line(text):
    line = comment_text(text)
    assert yaml.safe_load(f"a: 1  # {line}\nb: 2") == {"a": 1, "b": 2}


# --- profiling SQL, on a stand-in warehouse (DuckDB in memory) -------------------------------


class DuckIntrospect:
    """An Introspectable over an in-memory DuckDB, quoting as Warehouse.quote does."""

    def __init__(self, frames: dict[str, pd.DataFrame]) -> None:
        import duckdb

        self.connection = duckdb.connect()
        self.connection.execute("create schema raw")
        for name, frame in frames.items():
            self.connection.register("frame", frame)
            self.connection.execute(f'create table raw."{name}" as select * from frame')
            self.connection.unregister("frame")

    def columns(self, name: str) -> list[tuple[str, str]]:
        schema, table_name = name.split(".")
        rows = self.connection.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table_name],
        ).fetchall()
        return [(str(n), str(t)) for n, t in rows]

    def existing_relation(self, name: str) -> str:
        if not self.columns(name):
            raise WarehouseError(f"relation '{name}' does not exist", key="relation")
        schema, table_name = name.split(".")
        return f'"{schema}"."{table_name}"'

    def quote(self, identifier: str) -> str:
        if '"' in identifier:
            raise WarehouseError("cannot quote", key="identifier")
        return f'"{identifier}"'

    def query(self, sql: str) -> pd.DataFrame:
        return self.connection.sql(sql).df()


def test_profile_counts_a_sample_and_skips_unquotable_names():
    frame = pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(50)],
            "score": [i / 50 for i in range(49)] + [float("nan")],
            'say "hi"': [1.0] * 50,
            "plan": ["a", "b", None, "c", "a"] * 10,
            "at": pd.date_range("2024-01-01", periods=50, freq="h"),
        }
    )
    warehouse = DuckIntrospect({"predictions": frame})
    profile = profile_table(warehouse, "raw.predictions", sample_rows=20)
    assert profile.sampled_rows == 20
    assert profile.get("id").distinct == 20
    assert profile.get("plan").non_null == 16 and profile.get("plan").distinct == 3
    assert profile.get("score").in_unit_interval == 20
    assert profile.unmeasured == ['say "hi"'] and not profile.get('say "hi"').measured
    draft = draft_from_warehouse(warehouse, "raw.predictions", sample_rows=20)
    assert 'Not sampled (the adapter cannot quote these names): say "hi"' in render_yaml(draft)
    assert config(draft)["reference"] == {"between": ["2024-01-01", "2024-01-02"]}


def test_profile_of_a_missing_relation_is_an_error():
    warehouse = DuckIntrospect({"predictions": pd.DataFrame({"a": [1]})})
    with pytest.raises(WarehouseError, match="does not exist"):
        profile_table(warehouse, "raw.nope")


# --- the command, and the draft run through the package (DuckDB, PostgreSQL) ------------------


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def raw(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Raw tables loaded and a project without monitors, for init to read through the profile."""
    engine = request.param
    mp.require_engine(engine)
    root = tmp_path_factory.mktemp(f"init_{engine}")
    token = f"mm_init_{os.getpid()}"
    target_schema = "main" if engine == "duckdb" else token
    raw_schema = "raw" if engine == "duckdb" else f"{token}_raw"
    try:
        if engine == "duckdb":
            mp.load_duckdb(root / "warehouse.duckdb", raw_schema, mp.raw_tables())
        else:
            mp.load_postgres(raw_schema, mp.raw_tables())
        project = mp.write_project(root, engine, target_schema, None)
        runner = CliRunner()

        def run(*args: str) -> Any:
            return runner.invoke(
                cli, [args[0], "--project-dir", str(project), *[str(a) for a in args[1:]]]
            )

        yield mp.Built(engine, root, project, raw_schema, target_schema, run)
    finally:
        if engine == "postgres":
            mp.drop_postgres_schemas(raw_schema, target_schema)


def test_drafted_config_passes_the_package_and_builds(raw):
    result = raw.run(
        "init",
        "--predictions", f"{raw.raw_schema}.predictions",
        "--labels", f"{raw.raw_schema}.labels",
        "--reference", f"{raw.raw_schema}.training",
        "--name", "fraud",
    )  # fmt: skip
    assert result.exit_code == EXIT_OK, result.output
    assert "# TODO:" not in result.stdout and "TODO" not in result.stderr
    [monitor] = yaml.safe_load(result.stdout)
    assert monitor["id_column"] == "request_id"
    assert monitor["timestamp_column"] == "Scored At"
    assert (monitor["task"], monitor["prediction_column"], monitor["score_column"]) == (
        "binary",
        "is_fraud_pred",
        "fraud_proba",
    )
    assert monitor["features"] == {
        mp.USAGE: "numerical",
        mp.AGE: "numerical",
        mp.PLAN: "categorical",
        mp.COUNTRY: "categorical",
    }
    assert monitor["labels"]["label_column"] == "is_fraud"
    assert monitor["reference"]["label_column"] == "is_fraud"
    assert monitor["error_statuses"] == ["error", "timeout"]

    project = mp.write_project(raw.root, raw.engine, raw.target_schema, result.stdout)
    for command in ("deps", "parse", "build"):
        outcome = mp.run_dbt(project, command)
        assert outcome.success, (command, outcome.exception)
    drift = raw.run("drift", "--format", "json", "--monitor", "fraud")
    assert drift.exit_code == EXIT_OK, drift.output
    columns = {row["column_name"] for row in yaml.safe_load(drift.stdout)}
    assert columns == {mp.USAGE, mp.AGE, mp.PLAN, mp.COUNTRY, "fraud_proba", "is_fraud_pred",
                       "is_fraud"}  # fmt: skip


def test_default_reference_and_todos_go_to_stderr(raw, tmp_path):
    out = tmp_path / "monitor.yml"
    result = raw.run("init", "--predictions", f"{raw.raw_schema}.predictions", "--out", out)
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout == ""
    [monitor] = yaml.safe_load(out.read_text(encoding="utf-8"))
    # 10 days of predictions: the first half, cut to whole days (at most a week)
    assert monitor["reference"] == {"between": ["2025-03-03", "2025-03-07"]}
    assert "TODO(s) to look at" in result.stderr and "labels: optional" in result.stderr


def test_init_errors_are_one_line(raw):
    result = raw.run("init", "--predictions", f"{raw.raw_schema}.nope")
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.count("\n") == 1 and "relation '" in result.stderr
    assert "does not exist" in result.stderr and "Traceback" not in result.output
    result = raw.run(
        "init", "--predictions", f"{raw.raw_schema}.predictions",
        "--reference-between", "2025-03-03", "soon",
    )  # fmt: skip
    assert result.exit_code == EXIT_ERROR and "expected a timestamp like" in result.stderr
    result = raw.run("init")
    assert result.exit_code == 2 and "--predictions" in result.output


def test_init_checks_the_positive_rate_against_the_prevalence_in_sql(raw):
    training = next(t.frame for t in mp.raw_tables() if t.name == "training")
    scores, truth = training["fraud_proba"].to_numpy(), training["is_fraud"].to_numpy()
    prevalence = truth.mean()
    args = (
        "init", "--predictions", f"{raw.raw_schema}.predictions",
        "--labels", f"{raw.raw_schema}.labels", "--reference", f"{raw.raw_schema}.training",
    )  # fmt: skip
    # The default: the package reads the class from is_fraud_pred, so init counts that.
    result = raw.run(*args)
    assert result.exit_code == EXIT_OK, result.output
    rate = (training["is_fraud_pred"] == 1).mean()
    (line,) = [x for x in result.stderr.splitlines() if "Positive rate check" in x]
    assert f"(is_fraud_pred positive) are {rate:.2%} of the first 600 rows of" in line
    assert f"prevalence is {prevalence:.2%}" in line
    # A threshold that predicts far fewer positives: a warning and the matching quantile.
    result = raw.run(*args, "--decision-threshold", "0.97")
    assert result.exit_code == EXIT_OK, result.output
    rate = (scores >= 0.97).mean()
    k = round(prevalence * len(scores))
    kth = np.sort(scores)[::-1][k - 1]
    assert rate < prevalence / 3
    warning = next(x for x in result.stderr.splitlines() if "WARNING" in x)
    assert f"(fraud_proba >= 0.97) are {rate:.2%}" in warning
    assert f"A decision_threshold of {kth:.6g}" in result.stderr
    [monitor] = yaml.safe_load(result.stdout)
    assert monitor["decision_threshold"] == 0.97
