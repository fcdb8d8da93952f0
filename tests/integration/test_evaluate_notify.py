"""`model-monitor evaluate` end to end on each engine: alerts stored, sent once, retried.

The demo's scenario (small) is written by the demo's own generator (into the DuckDB file, or
copied from it into PostgreSQL's raw schema), and the demo's dbt project builds the monitor
tables there (`dbt run`). `evaluate` then
runs through click's CliRunner with a channels file: a webhook on a local HTTP server
(127.0.0.1, port 0; its URL, a secret, comes from an environment variable) and a JSON lines
file. Each test keeps its alerts in a schema of its own (`--alerts-schema`).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner, Result

from model_monitor.cli import EXIT_ALERTS, EXIT_ERROR, EXIT_OK, cli
from model_monitor.demo.facts import ScenarioFacts
from model_monitor.demo.scenario import RAW_SCHEMA, generate_scenario, write_scenario
from model_monitor.demo.workdir import PROFILE_NAME, PROJECT_TEMPLATE, find_package_dir

from .dbt_runner import invoke
from .loaders import Warehouse, quote

ROWS, DAYS, SEED = 3000, 14, 7
TOKEN = "hook-T0KEN-5ecret-0123456789abcdef"  # must never show up in any output
URL_ENV = "MM_TEST_ALERT_WEBHOOK_URL"
ATTEMPTS = 2  # the webhook's retry policy in the channels file
DUCKDB_TO_POSTGRES = {"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer",
                      "DOUBLE": "double precision", "TIMESTAMP": "timestamp",
                      "BOOLEAN": "boolean"}  # fmt: skip
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                   "all_proxy")  # fmt: skip


# --- a webhook receiver on loopback -------------------------------------------------------------


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST and answers with `status`."""

    server: ThreadingHTTPServer
    status: int = 200
    bodies: list[dict[str, Any]] = field(default_factory=list)

    def url(self) -> str:
        """The secret URL of the webhook: the token sits in its path and query."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/{TOKEN}?sig={TOKEN}"

    def alert_ids(self) -> list[str]:
        """The alert_id of every alert received so far, in order."""
        return [a["alert_id"] for body in self.bodies for a in body.get("alerts", [])]


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """A Receiver, reached directly (never through a proxy)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    recorder: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = recorder.status
            if status < 400:
                recorder.bodies.append(json.loads(body))
            payload = b"ok" if status < 400 else b"server says no"
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    recorder = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()


# --- the demo's scenario built on the engine ----------------------------------------------------


@dataclass(frozen=True)
class Project:
    """The demo's dbt project built on one engine."""

    warehouse: Warehouse
    project_dir: Path
    facts: ScenarioFacts


def copy_raw_tables(source: Path, warehouse: Warehouse) -> None:
    """The scenario's raw tables, from a DuckDB file into the warehouse's raw schema."""
    from psycopg2.extras import execute_values

    with duckdb.connect(str(source)) as con, warehouse.connect() as target:
        cur = target.cursor()
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = ?",
            [RAW_SCHEMA],
        ).fetchall()
        for (table,) in tables:
            described = con.execute(f"describe {RAW_SCHEMA}.{quote(table)}").fetchall()
            columns = ", ".join(f"{quote(c[0])} {DUCKDB_TO_POSTGRES[c[1]]}" for c in described)
            name = warehouse.relation(table, warehouse.raw_schema)
            cur.execute(f"create table {name} ({columns})")
            rows = con.execute(f"select * from {RAW_SCHEMA}.{quote(table)}").fetchall()
            names = ", ".join(quote(c[0]) for c in described)
            execute_values(cur, f"insert into {name} ({names}) values %s", rows, page_size=2000)


def profile_output(warehouse: Warehouse) -> dict[str, Any]:
    """The dbt profile output that reaches the warehouse's own schema."""
    if warehouse.engine == "duckdb":
        return {"type": "duckdb", "path": str(warehouse.duckdb_path), "schema": warehouse.schema,
                "threads": 4}  # fmt: skip
    pg = warehouse.pg
    assert pg is not None
    return {"type": "postgres", "host": pg.host, "port": pg.port, "user": pg.user,
            "password": pg.password, "dbname": pg.database, "schema": warehouse.schema,
            "threads": 4}  # fmt: skip


@pytest.fixture(scope="module")
def project(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The scenario loaded into this module's warehouse and the demo project run on it."""
    workdir = tmp_path_factory.mktemp(f"evaluate_notify_{warehouse.engine}")
    scenario = generate_scenario(rows=ROWS, days=DAYS, seed=SEED)
    if warehouse.engine == "duckdb":
        write_scenario(scenario, warehouse.duckdb_path)
        raw = RAW_SCHEMA
    else:
        write_scenario(scenario, workdir / "scenario.duckdb")
        copy_raw_tables(workdir / "scenario.duckdb", warehouse)
        raw = warehouse.raw_schema
    project_dir = workdir / "project"
    shutil.copytree(PROJECT_TEMPLATE, project_dir, ignore=shutil.ignore_patterns("target", "logs"))
    (project_dir / "packages.yml").write_text(
        yaml.safe_dump({"packages": [{"local": str(find_package_dir())}]}), encoding="utf-8"
    )
    config = project_dir / "dbt_project.yml"
    text = re.sub(r"(?<=: )raw\.", f"{raw}.", config.read_text(encoding="utf-8"))
    config.write_text(text, encoding="utf-8")
    profile = {PROFILE_NAME: {"target": "test", "outputs": {"test": profile_output(warehouse)}}}
    (project_dir / "profiles.yml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    where = ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    for command in ("deps", "run"):
        result = invoke([command, *where, "--log-path", str(workdir / "logs")])
        assert result.success, f"dbt {command} on {warehouse.engine}:\n{result.tail()}"
    return Project(warehouse, project_dir, scenario.facts)


# --- running evaluate ---------------------------------------------------------------------------


@dataclass
class Evaluate:
    """`model-monitor evaluate` on the project with the channels file, into one alerts schema."""

    project: Project
    schema: str
    channels: Path
    jsonl: Path
    receiver: Receiver
    outputs: list[str] = field(default_factory=list)

    def __call__(self, *args: str, fail_on: str = "critical") -> tuple[int, list[dict], Result]:
        """Run it (JSON output); return the exit code, the alerts printed and click's result."""
        now = self.project.facts.end.strftime("%Y-%m-%d %H:%M")  # freshness holds
        result = CliRunner().invoke(
            cli,
            ["evaluate", "--project-dir", str(self.project.project_dir), "--profiles-dir",
             str(self.project.project_dir), "--channels", str(self.channels), "--alerts-schema",
             self.schema, "--now", now, "--format", "json", "--fail-on", fail_on, *args],
            env={URL_ENV: self.receiver.url()},
        )  # fmt: skip
        self.outputs += [result.stdout, result.stderr, repr(result.exception or "")]
        alerts = []
        if result.exit_code != EXIT_ERROR:
            alerts = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        return result.exit_code, alerts, result

    def stored(self) -> pd.DataFrame:
        """monitor_alerts of the alerts schema."""
        return self._read("monitor_alerts")

    def deliveries(self) -> pd.DataFrame:
        """monitor_alert_deliveries of the alerts schema, by channel and alert_id."""
        frame = self._read("monitor_alert_deliveries")
        return frame.sort_values(["channel", "alert_id"], ignore_index=True)

    def jsonl_ids(self) -> list[str]:
        """The alert_id of every line the jsonl channel wrote."""
        if not self.jsonl.exists():
            return []
        return [json.loads(line)["alert_id"] for line in self.jsonl.read_text().splitlines()]

    def _read(self, table: str) -> pd.DataFrame:
        wh = self.project.warehouse
        return pd.DataFrame(wh.query(f"select * from {wh.relation(table, self.schema)}"))


@pytest.fixture
def evaluate(
    project: Project,
    receiver: Receiver,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> Iterator[Evaluate]:
    """An Evaluate with its own alerts schema (dropped afterwards) and output files; every
    output and log record (the HTTP libraries' too, at DEBUG) is checked for the secret."""
    caplog.set_level(logging.DEBUG)
    name = re.sub(r"[^a-z0-9]+", "_", request.node.originalname.removeprefix("test_"))[:24]
    schema = f"{project.warehouse.schema}_{name}"
    jsonl = tmp_path / "alerts.jsonl"
    channels = tmp_path / "channels.yml"
    channels.write_text(
        "channels:\n"
        f"  - {{type: webhook, url_env: {URL_ENV},\n"
        f"     retry: {{attempts: {ATTEMPTS}, initial_wait: 0.01, max_wait: 0.05}}}}\n"
        f"  - {{type: jsonl, path: '{jsonl}'}}\n"
        "retry: {timeout: 5, total_timeout: 10}\n",
        encoding="utf-8",
    )
    run = Evaluate(project, schema, channels, jsonl, receiver)
    yield run
    logged = "\n".join(r.getMessage() for r in caplog.get_records("call"))
    seen = "\n".join([*run.outputs, logged, run.deliveries().to_csv()])
    project.warehouse.execute(f"drop schema if exists {quote(schema)} cascade")
    assert "/hooks/***" in logged  # the HTTP libraries did log the URL, redacted
    assert TOKEN not in seen, "the webhook's secret URL leaked into the output or the logs"


def ids(alerts: list[dict]) -> list[str]:
    """The sorted alert_ids of printed alerts."""
    return sorted(a["alert_id"] for a in alerts)


# --- the tests ----------------------------------------------------------------------------------


def test_alerts_are_stored_and_sent_once(evaluate: Evaluate, receiver: Receiver):
    code, alerts, result = evaluate()
    assert code == EXIT_ALERTS, result.output
    assert alerts and {a["status"] for a in alerts} == {"new"}
    psi = [a for a in alerts if a["rule_name"] == "psi" and a["column_name"] == "monthly_charges"]
    assert [a["severity"] for a in psi] == ["critical"]
    assert not [a for a in alerts if a["rule_name"] == "freshness"]
    count = len(alerts)
    assert result.stderr.strip() == (
        f"Notifications: webhook {count} delivered; jsonl {count} delivered"
    )

    stored = evaluate.stored()
    assert sorted(stored["alert_id"]) == ids(alerts)
    assert set(stored["status"]) == {"new"}
    deliveries = evaluate.deliveries()
    assert len(deliveries) == 2 * count
    assert set(deliveries["delivery_status"]) == {"delivered"}
    assert set(deliveries["attempts"]) == {1}
    assert sorted(receiver.alert_ids()) == ids(alerts)  # one POST per alert
    assert sorted(evaluate.jsonl_ids()) == ids(alerts)

    # The same data again: the alerts are found in the store, nothing is written or sent.
    code, again, result = evaluate()
    assert code == EXIT_ALERTS
    assert ids(again) == ids(alerts)
    assert result.stderr.strip() == (
        "Notifications: webhook nothing new to send; jsonl nothing new to send"
    )
    assert len(evaluate.stored()) == count
    assert evaluate.deliveries().equals(deliveries)
    assert len(receiver.bodies) == count and len(evaluate.jsonl_ids()) == count


def test_a_failed_delivery_is_stored_and_retried_by_the_next_run(
    evaluate: Evaluate, receiver: Receiver
):
    receiver.status = 500
    code, alerts, result = evaluate()
    assert code == EXIT_ALERTS, result.output  # the alerts decide, not the deliveries
    count = len(alerts)
    assert f"webhook {count} failed (last error: " in result.stderr
    assert "failed deliveries are stored and retried on the next run" in result.stderr
    assert f"jsonl {count} delivered" in result.stderr
    deliveries = evaluate.deliveries()
    webhook = deliveries[deliveries["channel"] == "webhook"]
    assert set(webhook["delivery_status"]) == {"failed"} and len(webhook) == count
    assert set(webhook["attempts"]) == {ATTEMPTS}
    assert webhook["last_error"].str.contains("500").all()
    assert not webhook["last_error"].str.contains(TOKEN).any()
    assert receiver.bodies == [] and len(evaluate.jsonl_ids()) == count

    receiver.status = 200
    code, again, result = evaluate()
    assert code == EXIT_ALERTS and ids(again) == ids(alerts)
    assert result.stderr.strip() == (
        f"Notifications: webhook {count} delivered ({count} retried from an earlier run); "
        "jsonl nothing new to send"
    )
    deliveries = evaluate.deliveries()
    webhook = deliveries[deliveries["channel"] == "webhook"]
    assert set(webhook["delivery_status"]) == {"delivered"}
    assert set(webhook["attempts"]) == {ATTEMPTS + 1}  # the earlier attempts are kept
    assert sorted(receiver.alert_ids()) == ids(alerts)
    assert len(evaluate.jsonl_ids()) == count  # the jsonl channel had delivered already
    assert len(evaluate.stored()) == count

    _, _, result = evaluate()
    assert "webhook nothing new to send" in result.stderr and len(receiver.bodies) == count


def test_failed_deliveries_leave_the_exit_code_to_the_alerts(
    evaluate: Evaluate, receiver: Receiver, tmp_path: Path
):
    rules = tmp_path / "rules.yml"  # no critical bound: the newest windows raise warnings only
    rules.write_text("rules:\n  psi: {critical: null}\n  unseen_categories: {critical: null}\n")
    receiver.status = 500
    code, alerts, result = evaluate("--rules", str(rules))
    assert code == EXIT_OK, result.output
    assert alerts and {a["severity"] for a in alerts} == {"warning"}
    assert f"webhook {len(alerts)} failed" in result.stderr
    code, _, result = evaluate("--rules", str(rules), fail_on="warning")
    assert code == EXIT_ALERTS
    assert f"webhook {len(alerts)} failed ({len(alerts)} retried from an earlier run" in (
        result.stderr
    )


def test_ongoing_alerts_wait_for_the_cooldown(evaluate: Evaluate, receiver: Receiver):
    day_before = (evaluate.project.facts.end - pd.Timedelta(days=2)).strftime("%Y-%m-%d")
    code, earlier, _ = evaluate("--since", day_before, "--until", day_before)
    assert earlier and code in (EXIT_OK, EXIT_ALERTS)
    sent = len(receiver.bodies)
    _, latest, result = evaluate()
    keys = {a["alert_key"] for a in earlier}
    ongoing = [a for a in latest if a["alert_key"] in keys]
    assert ongoing and {a["status"] for a in ongoing} == {"ongoing"}
    # Same --now: the earlier notification is 0 hours old, within the 24-hour cooldown.
    assert f"webhook {len(latest) - len(ongoing)} delivered, {len(ongoing)} suppressed" in (
        result.stderr
    )
    # New keys and resolved ones (fired the day before, not now) go out at once.
    assert len(receiver.bodies) == sent + len(latest) - len(ongoing)
    deliveries = evaluate.deliveries()
    suppressed = deliveries[deliveries["delivery_status"] == "suppressed"]
    assert len(suppressed) == 2 * len(ongoing)


def test_a_bad_channels_file_exits_2_before_connecting(tmp_path: Path):
    channels = tmp_path / "channels.yml"
    channels.write_text(f"channels:\n  - {{type: webhook, url_env: {URL_ENV}}}\n")
    result = CliRunner().invoke(
        cli,
        ["evaluate", "--project-dir", str(tmp_path / "nowhere"), "--channels", str(channels)],
        env={URL_ENV: None},
    )
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.strip() == (
        f"model-monitor: error: key `channels[0].url_env`: environment variable {URL_ENV} "
        f"is not set (in {channels})"
    )
