"""The snapshot's records: the exported windows and their samples, one per family and labels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from model_monitor.export.families import FAMILIES
from model_monitor.sql_values import as_str


@dataclass(frozen=True)
class ExportWindow:
    """The window exported for one monitor."""

    monitor_name: str
    window_start: dt.datetime
    window_end: dt.datetime | None


@dataclass(frozen=True)
class Sample:
    """One value of a metric family under one set of label values (in the family's order)."""

    family: str
    labels: tuple[str, ...]
    value: float


@dataclass
class Snapshot:
    """The samples of the exported windows, in a stable order, one per family and label set."""

    windows: list[ExportWindow]
    samples: list[Sample] = field(default_factory=list)
    # Samples dropped because another had the same labels: only when a slice column holds both
    # NULL and '' (both export as an empty label); the first one read is kept.
    duplicates: int = 0

    def by_family(self) -> dict[str, list[Sample]]:
        """Return the samples by family, in FAMILIES order (families without samples too)."""
        grouped: dict[str, list[Sample]] = {name: [] for name in FAMILIES}
        for sample in self.samples:
            grouped[sample.family].append(sample)
        return grouped


def label_text(value: Any) -> str:
    """Return a label value: text as is, NULL as '', a timestamp in ISO 8601."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = as_str(value)
    return "" if text is None else text
