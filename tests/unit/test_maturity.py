"""Label maturity: its definition, its rules-file block, the label windows a run judges, and
the lifecycle of the rules that follow them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from alerting_helpers import DAY, T0, alert_warehouse, make_alert

from model_monitor.alerts.lifecycle import process_alerts
from model_monitor.alerts.maturity import Maturity, wilson_interval
from model_monitor.alerts.observations.label_windows import plan_label_windows
from model_monitor.alerts.rules import RuleSet
from model_monitor.alerts.store.alert_store import AlertStore
from model_monitor.alerts.store.records import LabelOutcome, LabelRecord
from model_monitor.errors import ConfigError

# --- the definition --------------------------------------------------------------------------


def test_default_maturity_is_100_labels_and_half_the_window():
    maturity = Maturity()
    assert maturity.is_mature(100, 200)
    assert not maturity.is_mature(99, 100)  # too few labels
    assert not maturity.is_mature(150, 301)  # coverage just below half
    assert not maturity.is_mature(0, 0)
    assert maturity.rule_text() == "≥100 labels and ≥50% coverage"
    assert maturity.shortfall(5, 400) == ("5 labels, fewer than 100; 1.2% coverage, below 50%")
    assert maturity.shortfall(100, 200) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_wilson_interval_matches_its_formula(seed: int):
    rng = np.random.default_rng(seed)
    for _ in range(20):
        n = int(rng.integers(1, 500))
        k = int(rng.integers(0, n + 1))
        z = 1.959963984540054
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        assert wilson_interval(k, n) == pytest.approx((centre - half, centre + half), abs=1e-9)
    assert wilson_interval(0, 0) is None


# --- the rules file ----------------------------------------------------------------------------


def test_rules_file_sets_maturity_at_the_top_and_per_monitor():
    rules = RuleSet.from_mapping(
        {
            "maturity": {"min_labeled_count": 50, "min_label_coverage": 0.8},
            "monitors": {"fraud": {"maturity": {"min_label_coverage": 0.3}}},
        }
    )
    assert rules.maturity_for("churn") == Maturity(50, 0.8)
    assert rules.maturity_for("fraud") == Maturity(50, 0.3)  # the count from the top
    assert RuleSet.defaults().maturity_for("churn") == Maturity(100, 0.5)


@pytest.mark.parametrize(
    ("block", "key", "problem"),
    [
        ({"maturity": {"min_label_coverage": 1.5}}, "maturity.min_label_coverage", "0 to 1"),
        ({"maturity": {"min_label_coverage": "half"}}, "maturity.min_label_coverage", "0 to 1"),
        ({"maturity": {"min_labeled_count": -1}}, "maturity.min_labeled_count", "whole number"),
        ({"maturity": {"min_labeled_count": 2.5}}, "maturity.min_labeled_count", "whole number"),
        ({"maturity": {"min_labels": 10}}, "maturity.min_labels", "unknown key"),
        ({"maturity": [1]}, "maturity", "expected a mapping"),
        (
            {"monitors": {"m": {"maturity": {"min_label_coverage": True}}}},
            "monitors.m.maturity.min_label_coverage",
            "0 to 1",
        ),
    ],
)
def test_bad_maturity_values_name_the_key(block, key, problem):
    with pytest.raises(ConfigError) as raised:
        RuleSet.from_mapping(block)
    assert raised.value.key == key
    assert problem in str(raised.value)


# --- which windows a run judges ------------------------------------------------------------------


def DEFAULT(_monitor: str) -> Maturity:  # noqa: N802 (reads as the constant it stands for)
    return Maturity()


def state(
    day: int, labeled: int, predictions: int = 400, version: str | None = "v1"
) -> LabelRecord:
    return LabelRecord(
        "fraud", T0 + day * DAY, version, predictions, labeled, 0, LabelOutcome.WAITING
    )


def states(*records: LabelRecord) -> dict:
    return {r.key: r for r in records}


def stored(plan) -> dict:
    """What the store returns next time: the records just written, latest per window."""
    return {r.key: r for r in plan.records}


def judged_days(plan) -> list[int]:
    return sorted((start - T0) // DAY for start, _ in plan.judged.get("fraud", ()))


def test_first_evaluation_judges_only_the_newest_mature_window():
    plan = plan_label_windows(
        states(state(0, 380), state(1, 350), state(2, 220), state(3, 20)), {}, DEFAULT
    )
    assert judged_days(plan) == [2]
    outcomes = {(r.window_start - T0) // DAY: r.outcome for r in plan.records}
    assert outcomes == {
        0: LabelOutcome.BASELINE,
        1: LabelOutcome.BASELINE,
        2: LabelOutcome.JUDGED,
        3: LabelOutcome.WAITING,
    }


def test_a_window_is_judged_when_it_matures_and_again_only_when_its_labels_change():
    first = plan_label_windows(states(state(0, 20), state(1, 5)), {}, DEFAULT)
    assert judged_days(first) == []
    previous = stored(first)
    second = plan_label_windows(states(state(0, 210), state(1, 90)), previous, DEFAULT)
    assert judged_days(second) == [0]
    previous |= stored(second)
    third = plan_label_windows(states(state(0, 210), state(1, 199)), previous, DEFAULT)
    assert judged_days(third) == []  # day 0 unchanged, day 1 still below half
    previous |= stored(third)
    fourth = plan_label_windows(states(state(0, 260), state(1, 230)), previous, DEFAULT)
    assert judged_days(fourth) == [0, 1]  # day 0's labels changed, day 1 matured
    previous |= stored(fourth)
    fifth = plan_label_windows(states(state(0, 260), state(1, 230)), previous, DEFAULT)
    assert judged_days(fifth) == [] and fifth.records == ()


def test_maturity_is_per_model_version():
    plan = plan_label_windows(
        states(state(0, 300, version="v1"), state(0, 10, 100, version="v2")),
        {("fraud", T0 - DAY, "v1"): state(-1, 300)},  # the monitor was evaluated before
        DEFAULT,
    )
    assert plan.is_judged("fraud", T0, "v1") and not plan.is_judged("fraud", T0, "v2")
    assert plan.state("fraud", T0, None).labeled_count == 310  # the window over versions


# --- the lifecycle of a label-following rule ----------------------------------------------------


@pytest.fixture(scope="module")
def wh(engine: str, tmp_path_factory: pytest.TempPathFactory):
    with alert_warehouse(engine, tmp_path_factory.mktemp(f"maturity_{engine}")) as handle:
        yield handle


def drop(day: int):
    return make_alert(day, rule_name="performance_drop", metric_name="accuracy", column_name=None)


def test_a_run_that_judges_no_label_window_resolves_nothing(wh):
    store = AlertStore(wh.warehouse, schema=wh.new_schema("mat"))
    now = T0 + 10 * DAY
    newest = (T0 + 9 * DAY, T0 + 10 * DAY)
    first = process_alerts(
        [drop(3)],
        store,
        [],
        now,
        windows={"churn": newest},
        rule_windows={("churn", "performance_drop"): (T0 + 3 * DAY, None)},
    )
    assert [a.status.value for a in first.alerts] == ["new"]
    # The next day judges no label window: the drop is not resolved by the newest window.
    quiet = process_alerts(
        [],
        store,
        [],
        now + DAY,
        windows={"churn": newest},
        rule_windows={("churn", "performance_drop"): None},
    )
    assert quiet.alerts == ()
    # A later label window judged without the drop resolves it there.
    later = process_alerts(
        [],
        store,
        [],
        now + 2 * DAY,
        windows={"churn": newest},
        rule_windows={("churn", "performance_drop"): (T0 + 4 * DAY, None)},
    )
    assert [(a.status.value, a.window_start) for a in later.alerts] == [("resolved", T0 + 4 * DAY)]


def test_a_stored_finding_found_again_is_hidden_when_asked(wh):
    store = AlertStore(wh.warehouse, schema=wh.new_schema("mat"))
    now = T0 + 10 * DAY
    kwargs = {"windows": {"churn": (T0 + 9 * DAY, None)}, "repeat_hidden": lambda a: True}
    assert len(process_alerts([drop(3)], store, [], now, **kwargs).written) == 1
    again = process_alerts([drop(3)], store, [], now + DAY, **kwargs)
    assert again.alerts == () and again.written == ()


def test_label_records_are_stored_and_read_back_latest_first(wh):
    store = AlertStore(wh.warehouse, schema=wh.new_schema("mat"))
    assert store.label_records(["fraud"]) == {}  # before the table exists
    store.ensure_tables()
    first = LabelRecord("fraud", T0, None, 400, 20, 0, LabelOutcome.WAITING)
    store.save([], [], T0 + DAY, label_records=[first])
    later = LabelRecord("fraud", T0, None, 400, 250, 1, LabelOutcome.JUDGED)
    store.save([], [], T0 + 2 * DAY, label_records=[later])
    (got,) = store.label_records(["fraud"]).values()
    assert got.counts == (400, 250, 1) and got.outcome is LabelOutcome.JUDGED
    assert got.evaluated_at == T0 + 2 * DAY
    assert got.label_coverage == pytest.approx(250 / 400)
    assert isinstance(got.window_start, dt.datetime)
