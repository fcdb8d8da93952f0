"""`model-monitor init`'s positive rate check: counted in SQL, compared with numpy, far or not."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import yaml
from test_init import DuckIntrospect

from model_monitor.errors import ConfigError
from model_monitor.init.advice import FAR_GAP, FAR_RATIO, is_far
from model_monitor.init.commented_yaml import render_yaml
from model_monitor.init.monitor import draft_from_warehouse

N = 10_000


def fraud_tables(seed: int = 3, prevalence: float = 0.018, shift: float = 0.0):
    """A fraud model whose scores sit far below 0.5: few positives predicted at the default."""
    rng = np.random.default_rng(seed)
    is_fraud = (rng.random(N) < prevalence).astype("int64")
    # Positives score higher, but almost never reach 0.5.
    proba = np.clip(rng.beta(1.2, 40, N) + is_fraud * rng.beta(2, 12, N) + shift, 0, 1).round(6)
    at = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 20 * 86400, N)), "s")
    predictions = pd.DataFrame(
        {"request_id": [f"r{i:05d}" for i in range(N)], "scored_at": at, "fraud_proba": proba,
         "amount": rng.gamma(2, 30, N).round(2)}
    )  # fmt: skip
    labels = pd.DataFrame(
        {"request_id": predictions["request_id"], "is_fraud": is_fraud,
         "labeled_at": at + pd.Timedelta(days=4)}
    )  # fmt: skip
    return predictions, labels


def expected_shares(scores: np.ndarray, labels: np.ndarray, threshold: float = 0.5):
    """The rate, the prevalence and the threshold that predicts the prevalence, by numpy."""
    rate = float(np.mean(scores >= threshold))
    prevalence = float(np.mean(labels == 1))
    k = round(prevalence * len(scores))
    kth = float(np.sort(scores)[::-1][k - 1])
    return rate, prevalence, kth


def test_far_means_beyond_three_times_or_a_25_point_gap_or_only_one_zero():
    assert (FAR_RATIO, FAR_GAP) == (3.0, 0.25)
    assert not is_far(0.03, 0.01) and is_far(0.0301, 0.01)  # 3x is not beyond 3x
    assert not is_far(0.01, 0.03) and is_far(0.0099, 0.03)
    assert is_far(0.0009, 0.018)  # the fraud model: 20x fewer
    assert not is_far(0.5, 0.26) and is_far(0.52, 0.26)  # under 2x, but more than 25 points
    assert is_far(0.0, 0.01) and is_far(0.2, 0.0) and not is_far(0.0, 0.0)
    assert not is_far(None, 0.5)


def test_a_threshold_far_from_the_prevalence_warns_and_suggests_the_matching_quantile():
    predictions, labels = fraud_tables()
    warehouse = DuckIntrospect({"predictions": predictions, "labels": labels})
    draft = draft_from_warehouse(
        warehouse, "raw.predictions", labels="raw.labels", reference=None, sample_rows=N
    )
    # The default reference: the first 7 days of predictions, with the labels of those rows.
    [monitor] = yaml.safe_load(render_yaml(draft))
    start, end = monitor["reference"]["between"]
    period = predictions[(predictions.scored_at >= start) & (predictions.scored_at < end)]
    truth = labels.set_index("request_id").loc[period.request_id, "is_fraud"].to_numpy()
    rate, prevalence, kth = expected_shares(period.fraud_proba.to_numpy(), truth)
    assert is_far(rate, prevalence) and rate < prevalence / 3
    warning, suggestion = draft.advice
    assert warning.startswith("WARNING: positive predictions (fraud_proba >= 0.5) are ")
    assert f"{rate:.2%} of the first {N:,} predictions from {start} to {end}" in warning
    assert f"({round(rate * len(period)):,} of {len(period):,})" in warning
    assert f"prevalence is {prevalence:.2%}" in warning and "recall and F1 stay near 0" in warning
    assert f"A decision_threshold of {kth:.6g}" in suggestion
    # The suggestion, commented out after score_column, predicts positives at the prevalence.
    text = render_yaml(draft)
    assert re.search(
        rf"score_column: fraud_proba .*\n  # decision_threshold: {kth!r} +# sugg", text
    )
    assert "decision_threshold" not in monitor
    scores = period.fraud_proba.to_numpy()
    assert np.mean(scores >= kth) == pytest.approx(prevalence, abs=2 / len(scores))
    assert all(f"# {line}" in text for line in draft.advice)  # in the header too


def test_a_reference_relation_counts_its_own_predictions_and_labels():
    predictions, labels = fraud_tables(seed=5, shift=0.3)  # scores pushed up: too many positives
    training = predictions.assign(is_fraud=labels.is_fraud)[["fraud_proba", "amount", "is_fraud"]]
    warehouse = DuckIntrospect(
        {"predictions": predictions, "labels": labels, "training": training.iloc[:4000]}
    )
    draft = draft_from_warehouse(
        warehouse, "raw.predictions", labels="raw.labels", reference="raw.training",
        sample_rows=N, decision_threshold=0.32,
    )  # fmt: skip
    ref = training.iloc[:4000]
    rate, prevalence, kth = expected_shares(ref.fraud_proba.to_numpy(), ref.is_fraud, 0.32)
    assert 0.1 < rate < 0.99, rate
    warning, suggestion = draft.advice
    where = "the first 4,000 rows of raw.training"
    assert f"(fraud_proba >= 0.32) are {rate:.2%} of {where}" in warning
    assert f"prevalence is {prevalence:.2%} in {where}" in warning
    assert "as many positive predictions as positive labels" in warning
    assert f"A decision_threshold of {kth:.6g}" in suggestion
    [monitor] = yaml.safe_load(render_yaml(draft))
    assert monitor["decision_threshold"] == 0.32  # the given one stays; the suggestion is a comment


def test_a_threshold_close_to_the_prevalence_only_reports_both_shares():
    predictions, labels = fraud_tables(seed=8, prevalence=0.2, shift=0.2)
    warehouse = DuckIntrospect({"predictions": predictions, "labels": labels})
    draft = draft_from_warehouse(
        warehouse, "raw.predictions", labels="raw.labels", sample_rows=N, decision_threshold=0.3
    )
    [monitor] = yaml.safe_load(render_yaml(draft))
    start, end = monitor["reference"]["between"]
    period = predictions[(predictions.scored_at >= start) & (predictions.scored_at < end)]
    rate, prevalence, _ = expected_shares(
        period.fraud_proba.to_numpy(), labels.is_fraud[period.index].to_numpy(), 0.3
    )
    assert not is_far(rate, prevalence)
    (line,) = draft.advice
    assert line.startswith("Positive rate check: positive predictions (fraud_proba >= 0.3) are ")
    assert f"{rate:.2%}" in line and f"{prevalence:.2%}" in line and "within 3x and 25%" in line
    assert "# decision_threshold:" not in render_yaml(draft)


def test_a_predicted_class_is_counted_when_the_package_reads_it():
    predictions, labels = fraud_tables(seed=9)
    predictions["predicted_fraud"] = (predictions.fraud_proba >= 0.5).astype("int64")
    warehouse = DuckIntrospect({"predictions": predictions, "labels": labels})
    draft = draft_from_warehouse(warehouse, "raw.predictions", labels="raw.labels", sample_rows=N)
    [monitor] = yaml.safe_load(render_yaml(draft))
    assert monitor["prediction_column"] == "predicted_fraud"
    warning, suggestion = draft.advice
    assert "positive predictions (predicted_fraud positive)" in warning
    assert "(setting it makes the score, not prediction_column, decide the class)" in suggestion


def test_no_check_without_labels_or_for_another_task():
    predictions, _ = fraud_tables()
    warehouse = DuckIntrospect({"predictions": predictions})
    assert draft_from_warehouse(warehouse, "raw.predictions", sample_rows=N).advice == []
    with pytest.raises(ConfigError, match="applies to a binary task with a score column"):
        draft_from_warehouse(
            DuckIntrospect({"predictions": predictions.drop(columns="fraud_proba")}),
            "raw.predictions",
            decision_threshold=0.3,
        )
