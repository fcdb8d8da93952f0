"""A snapshot of one window's metrics per monitor, read from the metric tables for export.

Every value becomes a `Sample`: a metric family (named after the table column it comes from),
its labels and a finite or infinite float. NULL values (undefined metrics) give no sample. The
snapshot is format-neutral; `model_monitor.export.prometheus` renders it.
"""

from __future__ import annotations

import datetime as dt

from model_monitor.export.families import (
    COVERAGE_FAMILIES,
    FAMILIES,
    OPERATIONS_FAMILIES,
    WINDOW_END_FAMILY,
)
from model_monitor.export.samples import (
    drift_samples,
    performance_samples,
    quality_samples,
    window_table_samples,
)
from model_monitor.export.snapshot import Sample, Snapshot, label_text
from model_monitor.export.windows import export_windows
from model_monitor.sql_values import Queryable
from model_monitor.tables import names


def _unix_seconds(value: dt.datetime) -> float:
    """Return Unix time of a datetime; a naive one is read as UTC, as the package cuts windows."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.timestamp()


def _deduplicated(samples: list[Sample]) -> tuple[list[Sample], int]:
    """Return samples sorted by family order and labels, one per family and label set."""
    order = {name: position for position, name in enumerate(FAMILIES)}
    ordered = sorted(samples, key=lambda s: (order[s.family], s.labels))
    kept: list[Sample] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for sample in ordered:
        key = (sample.family, sample.labels)
        if key not in seen:
            seen.add(key)
            kept.append(sample)
    return kept, len(ordered) - len(kept)


def load_snapshot(
    warehouse: Queryable,
    monitor: str | None = None,
    window: dt.datetime | dt.date | None = None,
    slices: bool = True,
) -> Snapshot:
    """Return every metric of the latest window (or `window`) of each monitor as samples."""
    windows = export_windows(warehouse, monitor, window)
    if not windows:
        return Snapshot(windows=[])
    samples = [
        Sample(
            WINDOW_END_FAMILY.name,
            (w.monitor_name, label_text(w.window_start)),
            _unix_seconds(w.window_end),
        )
        for w in windows
        if w.window_end is not None
    ]
    samples += quality_samples(warehouse, windows, slices)
    samples += drift_samples(warehouse, windows, slices)
    samples += performance_samples(warehouse, windows, slices)
    samples += window_table_samples(
        warehouse, names.LABEL_COVERAGE, COVERAGE_FAMILIES, windows, slices
    )
    samples += window_table_samples(
        warehouse, names.OPERATIONS, OPERATIONS_FAMILIES, windows, slices
    )
    kept, duplicates = _deduplicated(samples)
    return Snapshot(windows=windows, samples=kept, duplicates=duplicates)
