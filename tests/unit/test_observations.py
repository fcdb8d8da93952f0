"""Loading observations: one query per table, volume over versions, references, history."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from model_monitor.alerts.observations import load_observations
from model_monitor.errors import ConfigError, WarehouseError
from model_monitor.tables.pvalues import chi_square_pvalue, ks_pvalue
from model_monitor.tables.statistics import STATISTIC_COLUMNS

DAY = dt.timedelta(days=1)
FIRST = dt.datetime(2024, 3, 1)
DAYS = 12
LATEST = FIRST + (DAYS - 1) * DAY


class DuckWarehouse:
    """The three methods observations need, over DataFrames registered in DuckDB."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.con = duckdb.connect()
        for name, frame in tables.items():
            self.con.register(f"{name}_frame", frame)
            self.con.execute(f"create table {name} as select * from {name}_frame")
        self.tables = set(tables)
        self.queries: list[str] = []

    def relation(self, table_name: str) -> str:
        if table_name not in self.tables:
            raise WarehouseError(f"no {table_name}", key="relation")
        return table_name

    def quote(self, identifier: str) -> str:
        return f'"{identifier}"'

    def query(self, sql: str) -> pd.DataFrame:
        self.queries.append(sql)
        return self.con.execute(sql).df()


def window(start: dt.datetime | None, **values) -> dict:
    return {
        "monitor_name": "churn",
        "window_start": start,
        "window_end": None if start is None else start + DAY,
        "model_version": "v1",
        "slice_key": None,
        "slice_value": None,
        **values,
    }


def quality_rows() -> list[dict]:
    rows = []
    for i in range(DAYS):
        start = FIRST + i * DAY
        volume = {"metric_scope": "window", "column_name": None, "column_role": None}
        if i == 5:  # an outage: one empty row without a version
            rows.append(window(start, **volume, model_version=None, prediction_count=0))
            continue
        rows.append(window(start, **volume, prediction_count=600, duplicate_id_count=1))
        if i >= 9:  # a rollout: v2 takes part of the traffic
            rows.append(window(start, **volume, model_version="v2", prediction_count=400))
        column = {"metric_scope": "column", "column_role": "feature", "row_count": 600}
        rows.append(
            window(
                start,
                **column,
                column_name="age",
                column_kind="numerical",
                null_count=60,
                null_rate=0.1,
                nan_count=40,
                out_of_range_count=50,
                mean_value=40.0 + i,
            )
        )
        rows.append(
            window(
                start,
                **column,
                column_name="plan",
                column_kind="categorical",
                null_count=0,
                null_rate=0.0,
                unseen_category_count=6,
            )
        )
        # The same column in a slice: loaded only with slices=True.
        rows.append(window(start, **column, column_name="age", slice_key="plan",
                           slice_value="basic", column_kind="numerical", null_count=6,
                           null_rate=0.01))  # fmt: skip
    frame = pd.DataFrame(rows)
    for name in ("nan_count", "mean_value", "stddev_value", "out_of_range_count",
                 "unseen_category_count", "duplicate_id_count", "null_count"):  # fmt: skip
        frame[name] = pd.to_numeric(frame.get(name), errors="coerce").astype(float)
    return frame


def drift_rows() -> pd.DataFrame:
    rows = []
    for i in range(DAYS):
        if i == 5:
            continue
        start = FIRST + i * DAY
        common = {"reference_count": 3000, "current_count": 600, "column_role": "feature"}
        rows.append(window(start, **common, column_name="age", column_kind="numerical",
                           psi=0.01 * i, ks_statistic=0.05, chi_square=None,
                           chi_square_dof=None))  # fmt: skip
        rows.append(window(start, **common, column_name="plan", column_kind="categorical",
                           psi=0.02, ks_statistic=None, chi_square=30.0,
                           chi_square_dof=4))  # fmt: skip
    frame = pd.DataFrame(rows)
    for name in STATISTIC_COLUMNS:  # the others, a newer statistic included
        if name not in frame:
            frame[name] = 0.1
    for name in ("ks_statistic", "chi_square", "chi_square_dof"):
        frame[name] = frame[name].astype(float)
    return frame


def performance_rows() -> pd.DataFrame:
    rows = [
        {
            **window(None),
            "model_version": None,
            "window_kind": "reference",
            "metric_source": source,
            "metric_name": "accuracy",
            "metric_value": value,
            "labeled_count": 3000,
            "class_label": None,
        }  # fmt: skip
        for source, value in (("realized", 0.8), ("estimated", 0.78))
    ]
    for i in range(DAYS):
        start = FIRST + i * DAY
        for source, value in (("realized", 0.7), ("estimated", 0.75)):
            rows.append(window(start, window_kind="current", metric_source=source,
                               metric_name="accuracy", metric_value=value, labeled_count=500,
                               class_label=None))  # fmt: skip
        rows.append(window(start, window_kind="current", metric_source="realized",
                           metric_name="recall", metric_value=0.5, labeled_count=100,
                           class_label="1"))  # fmt: skip
    return pd.DataFrame(rows)


def reference_null_rows() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "monitor_name": "churn",
                "window_kind": "reference",
                "bin_index": 0,
                "slice_key": None,
                "slice_value": None,
                "column_name": "age",
                "bin_share": 0.02,
            },
            {
                "monitor_name": "churn",
                "window_kind": "reference",
                "bin_index": 0,
                "slice_key": "plan",
                "slice_value": "basic",
                "column_name": "age",
                "bin_share": 0.0,
            },
        ]  # fmt: skip
    )


@pytest.fixture
def warehouse() -> DuckWarehouse:
    coverage = pd.DataFrame(
        [
            window(
                FIRST + i * DAY,
                prediction_count=600,
                label_coverage=0.9 - 0.05 * i,
                label_delay_median_hours=30.0,
            )
            for i in range(DAYS)
        ]  # fmt: skip
    )
    return DuckWarehouse(
        {
            "monitor_data_quality": quality_rows(),
            "monitor_drift": drift_rows(),
            "monitor_performance": performance_rows(),
            "monitor_distributions": reference_null_rows(),
            "monitor_label_coverage": coverage,
        }
    )


def no_lookback(monitor: str, grain: dt.timedelta) -> tuple[int, int]:
    return 0, 0


def by_metric(observations, metric, **fields):
    return [
        o
        for o in observations.items
        if o.metric_name == metric and all(getattr(o, k) == v for k, v in fields.items())
    ]


def test_latest_window_by_default_with_one_query_per_table(warehouse):
    observations = load_observations(warehouse, no_lookback)
    (monitor,) = observations.monitors
    assert monitor.evaluated == (LATEST,) and monitor.grain == DAY
    assert monitor.latest_window_end == LATEST + DAY and monitor.first_window_start == FIRST
    assert {o.window_start for o in observations.items} == {LATEST}
    # The plan, then data quality, drift, performance, label coverage, reference null rates.
    assert len(warehouse.queries) == 6


def test_volume_adds_up_the_model_versions(warehouse):
    observations = load_observations(warehouse, no_lookback)
    (volume,) = by_metric(observations, "prediction_count")
    assert volume.value == 1000 and volume.model_version is None and volume.sample_size is None
    assert by_metric(observations, "duplicate_id_count")[0].value == 1


def test_quality_shares_and_reference_null_rate(warehouse):
    observations = load_observations(warehouse, no_lookback)
    (null_rate,) = by_metric(observations, "null_rate", column_name="age")
    assert (null_rate.value, null_rate.reference_value, null_rate.sample_size) == (0.1, 0.02, 600)
    assert null_rate.column_role == "feature"
    (out_of_range,) = by_metric(observations, "out_of_range_share", column_name="age")
    assert out_of_range.value == pytest.approx(50 / 500) and out_of_range.sample_size == 500
    (unseen,) = by_metric(observations, "unseen_category_share", column_name="plan")
    assert unseen.value == pytest.approx(6 / 600)
    assert by_metric(observations, "unseen_category_share", column_name="age") == []
    assert by_metric(observations, "null_rate", slice_key="plan") == []


def test_slices_on_request(warehouse):
    observations = load_observations(warehouse, no_lookback, slices=True)
    (sliced,) = by_metric(observations, "null_rate", slice_key="plan")
    assert (sliced.slice_value, sliced.value, sliced.reference_value) == ("basic", 0.01, 0.0)


def test_drift_pvalues_come_from_scipy(warehouse):
    observations = load_observations(warehouse, no_lookback)
    (age,) = by_metric(observations, "drift_pvalue", column_name="age")
    (plan,) = by_metric(observations, "drift_pvalue", column_name="plan")
    assert age.value == pytest.approx(ks_pvalue(0.05, 3000, 600))
    assert plan.value == pytest.approx(chi_square_pvalue(30.0, 4))
    (psi,) = by_metric(observations, "psi", column_name="age")
    assert psi.value == pytest.approx(0.11) and psi.sample_size == 600


def test_performance_with_the_references_value_and_estimates_apart(warehouse):
    observations = load_observations(warehouse, no_lookback)
    (realized,) = by_metric(observations, "accuracy")
    (estimated,) = by_metric(observations, "estimated_accuracy")
    assert (realized.value, realized.reference_value, realized.sample_size) == (0.7, 0.8, 500)
    assert (estimated.value, estimated.reference_value) == (0.75, 0.78)
    assert by_metric(observations, "recall") == []  # per-class rows are left out


def test_history_and_older_windows_follow_the_lookback(warehouse):
    observations = load_observations(warehouse, lambda monitor, grain: (2, 4))
    starts = {o.window_start for o in observations.items}
    assert starts == {LATEST - 2 * DAY, LATEST - DAY, LATEST}
    (psi,) = by_metric(observations, "psi", column_name="age", window_start=LATEST)
    # Four windows back, the outage's missing drift row is simply absent.
    assert psi.history == tuple((FIRST + i * DAY, pytest.approx(0.01 * i)) for i in (7, 8, 9, 10))
    (volume,) = by_metric(observations, "prediction_count", window_start=LATEST - 2 * DAY)
    assert [v for _, v in volume.history] == [0, 600, 600, 600]  # the outage counts as 0


def test_since_until_choose_the_evaluated_windows(warehouse):
    outage = FIRST + 5 * DAY
    observations = load_observations(warehouse, no_lookback, since=outage, until=outage)
    assert observations.monitors[0].evaluated == (outage,)
    assert {o.metric_name for o in observations.items} >= {"prediction_count", "duplicate_id_count"}
    assert by_metric(observations, "psi") == []  # no drift row for an empty window
    since = load_observations(warehouse, no_lookback, since=LATEST - DAY)
    assert since.monitors[0].evaluated == (LATEST - DAY, LATEST)


def test_aware_bounds_are_taken_in_utc(warehouse):
    since = (LATEST + dt.timedelta(hours=2)).replace(tzinfo=dt.timezone(dt.timedelta(hours=2)))
    observations = load_observations(warehouse, no_lookback, since=since, until=since)
    assert observations.monitors[0].evaluated == (LATEST,)


@pytest.mark.parametrize(
    "kwargs, key, fragment",
    [
        ({"monitor": "fraud"}, "monitor", "known monitors: churn"),
        ({"since": LATEST + DAY}, "since", "windows run churn: 2024-03-01 00:00:00 to"),
        ({"since": LATEST, "until": FIRST}, "since", "is after --until"),
        ({"monitor": "fr'aud"}, "monitor", "letters, digits"),
    ],
)
def test_errors_name_the_option(warehouse, kwargs, key, fragment):
    with pytest.raises(ConfigError) as caught:
        load_observations(warehouse, no_lookback, **kwargs)
    assert caught.value.key == key
    assert fragment in str(caught.value)
