"""Alert lifecycle: new, ongoing and resolved alerts, cooldowns, delivery and its record.

One evaluation goes:
1. load the stored state: the latest row per alert_key of the evaluated monitors, when each
   (alert_key, channel) was last delivered, and the deliveries left failed;
2. give each firing alert a status: `ongoing` when its key's latest stored status is new or
   ongoing, else `new`; an alert whose alert_id is stored already keeps its stored status and
   is neither written nor sent again;
3. resolve the keys whose latest stored status is new/ongoing, whose monitor was evaluated at a
   later window, and that do not fire now: a `resolved` alert in the evaluated window;
4. retry the failed deliveries first, then send new and resolved alerts, and ongoing ones only
   when the key was last delivered on that channel at least `cooldown_hours` ago (else the
   delivery is `suppressed`);
5. write the new alerts and every delivery row in one transaction.

Alerts are sent before they are written, so a crash in between sends them again on the next
run rather than losing them (at least once). Timestamps are stored as naive UTC, and incoming
windows are normalized to that before their alert_id is taken.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from model_monitor.alerts.notify import Channel
from model_monitor.alerts.record import Alert, Status
from model_monitor.alerts.store.alert_store import AlertStore
from model_monitor.alerts.store.records import (
    DeliveryRecord,
    DeliveryStatus,
    FailedDelivery,
    LabelRecord,
    StoredAlert,
    naive_utc,
)

logger = logging.getLogger("model_monitor.alerts.lifecycle")

ACTIVE = (Status.NEW, Status.ONGOING)

Window = tuple[dt.datetime, dt.datetime | None]


@dataclass(frozen=True)
class Delivery:
    """One alert on one channel in this run: sent, failed, suppressed, or pending (dry run)."""

    alert: Alert
    alert_id: str
    channel: str
    delivery_status: DeliveryStatus
    attempts: int = 0
    last_error: str | None = None
    retry: bool = False  # a delivery left failed by an earlier run


@dataclass(frozen=True)
class ProcessResult:
    """What an evaluation's alerts became."""

    alerts: tuple[Alert, ...]  # firing and resolved, each with its lifecycle status
    written: tuple[Alert, ...]  # newly recorded (dry run: would be recorded)
    deliveries: tuple[Delivery, ...]
    dry_run: bool = False

    @property
    def failed(self) -> tuple[Delivery, ...]:
        """Deliveries that failed in this run (they are retried on the next one)."""
        return tuple(d for d in self.deliveries if d.delivery_status is DeliveryStatus.FAILED)

    @property
    def delivered(self) -> tuple[Delivery, ...]:
        """Deliveries that went out in this run."""
        return tuple(d for d in self.deliveries if d.delivery_status is DeliveryStatus.DELIVERED)

    @property
    def suppressed(self) -> tuple[Delivery, ...]:
        """Ongoing alerts held back by the cooldown."""
        return tuple(d for d in self.deliveries if d.delivery_status is DeliveryStatus.SUPPRESSED)

    def by_status(self, status: Status) -> tuple[Alert, ...]:
        """This evaluation's alerts with one lifecycle status."""
        return tuple(a for a in self.alerts if a.status is status)


def process_alerts(
    alerts: Iterable[Alert],
    store: AlertStore,
    channels: Sequence[Channel],
    now: dt.datetime,
    cooldown_hours: float = 24,
    dry_run: bool = False,
    *,
    windows: Mapping[str, Window] | None = None,
    rule_windows: Mapping[tuple[str, str], Window | None] | None = None,
    label_records: Sequence[LabelRecord] = (),
    repeat_hidden: Callable[[Alert], bool] | None = None,
) -> ProcessResult:
    """Assign lifecycle statuses, notify, and record alerts and deliveries in the store.

    `windows` maps each evaluated monitor to its evaluated (window_start, window_end): keys of
    a monitor that fired before and no longer do are resolved in that window. Pass every
    monitor evaluated, those without alerts too; when omitted, each monitor's latest alert
    window stands in, so a monitor with no alert at all resolves nothing.
    `rule_windows` overrides that window per (monitor, rule): the rules that judge the windows
    whose labels matured resolve in the newest of those judged now, and not at all (None) when
    none was. `label_records` are stored with the alerts. An alert for which `repeat_hidden`
    holds is left out of the result when its alert_id is stored already (found before).
    With `dry_run`, nothing is written or sent: the result shows what would be.
    """
    now = naive_utc(now)
    cooldown = dt.timedelta(hours=cooldown_hours)
    firing = _normalized(alerts)
    evaluated = _evaluated_windows(firing, windows)
    monitors = {a.monitor_name for a in firing} | set(evaluated)

    if dry_run:
        readable = store.exists()
    else:
        store.ensure_tables()
        readable = True
    latest = store.latest_alerts(monitors) if readable else {}
    notified = store.last_notified(monitors) if readable else {}
    failed = store.failed_deliveries(c.name for c in channels) if readable else []

    current = _with_statuses(firing, latest)
    current += _resolved(firing, latest, evaluated, rule_windows or {})
    stored = store.stored_statuses(a.alert_id for a in current) if readable else {}
    fresh = [a for a in current if a.alert_id not in stored]
    hidden = repeat_hidden or (lambda _alert: False)
    reported = tuple(
        replace(a, status=stored[a.alert_id]) if a.alert_id in stored else a
        for a in current
        if not (a.alert_id in stored and hidden(a))
    )

    deliveries = _retry_failed(failed, channels, now, dry_run, notified)
    deliveries += _notify(fresh, channels, now, cooldown, dry_run, notified)

    if not dry_run:
        earlier = {(f.stored.alert_id, f.channel): f for f in failed}
        records = [_record(d, now, earlier) for d in deliveries]
        store.save(fresh, records, evaluated_at=now, label_records=label_records)
    logger.info(
        "%d alert(s): %d new record(s); %d delivered, %d failed, %d suppressed%s",
        len(reported),
        len(fresh),
        sum(d.delivery_status is DeliveryStatus.DELIVERED for d in deliveries),
        sum(d.delivery_status is DeliveryStatus.FAILED for d in deliveries),
        sum(d.delivery_status is DeliveryStatus.SUPPRESSED for d in deliveries),
        " (dry run)" if dry_run else "",
    )
    return ProcessResult(
        alerts=reported, written=tuple(fresh), deliveries=tuple(deliveries), dry_run=dry_run
    )


def _normalized(alerts: Iterable[Alert]) -> list[Alert]:
    """Windows as naive UTC, one alert per alert_id (the most severe), oldest window first."""
    by_id: dict[str, Alert] = {}
    for alert in alerts:
        end = alert.window_end
        alert = replace(
            alert,
            window_start=naive_utc(alert.window_start),
            window_end=None if end is None else naive_utc(end),
        )
        kept = by_id.get(alert.alert_id)
        if kept is None or alert.severity.rank > kept.severity.rank:
            by_id[alert.alert_id] = alert
    return sorted(by_id.values(), key=lambda a: a.window_start)


def _evaluated_windows(
    firing: Sequence[Alert], windows: Mapping[str, Window] | None
) -> dict[str, Window]:
    if windows is not None:
        return {
            monitor: (naive_utc(start), None if end is None else naive_utc(end))
            for monitor, (start, end) in windows.items()
        }
    derived: dict[str, Window] = {}
    for alert in firing:  # oldest first: the last one per monitor wins
        derived[alert.monitor_name] = (alert.window_start, alert.window_end)
    return derived


def _with_statuses(firing: Sequence[Alert], latest: Mapping[str, StoredAlert]) -> list[Alert]:
    """new, or ongoing when the key's latest known status is new/ongoing."""
    state = {key: stored.alert.status for key, stored in latest.items()}
    result = []
    for alert in firing:  # oldest window first, so a key firing in two windows goes on
        status = Status.ONGOING if state.get(alert.alert_key) in ACTIVE else Status.NEW
        result.append(alert.with_status(status))
        state[alert.alert_key] = status
    return result


def _resolved(
    firing: Sequence[Alert],
    latest: Mapping[str, StoredAlert],
    evaluated: Mapping[str, Window],
    rule_windows: Mapping[tuple[str, str], Window | None],
) -> list[Alert]:
    """Active keys of an evaluated monitor that do not fire now, resolved in its window."""
    firing_keys = {a.alert_key for a in firing}
    resolved = []
    for key, stored in sorted(latest.items()):
        previous = stored.alert
        rule_key = (previous.monitor_name, previous.rule_name)
        if rule_key in rule_windows:
            window = rule_windows[rule_key]
            if window is not None:
                window = (naive_utc(window[0]), None if window[1] is None else naive_utc(window[1]))
        else:
            window = evaluated.get(previous.monitor_name)
        if window is None or key in firing_keys or previous.status not in ACTIVE:
            continue
        if window[0] <= previous.window_start:
            continue  # an older (or the same) window re-evaluated: nothing to conclude
        resolved.append(
            replace(
                previous,
                window_start=window[0],
                window_end=window[1],
                status=Status.RESOLVED,
                observed_value=None,
                message=f"resolved: {previous.message}",
            )
        )
    return resolved


def _retry_failed(
    failed: Sequence[FailedDelivery],
    channels: Sequence[Channel],
    now: dt.datetime,
    dry_run: bool,
    notified: dict[tuple[str, str], dt.datetime],
) -> list[Delivery]:
    """Send again what earlier runs could not deliver."""
    deliveries: list[Delivery] = []
    for channel in channels:
        pending = [f for f in failed if f.channel == channel.name]
        if not pending:
            continue
        if dry_run:
            deliveries += [
                Delivery(
                    f.stored.alert,
                    f.stored.alert_id,
                    channel.name,
                    DeliveryStatus.PENDING,
                    retry=True,
                )
                for f in pending
            ]
            for f in pending:  # as a real run would if the retry goes through
                notified[(f.stored.alert.alert_key, channel.name)] = now
            continue
        by_id = {f.stored.alert.alert_id: f for f in pending}
        for outcome in channel.deliver([f.stored.alert for f in pending]):
            for alert_id in outcome.alert_ids:
                stored = by_id[alert_id].stored
                deliveries.append(
                    Delivery(
                        alert=stored.alert,
                        alert_id=stored.alert_id,
                        channel=channel.name,
                        delivery_status=(
                            DeliveryStatus.DELIVERED if outcome.delivered else DeliveryStatus.FAILED
                        ),
                        attempts=outcome.attempts,
                        last_error=outcome.error,
                        retry=True,
                    )
                )
                if outcome.delivered:
                    notified[(stored.alert.alert_key, channel.name)] = now
    return deliveries


def _notify(
    fresh: Sequence[Alert],
    channels: Sequence[Channel],
    now: dt.datetime,
    cooldown: dt.timedelta,
    dry_run: bool,
    notified: dict[tuple[str, str], dt.datetime],
) -> list[Delivery]:
    """Send new and resolved alerts, and ongoing ones past the cooldown; suppress the rest."""
    deliveries: list[Delivery] = []
    for channel in channels:
        decided: dict[str, Delivery] = {}  # by alert_id, in the order of `fresh`
        to_send: list[Alert] = []
        for alert in fresh:
            if not channel.accepts(alert):
                continue
            last = notified.get((alert.alert_key, channel.name))
            if alert.status is Status.ONGOING and last is not None and now - last < cooldown:
                status = DeliveryStatus.SUPPRESSED
            else:
                status = DeliveryStatus.PENDING
                to_send.append(alert)
                # A later window of the same key in this run is within this one's cooldown.
                notified[(alert.alert_key, channel.name)] = now
            decided[alert.alert_id] = Delivery(alert, alert.alert_id, channel.name, status)
        if to_send and not dry_run:
            for outcome in channel.deliver(to_send):
                status = DeliveryStatus.DELIVERED if outcome.delivered else DeliveryStatus.FAILED
                for alert_id in outcome.alert_ids:
                    decided[alert_id] = replace(
                        decided[alert_id],
                        delivery_status=status,
                        attempts=outcome.attempts,
                        last_error=outcome.error,
                    )
        deliveries += decided.values()
    return deliveries


def _record(
    delivery: Delivery,
    now: dt.datetime,
    earlier_failures: Mapping[tuple[str, str], FailedDelivery],
) -> DeliveryRecord:
    """The stored row of a delivery; a retry adds to the earlier attempts and keeps the error."""
    attempts, error = delivery.attempts, delivery.last_error
    if delivery.retry:
        earlier = earlier_failures.get((delivery.alert_id, delivery.channel))
        if earlier is not None:
            attempts += earlier.attempts
            error = error or earlier.last_error
    return DeliveryRecord(
        alert_id=delivery.alert_id,
        channel=delivery.channel,
        delivery_status=delivery.delivery_status,
        attempts=attempts,
        last_error=error,
        updated_at=now,
    )
