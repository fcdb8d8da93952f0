"""Alert lifecycle over several runs, against a real store and a real local HTTP endpoint."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from alerting_helpers import (
    DAY,
    T0,
    AlertWarehouse,
    alert_warehouse,
    closed_port,
    http_recorder,
    make_alert,
    no_proxies,
)

from model_monitor.alerts.lifecycle import ProcessResult, process_alerts
from model_monitor.alerts.notify import load_channels
from model_monitor.alerts.record import Severity, Status
from model_monitor.alerts.store.alert_store import AlertStore
from model_monitor.alerts.store.records import DeliveryStatus

FAST = {"attempts": 3, "initial_wait": 0.05, "max_wait": 0.2, "timeout": 2, "total_timeout": 8}
SECRET = "xoxb-SECRET-lifecycle-0123456789"
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    no_proxies(monkeypatch)


@pytest.fixture(scope="module")
def wh(engine: str, tmp_path_factory: pytest.TempPathFactory):
    with alert_warehouse(engine, tmp_path_factory.mktemp(f"lifecycle_{engine}")) as handle:
        yield handle


@pytest.fixture
def store(wh: AlertWarehouse) -> AlertStore:
    return AlertStore(wh.warehouse, schema=wh.new_schema("life"))


@pytest.fixture
def server():
    with http_recorder() as recorder:
        yield recorder


def slack(url: str, **extra):
    """A Slack channel posting to url, with quick retries."""
    config = {"type": "slack", "webhook_url_env": "SLACK_URL", **extra}
    return load_channels({"channels": [config], "retry": FAST}, environ={"SLACK_URL": url})


def evaluated(day: int, monitor: str = "churn") -> dict:
    start = T0 + day * DAY
    return {monitor: (start, start + DAY)}


def run(store, channels, day: int, alerts, hours_after: float = 1, **kwargs) -> ProcessResult:
    """Evaluate window `day` at `hours_after` hours past its end."""
    now = T0 + (day + 1) * DAY + dt.timedelta(hours=hours_after)
    kwargs.setdefault("windows", evaluated(day))
    return process_alerts(alerts, store, channels, now, **kwargs)


def statuses(result: ProcessResult) -> list[tuple[str, str]]:
    return [(a.window_start.strftime("%d"), a.status.value) for a in result.alerts]


def delivery_statuses(result: ProcessResult) -> list[str]:
    return [d.delivery_status.value for d in result.deliveries]


def sent_statuses(server) -> list[str]:
    """The lifecycle status of each alert the Slack endpoint received, in order."""
    return [
        block["text"]["text"].split("· ")[1].split("*")[0]
        for request in server.requests
        for block in request.json()["blocks"][1:]
    ]


def test_new_ongoing_suppressed_renotified_resolved_and_new_again(store, server) -> None:
    channels = slack(server.url("/hook"))
    kw = {"cooldown_hours": 36}
    first = run(store, channels, 0, [make_alert(0)], **kw)
    assert statuses(first) == [("01", "new")] and delivery_statuses(first) == ["delivered"]

    within = run(store, channels, 1, [make_alert(1)], **kw)  # 24 h after: inside 36 h
    assert statuses(within) == [("02", "ongoing")] and delivery_statuses(within) == ["suppressed"]

    after = run(store, channels, 2, [make_alert(2)], **kw)  # 48 h after the last delivery
    assert statuses(after) == [("03", "ongoing")] and delivery_statuses(after) == ["delivered"]

    resolved = run(store, channels, 3, [], **kw)
    assert statuses(resolved) == [("04", "resolved")]
    assert delivery_statuses(resolved) == ["delivered"]
    assert resolved.alerts[0].alert_key == make_alert(0).alert_key
    assert resolved.alerts[0].message == "resolved: psi 0.18 >= 0.1"

    quiet = run(store, channels, 4, [], **kw)
    assert quiet.alerts == () and quiet.deliveries == ()

    again = run(store, channels, 5, [make_alert(5)], **kw)
    assert statuses(again) == [("06", "new")] and delivery_statuses(again) == ["delivered"]

    assert sent_statuses(server) == ["new", "ongoing", "resolved", "new"]
    rows = store.load_alerts()
    assert [(s.alert.window_start.day, s.alert.status.value) for s in rows] == [
        (1, "new"),
        (2, "ongoing"),
        (3, "ongoing"),
        (4, "resolved"),
        (6, "new"),
    ]
    deliveries = {d.alert_id: d.delivery_status.value for d in store.load_deliveries()}
    assert [deliveries[s.alert_id] for s in rows] == [
        "delivered",
        "suppressed",
        "delivered",
        "delivered",
        "delivered",
    ]


def test_ongoing_is_renotified_once_the_default_cooldown_has_passed(store, server) -> None:
    channels = slack(server.url("/hook"))
    run(store, channels, 0, [make_alert(0)], hours_after=1)
    early = run(store, channels, 1, [make_alert(1)], hours_after=0.5)  # 23.5 h later
    late = run(store, channels, 2, [make_alert(2)], hours_after=1.5)  # 48.5 h after the first
    assert delivery_statuses(early) == ["suppressed"] and delivery_statuses(late) == ["delivered"]


def test_rerunning_on_the_same_data_writes_and_sends_nothing(store, server, wh) -> None:
    channels = slack(server.url("/hook"))
    alerts = [make_alert(0), make_alert(0, column_name="plan", severity=Severity.CRITICAL)]
    first = run(store, channels, 0, alerts)
    counts = (wh.count(store.alerts_relation), wh.count(store.deliveries_relation))
    second = run(store, channels, 0, alerts, hours_after=5)
    third = run(store, channels, 0, list(reversed(alerts)), hours_after=30)
    assert len(first.written) == 2 and second.written == () and third.written == ()
    assert second.deliveries == () and third.deliveries == ()
    assert [a.status for a in third.alerts] == [Status.NEW, Status.NEW]  # as stored
    assert (wh.count(store.alerts_relation), wh.count(store.deliveries_relation)) == counts
    assert counts == (2, 2) and len(server.requests) == 1

    resolved = run(store, channels, 1, [])
    rerun = run(store, channels, 1, [], hours_after=3)
    assert [a.status for a in resolved.alerts] == [Status.RESOLVED] * 2
    assert rerun.written == () and rerun.alerts == () and rerun.deliveries == ()
    assert wh.count(store.alerts_relation) == 4


def test_failed_delivery_is_recorded_and_delivered_on_the_next_run(store, server) -> None:
    server.answer(500, 500, 500)
    channels = slack(server.url("/hook"))
    first = run(store, channels, 0, [make_alert(0)])
    assert delivery_statuses(first) == ["failed"] and first.failed[0].attempts == 3
    (row,) = store.load_deliveries()
    assert (row.delivery_status, row.attempts) == (DeliveryStatus.FAILED, 3)
    assert row.last_error.startswith("HTTP 500")

    second = run(store, channels, 1, [make_alert(1)])  # the next window still fires
    assert [(d.retry, d.delivery_status.value) for d in second.deliveries] == [
        (True, "delivered"),
        (False, "suppressed"),  # the retry just notified this key: cooldown
    ]
    rows = {r.alert_id: r for r in store.load_deliveries()}
    retried = rows[make_alert(0).alert_id]
    assert (retried.delivery_status, retried.attempts) == (DeliveryStatus.DELIVERED, 4)
    assert sent_statuses(server)[-1] == "new"
    assert store.failed_deliveries(["slack"]) == []


def test_refused_connection_is_delivered_by_the_next_run(store, server) -> None:
    down = slack(f"http://127.0.0.1:{closed_port()}/hook")
    first = run(store, down, 0, [make_alert(0), make_alert(0, column_name="plan")])
    assert delivery_statuses(first) == ["failed", "failed"]
    assert "ConnectError" in first.failed[0].last_error

    up = slack(server.url("/hook"))
    second = run(store, up, 0, [make_alert(0), make_alert(0, column_name="plan")], hours_after=2)
    assert second.written == ()
    assert delivery_statuses(second) == ["delivered", "delivered"]
    assert all(d.retry for d in second.deliveries)
    assert sorted(sent_statuses(server)) == ["new", "new"]
    assert {d.delivery_status for d in store.load_deliveries()} == {DeliveryStatus.DELIVERED}


def test_dry_run_writes_and_sends_nothing(store, server, wh) -> None:
    channels = slack(server.url("/hook"))
    dry = run(store, channels, 0, [make_alert(0)], dry_run=True)
    assert statuses(dry) == [("01", "new")] and delivery_statuses(dry) == ["pending"]
    assert dry.dry_run and len(dry.written) == 1
    assert not store.exists() and server.requests == []

    server.answer(500, 500, 500)
    run(store, channels, 0, [make_alert(0)])
    counts = (wh.count(store.alerts_relation), wh.count(store.deliveries_relation))
    sent = len(server.requests)
    dry = run(store, channels, 1, [make_alert(1)], dry_run=True)
    assert statuses(dry) == [("02", "ongoing")]
    assert [(d.retry, d.delivery_status.value) for d in dry.deliveries] == [
        (True, "pending"),
        (False, "suppressed"),
    ]
    assert (wh.count(store.alerts_relation), wh.count(store.deliveries_relation)) == counts
    assert len(server.requests) == sent


def test_only_a_later_evaluated_window_of_the_same_monitor_resolves(store, server) -> None:
    channels = slack(server.url("/hook"))
    run(store, channels, 1, [make_alert(1)])
    assert run(store, channels, 1, [], hours_after=2).alerts == ()  # same window again
    assert run(store, channels, 0, [], windows=evaluated(0)).alerts == ()  # an older window
    assert run(store, channels, 2, [], windows=evaluated(2, "fraud")).alerts == ()
    assert run(store, channels, 2, [], windows=None).alerts == ()  # no window known
    resolved = run(store, channels, 2, [make_alert(2, monitor_name="fraud")], windows=None)
    assert [(a.monitor_name, a.status) for a in resolved.alerts] == [("fraud", Status.NEW)]
    resolved = run(store, channels, 3, [], windows={**evaluated(3), **evaluated(3, "fraud")})
    assert sorted((a.monitor_name, a.status.value) for a in resolved.alerts) == [
        ("churn", "resolved"),
        ("fraud", "resolved"),
    ]


def test_two_windows_of_one_key_in_one_run(store, server) -> None:
    channels = slack(server.url("/hook"))
    result = run(store, channels, 1, [make_alert(1), make_alert(0)])
    assert statuses(result) == [("01", "new"), ("02", "ongoing")]
    assert delivery_statuses(result) == ["delivered", "suppressed"]


def test_a_channel_gets_only_the_severities_it_asks_for(store, server) -> None:
    channels = slack(server.url("/hook"), min_severity="critical")
    alerts = [make_alert(0), make_alert(0, column_name="plan", severity=Severity.CRITICAL)]
    result = run(store, channels, 0, alerts)
    assert [d.alert.column_name for d in result.deliveries] == ["plan"]
    assert len(store.load_deliveries()) == 1 and len(store.load_alerts()) == 2


def test_aware_timestamps_are_stored_as_naive_utc(store, server) -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    aware = make_alert(0, window_start=T0.replace(tzinfo=dt.timezone.utc).astimezone(paris))
    channels = slack(server.url("/hook"))
    now = (T0 + DAY + HOUR).replace(tzinfo=dt.timezone.utc)
    first = process_alerts([aware], store, channels, now, windows=None)
    assert first.alerts[0].window_start == T0 and first.alerts[0].alert_id == make_alert().alert_id
    assert process_alerts([make_alert(0)], store, channels, now).written == ()
    (stored,) = store.load_alerts()
    assert stored.evaluated_at == T0 + DAY + HOUR


def test_secrets_stay_out_of_output_logs_and_the_table(
    store, server, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    down = slack(f"http://127.0.0.1:{closed_port()}/services/{SECRET}")
    first = run(store, down, 0, [make_alert(0)])
    server.answer(500)
    up = slack(server.url(f"/services/{SECRET}"))
    second = run(store, up, 1, [make_alert(1, severity=Severity.CRITICAL)])
    assert delivery_statuses(first) == ["failed"]
    assert [d.delivery_status.value for d in second.deliveries] == ["delivered", "suppressed"]
    captured = capfd.readouterr()
    stored = [repr(r) for r in store.load_deliveries()] + [repr(a) for a in store.load_alerts()]
    seen = "\n".join([captured.out, captured.err, caplog.text, repr(first), repr(second), *stored])
    assert "***" in seen and SECRET not in seen
