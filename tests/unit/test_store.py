"""AlertStore on real warehouses (DuckDB, and PostgreSQL when MM_ENGINES asks for it)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from alerting_helpers import AlertWarehouse, alert_warehouse, make_alert

from model_monitor.alerts.record import Severity, Status
from model_monitor.alerts.store.alert_store import AlertStore
from model_monitor.alerts.store.records import DeliveryRecord, DeliveryStatus
from model_monitor.alerts.store.schema import ALERT_COLUMNS, DELIVERY_COLUMNS

NOW = dt.datetime(2024, 3, 2, 6, 30, 15, 123456)


@pytest.fixture(scope="module")
def wh(engine: str, tmp_path_factory: pytest.TempPathFactory):
    """A Warehouse on the engine, shared by this module's tests (each uses its own schema)."""
    with alert_warehouse(engine, tmp_path_factory.mktemp(f"store_{engine}")) as handle:
        yield handle


@pytest.fixture
def store(wh: AlertWarehouse) -> AlertStore:
    """A store with its tables created in a fresh schema."""
    store = AlertStore(wh.warehouse, schema=wh.new_schema("store"))
    store.ensure_tables()
    return store


def columns_of(wh: AlertWarehouse, schema: str, table: str) -> list[str]:
    q = wh.warehouse.string_literal
    frame = wh.warehouse.query(
        "select column_name from information_schema.columns "
        f"where table_schema = {q(schema)} and table_name = {q(table)} order by ordinal_position"
    )
    return list(frame["column_name"])


def test_ensure_tables_creates_both_tables_with_the_design_columns(wh: AlertWarehouse) -> None:
    schema = wh.new_schema("ddl")
    store = AlertStore(wh.warehouse, schema=schema)
    assert not store.exists()
    store.ensure_tables()
    store.ensure_tables()  # a second time changes nothing
    assert store.exists()
    assert columns_of(wh, schema, "monitor_alerts") == [name for name, _ in ALERT_COLUMNS]
    assert columns_of(wh, schema, "monitor_alert_deliveries") == [n for n, _ in DELIVERY_COLUMNS]
    assert store.alerts_relation.endswith(f'"{schema}"."monitor_alerts"')


def test_default_schema_is_the_target_schema(wh: AlertWarehouse) -> None:
    store = AlertStore(wh.warehouse)
    assert store.schema == wh.warehouse.target_schema
    assert f'"{wh.warehouse.target_schema}"' in store.alerts_relation


def test_schema_names_are_quoted(wh: AlertWarehouse) -> None:
    schema = wh.new_schema("Mixed Case") + " X"
    wh.schemas.append(schema)
    store = AlertStore(wh.warehouse, schema=schema)
    store.ensure_tables()
    store.insert_alerts([make_alert()], NOW)
    assert [s.alert_id for s in store.load_alerts()] == [make_alert().alert_id]


def test_alerts_round_trip_with_nulls_quotes_and_special_numbers(store: AlertStore) -> None:
    alert = make_alert(
        message='it\'s \\ "odd" — ünïcode; drop table x; --',
        slice_key="country",
        slice_value="O'Brien",
        model_version=None,
        column_name=None,
        observed_value=math.inf,
        threshold=None,
        expected_low=-1.5e-300,
        expected_high=1e300,
        severity=Severity.CRITICAL,
        status=Status.ONGOING,
    )
    store.insert_alerts([alert], NOW.replace(tzinfo=dt.timezone(dt.timedelta(hours=2))))
    (stored,) = store.load_alerts()
    assert stored.alert_id == alert.alert_id
    assert stored.alert == alert  # every field survives (details are not stored)
    assert stored.alert.alert_key == alert.alert_key
    assert stored.evaluated_at == NOW - dt.timedelta(hours=2)  # stored as naive UTC


def test_inserting_an_existing_alert_id_writes_nothing(store: AlertStore) -> None:
    first = make_alert(message="first")
    store.insert_alerts([first], NOW)
    again = make_alert(message="second", severity=Severity.CRITICAL)  # same id, other values
    assert again.alert_id == first.alert_id
    store.insert_alerts([again, again, make_alert(1)], NOW + dt.timedelta(hours=1))
    stored = store.load_alerts()
    assert [s.alert.message for s in stored] == ["first", "psi 0.18 >= 0.1"]
    assert store.stored_statuses([first.alert_id, "nope"]) == {first.alert_id: Status.NEW}


def test_deliveries_are_replaced_per_alert_and_channel(store: AlertStore) -> None:
    alert = make_alert()
    store.insert_alerts([alert], NOW)
    failed = DeliveryRecord(alert.alert_id, "slack", DeliveryStatus.FAILED, 3, "HTTP 500", NOW)
    delivered = DeliveryRecord(alert.alert_id, "email", DeliveryStatus.DELIVERED, 1, None, NOW)
    store.record_deliveries([failed, delivered])
    retried = DeliveryRecord(
        alert.alert_id, "slack", DeliveryStatus.DELIVERED, 4, "HTTP 500", NOW + dt.timedelta(1)
    )
    store.record_deliveries([retried])
    assert store.load_deliveries() == [delivered, retried]


def test_pending_deliveries_are_never_written(store: AlertStore) -> None:
    from model_monitor.errors import WarehouseError

    pending = DeliveryRecord("x", "slack", DeliveryStatus.PENDING, 0, None, NOW)
    with pytest.raises(WarehouseError):
        store.record_deliveries([pending])


def test_latest_alerts_are_per_key_by_window_then_evaluation(store: AlertStore) -> None:
    day0, day1 = make_alert(0), make_alert(1, status=Status.ONGOING)
    other = make_alert(0, column_name="plan")
    store.insert_alerts([day1], NOW)
    store.insert_alerts([day0, other], NOW + dt.timedelta(hours=1))  # a late re-evaluation
    store.insert_alerts([make_alert(5, monitor_name="fraud")], NOW)
    latest = store.latest_alerts(["churn"])
    assert {k: s.alert_id for k, s in latest.items()} == {
        day1.alert_key: day1.alert_id,
        other.alert_key: other.alert_id,
    }
    assert latest[day1.alert_key].alert.status is Status.ONGOING
    assert store.latest_alerts([]) == {}


def test_last_notified_is_the_latest_delivered_time_per_key_and_channel(store: AlertStore) -> None:
    a0, a1 = make_alert(0), make_alert(1)
    store.insert_alerts([a0, a1], NOW)
    later = NOW + dt.timedelta(hours=5)
    store.record_deliveries(
        [
            DeliveryRecord(a0.alert_id, "slack", DeliveryStatus.DELIVERED, 1, None, NOW),
            DeliveryRecord(a1.alert_id, "slack", DeliveryStatus.SUPPRESSED, 0, None, later),
            DeliveryRecord(a1.alert_id, "email", DeliveryStatus.DELIVERED, 1, None, later),
            DeliveryRecord(a0.alert_id, "teams", DeliveryStatus.FAILED, 3, "x", later),
        ]
    )
    assert store.last_notified(["churn"]) == {
        (a0.alert_key, "slack"): NOW,
        (a0.alert_key, "email"): later,
    }


def test_failed_deliveries_come_with_their_alert(store: AlertStore) -> None:
    a0, a1 = make_alert(0), make_alert(1, slice_key="plan", slice_value=None)
    store.insert_alerts([a0], NOW)
    store.insert_alerts([a1], NOW + dt.timedelta(hours=1))
    store.record_deliveries(
        [
            DeliveryRecord(a1.alert_id, "slack", DeliveryStatus.FAILED, 3, "refused", NOW),
            DeliveryRecord(a0.alert_id, "slack", DeliveryStatus.FAILED, 2, "HTTP 500", NOW),
            DeliveryRecord(a0.alert_id, "email", DeliveryStatus.FAILED, 1, "x", NOW),
            DeliveryRecord(a0.alert_id, "teams", DeliveryStatus.DELIVERED, 1, None, NOW),
        ]
    )
    failed = store.failed_deliveries(["slack", "teams"])
    assert [(f.stored.alert_id, f.channel, f.attempts, f.last_error) for f in failed] == [
        (a0.alert_id, "slack", 2, "HTTP 500"),
        (a1.alert_id, "slack", 3, "refused"),
    ]
    assert failed[1].stored.alert == a1 and store.failed_deliveries([]) == []


def test_many_alerts_are_written_in_chunks(store: AlertStore, wh: AlertWarehouse) -> None:
    alerts = [make_alert(day) for day in range(450)]
    store.insert_alerts(alerts, NOW)
    store.insert_alerts(alerts, NOW)
    assert wh.count(store.alerts_relation) == 450
    assert len(store.stored_statuses(a.alert_id for a in alerts)) == 450


def test_warehouse_quoting_refuses_unquotable_schema_names(wh: AlertWarehouse) -> None:
    from model_monitor.errors import WarehouseError

    with pytest.raises(WarehouseError):
        AlertStore(wh.warehouse, schema='bad"name')


def test_execute_rolls_back_every_statement_when_one_fails(
    wh: AlertWarehouse, store: AlertStore
) -> None:
    from model_monitor.errors import WarehouseError

    q = wh.warehouse.quote
    before = wh.count(store.deliveries_relation)
    with pytest.raises(WarehouseError) as info:
        wh.warehouse.execute(
            f"insert into {store.deliveries_relation} ({q('alert_id')}) values ('x')",
            "select * from no_such_table_anywhere",
        )
    assert "\n" not in str(info.value)
    assert wh.count(store.deliveries_relation) == before


def test_store_module_runs_on_the_engine(wh: AlertWarehouse, engine: str) -> None:
    assert wh.warehouse.adapter_type == engine
