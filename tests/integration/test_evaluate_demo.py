"""`model-monitor evaluate` on a small demo build: alerts tell the story the scenario injected."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from model_monitor.cli import EXIT_ALERTS, EXIT_ERROR, EXIT_OK, cli
from model_monitor.demo import run_demo

pytestmark = pytest.mark.integration

ROWS = 20_000
DAYS = 21
STABLE_FEATURES = ("age", "payment_method", "tenure_months")  # never drift in the scenario
DRIFT_RULES = ("psi", "drift_test")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("evaluate"), rows=ROWS, days=DAYS, echo=lambda _: None)


@pytest.fixture
def evaluate(demo):
    """Run `model-monitor evaluate` on the demo; returns (exit code, alerts, result)."""
    runner = CliRunner()
    # Just after the newest window closed: freshness is fine unless a test says otherwise.
    fresh = (demo.facts.end + pd.Timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")

    def run(*args: str, now: str | None = fresh, output: str = "json"):
        base = ["evaluate", "--project-dir", str(demo.project_dir)]
        base += ["--profiles-dir", str(demo.profiles_dir), "--dry-run", "--format", output]
        if now is not None:
            base += ["--now", now]
        result = runner.invoke(cli, [*base, *map(str, args)])
        alerts = []
        if output == "json" and result.exit_code != EXIT_ERROR:
            alerts = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        return result.exit_code, alerts, result

    return run


def day(timestamp: pd.Timestamp) -> str:
    return timestamp.strftime("%Y-%m-%d")


def where(alerts, **fields):
    return [a for a in alerts if all(a[k] == v for k, v in fields.items())]


def test_latest_window_has_psi_alerts_on_monthly_charges_after_the_drift(demo, evaluate):
    code, alerts, result = evaluate()
    assert code == EXIT_ALERTS, result.output
    latest = (demo.facts.end - pd.Timedelta(days=1)).isoformat()
    assert {a["window_start"] for a in alerts} == {latest}
    (psi,) = where(alerts, monitor_name="churn", rule_name="psi", column_name="monthly_charges")
    assert psi["severity"] == "critical" and psi["observed_value"] >= 0.25
    assert psi["threshold"] == 0.25 and psi["model_version"] == "v2"
    assert psi["message"].startswith("PSI of monthly_charges is ")
    assert not where(alerts, rule_name="freshness")


def test_every_window_after_the_drift_flags_monthly_charges(demo, evaluate):
    code, alerts, _ = evaluate("--since", day(demo.facts.drift_start + pd.Timedelta(days=2)))
    assert code == EXIT_ALERTS
    psi = where(alerts, monitor_name="churn", rule_name="psi", column_name="monthly_charges")
    windows = {a["window_start"] for a in psi}
    assert len(windows) == (demo.facts.end - demo.facts.drift_start).days - 2
    assert all(a["severity"] == "critical" for a in psi)


def test_the_outage_window_is_a_critical_volume_alert(demo, evaluate):
    outage = day(demo.facts.outage_date)
    code, alerts, result = evaluate("--since", outage, "--until", outage, "--monitor", "churn")
    assert code == EXIT_ALERTS, result.output
    (volume,) = where(alerts, rule_name="volume")
    assert volume["severity"] == "critical"
    assert volume["observed_value"] == 0
    assert volume["window_start"] == demo.facts.outage_date.isoformat()
    assert volume["message"] == "prediction count is 0: no predictions in the window"


def test_no_drift_alert_before_the_drift(demo, evaluate):
    before = day(demo.facts.drift_start - pd.Timedelta(days=2))
    code, alerts, _ = evaluate("--since", before, "--until", before)
    assert [a for a in alerts if a["rule_name"] in DRIFT_RULES] == []
    assert code == EXIT_OK  # nothing critical in a quiet window


def test_stable_features_never_raise_drift_alerts(demo, evaluate):
    _, alerts, _ = evaluate("--since", day(demo.facts.start), "--monitor", "churn")
    assert [
        (a["window_start"], a["column_name"], a["rule_name"])
        for a in alerts
        if a["rule_name"] in DRIFT_RULES and a["column_name"] in STABLE_FEATURES
    ] == []


def test_the_null_burst_raises_null_rate_alerts(demo, evaluate):
    first, last = (demo.facts.start + pd.Timedelta(days=d) for d in demo.facts.null_burst_days)
    _, alerts, _ = evaluate("--since", day(first), "--until", day(last), "--monitor", "churn")
    burst = where(alerts, rule_name="null_rate_increase", column_name="tenure_months")
    assert {a["window_start"] for a in burst} == {first.isoformat(), last.isoformat()}


def test_fail_on_sets_the_exit_code(demo, evaluate):
    before = day(demo.facts.drift_start - pd.Timedelta(days=2))
    code, alerts, _ = evaluate("--since", before, "--until", before, "--fail-on", "info")
    assert code == (EXIT_ALERTS if alerts else EXIT_OK)
    code, _, _ = evaluate("--fail-on", "warning")
    assert code == EXIT_ALERTS


def test_freshness_uses_the_wall_clock(demo, evaluate):
    code, alerts, _ = evaluate("--monitor", "churn", now=None)  # 2025's data is long stale
    (fresh,) = where(alerts, rule_name="freshness")
    assert fresh["severity"] == "critical" and code == EXIT_ALERTS


def test_a_rules_file_silences_a_column_and_moves_bounds(demo, evaluate, tmp_path: Path):
    path = tmp_path / "rules.yml"
    path.write_text(
        "monitors:\n"
        "  churn:\n"
        "    columns:\n"
        "      monthly_charges: {silence: true}\n"
        "    rules:\n"
        "      psi: {warning: 0.9, critical: 0.95}\n"
        "  delivery_eta: {silence: true}\n"
    )
    code, alerts, result = evaluate("--rules", path)
    assert result.exit_code in (EXIT_OK, EXIT_ALERTS), result.output
    assert where(alerts, column_name="monthly_charges") == []
    assert where(alerts, rule_name="psi") == []
    assert where(alerts, monitor_name="delivery_eta") == []


def test_the_table_lists_alerts_and_a_summary(demo, evaluate):
    code, _, result = evaluate("--monitor", "churn", output="table")
    assert code == EXIT_ALERTS
    assert "monthly_charges" in result.stdout and "critical" in result.stdout
    assert "over 1 window of 1 monitor (dry run: nothing stored or sent)" in result.stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("--rules", "missing.yml"), "cannot read rules file"),
        (("--monitor", "fraud"), "monitor 'fraud', key `monitor`: no windows"),
        (("--since", "2030-01-01"), "key `since`: no window starts from 2030-01-01"),
        (("--since", "2025-01-10", "--until", "2025-01-09"), "is after --until"),
    ],
)
def test_configuration_errors_exit_2_with_one_line(demo, evaluate, args, fragment):
    code, _, result = evaluate(*args)
    assert code == EXIT_ERROR
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("model-monitor: error: "), result.stderr
    assert fragment in lines[0]


def test_a_bad_rules_file_fails_before_connecting(tmp_path: Path):
    rules = tmp_path / "rules.yml"
    rules.write_text("rules:\n  psi: {warning: high}\n")
    result = CliRunner().invoke(
        cli, ["evaluate", "--project-dir", str(tmp_path), "--rules", str(rules)]
    )
    assert result.exit_code == EXIT_ERROR
    assert "key `rules.psi.warning`: expected a number or null; got 'high'" in result.stderr


def test_a_missing_project_exits_2(tmp_path: Path):
    result = CliRunner().invoke(cli, ["evaluate", "--project-dir", str(tmp_path)])
    assert result.exit_code == EXIT_ERROR
    assert "no dbt_project.yml" in result.stderr


def test_now_is_parsed_as_utc(demo, evaluate):
    late = demo.facts.end + pd.Timedelta(hours=49)
    _, alerts, _ = evaluate("--monitor", "churn", now=late.strftime("%Y-%m-%d %H:%M"))
    (fresh,) = where(alerts, rule_name="freshness")
    assert fresh["severity"] == "warning"
    assert fresh["observed_value"] == pytest.approx(49)
    assert dt.datetime.fromisoformat(fresh["window_end"]) == demo.facts.end.to_pydatetime()


def test_the_demo_run_raises_the_accuracy_drop_on_mature_labels_and_later_runs_do_not(
    demo, evaluate
):
    drops = [
        a
        for a in demo.alerts
        if a.monitor_name == "churn" and a.rule_name == "performance_drop"
        and a.metric_name == "accuracy" and a.model_version == "v1"
    ]  # fmt: skip
    (drop,) = drops
    assert drop.window_start >= demo.facts.drift_start.to_pydatetime()
    labeled, predicted = drop.details["labeled_count"], drop.details["prediction_count"]
    assert labeled >= 100 and labeled / predicted >= 0.5
    assert f"labels matured: {labeled:,} of {predicted:,}" in drop.message
    # The same labels again: nothing left to judge on realized performance.
    code, alerts, result = evaluate()
    assert not where(alerts, rule_name="performance_drop", monitor_name="churn"), result.output
    # --since still judges every mature window in the range.
    _, past, _ = evaluate("--since", day(demo.facts.drift_start))
    assert where(past, rule_name="performance_drop", metric_name="accuracy", model_version="v1")
