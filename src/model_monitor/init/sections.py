"""The mappings drafted from the other tables (labels, reference) and the features left over."""

from __future__ import annotations

import datetime as dt

from model_monitor.init.columns import ColumnGuesser
from model_monitor.init.draft import Entry
from model_monitor.init.introspect import MAX_LISTED_VALUES, ColumnProfile
from model_monitor.init.vocabulary import (
    ID_WORDS,
    LABEL_TIMESTAMP_WORDS,
    MANY_DISTINCT,
    name_words,
)


def draft_labels(g: ColumnGuesser, id_name: str | None) -> tuple[Entry, ColumnProfile | None]:
    """The labels mapping: id (the predictions' id name when present), timestamp and label."""
    table = g.labels
    if table is None:
        return Entry(
            "labels",
            omit=True,
            todo="optional; no --labels given (no realized performance without labels)",
        ), None
    children = [Entry("relation", table.name)]
    label_id: str | None = None
    if id_name is not None and table.get(id_name) is not None:
        label_id = id_name
        children.append(Entry("id_column", id_name, "guessed: same name as in the predictions"))
    else:
        found = next((c for c in table.columns if ID_WORDS & name_words(c)), None)
        if found is not None:
            label_id = found.name
            children.append(
                Entry(
                    "id_column", found.name, f"guessed: name; check it holds {id_name or 'the id'}"
                )
            )
        else:
            children.append(
                Entry("id_column", omit=True, todo=f"no column of {table.name} named like an id")
            )
    temporal = [c for c in table.columns if c.kind == "temporal"]
    temporal.sort(key=lambda c: -bool(LABEL_TIMESTAMP_WORDS & name_words(c)))
    if temporal:
        note = "guessed: the only timestamp column" if len(temporal) == 1 else "guessed: name"
        children.append(Entry("timestamp_column", temporal[0].name, note))
    else:
        children.append(
            Entry(
                "timestamp_column",
                omit=True,
                todo="optional; no timestamp column (late labels then recompute every window "
                "within label_lookback_windows)",
            )
        )
    skip = {n for n in (label_id, temporal[0].name if temporal else None) if n}
    label, why = g.label_column(table, skip)
    if label is None:
        children.append(
            Entry("label_column", None, todo=f"which column of {table.name} holds the label?")
        )
    else:
        children.append(Entry("label_column", label.name, why))
    return Entry("labels", children), label


def draft_reference(
    g: ColumnGuesser,
    between: tuple[str, str] | None,
    ts_name: str | None,
    label: ColumnProfile | None,
) -> tuple[Entry, ColumnProfile | None]:
    """The reference: the given relation (with its label) or range, else the first week."""
    table = g.reference
    if between is not None:
        return Entry(
            "reference", [Entry("between", list(between), "from --reference-between")]
        ), None
    if table is None:
        if ts_name is None:
            return Entry(
                "reference", None, todo="no --reference and no prediction time to pick a range"
            ), None
        span = g.probe.time_range(g.predictions, ts_name)
        return first_days_reference(span, ts_name), None
    children = [Entry("relation", table.name)]
    found: ColumnProfile | None = None
    if label is not None and table.get(label.name) is not None:
        found, why = table.get(label.name), "guessed: same name as in the labels"
    else:
        found, why = g.label_column(table, set(g.predictions.names))
    if found is not None:
        children.append(Entry("label_column", found.name, why))
    else:
        children.append(
            Entry(
                "label_column",
                omit=True,
                todo=f"optional; no label-like column in {table.name} (no reference performance)",
            )
        )
    return Entry("reference", children), found


def first_days_reference(span: tuple[dt.datetime, dt.datetime] | None, column: str) -> Entry:
    """A reference guessed as the first week (at most half) of the predictions."""
    if span is None:
        return Entry("reference", None, todo="no --reference, and the predictions are empty")
    first, last = span
    start = dt.datetime.combine(first.date(), dt.time())
    days = max(1, min(7, (last - start).days // 2))
    end = start + dt.timedelta(days=days)
    note = (
        f"guessed: the first {days} day{'s' if days > 1 else ''} of predictions ({column} runs "
        f"from {first:%Y-%m-%d} to {last:%Y-%m-%d}); choose a period the model was healthy"
    )
    return Entry(
        "reference", [Entry("between", [start.date().isoformat(), end.date().isoformat()], note)]
    )


def draft_features(g: ColumnGuesser, label_name: str | None) -> tuple[Entry, list[str]]:
    """The remaining columns with their kinds, what was left out and why; slice candidates."""
    children: list[Entry] = []
    left_out: list[str] = []
    slices: list[str] = []
    for column in g.predictions.columns:
        if column.name in g.used:
            continue
        why = ""
        if column.name == label_name:
            why = "the label"
        elif column.kind not in ("numerical", "categorical"):
            why = f"type {column.data_type} has no kind; add it as numerical or categorical"
        elif ID_WORDS & name_words(column):
            why = "looks like an identifier"
        elif (
            column.kind == "categorical"
            and (column.distinct or 0) > MANY_DISTINCT
            and column.distinct == column.non_null
        ):
            why = "every sampled value distinct: free text or an identifier"
        elif g.reference is not None and g.reference.get(column.name) is None:
            why = f"not in {g.reference.name}, which must hold every feature"
        if why:
            left_out.append(f"left out: {column.name} ({why})")
            continue
        children.append(Entry(column.name, column.kind, column.data_type))
        if column.kind == "categorical" and 2 <= (column.distinct or 0) <= MAX_LISTED_VALUES:
            slices.append(column.name)
    if not children:
        return Entry(
            "features",
            omit=True,
            todo="no column left to watch; list features as name: numerical|categorical",
            comments=left_out,
        ), []
    return Entry("features", children, comments=left_out), slices[:3]
