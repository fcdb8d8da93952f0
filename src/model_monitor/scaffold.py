"""Drafting a monitor's configuration for `model-monitor init`, from names, types and a sample.

Each key is guessed by one small rule (`_Guesser`), carrying a note that says why; a key no rule
can fill gets a TODO (required keys are written as null so that dbt stops until they are set).
The draft renders as a YAML list item to paste under `vars: model_monitor: monitors:`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from model_monitor.drift import validate_monitor_name
from model_monitor.errors import ConfigError
from model_monitor.introspect import (
    MAX_LISTED_VALUES,
    SAMPLE_ROWS,
    ColumnProfile,
    Introspectable,
    TableProfile,
    profile_table,
    time_range,
    with_values,
)

ID_WORDS = frozenset({"id", "uuid", "guid"})
PREDICTION_CONTEXT = frozenset(
    {"prediction", "predictions", "request", "inference", "event", "call", "scoring"}
)
TIMESTAMP_STRONG = frozenset(
    {"predicted", "prediction", "scored", "inference", "inferred", "served", "request", "requested"}
)
TIMESTAMP_WEAK = frozenset({"event", "ts", "timestamp", "logged", "created", "time", "at"})
LABEL_TIMESTAMP_WORDS = frozenset(
    {"labeled", "labelled", "label", "observed", "resolved", "arrived", "received", "delivered"}
)
SCORE_STRONG = frozenset({"prob", "proba", "probability", "probabilities"})
SCORE_WEAK = frozenset({"score", "confidence", "likelihood"})
PREDICTION_WORDS = frozenset({"prediction", "predicted", "pred", "yhat", "forecast"})
PREDICTION_NAMES = frozenset(
    {"prediction", "predicted", "pred", "predicted_class", "predicted_label", "predicted_value",
     "y_pred", "y_hat", "yhat"}
)  # fmt: skip
LABEL_WORDS = frozenset({"label", "target", "actual", "truth", "outcome", "observed", "y"})
LATENCY_WORDS = frozenset({"latency", "duration", "elapsed"})
MILLISECOND_WORDS = frozenset({"ms", "millis", "milliseconds", "msec"})
SECOND_WORDS = frozenset({"s", "sec", "secs", "second", "seconds"})
ERROR_STATUS = re.compile(r"err|fail|timeout|timed.?out|exception|abort|reject", re.IGNORECASE)
# Values that the default positive_class (1, 1.0 or true) reads correctly as a binary outcome.
DEFAULT_BINARY_VALUES = frozenset({"0", "1", "0.0", "1.0", "true", "false"})
# A score must have at least this share of its sampled non-null values within [0, 1].
SCORE_SHARE = 0.99
# The package's timestamp literal (macros/config/_scalar_keys.sql, _timestamp_key).
TIMESTAMP_LITERAL = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?$"
)
# Distinct values seen in a sample from which a categorical column is free text or an id.
MANY_DISTINCT = 50


def name_tokens(name: str) -> list[str]:
    """Return a column name's lower-case words: 'predictedAt' and 'predicted_at' alike."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [t for t in re.split(r"[^0-9a-z]+", spaced.lower()) if t]


def _words(column: ColumnProfile) -> set[str]:
    """Return the set of words of a column's name."""
    return set(name_tokens(column.name))


class Probe(Protocol):
    """The queries guessing may need beyond the profiles."""

    def values(self, table: TableProfile, column: ColumnProfile | None) -> ColumnProfile | None:
        """Return the column with its distinct values when the sample has few."""
        ...

    def time_range(
        self, table: TableProfile, column: str
    ) -> tuple[dt.datetime, dt.datetime] | None:
        """Return the first and last value of a timestamp column."""
        ...


@dataclass
class WarehouseProbe:
    """A Probe over a warehouse, sampling as the profiles did."""

    warehouse: Introspectable
    sample_rows: int

    def values(self, table: TableProfile, column: ColumnProfile | None) -> ColumnProfile | None:
        """Return the column with its distinct values listed when few."""
        return with_values(self.warehouse, table, column, self.sample_rows)

    def time_range(
        self, table: TableProfile, column: str
    ) -> tuple[dt.datetime, dt.datetime] | None:
        """Return the first and last value of a timestamp column (a full min/max)."""
        return time_range(self.warehouse, table, column)


@dataclass
class Entry:
    """One key of the draft: a value (scalar, list, or nested entries), why, and what is left."""

    key: str
    value: Any = None
    note: str = ""
    todo: str | None = None
    omit: bool = False  # write only the TODO line, no key
    suggest: bool = False  # write the key commented out: an optional suggestion
    comments: list[str] = field(default_factory=list)  # lines after a mapping's entries


@dataclass
class Draft:
    """A drafted monitor configuration."""

    name: str
    entries: list[Entry]
    header: list[str] = field(default_factory=list)

    def todos(self) -> list[str]:
        """Return 'key: reason' for every TODO, nested keys as parent.key."""
        found: list[str] = []

        def walk(entries: list[Entry], prefix: str) -> None:
            for entry in entries:
                if entry.todo:
                    found.append(f"{prefix}{entry.key}: {entry.todo}")
                if (
                    isinstance(entry.value, list)
                    and entry.value
                    and isinstance(entry.value[0], Entry)
                ):
                    walk(entry.value, f"{prefix}{entry.key}.")

        walk(self.entries, "")
        return found


def _sample_text(table: TableProfile) -> str:
    """Return 'the first N rows' of a table's sample."""
    return f"the first {table.sampled_rows or 0:,} rows"


def _listing(values: Iterable[str]) -> str:
    """Return values as a short comma list."""
    return ", ".join(repr(v) if v == "" else v for v in values)


class _Guesser:
    """The rules, applied in order; `used` holds columns already given a role."""

    def __init__(
        self,
        predictions: TableProfile,
        labels: TableProfile | None,
        reference: TableProfile | None,
        probe: Probe,
    ) -> None:
        self.predictions = predictions
        self.labels = labels
        self.reference = reference
        self.probe = probe
        self.used: set[str] = set()

    def _free(self, kinds: tuple[str, ...] = ("numerical", "categorical")) -> list[ColumnProfile]:
        """Return the predictions' columns without a role, of the given kinds."""
        return [c for c in self.predictions.columns if c.name not in self.used and c.kind in kinds]

    def take(self, column: ColumnProfile | None) -> ColumnProfile | None:
        """Mark a column as used and return it."""
        if column is not None:
            self.used.add(column.name)
        return column

    def id_column(self) -> Entry:
        """The prediction id: an id-like name, unique in the sample, shared with the labels."""
        table = self.predictions
        ranked = []
        for column in self._free():
            words = _words(column)
            named = bool(ID_WORDS & words)
            unique = bool(
                column.non_null and column.non_null == column.distinct == table.sampled_rows
            )
            if not named and not (unique and column.kind == "categorical" and column.distinct != 1):
                continue
            shared = self.labels is not None and self.labels.get(column.name) is not None
            rank = (
                10 * unique
                + 5 * shared
                + 3 * bool(PREDICTION_CONTEXT & words)
                + 2 * (name_tokens(column.name) == ["id"])
                + named
            )
            ranked.append((-rank, table.columns.index(column), column, named, unique, shared))
        if not ranked:
            return Entry(
                "id_column",
                None,
                todo="no column is named like an id (id, uuid, *_id) or unique in "
                + _sample_text(table),
            )
        _, _, column, named, unique, shared = min(ranked, key=lambda r: r[:2])
        self.take(column)
        reasons = ["name looks like an id" if named else "every value distinct"]
        if named:
            reasons.append(
                f"unique in {_sample_text(table)}"
                if unique
                else f"NOT unique in {_sample_text(table)} (duplicates are counted)"
            )
        if shared:
            reasons.append(f"also in {self.labels.name}")  # type: ignore[union-attr]
        return Entry("id_column", column.name, "guessed: " + ", ".join(reasons))

    def timestamp_column(self) -> Entry:
        """The prediction time: the temporal column, by name when there are several."""
        temporal = self._free(("temporal",))
        if not temporal:
            return Entry(
                "timestamp_column",
                None,
                todo="no timestamp or date column in "
                f"{self.predictions.name} (a text timestamp needs a cast in a view)",
            )

        def rank(column: ColumnProfile) -> int:
            words = _words(column)
            return 2 * bool(TIMESTAMP_STRONG & words) + bool(TIMESTAMP_WEAK & words)

        column = sorted(temporal, key=lambda c: -rank(c))[0]
        self.take(column)
        if len(temporal) == 1:
            note = "guessed: the only timestamp column"
        else:
            others = _listing(c.name for c in temporal if c is not column)
            note = f"guessed by name among timestamp columns (also {others})"
        return Entry("timestamp_column", column.name, note)

    def _named(self, words: frozenset[str], kinds: tuple[str, ...]) -> ColumnProfile | None:
        """Return the first free column whose name has one of the words."""
        return next((c for c in self._free(kinds) if words & _words(c)), None)

    def model_version_column(self) -> Entry:
        """The model version: a column named like version."""
        column = self.take(
            self._named(frozenset({"version", "ver"}), ("categorical", "numerical"))
        )
        if column is None:
            return Entry(
                "model_version_column",
                omit=True,
                todo="optional; no column named like version (windows are then not split by "
                "model version)",
            )
        return Entry("model_version_column", column.name, "guessed: name")

    def latency_column(self) -> Entry:
        """Prediction latency in milliseconds: a numeric column named like latency or duration."""
        column = next(
            (
                c
                for c in self._free(("numerical",))
                if LATENCY_WORDS & _words(c) or {"response", "time"} <= _words(c)
            ),
            None,
        )
        if column is None:
            return Entry(
                "latency_column", omit=True, todo="optional; no numeric column named like latency"
            )
        self.take(column)
        if SECOND_WORDS & _words(column):
            return Entry(
                "latency_column",
                column.name,
                todo=f"{column.name} looks like seconds; the package reads milliseconds "
                "(multiply by 1000 in a view)",
            )
        unit = "milliseconds by its name" if MILLISECOND_WORDS & _words(column) else "read as ms"
        return Entry("latency_column", column.name, f"guessed: name; {unit}")

    def status_columns(self) -> list[Entry]:
        """The call status and its error values."""
        column = self._named(frozenset({"status"}), ("categorical", "numerical"))
        if column is None:
            return [Entry("status_column", omit=True, todo="optional; no column named status")]
        self.take(column)
        column = self.probe.values(self.predictions, column)
        entries = [Entry("status_column", column.name, "guessed: name")]  # type: ignore[union-attr]
        values = column.values if column is not None else None
        if values is None:
            entries.append(
                Entry(
                    "error_statuses",
                    omit=True,
                    todo=f"which values of {column.name} are errors? (default [error])",  # type: ignore[union-attr]
                )
            )
            return entries
        errors = [v for v in values if ERROR_STATUS.search(v)]
        seen = f"seen {_listing(values)}"
        if errors == ["error"]:
            entries[0].note += f"; {seen} (the default error_statuses [error] applies)"
        elif errors:
            entries.append(Entry("error_statuses", errors, f"guessed from {seen}"))
        else:
            entries.append(Entry("error_statuses", omit=True, todo=f"which are errors? {seen}"))
        return entries

    def score_column(self) -> ColumnProfile | None:
        """A probability: numeric, named like score or probability, within [0, 1]."""
        candidates = []
        for column in self._free(("numerical",)):
            words = _words(column)
            if not (SCORE_STRONG | SCORE_WEAK) & words:
                continue
            if column.measured and not (
                column.non_null and column.in_unit_interval >= SCORE_SHARE * column.non_null  # type: ignore[operator]
            ):
                continue
            candidates.append(
                (-bool(SCORE_STRONG & words), self.predictions.columns.index(column), column)
            )
        return min(candidates, key=lambda c: c[:2])[2] if candidates else None

    def prediction_column(self) -> ColumnProfile | None:
        """The prediction: a column named like prediction (never a timestamp)."""
        candidates = [
            (-(c.name.lower() in PREDICTION_NAMES), self.predictions.columns.index(c), c)
            for c in self._free()
            if PREDICTION_WORDS & _words(c) or c.name.lower() in PREDICTION_NAMES
        ]
        return min(candidates, key=lambda c: c[:2])[2] if candidates else None

    def label_column(self, table: TableProfile, skip: set[str]) -> tuple[ColumnProfile | None, str]:
        """The label of a labels or reference table: by name, else the only column left."""
        left = [
            c
            for c in table.columns
            if c.name not in skip
            and c.kind in ("numerical", "categorical")
            and not ID_WORDS & _words(c)
        ]
        named = [c for c in left if LABEL_WORDS & _words(c) or c.name.lower() == "y_true"]
        if named:
            return named[0], "guessed: name"
        if len(left) == 1:
            return left[0], "guessed: the only column left"
        return None, ""


def _task(
    prediction: ColumnProfile | None,
    score: ColumnProfile | None,
    label: ColumnProfile | None,
    table: TableProfile,
) -> tuple[str | None, str]:
    """Return the task and why, from the distinct values of the prediction and the label."""
    if prediction is None:
        if score is not None:
            return "binary", f"guessed: a score ({score.name}) and no prediction column"
        return None, "no column named like a prediction or a score"
    if prediction.distinct is None:
        return None, f"the values of {prediction.name} could not be counted"
    if prediction.kind == "numerical" and prediction.distinct > MAX_LISTED_VALUES:
        return "regression", (
            f"guessed: {prediction.name} is numeric with more than {MAX_LISTED_VALUES} distinct "
            f"values in {_sample_text(table)}"
        )
    label_classes = label.distinct if label is not None else None
    if prediction.distinct <= 2 and (label_classes is None or label_classes <= 2):
        seen = f" ({_listing(prediction.values)})" if prediction.values else ""
        return "binary", (
            f"guessed: {prediction.name} has {prediction.distinct} distinct values{seen} in "
            f"{_sample_text(table)}"
        )
    classes = max(prediction.distinct, label_classes or 0)
    return "multiclass", f"guessed: up to {classes} distinct classes in {_sample_text(table)}"


def _is_probability(column: ColumnProfile | None) -> bool:
    """Whether a numeric column's sampled values lie within [0, 1]."""
    return bool(
        column is not None
        and column.kind == "numerical"
        and column.non_null
        and (column.in_unit_interval or 0) >= SCORE_SHARE * column.non_null
    )


def _task_entries(
    task: str | None,
    task_note: str,
    prediction: ColumnProfile | None,
    score: ColumnProfile | None,
    label: ColumnProfile | None,
) -> list[Entry]:
    """The task, prediction, score and positive class keys."""
    if task is None:
        entries = [Entry("task", None, todo=f"binary, multiclass or regression? {task_note}")]
    else:
        entries = [Entry("task", task, task_note)]
    if prediction is not None:
        entries.append(Entry("prediction_column", prediction.name, "guessed: name"))
    elif task in ("multiclass", "regression"):
        entries.append(
            Entry("prediction_column", None, todo=f"required for {task}; none named like one")
        )
    elif task == "binary":
        entries.append(
            Entry(
                "prediction_column",
                omit=True,
                todo="optional; none named like a prediction: the class is score >= 0.5 "
                "(decision_threshold)",
            )
        )
    if score is not None:
        entries.append(
            Entry("score_column", score.name, "guessed: name, sampled values within [0, 1]")
        )
    elif task == "binary":
        entries.append(
            Entry(
                "score_column",
                omit=True,
                todo="optional; no numeric column named like score or probability within [0, 1] "
                "(no AUC, calibration or CBPE estimates without one)",
            )
        )
    if task == "binary":
        seen: set[str] = set()
        for column in (prediction, label):
            if column is not None and column.values is not None:
                seen |= {v.lower() for v in column.values}
        if seen and not seen <= DEFAULT_BINARY_VALUES:
            entries.append(
                Entry(
                    "positive_class",
                    omit=True,
                    todo=f"which value is positive? seen {_listing(sorted(seen))}; the default "
                    "reads 1, 1.0 or true as positive and anything else as negative",
                )
            )
    return entries


def _labels_entry(g: _Guesser, id_name: str | None) -> tuple[Entry, ColumnProfile | None]:
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
        found = next((c for c in table.columns if ID_WORDS & _words(c)), None)
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
    temporal.sort(key=lambda c: -bool(LABEL_TIMESTAMP_WORDS & _words(c)))
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


def _reference_entry(
    g: _Guesser, between: tuple[str, str] | None, ts_name: str | None, label: ColumnProfile | None
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
        return _reference_between(span, ts_name), None
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


def _reference_between(span: tuple[dt.datetime, dt.datetime] | None, column: str) -> Entry:
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


def _features(g: _Guesser, label_name: str | None) -> tuple[Entry, list[str]]:
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
        elif ID_WORDS & _words(column):
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


def default_name(relation: str) -> str:
    """Return a monitor name from a relation's table name: letters, digits, _ . - only."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", relation.split(".")[-1]).strip("_")
    return name or "model"


def draft_monitor(
    predictions: TableProfile,
    probe: Probe,
    labels: TableProfile | None = None,
    reference: TableProfile | None = None,
    between: tuple[str, str] | None = None,
    name: str | None = None,
) -> Draft:
    """Return a drafted configuration for one monitor, each key guessed or marked TODO."""
    if reference is not None and between is not None:
        raise ConfigError("give --reference or --reference-between, not both", key="reference")
    for value in between or ():
        if not TIMESTAMP_LITERAL.match(value):
            raise ConfigError(
                f"expected a timestamp like '2024-01-31' or '2024-01-31 12:00:00'; got {value!r}",
                key="reference-between",
            )
    name = validate_monitor_name(name or default_name(predictions.name))
    g = _Guesser(predictions, labels, reference, probe)
    id_entry = g.id_column()
    ts_entry = g.timestamp_column()
    version_entry = g.model_version_column()
    operations = [g.latency_column(), *g.status_columns()]
    score = g.score_column()
    prediction = g.prediction_column()
    labels_entry, label = _labels_entry(g, id_entry.value)
    reference_entry, reference_label = _reference_entry(g, between, ts_entry.value, label)
    if label is not None:
        label = probe.values(labels, label)  # type: ignore[arg-type]
    elif reference_label is not None:
        label = probe.values(reference, reference_label)  # type: ignore[arg-type]
    prediction = probe.values(predictions, prediction)
    if (
        score is None
        and _is_probability(prediction)
        and (prediction.distinct or 0) > MAX_LISTED_VALUES  # type: ignore[union-attr]
        and label is not None
        and (label.distinct or 0) == 2
    ):
        score, prediction = prediction, None  # a probability named like a prediction
    task, task_note = _task(prediction, score, label, predictions)
    if task == "regression":
        score = None  # score_column is for classification: it stays a feature
    g.take(prediction)
    g.take(score)
    features, slices = _features(g, label.name if label is not None else None)
    entries = [
        Entry("name", name),
        Entry("predictions", predictions.name),
        id_entry,
        ts_entry,
        version_entry,
        *_task_entries(task, task_note, prediction, score, label),
        features,
        labels_entry,
        reference_entry,
        Entry("window_grain", "day", "hour | day | week"),
    ]
    if slices:
        entries.append(
            Entry(
                "slices",
                slices,
                f"optional: segment columns (categorical, 2 to {MAX_LISTED_VALUES} values)",
                suggest=True,
            )
        )
    return Draft(name, entries + operations)


def draft_from_warehouse(
    warehouse: Introspectable,
    predictions: str,
    labels: str | None = None,
    reference: str | None = None,
    between: tuple[str, str] | None = None,
    name: str | None = None,
    sample_rows: int = SAMPLE_ROWS,
) -> Draft:
    """Profile the given tables through the warehouse and draft a monitor for them."""
    if reference is not None and between is not None:
        raise ConfigError("give --reference or --reference-between, not both", key="reference")
    tables = {
        key: profile_table(warehouse, relation, sample_rows) if relation else None
        for key, relation in (
            ("predictions", predictions),
            ("labels", labels),
            ("reference", reference),
        )
    }
    draft = draft_monitor(
        tables["predictions"],  # type: ignore[arg-type]
        WarehouseProbe(warehouse, sample_rows),
        labels=tables["labels"],
        reference=tables["reference"],
        between=between,
        name=name,
    )
    engine = getattr(warehouse, "adapter_type", "the warehouse")
    target = getattr(warehouse, "target", None)
    where = f"{engine} target '{target}'" if target else engine
    draft.header = [
        f"model-monitor init: a draft monitor for {predictions} ({where}), guessed from column "
        f"names, types and the first {sample_rows:,} rows of each table.",
        "Paste the item below under `vars: model_monitor: monitors:` in dbt_project.yml, "
        "indented to match; `dbt build` validates it.",
        "Notes say why a key was guessed: check them. A TODO names what could not be guessed; "
        "a required key stays null until you set it.",
    ]
    unmeasured = [n for t in tables.values() if t is not None for n in t.unmeasured]
    if unmeasured:
        draft.header.append(
            "Not sampled (the adapter cannot quote these names): " + _listing(unmeasured)
        )
    return draft
