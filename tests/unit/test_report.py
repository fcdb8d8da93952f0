"""model_monitor.report: loading, figures, overview and the HTML file, on a small demo."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

from model_monitor.alerts.record import Alert, Severity, Status
from model_monitor.alerts.store.alert_store import AlertStore
from model_monitor.alerts.store.schema import ALERTS_TABLE
from model_monitor.cli.report import report
from model_monitor.demo import run_demo
from model_monitor.errors import ConfigError
from model_monitor.report import MissingDependencyError, ReportOptions, write_report
from model_monitor.report.data import MonitorData, ReportData
from model_monitor.report.figures_data import data_quality
from model_monitor.report.figures_drift import drift_over_time, histograms
from model_monitor.report.load import load_report_data
from model_monitor.report.overview import NOT_EVALUATED, summarize
from model_monitor.report.render import monitor_sections, render_report
from model_monitor.report.thresholds import Bounds, Thresholds, default_thresholds
from model_monitor.warehouse import Warehouse

ROWS, DAYS = 3000, 14


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """A small demo project built with dbt on DuckDB (about 20 s)."""
    return run_demo(tmp_path_factory.mktemp("report") / "demo", rows=ROWS, days=DAYS)


@pytest.fixture
def warehouse(demo) -> Iterator[Warehouse]:
    """The demo's warehouse, through its own dbt profile."""
    with Warehouse(demo.project_dir, profiles_dir=demo.profiles_dir) as opened:
        yield opened


@pytest.fixture
def no_alerts(warehouse: Warehouse) -> Warehouse:
    """The demo's warehouse without a monitor_alerts table (as before any evaluate)."""
    warehouse.execute(f"drop table if exists {warehouse.table_relation(ALERTS_TABLE)}")
    return warehouse


def count(warehouse: Warehouse, table: str, where: str) -> int:
    """Rows of a table matching a condition, straight from SQL."""
    frame = warehouse.query(f"select count(*) as n from {warehouse.relation(table)} where {where}")
    return int(frame.iloc[0, 0])


def monitor(data: ReportData, name: str) -> MonitorData:
    return next(m for m in data.monitors if m.name == name)


def test_load_reads_every_monitor_whole_population_only(no_alerts: Warehouse):
    data = load_report_data(no_alerts, ReportOptions())
    assert [m.name for m in data.monitors] == ["churn", "delivery_eta"]
    churn = monitor(data, "churn")
    assert churn.task == "binary" and monitor(data, "delivery_eta").task == "regression"
    where = "monitor_name = 'churn' and slice_key is null"
    assert len(churn.drift) == count(no_alerts, "monitor_drift", where)
    assert len(churn.quality) == count(
        no_alerts, "monitor_data_quality", f"{where} and metric_scope = 'column'"
    )
    assert churn.windows["window_start"].nunique() == DAYS
    # the slices come only for the latest window
    assert set(churn.slice_drift["window_start"]) == {pd.Timestamp(churn.latest_window)}
    assert churn.slice_drift["slice_key"].notna().all()
    assert data.missing_tables == []


def test_drift_pvalues_are_scipy_tests_adjusted_with_benjamini_hochberg(no_alerts: Warehouse):
    drift = monitor(load_report_data(no_alerts, ReportOptions()), "churn").drift
    categorical = drift[(drift["column_kind"] == "categorical") & drift["chi_square"].notna()]
    row = categorical.iloc[0]
    assert row["pvalue"] == pytest.approx(stats.chi2.sf(row["chi_square"], row["chi_square_dof"]))
    numerical = drift[(drift["column_kind"] == "numerical") & drift["ks_statistic"].notna()].iloc[0]
    n = round(
        numerical["reference_count"]
        * numerical["current_count"]
        / (numerical["reference_count"] + numerical["current_count"])
    )
    assert numerical["pvalue"] == pytest.approx(
        min(1.0, stats.kstwo.sf(numerical["ks_statistic"], n)), rel=1e-9, abs=1e-300
    )
    window = drift["window_start"].max()
    judged = drift[
        (drift["window_start"] == window)
        & (drift["column_role"] != "label")
        & drift["pvalue"].notna()
    ]
    for version, group in judged.groupby("model_version"):
        expected = stats.false_discovery_control(group["pvalue"].to_numpy())
        np.testing.assert_allclose(group["pvalue_adjusted"], expected, err_msg=str(version))
    labels = drift[drift["column_role"] == "label"]
    np.testing.assert_array_equal(labels["pvalue_adjusted"], labels["pvalue"])


def test_histograms_embed_the_reference_and_the_last_windows(no_alerts: Warehouse):
    data = load_report_data(no_alerts, ReportOptions(histogram_windows=3))
    for item in data.monitors:
        dist = item.distributions
        current = dist[dist["window_kind"] == "current"]
        filled = item.windows[item.windows["prediction_count"] > 0]["window_start"]
        assert sorted(current["window_start"].unique()) == sorted(filled.unique())[-3:]
        assert (dist["window_kind"] == "reference").any()
        assert (dist["bin_type"] != "null").all()


def test_since_drops_older_windows_and_keeps_the_reference(no_alerts: Warehouse):
    full = load_report_data(no_alerts, ReportOptions(monitor="churn"))
    since = full.monitors[0].windows["window_start"].sort_values().iloc[-4].to_pydatetime()
    data = load_report_data(no_alerts, ReportOptions(monitor="churn", since=since))
    churn = data.monitors[0]
    assert churn.windows["window_start"].min() == since
    assert churn.drift["window_start"].min() >= since
    current = churn.performance[churn.performance["window_kind"] == "current"]
    assert current["window_start"].min() >= since
    assert (churn.performance["window_kind"] == "reference").any()


def test_unknown_monitor_names_the_known_ones(no_alerts: Warehouse):
    with pytest.raises(ConfigError, match="known monitors: churn, delivery_eta"):
        load_report_data(no_alerts, ReportOptions(monitor="chrun"))


def test_since_after_the_last_window_is_one_clear_error(no_alerts: Warehouse):
    with pytest.raises(ConfigError, match="no window starts at or after 2031-01-01 00:00"):
        load_report_data(no_alerts, ReportOptions(since=dt.datetime(2031, 1, 1)))


def test_without_an_alerts_table_every_monitor_reads_not_evaluated(no_alerts: Warehouse):
    data = load_report_data(no_alerts, ReportOptions())
    assert not data.alerts_recorded
    for item in data.monitors:
        assert item.open_alerts is None
        assert summarize(item, default_thresholds()).status == NOT_EVALUATED
    html, _ = render_report(data, default_thresholds())
    assert "No alerts recorded" in html


def _alert(rule: str, severity: Severity, status: Status, column: str, start: dt.datetime) -> Alert:
    return Alert(
        monitor_name="churn",
        rule_name=rule,
        metric_name=rule,
        severity=severity,
        window_start=start,
        window_end=start + dt.timedelta(days=1),
        message=f"{rule} on {column}",
        column_name=column,
        status=status,
    )


def test_open_alerts_are_counted_by_severity_and_resolved_ones_left_out(no_alerts: Warehouse):
    store = AlertStore(no_alerts)
    store.ensure_tables()
    day = dt.datetime(2025, 1, 10)
    store.insert_alerts(
        [
            _alert("psi", Severity.CRITICAL, Status.NEW, "country", day),
            _alert("drift_test", Severity.WARNING, Status.ONGOING, "plan", day),
            _alert("out_of_range", Severity.WARNING, Status.NEW, "age", day),
            # the same key resolved in a later window: no longer open
            _alert("out_of_range", Severity.WARNING, Status.RESOLVED, "age", day.replace(day=11)),
        ],
        evaluated_at=dt.datetime(2025, 1, 12),
    )
    data = load_report_data(no_alerts, ReportOptions())
    churn = monitor(data, "churn")
    assert data.alerts_recorded
    assert [a.rule_name for a in churn.open_alerts or []] == ["psi", "drift_test"]
    overview = summarize(churn, default_thresholds())
    assert overview.status == "critical"
    assert overview.open_alerts == {"critical": 1, "warning": 1, "info": 0}
    delivery = summarize(monitor(data, "delivery_eta"), default_thresholds())
    assert delivery.status == "ok"


def test_default_thresholds_are_the_builtin_rules():
    from model_monitor.alerts.rules import BUILTIN_RULES

    thresholds = default_thresholds()
    psi = BUILTIN_RULES["psi"]
    assert thresholds.psi == Bounds(psi["warning"], psi["critical"])
    assert thresholds.drift_pvalue.warning == BUILTIN_RULES["drift_test"]["warning"]


def test_drift_panels_draw_the_psi_and_pvalue_bounds(no_alerts: Warehouse):
    churn = monitor(load_report_data(no_alerts, ReportOptions()), "churn")
    thresholds = Thresholds(psi=Bounds(0.12, 0.3), drift_pvalue=Bounds(0.02, None))
    figure = drift_over_time(churn, thresholds)
    assert figure is not None
    columns = churn.drift["column_name"].nunique()
    bounds = {
        name: [t.y[0] for t in figure.data if t.name == name]
        for name in ("PSI warning 0.12", "PSI critical 0.3", "p-value warning 0.02")
    }
    assert bounds == {
        "PSI warning 0.12": [0.12] * columns,
        "PSI critical 0.3": [0.3] * columns,
        "p-value warning 0.02": [0.02] * columns,
    }


def test_histogram_menu_offers_each_window_and_version_and_shows_one_at_a_time(
    no_alerts: Warehouse,
):
    churn = monitor(load_report_data(no_alerts, ReportOptions(histogram_windows=4)), "churn")
    figure = histograms(churn)
    assert figure is not None
    current = churn.distributions[churn.distributions["window_kind"] == "current"]
    options = current[["window_start", "model_version"]].drop_duplicates()
    buttons = figure.layout.updatemenus[0].buttons
    assert len(buttons) == len(options)
    columns = churn.distributions["column_name"].nunique()
    for button in buttons:
        visible = button.args[0]["visible"]
        assert len(visible) == len(figure.data)
        # every column shows its reference and exactly one window
        assert sum(visible) == 2 * columns
    latest = f"{churn.latest_window:%Y-%m-%d}"
    assert buttons[0].label.startswith(latest)


def _synthetic(windows: pd.DataFrame, quality: pd.DataFrame) -> MonitorData:
    """A monitor with only windows and data-quality rows."""
    empty = pd.DataFrame({"monitor_name": [], "window_start": [], "model_version": []})
    return MonitorData(
        name="m",
        task=None,
        windows=windows,
        quality=quality,
        drift=empty,
        slice_drift=empty,
        distributions=empty,
        performance=empty,
        slice_performance=empty,
        coverage=empty,
        calibration=empty,
        residuals=empty,
        operations=empty,
        fairness=empty,
    )


def test_data_quality_marks_empty_windows_and_computes_shares_over_versions():
    days = pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])
    windows = pd.DataFrame(
        {
            "monitor_name": "m",
            "window_start": [days[0], days[0], days[1], days[2]],
            "window_end": [days[0], days[0], days[1], days[2]],
            "model_version": ["a", "b", None, "b"],
            "prediction_count": [60.0, 40.0, 0.0, 100.0],
        }
    )
    quality = pd.DataFrame(
        {
            "monitor_name": "m",
            "window_start": [days[0], days[0], days[2]],
            "model_version": ["a", "b", "b"],
            "column_name": "x",
            "column_role": "feature",
            "column_kind": "numerical",
            "row_count": [60.0, 40.0, 100.0],
            "null_count": [6.0, 4.0, 0.0],
            "nan_count": [0.0, 10.0, 0.0],
            "out_of_range_count": [0.0, 8.0, 0.0],
            "unseen_category_count": np.nan,
        }
    )
    figure = data_quality(_synthetic(windows, quality), default_thresholds())
    assert figure is not None
    (empty,) = [t for t in figure.data if t.name == "empty window"]
    assert list(empty.x) == [days[1]]
    (nulls,) = [t for t in figure.data if t.name == "x" and t.yaxis == "y"]
    assert list(nulls.y) == [0.1, 0.0]  # (6 + 4) / (60 + 40)
    (out,) = [t for t in figure.data if t.name == "x" and t.yaxis == "y2"]
    assert list(out.y) == [pytest.approx(8 / 80), 0.0]  # of the 100 - 10 - 10 finite values


def test_every_section_of_the_demo_has_its_figure(no_alerts: Warehouse):
    data = load_report_data(no_alerts, ReportOptions())
    thresholds = default_thresholds()
    churn = {s.title: s for s in monitor_sections(monitor(data, "churn"), thresholds, 14)}
    assert "Residuals" not in churn and "Slices: fairness" in churn
    assert [t for t, s in churn.items() if s.figure is None] == []
    delivery = {s.title: s for s in monitor_sections(monitor(data, "delivery_eta"), thresholds, 14)}
    assert "Calibration" not in delivery and "Slices: fairness" not in delivery
    assert [t for t, s in delivery.items() if s.figure is None] == []


def test_overview_headline_uses_a_well_labeled_window(no_alerts: Warehouse):
    churn = monitor(load_report_data(no_alerts, ReportOptions()), "churn")
    overview = summarize(churn, default_thresholds())
    assert overview.headline == "accuracy"
    assert overview.latest_window == churn.latest_window
    assert overview.realized is not None and overview.estimated is not None
    coverage = churn.coverage.groupby("window_start")[["labeled_count", "prediction_count"]].sum()
    share = coverage["labeled_count"] / coverage["prediction_count"]
    assert share[pd.Timestamp(overview.realized.window_start)] >= 0.5
    assert overview.estimated.window_start == churn.latest_window


def test_report_file_is_self_contained(no_alerts: Warehouse, tmp_path: Path):
    result = write_report(no_alerts, tmp_path / "out" / "report.html", ReportOptions())
    html = result.path.read_text(encoding="utf-8")
    assert result.size_bytes == len(html.encode("utf-8"))
    # plotly.js itself is inline, once (some releases spell `Plotly.newPlot(` inside it); nothing
    # is fetched
    assert html.count("<script>") == 1 + result.chart_count
    charts = html.split("<script>")[2:]
    assert sum(c.count("Plotly.newPlot(") for c in charts) == result.chart_count > 10
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"(?!data:)", html)
    assert 'id="monitor-churn"' in html and 'id="monitor-delivery_eta"' in html


def test_report_command_writes_the_file_and_reports_progress(demo, no_alerts, tmp_path: Path):
    no_alerts.close()  # the command opens the DuckDB file itself
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        report,
        [
            "--project-dir",
            str(demo.project_dir),
            "--profiles-dir",
            str(demo.profiles_dir),
            "--out",
            str(out),
            "--monitor",
            "delivery_eta",
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert re.search(r"wrote .*r\.html \(\d+\.\d MB, 1 monitor, \d+ charts\) in", result.stdout)
    assert "report: read monitor_drift" in result.stderr


def test_report_command_is_registered():
    from model_monitor.cli import cli

    assert "report" in cli.commands


def test_missing_plotly_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "plotly" else real(name, *a)
    )
    with pytest.raises(MissingDependencyError, match=r"dbt-model-monitor\[report\]"):
        write_report(object(), tmp_path / "r.html", ReportOptions())


def test_performance_figure_shades_the_windows_with_immature_labels(no_alerts: Warehouse):
    from model_monitor.report.figures_outcomes import IMMATURE_SHADE, performance

    churn = monitor(load_report_data(no_alerts, ReportOptions()), "churn")
    fig = performance(churn, default_thresholds())
    assert fig is not None
    totals = churn.coverage.groupby("window_start")[["labeled_count", "prediction_count"]].sum()
    immature = {
        pd.Timestamp(w)
        for w, r in totals.iterrows()
        if r["labeled_count"] < 100 or r["labeled_count"] / r["prediction_count"] < 0.5
    }
    assert immature, "the small demo has no window with immature labels"
    shaded = set()
    shapes = [s for s in fig.layout.shapes if s.fillcolor == IMMATURE_SHADE]
    for shape in shapes:
        start, end = pd.Timestamp(shape.x0), pd.Timestamp(shape.x1)
        shaded |= {w for w in pd.to_datetime(totals.index) if start <= w < end}
    assert shaded == immature
    legend = [t.name for t in fig.data if t.name and t.name.startswith("shaded: labels not mature")]
    assert legend == ["shaded: labels not mature (mature: ≥100 labels and ≥50% coverage)"]
