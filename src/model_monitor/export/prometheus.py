"""A metrics snapshot in the Prometheus text exposition format, through prometheus_client.

The library names, escapes and formats; this module only maps a `Snapshot` onto gauge families
named `model_monitor_<metric>`. Samples carry no timestamp (the node exporter's textfile
collector rejects them); the window is in the `window_start` label and in
`model_monitor_window_end_timestamp_seconds`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, push_to_gateway, write_to_textfile
from prometheus_client.core import GaugeMetricFamily, Metric

from model_monitor.errors import ModelMonitorError
from model_monitor.export.families import FAMILIES
from model_monitor.export.snapshot import Snapshot

PREFIX = "model_monitor_"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class ExportError(ModelMonitorError):
    """The exported metrics cannot be written or pushed."""


class SnapshotCollector:
    """A prometheus_client collector yielding one gauge family per metric of a snapshot."""

    def __init__(self, snapshot: Snapshot) -> None:
        """Keep the snapshot; collect() reads it each time the registry is rendered."""
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        """Yield the gauge families that have samples, in the snapshot's order."""
        for name, samples in self.snapshot.by_family().items():
            if not samples:
                continue
            family = FAMILIES[name]
            gauge = GaugeMetricFamily(PREFIX + name, family.help, labels=family.labels)
            for sample in samples:
                gauge.add_metric(sample.labels, sample.value)
            yield gauge


def registry_for(snapshot: Snapshot) -> CollectorRegistry:
    """Return a registry holding only the snapshot's metrics (no process or Python metrics)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(snapshot))
    return registry


def render(snapshot: Snapshot) -> str:
    """Return the snapshot in the Prometheus text format (version 0.0.4)."""
    return generate_latest(registry_for(snapshot)).decode("utf-8")


def write_textfile(snapshot: Snapshot, path: Path) -> None:
    """Write the snapshot to `path` atomically: a temporary file beside it, then a rename.

    The node exporter's textfile collector reads only `*.prom` files, so it never sees the
    temporary file half-written.
    """
    if path.is_dir():
        raise ExportError(f"{path} is a directory; give a file name ending in .prom", key="out")
    try:
        write_to_textfile(os.fspath(path), registry_for(snapshot))
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}", key="out") from None


def push(snapshot: Snapshot, gateway: str, job: str, timeout: float = 30.0) -> None:
    """Replace the metrics of `job` on a Pushgateway with the snapshot (HTTP PUT)."""
    try:
        push_to_gateway(gateway, job=job, registry=registry_for(snapshot), timeout=timeout)
    except OSError as exc:  # urllib's URLError and HTTPError are OSErrors
        reason = getattr(exc, "reason", None) or exc
        raise ExportError(f"cannot push to {gateway}: {reason}", key="push_gateway") from None
