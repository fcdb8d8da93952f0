"""Scheduled `model-monitor evaluate` follows late labels: a fraud-like monitor, run daily.

A binary classifier scores 400 predictions a day over 20 days; from day 16 its scores no longer
say anything about the outcome (concept drift), so accuracy falls from about 0.9 to 0.5. Labels
arrive 2 to 8 days after the prediction (median about 4), 5% never. The story is played as a
scheduler would: each day the previous day's predictions and the labels that arrived are
appended, `dbt build` runs, and `model-monitor evaluate --now <that midnight>` judges. The first
evaluation comes on day 14 (history already there), the last on day 26.

What must hold, computed independently from the raw rows with pandas and sklearn: every
window's accuracy alert (performance_drop) shows up in exactly one run, the first run at which
its labels are mature (>= 100 labels, >= 50% coverage, with the labels appended by then), with
the severity the drop at that run calls for, and the message names the labeled count; no
window is alerted again later although its labels keep arriving, and monitor_alerts holds each
once. Every drifted window (day 16 on) is alerted; no healthy window after the first
evaluation's newest mature one is.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.metrics import accuracy_score

from model_monitor.cli import cli

from .data import DOUBLE, TEXT, TIMESTAMP, LabelsSpec, ReferenceSpec, Scenario, Table
from .dbt_runner import PROJECT_DIR, DbtProject
from .loaders import Warehouse
from .performance_data import OutcomeMonitor

pytestmark = pytest.mark.engines("duckdb", "postgres")

SEED = int(os.environ.get("MM_SEED", "20261203"))
START = dt.datetime(2025, 3, 3)
DAYS, DRIFT_DAY, PER_DAY = 20, 16, 400
FIRST_RUN, LAST_RUN = 14, 26  # evaluations at the midnight starting these days
MIN_LABELS, MIN_COVERAGE = 100, 0.5  # the documented default maturity
WARNING, CRITICAL = 0.05, 0.10  # performance_drop's default bounds on accuracy (a difference)
NAME = "fraud"


def day(d: int) -> dt.datetime:
    """Midnight starting day d."""
    return START + dt.timedelta(days=d)


@dataclass
class Story:
    """The raw tables in full, and what each evaluation printed (JSON alerts, by run day)."""

    predictions: pd.DataFrame
    labels: pd.DataFrame
    reference: pd.DataFrame
    outputs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    stored: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def make_story(seed: int) -> Story:
    """The fraud-like predictions, their late labels and a healthy reference."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(DAYS):
        score = rng.beta(2, 2, PER_DAY)
        if d < DRIFT_DAY:
            outcome = rng.random(PER_DAY) < np.where(score >= 0.5, 0.92, 0.08)
        else:  # concept drift: the score no longer tells
            outcome = rng.random(PER_DAY) < 0.5
        seconds = rng.integers(0, 86_400, PER_DAY)
        for i in range(PER_DAY):
            rows.append(
                {
                    "pid": f"p{d:02d}-{i:03d}",
                    "ts": day(d) + dt.timedelta(seconds=int(seconds[i])),
                    "score": float(round(score[i], 4)),
                    "x": float(rng.normal()),
                    "label": float(outcome[i]),
                }
            )
    predictions = pd.DataFrame(rows)
    delay = dt.timedelta(days=2) + pd.to_timedelta(rng.gamma(2.0, 1.0, len(predictions)), "D")
    arrives = rng.random(len(predictions)) >= 0.05
    labels = predictions.loc[arrives, ["pid", "label", "ts"]].copy()
    labels["labeled_at"] = (labels["ts"] + delay[arrives]).dt.floor("s")
    labels = labels.drop(columns="ts").reset_index(drop=True)
    ref_score = rng.beta(2, 2, 2000)
    reference = pd.DataFrame(
        {
            "score": np.round(ref_score, 4),
            "x": rng.normal(size=2000),
            "label": (rng.random(2000) < np.where(ref_score >= 0.5, 0.92, 0.08)).astype(float),
        }
    )
    return Story(predictions.drop(columns="label"), labels, reference)


def _table(name: str, columns: dict[str, str], frame: pd.DataFrame) -> Table:
    return Table(name, columns, frame[list(columns)].astype(object).reset_index(drop=True))


PRED_COLUMNS = {"pid": TEXT, "ts": TIMESTAMP, "score": DOUBLE, "x": DOUBLE}
LABEL_COLUMNS = {"pid": TEXT, "label": DOUBLE, "labeled_at": TIMESTAMP}
REF_COLUMNS = {"score": DOUBLE, "x": DOUBLE, "label": DOUBLE}
MONITOR = OutcomeMonitor(
    name=NAME,
    task="binary",
    predictions=f"{NAME}_predictions",
    id_column="pid",
    timestamp_column="ts",
    score_column="score",
    features=("x",),
    labels=LabelsSpec(table=f"{NAME}_labels", label_column="label"),
    label_timestamp_column="labeled_at",
    reference=ReferenceSpec(table=f"{NAME}_reference", label_column="label"),
    positive_class=1,
    label_lookback_windows=12,
)


def _evaluate(warehouse: Warehouse, project: DbtProject, now: dt.datetime) -> list[dict]:
    """`model-monitor evaluate --now <now> --format json` through the integration profile."""
    env = {**warehouse.dbt_env(), "DBT_TARGET_PATH": str(project.work_dir / "target")}
    result = CliRunner().invoke(
        cli,
        ["evaluate", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
         "--target", warehouse.engine, "--format", "json", "--fail-on", "critical",
         "--now", now.strftime("%Y-%m-%d %H:%M")],
        env=env,
    )  # fmt: skip
    if result.exit_code not in (0, 1):
        raise AssertionError((result.output, result.stderr, result.exception))
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def story(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Story:
    """Play the daily schedule: append, dbt build, evaluate, from day FIRST_RUN to LAST_RUN."""
    story = make_story(SEED)
    project = DbtProject(warehouse, Path(tmp_path_factory.mktemp(f"dbt_labels_{warehouse.engine}")))
    warehouse.create_schemas()
    scenario = Scenario(tables={}, monitors=[MONITOR])
    dbt_vars = scenario.dbt_vars(warehouse.raw_schema)

    def predictions_before(t: dt.datetime) -> pd.DataFrame:
        return story.predictions[story.predictions["ts"] < t]

    def labels_before(t: dt.datetime) -> pd.DataFrame:
        return story.labels[story.labels["labeled_at"] < t]

    first = day(FIRST_RUN)
    pred_table = _table(MONITOR.predictions, PRED_COLUMNS, predictions_before(first))
    label_table = _table(f"{NAME}_labels", LABEL_COLUMNS, labels_before(first))
    warehouse.load(
        [pred_table, label_table, _table(f"{NAME}_reference", REF_COLUMNS, story.reference)]
    )
    previous = first
    for run in range(FIRST_RUN, LAST_RUN + 1):
        now = day(run)
        if run > FIRST_RUN:
            p = story.predictions
            new_predictions = p[(p["ts"] >= previous) & (p["ts"] < now)]
            lab = story.labels
            new_labels = lab[(lab["labeled_at"] >= previous) & (lab["labeled_at"] < now)]
            if len(new_predictions):
                warehouse.append(pred_table, _table("p", PRED_COLUMNS, new_predictions).rows())
            if len(new_labels):
                warehouse.append(label_table, _table("l", LABEL_COLUMNS, new_labels).rows())
        result = project.build(dbt_vars)
        if not result.models_ok:
            story.failures.append(f"day {run}: dbt build failed:\n{result.tail()}")
            return story
        story.outputs[run] = _evaluate(warehouse, project, now)
        previous = now
    story.stored = warehouse.query(
        f"select alert_id, rule_name, metric_name, window_start from "
        f"{warehouse.relation('monitor_alerts')}"
    )
    return story


def _expected(story: Story) -> dict[dt.datetime, tuple[int, str, int]]:
    """Per window alerted: (the run that alerts it, the severity, its labeled count then).

    From the raw rows: a window is judged at the first run where it is mature, and again at
    each later run where its labels changed; the first evaluation judges only its newest
    mature window (the older ones are its baseline, judged when their labels change). The
    alert comes at the first judgement whose accuracy drop crosses a bound; later ones find
    the same alert_id.
    """
    ref_pred = (story.reference["score"] >= 0.5).astype(float)
    ref_accuracy = accuracy_score(story.reference["label"], ref_pred)
    joined = story.predictions.merge(story.labels, on="pid", how="left")
    joined["window"] = joined["ts"].dt.floor("D")
    last_count: dict[dt.datetime, int] = {}  # labeled count at the window's last judgement
    expected: dict[dt.datetime, tuple[int, str, int]] = {}
    for run in range(FIRST_RUN, LAST_RUN + 1):
        now = day(run)
        seen = joined[joined["ts"] < now]
        mature: dict[dt.datetime, pd.DataFrame] = {}
        for window, rows in seen.groupby("window"):
            labeled = rows[rows["labeled_at"] < now]
            if len(labeled) >= MIN_LABELS and len(labeled) / len(rows) >= MIN_COVERAGE:
                mature[window.to_pydatetime()] = labeled
        judged = [w for w, rows in mature.items() if last_count.get(w) != len(rows)]
        if run == FIRST_RUN and mature:
            newest = max(mature)
            last_count.update({w: len(rows) for w, rows in mature.items()})
            judged = [newest]
        for window in judged:
            labeled = mature[window]
            last_count[window] = len(labeled)
            if window in expected:
                continue
            accuracy = accuracy_score(labeled["label"], (labeled["score"] >= 0.5).astype(float))
            drop = ref_accuracy - accuracy
            severity = "critical" if drop > CRITICAL else "warning" if drop > WARNING else None
            if severity is not None:
                expected[window] = (run, severity, len(labeled))
    return expected


def _accuracy_alerts(story: Story) -> dict[int, list[dict[str, Any]]]:
    return {
        run: [a for a in alerts if a["rule_name"] == "performance_drop"
              and a["metric_name"] == "accuracy" and a["status"] != "resolved"]
        for run, alerts in story.outputs.items()
    }  # fmt: skip


def test_the_schedule_ran(story: Story) -> None:
    assert not story.failures, "\n".join(story.failures)
    assert sorted(story.outputs) == list(range(FIRST_RUN, LAST_RUN + 1))


def test_each_window_is_judged_once_in_the_run_where_its_labels_matured(story: Story) -> None:
    assert not story.failures, "\n".join(story.failures)
    expected = _expected(story)
    assert expected, "no window ever matured: the story is broken"
    got: dict[dt.datetime, tuple[int, str, str]] = {}
    problems = []
    for run, alerts in _accuracy_alerts(story).items():
        for alert in alerts:
            window = dt.datetime.fromisoformat(alert["window_start"])
            if window in got:
                problems.append(
                    f"{window:%m-%d} alerted again on day {run} (first {got[window][0]})"
                )
            got[window] = (run, alert["severity"], alert["message"])
    want = {w: (run, sev) for w, (run, sev, _) in expected.items()}
    assert {w: g[:2] for w, g in got.items()} == want, problems
    assert not problems, problems
    for window, (_, _, message) in got.items():
        labeled = expected[window][2]
        assert f"labels matured: {labeled:,} of" in message, message
        assert f"window {window:%Y-%m-%d}" in message, message


def test_every_drifted_window_raises_the_drop(story: Story) -> None:
    assert not story.failures, "\n".join(story.failures)
    alerted = {
        dt.datetime.fromisoformat(a["window_start"])
        for alerts in _accuracy_alerts(story).values()
        for a in alerts
        if a["severity"] == "critical"
    }
    drifted = {day(d) for d in range(DRIFT_DAY, DAYS)}
    assert drifted <= alerted, sorted(drifted - alerted)


def test_monitor_alerts_holds_each_finding_once(story: Story) -> None:
    assert not story.failures, "\n".join(story.failures)
    ids = [r["alert_id"] for r in story.stored]
    assert len(ids) == len(set(ids))
    accuracy = [
        r
        for r in story.stored
        if r["rule_name"] == "performance_drop" and r["metric_name"] == "accuracy"
    ]
    printed = sum(len(a) for a in _accuracy_alerts(story).values())
    assert len(accuracy) == printed
