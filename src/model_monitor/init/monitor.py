"""Drafting a monitor's configuration for `model-monitor init`, from names, types and a sample.

Each key is guessed by one small rule (`ColumnGuesser`), carrying a note that says why; a key no
rule can fill gets a TODO (required keys are written as null so that dbt stops until they are set).
The draft renders (commented_yaml.py) as a YAML list item to paste under
`vars: model_monitor: monitors:`.
"""

from __future__ import annotations

import re

from model_monitor.errors import ConfigError
from model_monitor.init.advice import check_positive_rate
from model_monitor.init.columns import ColumnGuesser
from model_monitor.init.draft import Draft, Entry, listing
from model_monitor.init.introspect import (
    MAX_LISTED_VALUES,
    SAMPLE_ROWS,
    Introspectable,
    TableProfile,
    profile_table,
)
from model_monitor.init.probe import Probe, WarehouseProbe
from model_monitor.init.sections import draft_features, draft_labels, draft_reference
from model_monitor.init.task import guess_task, is_probability, task_entries
from model_monitor.init.vocabulary import TIMESTAMP_LITERAL
from model_monitor.sql_values import validate_monitor_name


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
    decision_threshold: float | None = None,
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
    g = ColumnGuesser(predictions, labels, reference, probe)
    id_entry = g.id_column()
    ts_entry = g.timestamp_column()
    version_entry = g.model_version_column()
    operations = [g.latency_column(), *g.status_columns()]
    score = g.score_column()
    prediction = g.prediction_column()
    labels_entry, label = draft_labels(g, id_entry.value)
    reference_entry, reference_label = draft_reference(g, between, ts_entry.value, label)
    if label is not None:
        label = probe.values(labels, label)  # type: ignore[arg-type]
    elif reference_label is not None:
        label = probe.values(reference, reference_label)  # type: ignore[arg-type]
    prediction = probe.values(predictions, prediction)
    if (
        score is None
        and is_probability(prediction)
        and (prediction.distinct or 0) > MAX_LISTED_VALUES  # type: ignore[union-attr]
        and label is not None
        and (label.distinct or 0) == 2
    ):
        score, prediction = prediction, None  # a probability named like a prediction
    task, task_note = guess_task(prediction, score, label, predictions)
    if task == "regression":
        score = None  # score_column is for classification: it stays a feature
    g.take(prediction)
    g.take(score)
    features, slices = draft_features(g, label.name if label is not None else None)
    entries = [
        Entry("name", name),
        Entry("predictions", predictions.name),
        id_entry,
        ts_entry,
        version_entry,
        *task_entries(task, task_note, prediction, score, label),
        features,
        labels_entry,
        reference_entry,
        Entry("window_grain", "day", "hour | day | week"),
    ]
    if decision_threshold is not None:
        if task != "binary" or score is None:
            raise ConfigError(
                "applies to a binary task with a score column; the draft has task "
                f"{task or 'unknown'}" + ("" if score is not None else " and no score column"),
                key="decision-threshold",
            )
        at = next(i for i, e in enumerate(entries) if e.key == "score_column") + 1
        given = Entry("decision_threshold", decision_threshold, "from --decision-threshold")
        entries.insert(at, given)
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
    decision_threshold: float | None = None,
) -> Draft:
    """Profile the given tables through the warehouse and draft a monitor for them, with the
    positive rate check of a binary task (advice.py)."""
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
        decision_threshold=decision_threshold,
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
            "Not sampled (the adapter cannot quote these names): " + listing(unmeasured)
        )
    if not any(t.startswith("positive_class:") for t in draft.todos()):
        check = check_positive_rate(
            warehouse, draft.config(), tables, sample_rows, decision_threshold
        )
        if check is not None:
            draft.advice = check.lines()
            draft.header += draft.advice
            if check.suggested is not None:
                note = "suggested: predicts positives at the reference's label prevalence"
                draft.insert_after(
                    "score_column",
                    Entry("decision_threshold", check.suggested, note, suggest=True),
                )
    return draft
