"""`model-monitor export --format prometheus`: parsed back with prometheus_client's own parser."""

from __future__ import annotations

import datetime as dt
import http.server
import math
import os
import threading
from collections.abc import Iterator
from typing import Any

import monitor_project as mp
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families
from scipy import stats

from model_monitor.cli import EXIT_ERROR, EXIT_OK, cli
from model_monitor.errors import ConfigError, WarehouseError
from model_monitor.export.load import load_snapshot
from model_monitor.export.prometheus import ExportError, push, render, write_textfile
from model_monitor.tables.statistics import STATISTIC_COLUMNS

DAY1, DAY2, DAY3 = dt.datetime(2024, 5, 1), dt.datetime(2024, 5, 2), dt.datetime(2024, 5, 3)
# Identifiers the text format must escape (quote, backslash, newline) or carry (unicode).
ODD = ['say "hi"', "back\\slash", "new\nline", "ünïcødé 🚀 名前", "tab\tand 'single'"]

Key = tuple[str, frozenset[tuple[str, str]]]


# --- the expected samples, computed from the tables with pandas ----------------------------


def _text(value: Any) -> str:
    """A label value as the export writes it."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return pd.Timestamp(value).isoformat()
    return str(value)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


WINDOW = ("monitor_name", "model_version", "slice_key", "slice_value", "window_start")
LABEL_NAMES = {"monitor_name": "monitor", "column_name": "column"}
QUALITY = (
    "null_rate", "null_count", "nan_count", "distinct_count", "min_value", "max_value",
    "mean_value", "stddev_value", "out_of_range_count", "unseen_category_count",
)  # fmt: skip
DRIFT = STATISTIC_COLUMNS
COVERAGE = (
    "labeled_count", "label_coverage", "label_delay_median_hours", "label_delay_max_hours",
    "duplicate_label_count",
)  # fmt: skip
OPERATIONS = (
    "throughput_per_hour", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms",
    "latency_max_ms", "error_count", "error_rate",
)  # fmt: skip


def _labels(row: pd.Series, columns: tuple[str, ...], **extra: str) -> frozenset[tuple[str, str]]:
    found = {LABEL_NAMES.get(c, c): _text(row[c]) for c in columns}
    return frozenset({**found, **extra}.items())


def expected_samples(tables: dict[str, pd.DataFrame], slices: bool = True) -> dict[Key, float]:
    """Every non-null value of the latest window per monitor, keyed as the export labels it."""
    quality = tables["monitor_data_quality"]
    windows = quality[(quality.window_kind == "current") & (quality.metric_scope == "window")]
    latest = windows.groupby("monitor_name").agg(start=("window_start", "max"))
    ends = windows.groupby("monitor_name").agg(end=("window_end", "max"))

    def at_latest(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[frame.window_kind == "current"]
        starts = frame.monitor_name.map(latest.start)
        frame = frame[frame.window_start == starts]
        return frame if slices else frame[frame.slice_key.isna()]

    out: dict[Key, float] = {}

    def put(name: str, labels: frozenset[tuple[str, str]], value: Any) -> None:
        if not _missing(value) and not math.isnan(float(value)):
            out[("model_monitor_" + name, labels)] = float(value)

    for monitor, row in latest.iterrows():
        end = pd.Timestamp(ends.end[monitor]).tz_localize("UTC").timestamp()
        put(
            "window_end_timestamp_seconds",
            frozenset({"monitor": monitor, "window_start": _text(row.start)}.items()),
            end,
        )
    column = (*WINDOW, "column_name", "column_role")
    for _, row in at_latest(quality).iterrows():
        if row.metric_scope == "window":
            for name in ("prediction_count", "duplicate_id_count"):
                put(name, _labels(row, WINDOW), row[name])
        else:
            for name in QUALITY:
                put(name, _labels(row, column), row[name])
    for _, row in at_latest(tables["monitor_drift"]).iterrows():
        labels = _labels(row, column)
        for name in DRIFT:
            put(name, labels, row[name])
        put("drift_current_count", labels, row.current_count)
        put("drift_reference_count", labels, row.reference_count)
        if not _missing(row.chi_square) and not _missing(row.chi_square_dof):
            dof = int(row.chi_square_dof)
            put("chi_square_pvalue", labels, stats.chi2.sf(row.chi_square, dof) if dof else 1.0)
        if not any(_missing(row[c]) for c in ("ks_statistic", "reference_count", "current_count")):
            n, m = sorted([float(row.reference_count), float(row.current_count)], reverse=True)
            if n > 0 and m > 0:
                put("ks_pvalue", labels, stats.kstwo.sf(row.ks_statistic, round(n * m / (n + m))))
    performance = tables["monitor_performance"]
    reference = performance[
        (performance.window_kind == "reference")
        & (performance.metric_source == "realized")
        & performance.monitor_name.isin(latest.index)
    ]
    if not slices:
        reference = reference[reference.slice_key.isna()]
    for _, row in pd.concat([at_latest(performance), reference]).iterrows():
        source = "reference" if row.window_kind == "reference" else row.metric_source
        labels = _labels(
            row, WINDOW, metric=row.metric_name, source=source, **{"class": _text(row.class_label)}
        )
        put("performance", labels, row.metric_value)
    for table, names in (("monitor_label_coverage", COVERAGE), ("monitor_operations", OPERATIONS)):
        if table in tables:
            for _, row in at_latest(tables[table]).iterrows():
                for name in names:
                    put(name, _labels(row, WINDOW), row[name])
    return out


def parsed_samples(text: str) -> dict[Key, float]:
    """Parse with prometheus_client's parser; every sample once."""
    out: dict[Key, float] = {}
    for family in text_string_to_metric_families(text):
        assert family.type == "gauge"
        for sample in family.samples:
            key = (sample.name, frozenset(sample.labels.items()))
            assert key not in out, key
            out[key] = sample.value
    return out


def assert_same_samples(actual: dict[Key, float], expected: dict[Key, float]) -> None:
    assert set(actual) == set(expected), (
        sorted(set(actual) - set(expected))[:5],
        sorted(set(expected) - set(actual))[:5],
    )
    for key, value in expected.items():
        assert actual[key] == pytest.approx(value, rel=1e-12, abs=1e-300), key


# --- a stand-in warehouse: hand-made metric tables in an in-memory DuckDB --------------------


def _window_rows(monitor: str, start: dt.datetime, **values: Any) -> dict[str, Any]:
    return {
        "monitor_name": monitor,
        "window_kind": "current",
        "window_start": start,
        "window_end": start + dt.timedelta(days=1),
        "model_version": "v1",
        "slice_key": None,
        "slice_value": None,
        **values,
    }


def metric_tables() -> dict[str, pd.DataFrame]:
    """Two monitors over windows; odd names; NULLs; 'fraud' ends on an empty window."""
    quality, drift, performance, coverage, operations = [], [], [], [], []
    rng = np.random.default_rng(3)
    for start in (DAY1, DAY2):
        for slice_key, slice_value in ((None, None), ("plan", ODD[0]), ("plan", None)):
            base = {"slice_key": slice_key, "slice_value": slice_value}
            quality.append(
                _window_rows(
                    "churn", start, metric_scope="window", prediction_count=100 + start.day,
                    duplicate_id_count=start.day - 1, **base,
                )
            )  # fmt: skip
            for column, role in [(n, "feature") for n in ODD] + [("score", "score")]:
                quality.append(
                    _window_rows(
                        "churn", start, metric_scope="column", column_name=column,
                        column_role=role, null_rate=float(rng.random()), null_count=3,
                        nan_count=0, distinct_count=40, min_value=None if role == "feature"
                        and column != ODD[3] else 0.5, max_value=2.5, mean_value=1.25,
                        stddev_value=float("nan"), out_of_range_count=None,
                        unseen_category_count=1, **base,
                    )
                )  # fmt: skip
                drift.append(
                    _window_rows(
                        "churn", start, column_name=column, column_role=role,
                        psi=float(rng.random()), chi_square=float(rng.random() * 30),
                        chi_square_dof=9 if column != ODD[2] else 0,
                        js_distance=0.1, hellinger=0.2, tv_distance=0.3, l_infinity=0.05,
                        ks_statistic=None if column == ODD[1] else float(rng.random() / 5),
                        wasserstein=1.5, wasserstein_normed=None, reference_count=1000,
                        current_count=90, **base,
                    )
                )  # fmt: skip
            for source, metric, class_label, value in [
                ("realized", "accuracy", None, 0.8 + start.day / 100),
                ("realized", "recall", ODD[3], 0.6),
                ("realized", "roc_auc", None, None),
                ("estimated", "accuracy", None, 0.75),
            ]:
                performance.append(
                    _window_rows(
                        "churn", start, metric_source=source, metric_name=metric,
                        class_label=class_label, metric_value=value, **base,
                    )
                )  # fmt: skip
            coverage.append(
                _window_rows(
                    "churn", start, labeled_count=50, label_coverage=0.5,
                    label_delay_median_hours=30.5, label_delay_max_hours=None,
                    duplicate_label_count=0, **base,
                )
            )  # fmt: skip
            operations.append(
                _window_rows(
                    "churn", start, throughput_per_hour=4.2, latency_p50_ms=12.0,
                    latency_p95_ms=40.0, latency_p99_ms=float("inf"), latency_max_ms=None,
                    error_count=2, error_rate=0.02, **base,
                )
            )  # fmt: skip
    for metric, value in (("accuracy", 0.9), ("roc_auc", 0.7)):
        performance.append(
            _window_rows(
                "churn", DAY1, window_kind="reference", window_start=None, window_end=None,
                model_version=None, metric_source="realized", metric_name=metric,
                class_label=None, metric_value=value,
            )
        )  # fmt: skip
    # fraud: a window with predictions, then an empty one (an outage): the empty one is exported.
    for start, count in ((DAY2, 10), (DAY3, 0)):
        quality.append(
            _window_rows(
                "fraud", start, model_version=None, metric_scope="window",
                prediction_count=count, duplicate_id_count=0,
            )
        )  # fmt: skip
    drift.append(
        _window_rows(
            "fraud", DAY2, model_version=None, column_name="amount", column_role="feature",
            psi=0.4, chi_square=3.0, chi_square_dof=2, js_distance=None, hellinger=None,
            tv_distance=None, l_infinity=None, ks_statistic=0.3, wasserstein=None,
            wasserstein_normed=None, reference_count=100, current_count=10,
        )
    )  # fmt: skip
    frames = {
        "monitor_data_quality": quality,
        "monitor_drift": drift,
        "monitor_performance": performance,
        "monitor_label_coverage": coverage,
        "monitor_operations": operations,
    }
    tables = {name: pd.DataFrame(rows) for name, rows in frames.items()}
    for name in STATISTIC_COLUMNS:  # a statistic the rows above do not set (a newer one)
        if name not in tables["monitor_drift"]:
            tables["monitor_drift"][name] = 0.25
    return tables


class DuckTables:
    """A stand-in Warehouse over DataFrames in an in-memory DuckDB."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        import duckdb

        self.connection = duckdb.connect()
        for name, frame in tables.items():
            self.connection.register(f"frame_{name}", frame)
            self.connection.execute(f'create table "{name}" as select * from frame_{name}')
            self.connection.unregister(f"frame_{name}")

    def relation(self, table_name: str) -> str:
        tables = {r[0] for r in self.connection.execute("show tables").fetchall()}
        if table_name not in tables:
            raise WarehouseError(f"no table {table_name}", key="relation")
        return f'"{table_name}"'

    def quote(self, identifier: str) -> str:
        return f'"{identifier}"'

    def query(self, sql: str) -> pd.DataFrame:
        return self.connection.sql(sql).df()


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return metric_tables()


def test_prometheus_text_parses_and_matches_every_table_value(tables):
    snapshot = load_snapshot(DuckTables(tables))
    text = render(snapshot)
    assert_same_samples(parsed_samples(text), expected_samples(tables))


def test_latest_window_is_per_monitor_and_an_empty_one_counts(tables):
    snapshot = load_snapshot(DuckTables(tables))
    assert [(w.monitor_name, w.window_start) for w in snapshot.windows] == [
        ("churn", DAY2),
        ("fraud", DAY3),
    ]
    samples = parsed_samples(render(snapshot))
    fraud = {k: v for k, v in samples.items() if ("monitor", "fraud") in k[1]}
    assert fraud[
        ("model_monitor_prediction_count", frozenset(
            {"monitor": "fraud", "model_version": "", "slice_key": "", "slice_value": "",
             "window_start": "2024-05-03T00:00:00"}.items()
        ))
    ] == 0  # fmt: skip
    assert not any(k[0] == "model_monitor_psi" for k in fraud)  # no drift rows that day


def test_odd_identifiers_round_trip_through_escaping(tables):
    text = render(load_snapshot(DuckTables(tables)))
    assert '\\"hi\\"' in text and "back\\\\slash" in text and "new\\nline" in text
    columns = {
        dict(labels)["column"]
        for name, labels in parsed_samples(text)
        if name == "model_monitor_psi"
    }
    assert set(ODD) <= columns
    classes = {dict(k[1])["class"] for k in parsed_samples(text) if k[0].endswith("performance")}
    assert ODD[3] in classes


def test_null_and_nan_values_are_left_out_and_infinity_kept(tables):
    samples = parsed_samples(render(load_snapshot(DuckTables(tables))))
    names = {k[0] for k in samples}
    assert "model_monitor_wasserstein_normed" not in names  # NULL everywhere
    assert "model_monitor_stddev_value" not in names  # NaN everywhere
    assert "model_monitor_latency_max_ms" not in names
    assert any(math.isinf(v) for k, v in samples.items() if k[0].endswith("latency_p99_ms"))
    ks = [k for k in samples if k[0] == "model_monitor_ks_statistic"]
    assert ks and all(dict(k[1])["column"] != ODD[1] for k in ks)


def test_null_and_empty_slice_values_collide_and_one_is_kept(tables):
    quality = tables["monitor_data_quality"]
    blank = quality[quality.slice_value.isna() & (quality.slice_key == "plan")].copy()
    blank["slice_value"] = ""  # exports as "" like NULL: same labels
    tables["monitor_data_quality"] = pd.concat([quality, blank], ignore_index=True)
    snapshot = load_snapshot(DuckTables(tables))
    latest = blank[blank.window_start == DAY2]
    values = latest[[*QUALITY, "prediction_count", "duplicate_id_count"]]
    assert snapshot.duplicates == int(values.notna().sum().sum())
    parsed_samples(render(snapshot))  # asserts one sample per label set


def test_monitor_window_and_slice_filters(tables):
    warehouse = DuckTables(tables)
    snapshot = load_snapshot(warehouse, monitor="churn", window=DAY1, slices=False)
    assert [(w.monitor_name, w.window_start) for w in snapshot.windows] == [("churn", DAY1)]
    samples = parsed_samples(render(snapshot))
    assert all(dict(k[1]).get("slice_key", "") == "" for k in samples)
    assert all(dict(k[1]).get("window_start") in ("2024-05-01T00:00:00", "") for k in samples)
    with pytest.raises(ConfigError, match="known monitors: churn, fraud"):
        load_snapshot(warehouse, monitor="nope")
    with pytest.raises(ConfigError, match="no window starts at 2024-06-01"):
        load_snapshot(warehouse, monitor="churn", window=dt.datetime(2024, 6, 1))


def test_optional_tables_may_be_missing(tables):
    del tables["monitor_operations"], tables["monitor_label_coverage"]
    samples = parsed_samples(render(load_snapshot(DuckTables(tables))))
    assert_same_samples(samples, expected_samples(tables))


def test_textfile_is_replaced_atomically(tables, tmp_path, monkeypatch):
    snapshot = load_snapshot(DuckTables(tables))
    path = tmp_path / "model_monitor.prom"
    path.write_text("old\n")
    write_textfile(snapshot, path)
    assert parsed_samples(path.read_text(encoding="utf-8")) == parsed_samples(render(snapshot))
    assert os.listdir(tmp_path) == ["model_monitor.prom"]

    import prometheus_client.exposition as exposition

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exposition, "generate_latest", broken)
    before = path.read_text(encoding="utf-8")
    with pytest.raises(ExportError, match="No space left on device"):
        write_textfile(snapshot, path)
    assert path.read_text(encoding="utf-8") == before  # the old file is whole
    assert os.listdir(tmp_path) == ["model_monitor.prom"]  # no temporary file left behind


class _Gateway(http.server.BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]] = []

    def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.command, self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)  # 127.0.0.1 directly, never through a proxy
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = http.server.HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_push_gateway_gets_the_same_text(tables, gateway):
    snapshot = load_snapshot(DuckTables(tables))
    push(snapshot, gateway, job="model monitor")
    [(method, path, body)] = _Gateway.received
    # the library escapes the job name in the URL (base64 for a name with a space)
    assert method == "PUT" and path == "/metrics/job@base64/bW9kZWwgbW9uaXRvcg=="
    assert parsed_samples(body.decode("utf-8")) == parsed_samples(render(snapshot))


def test_unreachable_push_gateway_is_an_export_error(tables):
    snapshot = load_snapshot(DuckTables(tables))
    with pytest.raises(ExportError, match="cannot push to http://127.0.0.1:9"):
        push(snapshot, "http://127.0.0.1:9", job="x", timeout=2)


# --- the command on a real build of the package (DuckDB, PostgreSQL) ------------------------

MONITOR = """\
- name: fraud
  predictions: {raw}.predictions
  id_column: request_id
  timestamp_column: Scored At
  model_version_column: model_version
  task: binary
  prediction_column: is_fraud_pred
  score_column: fraud_proba
  features: ["Data Usage GB", "âge", "Plan Type", "pays d'origine"]
  labels: {{relation: {raw}.labels, label_column: is_fraud, timestamp_column: labeled_at}}
  reference: {{relation: {raw}.training, label_column: is_fraud}}
  slices: ["Plan Type", "pays d'origine"]
  latency_column: latency_ms
  status_column: status
  error_statuses: [error, timeout]
"""
TABLES = (
    "monitor_data_quality",
    "monitor_drift",
    "monitor_performance",
    "monitor_label_coverage",
    "monitor_operations",
)


def read_tables(built: mp.Built) -> dict[str, pd.DataFrame]:
    """Read the metric tables straight from the engine, without the library."""
    if built.engine == "duckdb":
        import duckdb

        with duckdb.connect(str(built.root / "warehouse.duckdb"), read_only=True) as con:
            return {t: con.sql(f'select * from main."{t}"').df() for t in TABLES}
    connection = mp.pg_connect()
    try:
        frames = {}
        for table in TABLES:
            with connection.cursor() as cursor:
                cursor.execute(f'select * from "{built.target_schema}"."{table}"')
                names = [d[0] for d in cursor.description]
                frames[table] = pd.DataFrame(cursor.fetchall(), columns=names)
        for frame in frames.values():  # numeric columns arrive as Decimal or object
            for column in frame.columns:
                if frame[column].dtype == object and column not in (*WINDOW, "window_kind",
                        "metric_scope", "column_name", "column_role", "metric_source",
                        "metric_name", "class_label", "window_key", "reference_version",
                        "column_kind", "undefined_reason"):  # fmt: skip
                    frame[column] = pd.to_numeric(frame[column])
        return frames
    finally:
        connection.close()


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The package built on the raw tables with MONITOR (no init involved)."""
    engine = request.param
    mp.require_engine(engine)
    root = tmp_path_factory.mktemp(f"export_{engine}")
    token = f"mm_export_{os.getpid()}"
    target_schema = "main" if engine == "duckdb" else token
    raw = "raw" if engine == "duckdb" else f"{token}_raw"
    tables = mp.raw_tables()
    try:
        if engine == "duckdb":
            mp.load_duckdb(root / "warehouse.duckdb", raw, tables)
        else:
            mp.load_postgres(raw, tables)
        project = mp.write_project(root, engine, target_schema, MONITOR.format(raw=raw))
        for command in ("deps", "build"):
            result = mp.run_dbt(project, command)
            assert result.success, result.exception
        runner = CliRunner()

        def run(*args: str) -> Any:
            return runner.invoke(
                cli, [args[0], "--project-dir", str(project), *[str(a) for a in args[1:]]]
            )

        yield mp.Built(engine, root, project, raw, target_schema, run)
    finally:
        if engine == "postgres":
            mp.drop_postgres_schemas(raw, target_schema)


def test_export_of_a_real_build_matches_its_tables(built):
    result = built.run("export")
    assert result.exit_code == EXIT_OK, result.output
    expected = expected_samples(read_tables(built))
    assert_same_samples(parsed_samples(result.stdout), expected)
    names = {k[0] for k in expected}
    for name in ("psi", "ks_statistic", "null_rate", "prediction_count", "performance",
                 "label_coverage", "latency_p95_ms", "error_rate"):  # fmt: skip
        assert f"model_monitor_{name}" in names
    columns = {dict(k[1]).get("column") for k in expected}
    assert {"Data Usage GB", "âge", "Plan Type", "pays d'origine"} <= columns


def test_export_out_file_and_no_slices(built, tmp_path):
    out = tmp_path / "mm.prom"
    result = built.run("export", "--out", out, "--no-slices", "--monitor", "fraud")
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout == ""
    expected = expected_samples(read_tables(built), slices=False)
    assert_same_samples(parsed_samples(out.read_text(encoding="utf-8")), expected)


def test_export_errors_are_one_line(built, tmp_path):
    result = built.run("export", "--monitor", "nope")
    assert result.exit_code == EXIT_ERROR
    assert (
        result.stderr.strip().splitlines() == [result.stderr.strip()]
        and "known monitors: fraud" in result.stderr
    )
    result = built.run("export", "--out", tmp_path / "missing" / "mm.prom")
    assert result.exit_code == EXIT_ERROR and "cannot write" in result.stderr
    assert "Traceback" not in result.output
