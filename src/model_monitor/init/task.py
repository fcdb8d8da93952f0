"""The task and the keys that follow from it: prediction, score and positive class."""

from __future__ import annotations

from model_monitor.init.draft import Entry, listing, sample_text
from model_monitor.init.introspect import MAX_LISTED_VALUES, ColumnProfile, TableProfile
from model_monitor.init.vocabulary import DEFAULT_BINARY_VALUES, SCORE_SHARE


def guess_task(
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
            f"values in {sample_text(table)}"
        )
    label_classes = label.distinct if label is not None else None
    if prediction.distinct <= 2 and (label_classes is None or label_classes <= 2):
        seen = f" ({listing(prediction.values)})" if prediction.values else ""
        return "binary", (
            f"guessed: {prediction.name} has {prediction.distinct} distinct values{seen} in "
            f"{sample_text(table)}"
        )
    classes = max(prediction.distinct, label_classes or 0)
    return "multiclass", f"guessed: up to {classes} distinct classes in {sample_text(table)}"


def is_probability(column: ColumnProfile | None) -> bool:
    """Whether a numeric column's sampled values lie within [0, 1]."""
    return bool(
        column is not None
        and column.kind == "numerical"
        and column.non_null
        and (column.in_unit_interval or 0) >= SCORE_SHARE * column.non_null
    )


def task_entries(
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
                    todo=f"which value is positive? seen {listing(sorted(seen))}; the default "
                    "reads 1, 1.0 or true as positive and anything else as negative",
                )
            )
    return entries
