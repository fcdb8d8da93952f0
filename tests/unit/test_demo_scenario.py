"""The demo scenario holds the story it promises: outage, drift, NULLs, NaN/inf, late labels."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp

from model_monitor.demo.churn import UNSEEN_COUNTRY
from model_monitor.demo.scenario import MIN_ROWS, Scenario, generate_scenario, write_scenario

DAY = pd.Timedelta(days=1)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return generate_scenario(rows=120_000, days=42, seed=7)


def _day_index(scenario: Scenario, timestamps: pd.Series) -> pd.Series:
    return (timestamps - scenario.facts.start) // DAY


def test_same_seed_gives_identical_tables_and_another_seed_does_not():
    first = generate_scenario(rows=4_000, days=21, seed=11)
    second = generate_scenario(rows=4_000, days=21, seed=11)
    other = generate_scenario(rows=4_000, days=21, seed=12)
    for name, frame in first.tables.items():
        pd.testing.assert_frame_equal(frame, second.tables[name])
    assert not first.predictions.equals(other.predictions)


def test_story_dates_fall_in_order(scenario):
    facts = scenario.facts
    assert max(facts.null_burst_days) < facts.outage_day < facts.drift_day < facts.v2_day
    assert facts.end == facts.start + 42 * DAY
    assert facts.drift_day == round(0.6 * 42)


def test_outage_day_has_no_predictions_and_its_neighbours_do(scenario):
    counts = _day_index(scenario, scenario.predictions["predicted_at"]).value_counts()
    outage = scenario.facts.outage_day
    assert outage not in counts.index
    assert counts[outage - 1] > 0 and counts[outage + 1] > 0
    assert len(counts) == scenario.facts.days - 1


def test_predictions_span_the_period_with_unique_string_ids(scenario):
    predictions = scenario.predictions
    assert len(predictions) == 120_000
    assert predictions["prediction_id"].is_unique
    assert isinstance(predictions["prediction_id"].iloc[0], str)
    assert predictions["predicted_at"].min() >= scenario.facts.start
    assert predictions["predicted_at"].max() < scenario.facts.end
    assert predictions["predicted_at"].is_monotonic_increasing


def test_predictions_follow_a_daily_cycle(scenario):
    hours = scenario.predictions["predicted_at"].dt.hour.value_counts()
    assert hours[14] > 3 * hours[3]


def test_unseen_country_appears_only_after_the_drift_point(scenario):
    predictions = scenario.predictions
    unseen = predictions["country"] == UNSEEN_COUNTRY
    assert UNSEEN_COUNTRY not in set(scenario.training["country"])
    assert predictions.loc[unseen, "predicted_at"].min() >= scenario.facts.drift_start
    assert unseen.sum() > 100
    assert predictions["country"].nunique() >= 10


def test_monthly_charges_drift_up_and_widen_after_the_drift_point(scenario):
    facts = scenario.facts
    predictions = scenario.predictions
    reference = scenario.training["monthly_charges"]
    before = predictions.loc[predictions["predicted_at"] < facts.drift_start, "monthly_charges"]
    after = predictions.loc[
        predictions["predicted_at"] >= facts.drift_start + 3 * DAY, "monthly_charges"
    ]
    assert ks_2samp(reference, before).statistic < 0.03
    drifted = ks_2samp(reference, after)
    assert drifted.statistic > 0.2 and drifted.pvalue < 1e-12
    assert after.mean() > before.mean() + 10
    assert after.std() > before.std()


def test_plan_mix_shifts_towards_premium_after_the_drift_point(scenario):
    predictions = scenario.predictions
    after = predictions["predicted_at"] >= scenario.facts.drift_start + 3 * DAY
    premium = predictions["plan"] == "premium"
    assert premium[after].mean() > premium[~after].mean() + 0.08


def test_model_version_v2_rolls_out_for_the_last_third(scenario):
    facts = scenario.facts
    predictions = scenario.predictions
    day = _day_index(scenario, predictions["predicted_at"])
    assert set(predictions.loc[day < facts.v2_day, "model_version"]) == {"v1"}
    assert set(predictions.loc[day > facts.v2_day, "model_version"]) == {"v2"}
    assert set(predictions.loc[day == facts.v2_day, "model_version"]) == {"v1", "v2"}
    assert facts.v2_day >= facts.days - facts.days // 3


def test_predicted_churn_is_the_thresholded_score_and_errors_have_none(scenario):
    predictions = scenario.predictions
    ok = predictions["status"] == "ok"
    score = predictions.loc[ok, "churn_score"].to_numpy(dtype=float)
    predicted = predictions.loc[ok, "predicted_churn"].to_numpy(dtype=int)
    assert ((score >= 0.5).astype(int) == predicted).all()
    assert ((score > 0) & (score < 1)).all()
    assert 0 < (~ok).mean() < 0.02
    assert predictions.loc[~ok, ["churn_score", "predicted_churn"]].isna().all().all()


def test_age_has_a_few_percent_nulls(scenario):
    assert 0.01 < scenario.predictions["age"].isna().mean() < 0.05
    assert 0.01 < scenario.training["age"].isna().mean() < 0.05


def test_tenure_nulls_burst_to_forty_percent_on_two_days_only(scenario):
    predictions = scenario.predictions
    day = _day_index(scenario, predictions["predicted_at"])
    null_rate = predictions["tenure_months"].isna().groupby(day).mean()
    burst = list(scenario.facts.null_burst_days)
    assert null_rate[burst].between(0.35, 0.45).all()
    assert (null_rate.drop(burst) == 0).all()


def test_data_usage_holds_a_handful_of_nan_and_inf(scenario):
    usage = scenario.predictions["Data Usage GB"].to_numpy()
    assert 1 <= np.isnan(usage).sum() <= 10
    assert 1 <= np.isinf(usage).sum() <= 10
    assert np.isfinite(scenario.training["Data Usage GB"]).all()


def test_labels_arrive_one_to_fourteen_days_after_the_prediction(scenario):
    labels = scenario.labels.merge(
        scenario.predictions[["prediction_id", "predicted_at"]], on="prediction_id", how="left"
    )
    assert labels["predicted_at"].notna().all()
    delay = labels["labeled_at"] - labels["predicted_at"]
    assert delay.min() >= DAY
    assert delay.max() <= 14 * DAY
    assert labels["labeled_at"].max() < scenario.facts.end
    assert set(labels["churned"]) == {0, 1}


def test_about_ten_percent_of_settled_labels_never_arrive(scenario):
    predictions = scenario.predictions
    settled = predictions["predicted_at"] + 14 * DAY < scenario.facts.end
    labeled = predictions["prediction_id"].isin(scenario.labels["prediction_id"])
    assert 0.08 < 1 - labeled[settled].mean() < 0.12


def test_the_last_days_are_partly_or_wholly_unlabeled(scenario):
    predictions = scenario.predictions
    labeled = predictions["prediction_id"].isin(scenario.labels["prediction_id"])
    day = _day_index(scenario, predictions["predicted_at"])
    coverage = labeled.groupby(day).mean()
    last = scenario.facts.days - 1
    assert coverage[last] == 0
    assert coverage[last - 7] < coverage[last - 20] - 0.2


def test_a_few_labels_arrive_twice(scenario):
    duplicated = scenario.labels["prediction_id"].duplicated().sum()
    assert 0 < duplicated < 0.01 * len(scenario.labels)
    twice = scenario.labels[scenario.labels["prediction_id"].duplicated(keep=False)]
    assert (twice.groupby("prediction_id")["churned"].nunique() == 1).all()


def test_realized_accuracy_drops_after_the_drift_point(scenario):
    facts = scenario.facts
    labels = scenario.labels.drop_duplicates("prediction_id")
    joined = scenario.predictions.merge(labels, on="prediction_id")
    joined = joined[joined["status"] == "ok"]
    correct = joined["predicted_churn"].astype(int) == joined["churned"]
    before = joined["predicted_at"] < facts.drift_start
    v1_after = (joined["predicted_at"] >= facts.drift_start + 2 * DAY) & (
        joined["model_version"] == "v1"
    )
    assert correct[before].mean() > correct[v1_after].mean() + 0.05
    assert 0.2 < scenario.training["churned"].mean() < 0.4


def test_eta_reference_is_its_first_week_and_labels_follow_requests(scenario):
    facts = scenario.facts
    eta = scenario.eta_predictions
    start, end = facts.eta_reference
    assert end - start == 7 * DAY
    assert eta["requested_at"].min() < end
    assert set(eta["region"]) == {"north", "south", "east", "west", "central"}
    joined = scenario.eta_labels.merge(eta, on="delivery_id")
    assert (joined["delivered_at"] > joined["requested_at"]).all()
    assert (joined["actual_minutes"] > 0).all()


def test_a_small_scenario_is_written_to_duckdb_with_nan_kept_as_nan(tmp_path):
    scenario = generate_scenario(rows=MIN_ROWS, days=14, seed=1)
    path = tmp_path / "small.duckdb"
    counts = write_scenario(scenario, path)
    assert counts == {name: len(frame) for name, frame in scenario.tables.items()}
    with duckdb.connect(str(path)) as con:
        stored = dict(
            con.execute(
                "select table_name, estimated_size from duckdb_tables() where schema_name = 'raw'"
            ).fetchall()
        )
        usage = con.execute(
            'select count(*) filter (where isnan("Data Usage GB")), '
            'count(*) filter (where isinf("Data Usage GB")), '
            'count(*) filter (where "Data Usage GB" is null), '
            "count(*) filter (where age is null) from raw.predictions"
        ).fetchone()
    assert set(stored) == set(counts)
    frame_usage = scenario.predictions["Data Usage GB"].to_numpy()
    assert usage[:3] == (np.isnan(frame_usage).sum(), np.isinf(frame_usage).sum(), 0)
    assert usage[3] == scenario.predictions["age"].isna().sum()


@pytest.mark.parametrize(("rows", "days"), [(MIN_ROWS - 1, 42), (10_000, 13)])
def test_too_small_a_scenario_is_refused(rows, days):
    with pytest.raises(ValueError, match="at least"):
        generate_scenario(rows=rows, days=days)


def test_training_has_the_prediction_features_and_v1_scores(scenario):
    features = ["tenure_months", "monthly_charges", "support_calls", "Data Usage GB", "age"]
    features += ["plan", "country", "payment_method"]
    for column in [*features, "churn_score", "predicted_churn", "churned"]:
        assert column in scenario.training.columns
    training = scenario.training
    assert ((training["churn_score"] >= 0.5).astype(int) == training["predicted_churn"]).all()
