"""Which windows realized-performance rules judge: those whose labels changed and are mature.

A scheduled evaluation reads every window's label counts (monitor_label_coverage, the whole
population of each model version) and the label record the previous evaluations left in the
store (monitor_label_evaluations, the latest row per window). A window is judged when its
labels are mature (model_monitor.alerts.maturity) and either it was never judged or its counts
(predictions, labels, duplicate labels) differ from those it was last judged with. Immature
windows are recorded as waiting and judged in the run where they become mature. On a monitor's
first evaluation (no record at all) only the newest mature window of each version is judged;
older mature windows are recorded as the baseline, so that turning the feature on does not
replay the whole history (`evaluate --since` does that).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from model_monitor.alerts.maturity import Maturity
from model_monitor.alerts.store.records import LabelOutcome, LabelRecord
from model_monitor.sql_values import (
    Queryable,
    as_datetime,
    as_int,
    as_str,
)
from model_monitor.tables import names
from model_monitor.tables.reader import Where, optional_relation, select_sql

LabelKey = tuple[str, dt.datetime, str | None]


@dataclass(frozen=True)
class LabelPlan:
    """The windows whose realized performance is judged now, and the records to store."""

    judged: dict[str, frozenset[tuple[dt.datetime, str | None]]]
    states: dict[LabelKey, LabelRecord]  # every window's counts now, by (monitor, start, version)
    records: tuple[LabelRecord, ...] = field(default=())

    def is_judged(self, monitor: str, window_start: dt.datetime, version: str | None) -> bool:
        """Whether this run judges realized performance of that window and version."""
        return (window_start, version) in self.judged.get(monitor, frozenset())

    def state(self, monitor: str, window_start: dt.datetime, version: str | None) -> LabelRecord:
        """The window's label counts now (a version missing: the window's total)."""
        found = self.states.get((monitor, window_start, version))
        if found is not None:
            return found
        rows = [r for k, r in self.states.items() if k[0] == monitor and k[1] == window_start]
        return LabelRecord(
            monitor,
            window_start,
            version,
            sum(r.prediction_count for r in rows),
            sum(r.labeled_count for r in rows),
            sum(r.duplicate_label_count for r in rows),
            LabelOutcome.WAITING,
        )


def load_label_states(
    warehouse: Queryable, monitor: str | None = None
) -> dict[LabelKey, LabelRecord] | None:
    """Return each window's label counts per version; None when the project has no such table."""
    relation = optional_relation(warehouse, names.LABEL_COVERAGE)
    if relation is None:
        return None
    where = Where(warehouse)
    conditions = [*where.whole(), *where.current(), *where.monitor(monitor)]
    columns = (
        "monitor_name",
        "window_start",
        "model_version",
        "prediction_count",
        "labeled_count",
        "duplicate_label_count",
    )
    frame = warehouse.query(select_sql(warehouse, relation, columns, conditions))
    states: dict[LabelKey, LabelRecord] = {}
    for row in frame.to_dict("records"):
        start = as_datetime(row["window_start"])
        if start is None:
            continue
        if start.tzinfo is not None:
            start = start.astimezone(dt.timezone.utc).replace(tzinfo=None)
        record = LabelRecord(
            monitor_name=str(row["monitor_name"]),
            window_start=start,
            model_version=as_str(row["model_version"]),
            prediction_count=as_int(row["prediction_count"]) or 0,
            labeled_count=as_int(row["labeled_count"]) or 0,
            duplicate_label_count=as_int(row["duplicate_label_count"]) or 0,
            outcome=LabelOutcome.WAITING,
        )
        states[record.key] = record
    return states


def plan_label_windows(
    states: Mapping[LabelKey, LabelRecord],
    previous: Mapping[tuple[object, ...], LabelRecord],
    maturity_for: Callable[[str], Maturity],
) -> LabelPlan:
    """Return the windows a scheduled evaluation judges, and the label records it writes."""
    judged: dict[str, set[tuple[dt.datetime, str | None]]] = {}
    records: list[LabelRecord] = []
    known_monitors = {str(key[0]) for key in previous}
    first_run_newest = _newest_mature(states, maturity_for, exclude=known_monitors)
    for key, state in sorted(states.items(), key=lambda item: _sort_key(item[0])):
        monitor = key[0]
        mature = maturity_for(monitor).is_mature(state.labeled_count, state.prediction_count)
        before = previous.get(key)
        if not mature:
            outcome = LabelOutcome.WAITING
        elif monitor not in known_monitors:
            newest = first_run_newest.get((monitor, key[2]))
            outcome = LabelOutcome.JUDGED if key[1] == newest else LabelOutcome.BASELINE
        elif before is None or before.outcome is LabelOutcome.WAITING:
            outcome = LabelOutcome.JUDGED
        elif before.counts != state.counts:
            outcome = LabelOutcome.JUDGED
        else:
            continue  # judged (or the baseline) with these very labels: nothing new
        if outcome is LabelOutcome.JUDGED:
            judged.setdefault(monitor, set()).add((key[1], key[2]))
        if before is None or before.counts != state.counts or before.outcome is not outcome:
            records.append(_with_outcome(state, outcome))
    return _plan(judged, states, records)


def label_windows_in_range(
    states: Mapping[LabelKey, LabelRecord],
    maturity_for: Callable[[str], Maturity],
    evaluated: Mapping[str, Iterable[dt.datetime]],
) -> LabelPlan:
    """Return the plan of an evaluation of chosen windows: those of them that are mature."""
    judged: dict[str, set[tuple[dt.datetime, str | None]]] = {}
    records = []
    chosen = {m: set(starts) for m, starts in evaluated.items()}
    for key, state in sorted(states.items(), key=lambda item: _sort_key(item[0])):
        monitor, start, version = key
        if start not in chosen.get(monitor, ()):
            continue
        if maturity_for(monitor).is_mature(state.labeled_count, state.prediction_count):
            judged.setdefault(monitor, set()).add((start, version))
            records.append(_with_outcome(state, LabelOutcome.JUDGED))
    return _plan(judged, states, records)


def _plan(
    judged: Mapping[str, set[tuple[dt.datetime, str | None]]],
    states: Mapping[LabelKey, LabelRecord],
    records: list[LabelRecord],
) -> LabelPlan:
    return LabelPlan(
        judged={m: frozenset(w) for m, w in judged.items()},
        states=dict(states),
        records=tuple(records),
    )


def _newest_mature(
    states: Mapping[LabelKey, LabelRecord],
    maturity_for: Callable[[str], Maturity],
    exclude: set[str],
) -> dict[tuple[str, str | None], dt.datetime]:
    """The newest mature window per (monitor, version) of monitors never evaluated."""
    newest: dict[tuple[str, str | None], dt.datetime] = {}
    for (monitor, start, version), state in states.items():
        if monitor in exclude:
            continue
        if maturity_for(monitor).is_mature(state.labeled_count, state.prediction_count):
            if start > newest.get((monitor, version), dt.datetime.min):
                newest[(monitor, version)] = start
    return newest


def _with_outcome(state: LabelRecord, outcome: LabelOutcome) -> LabelRecord:
    return LabelRecord(
        state.monitor_name,
        state.window_start,
        state.model_version,
        state.prediction_count,
        state.labeled_count,
        state.duplicate_label_count,
        outcome,
    )


def _sort_key(key: LabelKey) -> tuple[str, dt.datetime, str]:
    return (key[0], key[1], key[2] or "")
